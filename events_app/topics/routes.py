from events_app.topics import bp


@bp.route("/topics")
def index():
    return "topics"
