"""The interface's language: chosen for each request, and where it is chosen."""

from flask import Blueprint

bp = Blueprint("language", __name__)

from events_app.language import (  # noqa: E402,F401  (registers views and globals)
    interface,
    routes,
)
