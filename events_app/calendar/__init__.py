"""Calendar files: single-meeting downloads, feeds, and the import of .ics files."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from events_app.calendar import import_routes, routes  # noqa: E402,F401
