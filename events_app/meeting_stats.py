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
from events_app.visibility import visible_meetings_for

# A meeting that was called off did not bring anyone together.
NOT_HELD_STATUSES = (MeetingStatus.CANCELLED.value, MeetingStatus.POSTPONED.value)


@dataclass(frozen=True)
class MeetingStats:
    """Number of visible meetings of one record and the date it last met."""

    meeting_count: int = 0
    last_met: date | None = None


NO_MEETINGS = MeetingStats()


def visible_meeting_ids(user) -> Select:
    """A select of the ids of the meetings the user may see (for IN clauses)."""
    return visible_meetings_for(user).with_only_columns(Meeting.id)


def has_taken_place(meeting: Meeting) -> bool:
    """Whether the meeting has started and was not cancelled or postponed."""
    return meeting.start_utc <= utc_now() and meeting.status not in NOT_HELD_STATUSES


def meeting_stats_by_owner(
    owner_meeting_pairs: Select, user
) -> dict[int, MeetingStats]:
    """Visible-meeting statistics per record, in one query.

    `owner_meeting_pairs` selects two columns labelled `owner_id` (a person,
    organization or topic id) and `meeting_id`. Pairs whose meeting the user may
    not see are dropped before anything is counted. Owners without visible
    meetings are absent from the result (use `NO_MEETINGS` for them).
    """
    pairs = owner_meeting_pairs.subquery()
    counted = (
        select(pairs.c.owner_id, pairs.c.meeting_id)
        .where(pairs.c.meeting_id.in_(visible_meeting_ids(user)))
        .distinct()
        .subquery()
    )
    taken_place_first = case(
        (
            (Meeting.start_utc <= utc_now()) & Meeting.status.not_in(NOT_HELD_STATUSES),
            0,
        ),
        else_=1,
    )
    ranked = (
        select(
            counted.c.owner_id,
            counted.c.meeting_id,
            func.count().over(partition_by=counted.c.owner_id).label("meeting_count"),
            func.row_number()
            .over(
                partition_by=counted.c.owner_id,
                order_by=(
                    taken_place_first,
                    Meeting.start_utc.desc(),
                    Meeting.id.desc(),
                ),
            )
            .label("recency"),
        )
        .join(Meeting, Meeting.id == counted.c.meeting_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.owner_id, ranked.c.meeting_count, Meeting)
        .join(Meeting, Meeting.id == ranked.c.meeting_id)
        .where(ranked.c.recency == 1)
    )
    stats: dict[int, MeetingStats] = {}
    for owner_id, meeting_count, latest in rows:
        last_met = latest.start_date if has_taken_place(latest) else None
        stats[owner_id] = MeetingStats(meeting_count=meeting_count, last_met=last_met)
    return stats


@dataclass(frozen=True)
class ListedRecords:
    """One page of an index: the records shown and the statistics of each."""

    pagination: object  # flask_sqlalchemy Pagination of the records
    stats: dict[int, MeetingStats]

    def stats_for(self, record_id: int) -> MeetingStats:
        """Statistics of one listed record (zero meetings when it has none visible)."""
        return self.stats.get(record_id, NO_MEETINGS)
