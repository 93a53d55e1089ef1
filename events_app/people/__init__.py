"""People and organizations: index pages and the history of each."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from events_app.people import duplicates, routes  # noqa: E402,F401
