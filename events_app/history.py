"""Building blocks of the history pages of people, organizations and topics.

Every function takes a select of meeting ids that already went through
`visible_meetings_for(user)` (see `visible_meeting_ids_where`), so a meeting the
viewer may not see contributes nothing: no row, no count, no name.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import current_app
from sqlalchemy import Select, desc, distinct, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from events_app.extensions import db
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Participation,
    Person,
    Topic,
)
from events_app.topic_tree import preload_ancestors
from events_app.visibility import visible_meetings_for

RecordType = TypeVar("RecordType")


# Records a "people met" or "topics discussed" list shows, most frequent first:
# a topic discussed at thousands of meetings met thousands of people.
COUNTED_SHOWN = 25


@dataclass(frozen=True)
class CountedRecord(Generic[RecordType]):
    """A person, organization or topic and the number of visible meetings it shares."""

    record: RecordType
    meeting_count: int


class ShownRecords(list):
    """The first rows of a longer list (at most `COUNTED_SHOWN`), and its `total`."""

    def __init__(self, shown=(), total: int = 0):
        super().__init__(shown)
        self.total = max(total, len(self))


def first_rows(query: Select) -> ShownRecords:
    """The first `COUNTED_SHOWN` rows of a select, and how many it has in all.

    The total comes from a window over the rows (grouped ones too) in the same
    query, so a list costs one statement however long it would be.
    """
    rows = db.session.execute(
        query.add_columns(func.count().over().label("total")).limit(COUNTED_SHOWN)
    ).all()
    return ShownRecords([tuple(row)[:-1] for row in rows], rows[0].total if rows else 0)


def _counted(query: Select) -> ShownRecords:
    """Counted records from a select of (record, meeting count) rows."""
    rows = first_rows(query)
    return ShownRecords(
        [CountedRecord(record, count) for record, count in rows], rows.total
    )


def visible_meeting_ids_where(user, condition: ColumnElement[bool]) -> Select:
    """Ids of the meetings the user may see that also meet `condition`."""
    return visible_meetings_for(user).where(condition).with_only_columns(Meeting.id)


def visible_meetings_page(
    user, condition: ColumnElement[bool], page: int, *, total: int | None = None
):
    """One page of the visible meetings meeting `condition`, newest first.

    Participants and topics come loaded (a fixed number of queries per page, not
    one per meeting). A caller that knows how many meetings there are in all
    passes `total`, and the page is not counted again.
    """
    query = (
        visible_meetings_for(user)
        .where(condition)
        .order_by(Meeting.start_utc.desc(), Meeting.id.desc())
        .options(
            selectinload(Meeting.participations).selectinload(Participation.person),
            selectinload(Meeting.participations).selectinload(
                Participation.organization
            ),
            selectinload(Meeting.meeting_topics).selectinload(MeetingTopic.topic),
        )
    )
    meetings = db.paginate(
        query,
        page=page,
        per_page=current_app.config["MEETINGS_PER_PAGE"],
        error_out=False,
        count=total is None,
    )
    if total is not None:
        meetings.total = total
    return meetings


def topics_discussed(
    meeting_ids: Select, excluded_topic_ids: set[int] | None = None
) -> ShownRecords:
    """Topics on the agenda of those meetings, most frequent first."""
    meeting_count = func.count(distinct(MeetingTopic.meeting_id))
    query = (
        select(Topic, meeting_count)
        .join(MeetingTopic, MeetingTopic.topic_id == Topic.id)
        .where(MeetingTopic.meeting_id.in_(meeting_ids))
        .group_by(Topic.id)
        .order_by(desc(meeting_count), func.lower(Topic.name), Topic.id)
    )
    if excluded_topic_ids:
        query = query.where(Topic.id.not_in(excluded_topic_ids))
    counted = _counted(query)
    preload_ancestors(item.record.id for item in counted)
    return counted


def _counted_participants(
    model, record_id_column, name_column, meeting_ids: Select, condition
) -> ShownRecords:
    """Records with a participation matching `condition` in those meetings.

    `record_id_column` is the participation's column pointing at `model`; the
    most frequent come first, then by `name_column`.
    """
    meeting_count = func.count(distinct(Participation.meeting_id))
    query = (
        select(model, meeting_count)
        .join(Participation, record_id_column == model.id)
        .where(Participation.meeting_id.in_(meeting_ids), condition)
        .group_by(model.id)
        .order_by(desc(meeting_count), func.lower(name_column), model.id)
    )
    return _counted(query)


def people_present(
    meeting_ids: Select, participation_condition: ColumnElement[bool]
) -> ShownRecords:
    """People with a participation matching the condition in those meetings."""
    return _counted_participants(
        Person,
        Participation.person_id,
        Person.display_name,
        meeting_ids,
        participation_condition,
    )


def organizations_present(
    meeting_ids: Select, participation_condition: ColumnElement[bool]
) -> ShownRecords:
    """Organizations with a participation matching the condition in those meetings."""
    return _counted_participants(
        Organization,
        Participation.organization_id,
        Organization.name,
        meeting_ids,
        participation_condition,
    )
