"""Sign-in, first-run set-up, roles and user management."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from events_app.auth import admin_pages, routes  # noqa: E402,F401
