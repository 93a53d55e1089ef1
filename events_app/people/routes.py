from events_app.people import bp


@bp.route("/people")
def people_index():
    return "people"


@bp.route("/organizations")
def organizations_index():
    return "organizations"
