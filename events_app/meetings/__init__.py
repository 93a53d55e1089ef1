"""Recording meetings (the form) and browsing them (the history view)."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from events_app.meetings import revision_routes, routes  # noqa: E402,F401
