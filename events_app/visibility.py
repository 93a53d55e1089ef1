"""The one rule for which meetings a viewer may see.

Every page, count, filter, feed, download and export starts from
`visible_meetings_for(user)`; a meeting outside it answers 404 exactly like one
that does not exist, so its existence is never confirmed.
"""

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.sql.elements import ColumnElement

from events_app.extensions import db
from events_app.models import Meeting
from events_app.models.choices import Confidentiality


def visible_confidentialities_for(user) -> list[str] | None:
    """Confidentiality levels the user may read; None means all of them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return [Confidentiality.PUBLIC.value]
    if getattr(user, "is_admin", False):
        return None
    return [Confidentiality.PUBLIC.value, Confidentiality.INTERNAL.value]


def meeting_visibility_clause(user) -> ColumnElement[bool]:
    """SQL condition on Meeting that is true exactly for meetings the user may see."""
    levels = visible_confidentialities_for(user)
    if levels is None:
        return Meeting.id.is_not(None)
    return Meeting.confidentiality.in_(levels)


def visible_meetings_for(user) -> Select[tuple[Meeting]]:
    """A select of the meetings the user may see, to be filtered and ordered further."""
    return select(Meeting).where(meeting_visibility_clause(user))


def visible_meeting_or_404(user, meeting_id: int) -> Meeting:
    """The meeting if the user may see it; 404 whether it is hidden or missing."""
    meeting = db.session.scalar(
        visible_meetings_for(user).where(Meeting.id == meeting_id)
    )
    if meeting is None:
        abort(404)
    return meeting


class Operator:
    """The person at the command line: they hold the database, so they see everything."""

    is_authenticated = True
    is_admin = True


OPERATOR = Operator()
