"""Topics: the index and the history of each topic."""

from flask import Blueprint

bp = Blueprint("topics", __name__)

from events_app.topics import routes  # noqa: E402,F401
