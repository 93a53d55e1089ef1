from flask import redirect, url_for

from events_app.meetings import bp


@bp.route("/")
def home():
    return redirect(url_for("meetings.index"))


@bp.route("/meetings")
def index():
    return "meetings"


@bp.route("/meetings/<int:meeting_id>")
def show(meeting_id):
    return "meeting"


@bp.route("/meetings/new")
def new():
    return "new"
