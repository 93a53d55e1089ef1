"""Follow-ups: the outcomes of meetings that someone owns or that fall due.

The list (`/follow-ups`) and its filters, marking one done or dropped (a new
revision of its meeting), the due ones on the home page, and a private
calendar feed of the open ones.
"""

from flask import Blueprint

bp = Blueprint("follow_ups", __name__)

from events_app.follow_ups import routes  # noqa: E402,F401
