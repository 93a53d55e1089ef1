"""Calendar files: single-meeting downloads and feeds."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from events_app.calendar import routes  # noqa: E402,F401
