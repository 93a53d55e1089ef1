"""Filters of the meeting history, parsed from the query string.

The same parser serves the history page and the calendar feeds, so every
filtered history view has a matching feed with identical contents.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, any_, exists, func, select
from sqlalchemy.sql.elements import ColumnElement
from werkzeug.datastructures import MultiDict

from events_app.date_range import query_date_span
from events_app.extensions import db
from events_app.input_rules import MAXIMUM_SEARCH_LENGTH, database_id
from events_app.language.formatting import format_date
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Participation,
    Person,
    Topic,
)
from events_app.models.choices import MeetingKind, MeetingStatus, label
from events_app.search.matching import matching
from events_app.search.query import SearchQuery, parse_search
from events_app.topic_tree import visible_path
from events_app.visibility import (
    is_visible_to,
    visible_subtree_ids,
    visible_topic_ids_for,
)

# What a record filter says of an id that names no record (or one hidden from
# the viewer: the two are never told apart).
UNKNOWN_RECORD = {
    "person": _l("Unknown person."),
    "organization": _l("Unknown organization."),
    "topic": _l("Unknown topic."),
}


def unknown_value(name: str, value: str) -> str:
    """The message for a kind or status that is none of the vocabulary's values."""
    if name == "kind":
        return _("Unknown kind %(value)s.", value=repr(value))
    return _("Unknown status %(value)s.", value=repr(value))


@dataclass
class MeetingFilters:
    """What the viewer asked to narrow the history to; empty fields filter nothing."""

    date_from: date | None = None
    date_to: date | None = None
    person_id: int | None = None
    organization_id: int | None = None
    topic_id: int | None = None
    kind: str = ""
    status: str = ""
    series: str = ""
    query: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    # The topic filter's ids by topic id, read once for a listing and its count.
    _topic_ids_read: dict[int, list[int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_args(cls, args: MultiDict) -> "MeetingFilters":
        """Parse query arguments; bad values are reported in `errors` and ignored."""
        filters = cls()
        filters.date_from, filters.date_to, filters.errors = query_date_span(args)
        for name in ("person", "organization", "topic"):
            raw = args.get(name, "").strip()
            if raw:
                parsed = database_id(raw)
                if parsed is None:
                    filters.errors[name] = str(UNKNOWN_RECORD[name])
                setattr(filters, f"{name}_id", parsed)
        for name, vocabulary in (("kind", MeetingKind), ("status", MeetingStatus)):
            raw = args.get(name, "").strip()
            if raw and raw not in {member.value for member in vocabulary}:
                filters.errors[name] = unknown_value(name, raw)
            elif raw:
                setattr(filters, name, raw)
        filters.series = " ".join(args.get("series", "").split())[:200]
        filters.query = " ".join(args.get("q", "").split())[:MAXIMUM_SEARCH_LENGTH]
        return filters

    @classmethod
    def from_args_or_400(cls, args: MultiDict) -> "MeetingFilters":
        """Parse query arguments for a file (feed, CSV): bad ones are a clear 400."""
        filters = cls.from_args(args)
        if filters.errors:
            abort(400, description=" ".join(filters.errors.values()))
        return filters

    @property
    def active(self) -> bool:
        return bool(self.as_args())

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments, for links, feeds and bookmarks."""
        values = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "person": str(self.person_id or ""),
            "organization": str(self.organization_id or ""),
            "topic": str(self.topic_id or ""),
            "kind": self.kind,
            "status": self.status,
            "series": self.series,
            "q": self.query,
        }
        return {key: value for key, value in values.items() if value}

    def apply(
        self,
        statement: Select,
        user,
        ranked: bool = False,
        reading: "Reading | None" = None,
    ) -> Select:
        """Narrow a select of meetings (already limited to what `user` may see).

        A record filter names a record by id; for a topic the user may not see
        it selects nothing, as for a missing one. With `ranked`, a text search
        orders the meetings best match first. `reading` says how the select
        is read, for the shape of the record filters (see `meeting_among`).
        """
        if self.date_from:
            statement = statement.where(
                Meeting.start_local_date >= self.date_from,
                Meeting.start_utc >= start_utc_before(self.date_from),
            )
        if self.date_to:
            statement = statement.where(
                Meeting.start_local_date <= self.date_to,
                Meeting.start_utc < start_utc_after(self.date_to),
            )
        if self.person_id:
            statement = statement.where(
                meeting_among(
                    select(Participation.meeting_id).where(
                        Participation.person_id == self.person_id
                    ),
                    reading or Reading.PAGE,
                )
            )
        if self.organization_id:
            statement = statement.where(
                meeting_among(
                    select(Participation.meeting_id).where(
                        Participation.organization_id == self.organization_id
                    ),
                    reading or Reading.PAGE,
                )
            )
        if self.topic_id:
            statement = statement.where(
                meeting_among(
                    select(MeetingTopic.meeting_id).where(
                        MeetingTopic.topic_id.in_(self._topic_ids(user))
                    ),
                    reading or Reading.PAGE,
                )
            )
        if self.kind:
            statement = statement.where(Meeting.kind == self.kind)
        if self.status:
            statement = statement.where(Meeting.status == self.status)
        if self.series:
            statement = statement.where(
                # Most meetings belong to no series: the plain test spares
                # SQLite a call of the (Python) Unicode `lower` for each.
                Meeting.series != "",
                func.lower(Meeting.series) == self.series.lower(),
            )
        if self.query:
            statement = matching(statement, self.search, ranked)
        return statement

    def _topic_ids(self, user) -> list[int]:
        """`topic_and_descendant_ids` of the topic filter, read once per request
        (a filters object is parsed for one request, so for one user)."""
        if self.topic_id not in self._topic_ids_read:
            self._topic_ids_read[self.topic_id] = topic_and_descendant_ids(
                self.topic_id, user
            )
        return self._topic_ids_read[self.topic_id]

    @property
    def search(self) -> SearchQuery:
        """The `q` text parsed for the search index (see events_app/search/)."""
        return parse_search(self.query)


class Reading(Enum):
    """How a filtered select of meetings is read: it decides the shape of a
    record filter (see `meeting_among`); every shape selects the same rows."""

    PAGE = "a page, newest first"
    COUNT = "counted"
    SPAN = "within a few weeks (a calendar grid)"


def meeting_among(meeting_ids: Select, reading: Reading) -> ColumnElement[bool]:
    """True for a meeting whose id `meeting_ids` selects (a record filter).

    - A page keeps `IN`: PostgreSQL walks the newest meetings and probes the
      link index until the page is full.
    - To count on PostgreSQL, the ids are read first into an array: it then
      fetches those meetings in id order, where for `IN` it probed the meeting
      table once per link (the busiest topic's 8,000 meetings: 60 to 20 ms at
      100,000).
    - Within a span, each of its few hundred meetings is looked up among the
      links (an EXISTS): for `IN`, both databases read every link of the
      record first (a month of the busiest topic: SQLite 15 to 5 ms,
      PostgreSQL 30 to 15). `OFFSET 0` keeps PostgreSQL from turning it into
      the same join as `IN`.
    """
    if reading is Reading.COUNT and db.session.get_bind().dialect.name == "postgresql":
        return Meeting.id == any_(func.array(meeting_ids.scalar_subquery()))
    if reading is Reading.SPAN:
        meeting_id = meeting_ids.selected_columns[0]
        return exists(meeting_ids.where(meeting_id == Meeting.id).offset(0))
    return Meeting.id.in_(meeting_ids)


# Local dates lie within 14 hours of UTC ones; two days leave room to spare.
_LOCAL_DATE_MARGIN = timedelta(days=2)


def start_utc_before(local_date: date) -> datetime:
    """An instant before the start of every meeting starting on `local_date` or later.

    A date filter also bounds `start_utc` with it (a condition that removes no
    meeting), so the database reads the range of its newest-first index that
    the dates cover instead of walking it from the newest meeting.
    """
    return datetime.combine(local_date, time.min) - _LOCAL_DATE_MARGIN


def start_utc_after(local_date: date) -> datetime:
    """An instant after the start of every meeting starting by `local_date`."""
    return (
        datetime.combine(local_date, time.min) + _LOCAL_DATE_MARGIN + timedelta(days=1)
    )


def topic_and_descendant_ids(topic_id: int, user) -> list[int]:
    """A topic's id with those of its sub-topics the user may see (a parent
    filter includes them); none for a topic the user may not see (see
    `visible_subtree_ids`).

    Read first, then given to the listing and its count as literal ids:
    PostgreSQL cannot estimate what a recursive CTE yields, guessed 50,000
    meetings for the busiest topic's 8,000 at 100,000, and spent 1.1 s of its
    1.4 s count compiling it with JIT (40 ms of JIT with the ids; measured on a
    loaded 2-core machine).
    """
    return visible_subtree_ids(user, topic_id)


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in force, as a removable chip: what it says and what removes it."""

    label: str
    # Query arguments to drop from the current URL to remove this filter.
    removes: tuple[str, ...]


# Which record each id filter names, and how its chip reads.
_RECORD_FILTERS = (
    ("person", "person_id", Person, _l("Person: %(name)s")),
    ("organization", "organization_id", Organization, _l("Organization: %(name)s")),
    ("topic", "topic_id", Topic, _l("Topic: %(name)s")),
)


def active_filters(filters: MeetingFilters, user) -> list[ActiveFilter]:
    """The filters in force, in form order, each named for a person to read.

    A record filter names its record only when the viewer may see it (the
    visibility rule decides); an id they may not see reads as "not found", as
    its page would say.
    """
    chips = []
    if filters.query:
        words = filters.query
        chips.append(ActiveFilter(_("Search: “%(words)s”", words=words), ("q",)))
    if filters.date_from:
        day = format_date(filters.date_from)
        chips.append(ActiveFilter(_("From %(day)s", day=day), ("from",)))
    if filters.date_to:
        day = format_date(filters.date_to)
        chips.append(ActiveFilter(_("To %(day)s", day=day), ("to",)))
    for argument, attribute, model, chip_text in _RECORD_FILTERS:
        record_id = getattr(filters, attribute)
        if not record_id:
            continue
        record = db.session.get(model, record_id)
        name = (
            _record_name(record, user)
            if record is not None and is_visible_to(user, record)
            else _("not found")
        )
        chips.append(ActiveFilter(str(chip_text) % {"name": name}, (argument,)))
    if filters.kind:
        kind = label(filters.kind)
        chips.append(ActiveFilter(_("Kind: %(kind)s", kind=kind), ("kind",)))
    if filters.status:
        status = label(filters.status)
        chips.append(ActiveFilter(_("Status: %(status)s", status=status), ("status",)))
    if filters.series:
        series = filters.series
        chips.append(ActiveFilter(_("Series: %(series)s", series=series), ("series",)))
    return chips


def _record_name(record, user) -> str:
    if isinstance(record, Topic):
        return visible_path(record, visible_topic_ids_for(user))
    return record.label
