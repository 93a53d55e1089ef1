"""How often, and when last, a directory record met: counted over visible meetings only.

People, organizations and topics all show "N meetings, last met on …". The numbers
are derived from meetings, so they must come from the meetings the viewer may see;
everything here starts from `visible_meetings_for(user)`.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select

from events_app.extensions import db
from events_app.models import Meeting
from events_app.models.choices import MeetingStatus
from events_app.models.meetings import utc_now
from events_app.visibility import meeting_visibility_clause

# A meeting that was called off did not bring anyone together.
NOT_HELD_STATUSES = (MeetingStatus.CANCELLED.value, MeetingStatus.POSTPONED.value)


@dataclass(frozen=True)
class MeetingStats:
    """Number of visible meetings of one record and the dates it first and last met."""

    meeting_count: int = 0
    last_met: date | None = None
    first_met: date | None = None


NO_MEETINGS = MeetingStats()


def has_taken_place(meeting: Meeting) -> bool:
    """Whether the meeting has started and was not cancelled or postponed."""
    return meeting.start_utc <= utc_now() and meeting.status not in NOT_HELD_STATUSES


def meeting_stats_by_owner(
    owner_meeting_pairs: Select, user
) -> dict[int, MeetingStats]:
    """Visible-meeting statistics per record, in one aggregate query.

    `owner_meeting_pairs` selects two columns labelled `owner_id` (a person,
    organization or topic id) and `meeting_id`. Pairs whose meeting the user may
    not see are dropped before anything is counted. Owners without visible
    meetings are absent from the result (use `NO_MEETINGS` for them). First and
    last met are the meeting's own local dates, of meetings that took place.
    """
    pairs = owner_meeting_pairs.subquery()
    counted = select(pairs.c.owner_id, pairs.c.meeting_id).distinct().subquery()
    taken_place = (Meeting.start_utc <= utc_now()) & Meeting.status.not_in(
        NOT_HELD_STATUSES
    )
    met_on = case((taken_place, Meeting.start_local_date), else_=None)
    rows = db.session.execute(
        select(
            counted.c.owner_id,
            func.count(),
            func.min(met_on),
            func.max(met_on),
        )
        # Joined to the rule itself, not IN (every visible id): the database
        # then reads only these owners' meetings.
        .join(Meeting, Meeting.id == counted.c.meeting_id)
        .where(meeting_visibility_clause(user))
        .group_by(counted.c.owner_id)
    )
    return {
        owner_id: MeetingStats(
            meeting_count=meeting_count, last_met=last_met, first_met=first_met
        )
        for owner_id, meeting_count, first_met, last_met in rows
    }


@dataclass(frozen=True)
class ListedRecords:
    """One page of an index: the records shown and the statistics of each."""

    pagination: object  # flask_sqlalchemy Pagination of the records
    stats: dict[int, MeetingStats]

    def stats_for(self, record_id: int) -> MeetingStats:
        """Statistics of one listed record (zero meetings when it has none visible)."""
        return self.stats.get(record_id, NO_MEETINGS)
