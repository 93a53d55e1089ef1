"""Building blocks of the history pages of people, organizations and topics.

Every function takes a select of meeting ids that already went through
`visible_meetings_for(user)` (see `visible_meeting_ids_where`), so a meeting the
viewer may not see contributes nothing: no row, no count, no name.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import current_app
from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from events_app.capped_pages import CappedPage, capped_page, kept_capped_page
from events_app.directory.name_order import name_order
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


@dataclass(frozen=True)
class CountedIds:
    """A "most frequent" list as plain values: (id, meeting count) pairs, the total."""

    counts: tuple[tuple[int, int], ...]
    total: int

    @classmethod
    def of(cls, shown: ShownRecords) -> "CountedIds":
        return cls(
            tuple((item.record.id, item.meeting_count) for item in shown), shown.total
        )

    def records(self, model) -> ShownRecords:
        """The list with its records, loaded in one query."""
        ids = [record_id for record_id, _ in self.counts]
        loaded = {
            record.id: record
            for record in db.session.scalars(select(model).where(model.id.in_(ids)))
        }
        return ShownRecords(
            [
                CountedRecord(loaded[record_id], count)
                for record_id, count in self.counts
            ],
            self.total,
        )


def first_rows(query: Select) -> ShownRecords:
    """The first `COUNTED_SHOWN` rows of a select, and how many it has in all.

    The total comes from a window over the rows (grouped ones too) in the same
    query, so a list costs one statement however long it would be.
    """
    rows = db.session.execute(
        query.add_columns(func.count().over().label("total")).limit(COUNTED_SHOWN)
    ).all()
    return ShownRecords([tuple(row)[:-1] for row in rows], rows[0].total if rows else 0)


def visible_meeting_ids_where(user, condition: ColumnElement[bool]) -> Select:
    """Ids of the meetings the user may see that also meet `condition`."""
    return visible_meetings_for(user).where(condition).with_only_columns(Meeting.id)


def visible_meetings_page(
    user,
    condition: ColumnElement[bool],
    page: int,
    total: int | None = None,
    kept_as: tuple | None = None,
):
    """One page of the visible meetings meeting `condition`, newest first.

    Participants and topics come loaded (a fixed number of queries per page, not
    one per meeting). `total`, when the caller counted those meetings already
    (a record's figures do), spares counting them again.

    With `kept_as` (what the condition is about, e.g. a person's id, and
    `total`), which meetings are on the page is kept (events_app/kept_figures.py):
    finding them reads every meeting of the record to sort them (6,000 for a
    busy organization), while loading a kept page reads its own meetings only.
    """
    per_page = current_app.config["MEETINGS_PER_PAGE"]
    if kept_as is not None and total is not None:
        return _kept_meetings_page(user, condition, page, per_page, total, kept_as)
    query = _visible_meetings_newest_first(user, condition).options(
        *_SHOWN_WITH_MEETINGS
    )
    if total is not None:
        return capped_page(query, page, per_page, total=total, counted_at_most=total)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# What a history page shows of each meeting besides its own columns.
_SHOWN_WITH_MEETINGS = (
    selectinload(Meeting.participations).selectinload(Participation.person),
    selectinload(Meeting.participations).selectinload(Participation.organization),
    selectinload(Meeting.meeting_topics).selectinload(MeetingTopic.topic),
)


def _visible_meetings_newest_first(user, condition: ColumnElement[bool]) -> Select:
    return (
        visible_meetings_for(user)
        .where(condition)
        .order_by(Meeting.start_utc.desc(), Meeting.id.desc())
    )


def _kept_meetings_page(
    user, condition, page: int, per_page: int, total: int, kept_as: tuple
) -> CappedPage:
    """`visible_meetings_page` with the page's meeting ids kept (plain values)."""
    return kept_capped_page(
        "meetings_page",
        kept_as,
        user,
        _visible_meetings_newest_first(user, condition),
        lambda ids: meetings_in_order(ids, *_SHOWN_WITH_MEETINGS),
        page,
        per_page,
        total,
        counted_at_most=total,
    )


def meetings_in_order(meeting_ids, *options) -> list[Meeting]:
    """The meetings of `meeting_ids`, in that order, loaded in one query (and
    what `options` load with them)."""
    loaded = {
        meeting.id: meeting
        for meeting in db.session.scalars(
            select(Meeting).where(Meeting.id.in_(meeting_ids)).options(*options)
        )
    }
    return [loaded[meeting_id] for meeting_id in meeting_ids]


def most_frequent(
    model, name_column, record_id_column, meeting_id_column, links: Select
) -> ShownRecords:
    """Records of `model` with the number of meetings each shares, most first.

    `links` selects the link rows to count (a topic on an agenda, a
    participation), already narrowed to the meetings in question; each row
    names the record in `record_id_column` and the meeting in
    `meeting_id_column`. Ties go A–Z by `name_column`.

    The records are counted once (a CTE the database keeps), and only those
    that can be among the first `COUNTED_SHOWN` (as many meetings as the
    last one shown, or more) are joined to their rows and sorted by name: a
    busy organization met thousands of people once, and naming and sorting
    every one of them cost more than counting them.
    """
    meeting_count = func.count(distinct(meeting_id_column)).label("meeting_count")
    counts = (
        links.with_only_columns(record_id_column.label("record_id"), meeting_count)
        .where(record_id_column.is_not(None))
        .group_by(record_id_column)
        .cte("counts")
    )
    fewest_shown = (
        select(counts.c.meeting_count)
        .order_by(counts.c.meeting_count.desc())
        .limit(1)
        .offset(COUNTED_SHOWN - 1)
        .scalar_subquery()
    )
    total = select(func.count()).select_from(counts).scalar_subquery()
    rows = db.session.execute(
        select(model, counts.c.meeting_count, total.label("total"))
        .join(counts, counts.c.record_id == model.id)
        .where(counts.c.meeting_count >= func.coalesce(fewest_shown, 0))
        .order_by(counts.c.meeting_count.desc(), *name_order(model))
        .limit(COUNTED_SHOWN)
    ).all()
    return ShownRecords(
        [CountedRecord(record, count) for record, count, _ in rows],
        rows[0].total if rows else 0,
    )


def topics_discussed(
    meeting_ids: Select, excluded_topic_ids: set[int] | None = None
) -> ShownRecords:
    """Topics on the agenda of those meetings, most frequent first."""
    links = select(MeetingTopic.id).where(MeetingTopic.meeting_id.in_(meeting_ids))
    if excluded_topic_ids:
        links = links.where(MeetingTopic.topic_id.not_in(excluded_topic_ids))
    counted = most_frequent(
        Topic, Topic.name, MeetingTopic.topic_id, MeetingTopic.meeting_id, links
    )
    preload_ancestors(item.record.id for item in counted)
    return counted


def _counted_participants(
    model, record_id_column, name_column, meeting_ids: Select, condition
) -> ShownRecords:
    """Records with a participation matching `condition` in those meetings.

    `record_id_column` is the participation's column pointing at `model`; the
    most frequent come first, then by `name_column`. `condition` may name
    Participation's columns only.
    """
    links = select(Participation.id).where(
        Participation.meeting_id.in_(meeting_ids), condition
    )
    return most_frequent(
        model, name_column, record_id_column, Participation.meeting_id, links
    )


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
