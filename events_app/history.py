"""Building blocks of the history pages of people, organizations and topics.

Every function takes a select of meeting ids that already went through
`visible_meetings_for(user)` (see `visible_meeting_ids_where`), so a meeting the
viewer may not see contributes nothing: no row, no count, no name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, NamedTuple, TypeVar

from flask import current_app
from sqlalchemy import Select, distinct, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from events_app.capped_pages import CappedPage, capped_page
from events_app.directory.name_order import name_order
from events_app.extensions import db
from events_app.kept_figures import kept_figure
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Participation,
    Person,
    Topic,
)
from events_app.models.meetings import MeetingTimes
from events_app.topic_tree import preload_ancestors
from events_app.visibility import sees_record_id, visible_meetings_for

RecordType = TypeVar("RecordType")


# Records a "people met" or "topics discussed" list shows, most frequent first:
# a topic discussed at thousands of meetings met thousands of people.
COUNTED_SHOWN = 25


class ShownRecord(NamedTuple):
    """A person, organization or topic as a page links to it, in plain values.

    `label` is what the link reads: a person's name, an organization's label, a
    topic's path (in a list of topics) or its name (on an agenda). Pages keep
    these between views (events_app/kept_figures.py), never ORM objects.
    """

    id: int
    label: str

    @property
    def name(self) -> str:
        return self.label

    @property
    def display_name(self) -> str:
        return self.label


@dataclass(frozen=True)
class CountedRecord(Generic[RecordType]):
    """A person, organization or topic and the number of visible meetings it shares."""

    record: RecordType
    meeting_count: int


class ShownRecords(tuple):
    """The first rows of a longer list (at most `COUNTED_SHOWN`), and its `total`."""

    total: int

    def __new__(cls, shown=(), total: int = 0):
        rows = super().__new__(cls, shown)
        rows.total = max(total, len(rows))
        return rows


def shown_counts(counted: ShownRecords) -> ShownRecords:
    """A "most frequent" list of records as plain values (`ShownRecord`s).

    Topics need their ancestors loaded first (`topics_discussed` does it).
    """
    return ShownRecords(
        [
            CountedRecord(
                ShownRecord(item.record.id, item.record.label), item.meeting_count
            )
            for item in counted
        ],
        counted.total,
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


def meetings_per_page() -> int:
    """How many meetings a history page lists."""
    return current_app.config["MEETINGS_PER_PAGE"]


@dataclass(frozen=True)
class MeetingIdsPage:
    """Which visible meetings are on one page of a history, newest first, and
    whether an older page follows: plain values, kept with a page's figures."""

    meeting_ids: tuple[int, ...]
    page: int
    per_page: int
    total: int
    has_next: bool


def meeting_ids_page(
    user, condition: ColumnElement[bool], page: int, total: int
) -> MeetingIdsPage:
    """Page `page` of the visible meetings meeting `condition`, as their ids.

    `total` is how many there are (the record's figures counted them). Finding
    the page reads every meeting of the record to sort them (6,000 for a busy
    organization): the pages keep it (see `meeting_lines`).
    """
    per_page = meetings_per_page()
    found = capped_page(
        visible_meetings_for(user)
        .where(condition)
        .order_by(Meeting.start_utc.desc(), Meeting.id.desc())
        .with_only_columns(Meeting.id),
        page,
        per_page,
        total=total,
        counted_at_most=total,
    )
    return MeetingIdsPage(
        tuple(found.items), found.page, per_page, total, found.has_next
    )


@dataclass(frozen=True)
class TopicEntry:
    """A topic on a meeting's agenda (`topic` by its name), and the note on it."""

    topic_id: int
    topic: ShownRecord
    note: str = ""


@dataclass(frozen=True)
class MeetingLine(MeetingTimes):
    """What a history page or a follow-up shows of a meeting, in plain values.

    Offers what the `meeting_line` macro and `meeting_when` read, as `Meeting`
    does, and its agenda when loaded (`meeting_topics`).
    """

    id: int
    title: str
    kind: str
    status: str
    confidentiality: str
    start_utc: datetime
    end_utc: datetime | None
    timezone: str
    all_day: bool
    venue: str
    city: str
    country: str
    meeting_topics: tuple[TopicEntry, ...] = ()

    @classmethod
    def of(cls, meeting: Meeting) -> "MeetingLine":
        """The line of a loaded meeting (its agenda left out)."""
        return cls(*(getattr(meeting, column.key) for column in MEETING_LINE_COLUMNS))


# The columns of a `MeetingLine`, in its order.
MEETING_LINE_COLUMNS = (
    Meeting.id,
    Meeting.title,
    Meeting.kind,
    Meeting.status,
    Meeting.confidentiality,
    Meeting.start_utc,
    Meeting.end_utc,
    Meeting.timezone,
    Meeting.all_day,
    Meeting.venue,
    Meeting.city,
    Meeting.country,
)


def topic_entries(
    meeting_ids, topic_ids=None, with_notes: bool = False
) -> dict[int, list[TopicEntry]]:
    """The agenda entries of those meetings (only on `topic_ids`, if given), in
    agenda order, by meeting id: one statement."""
    query = (
        select(
            MeetingTopic.meeting_id,
            MeetingTopic.topic_id,
            Topic.name,
            MeetingTopic.note if with_notes else literal(""),
        )
        .join(Topic, Topic.id == MeetingTopic.topic_id)
        .where(MeetingTopic.meeting_id.in_(meeting_ids))
        .order_by(MeetingTopic.meeting_id, MeetingTopic.position, MeetingTopic.id)
    )
    if topic_ids is not None:
        query = query.where(MeetingTopic.topic_id.in_(sorted(topic_ids)))
    entries: dict[int, list[TopicEntry]] = {}
    for meeting_id, topic_id, name, note in db.session.execute(query):
        entries.setdefault(meeting_id, []).append(
            TopicEntry(topic_id, ShownRecord(topic_id, name), note or "")
        )
    return entries


def meeting_lines(
    found: MeetingIdsPage, entries: dict[int, list[TopicEntry]]
) -> CappedPage:
    """The page of meetings `found` names, as `MeetingLine`s with their `entries`.

    One statement of the columns shown: loading the page as ORM objects with
    their participants and topics cost 10 ms at 100,000 meetings.
    """
    rows = db.session.execute(
        select(*MEETING_LINE_COLUMNS).where(Meeting.id.in_(found.meeting_ids))
    ).all()
    by_id = {
        row[0]: MeetingLine(*row, meeting_topics=tuple(entries.get(row[0], ())))
        for row in rows
    }
    return CappedPage(
        # One purged by another request meanwhile is left out.
        items=[by_id[key] for key in found.meeting_ids if key in by_id],
        page=found.page,
        per_page=found.per_page,
        total=found.total,
        has_next=found.has_next,
        counted_at_most=found.total,
    )


@dataclass(frozen=True)
class HistoryPage(Generic[RecordType]):
    """What a record's history page keeps for one page of its meetings: the
    record's figures (plain values, the same for every page) and the page."""

    figures: RecordType
    meetings: MeetingIdsPage


def kept_history_page(
    name: str,
    model,
    record_id: int,
    user,
    page: int,
    figures_of: Callable[[], RecordType],
    meetings_of: Callable[[RecordType], ColumnElement[bool]],
) -> HistoryPage[RecordType] | None:
    """A record's figures and page `page` of its meetings; None if `user` may
    not see the record (as if it were missing).

    `figures_of()` computes the figures (plain values: `stats` among them),
    `meetings_of(figures)` the condition on Meeting that picks the record's.
    Both the page and the figures are kept (events_app/kept_figures.py), the
    figures apart too, so another page reuses them; a repeated view costs the
    page's own lookup only. Whether the user sees the record is kept with
    them: the rule's statement cost more to compile than to run.
    """

    def compute() -> HistoryPage | bool:
        if not sees_record_id(user, model, record_id):
            return False  # kept too (None would not be)
        figures = kept_figure(
            f"{name}_figures",
            # The list length is read now: tests shorten it.
            (record_id, COUNTED_SHOWN),
            user,
            figures_of,
            changes_when_meetings_begin=True,
        )
        return HistoryPage(
            figures,
            meeting_ids_page(
                user, meetings_of(figures), page, figures.stats.meeting_count
            ),
        )

    found = kept_figure(
        f"{name}_page",
        (record_id, COUNTED_SHOWN, max(page, 1), meetings_per_page()),
        user,
        compute,
        changes_when_meetings_begin=True,
    )
    return found or None


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
