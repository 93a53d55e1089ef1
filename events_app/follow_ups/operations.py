"""Marking a follow-up done or dropped, or reopening it: a revision of its meeting.

The change goes the way every meeting save goes (events_app/meetings/
operations.py): the meeting must still be at the revision the list showed
(`claim_for_saving`), and the new state is kept as a revision and audited
field by field. The meeting's calendar SEQUENCE stays: its event does not
change (the follow-ups feed numbers its events by the meeting's revision).
"""

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from events_app.extensions import db
from events_app.interchange.json_format import meeting_to_record
from events_app.meetings.operations import (
    ChangedMeanwhile,
    MeetingSaveError,
    claim_for_saving,
    keep_revision,
)
from events_app.models import Outcome
from events_app.models.choices import OutcomeStatus
from events_app.models.meetings import utc_now

# The revision action (and audit event "meeting_<action>") of each new status.
ACTIONS = {
    OutcomeStatus.DONE: "follow_up_done",
    OutcomeStatus.DROPPED: "follow_up_dropped",
    OutcomeStatus.OPEN: "follow_up_reopened",
}


def mark_follow_up(outcome: Outcome, status: str, started_from: int) -> bool:
    """Give the follow-up this status, if its meeting is still at `started_from`.

    Done and dropped set the completion day (today); reopening clears it.
    Returns False when it already had the status (nothing is written). Raises
    ChangedMeanwhile (nothing kept) when the meeting was saved, trashed or
    purged since, and MeetingSaveError when the database refuses the write.
    """
    meeting = outcome.meeting
    try:
        claim_for_saving(meeting, started_from)
        if outcome.status == status:
            db.session.rollback()
            return False
        with db.session.no_autoflush:
            before = meeting_to_record(meeting)
        outcome.status = status
        outcome.completed_on = (
            None if status == OutcomeStatus.OPEN else utc_now().date()
        )
        meeting.revision = started_from + 1
        meeting.updated_at = utc_now()
        db.session.flush()
        keep_revision(meeting, ACTIONS[status], meeting_to_record(meeting), before)
        db.session.commit()
    except ChangedMeanwhile:
        db.session.rollback()
        raise
    except SQLAlchemyError as error:
        db.session.rollback()
        raise MeetingSaveError(
            _("The follow-up could not be saved; nothing was changed.")
        ) from error
    return True
