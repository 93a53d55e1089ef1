"""Filters of the meeting history, parsed from the query string.

The same parser serves the history page and the calendar feeds, so every
filtered history view has a matching feed with identical contents.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import Select, and_, func, or_, select
from werkzeug.datastructures import MultiDict

from events_app.date_range import OUT_OF_RANGE_MESSAGE, day_in_range
from events_app.input_rules import MAXIMUM_SEARCH_LENGTH, database_id
from events_app.models import Meeting, MeetingTopic, Participation
from events_app.models.choices import MeetingKind, MeetingStatus
from events_app.topic_tree import subtree_closure


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


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

    @classmethod
    def from_args(cls, args: MultiDict) -> "MeetingFilters":
        """Parse query arguments; bad values are reported in `errors` and ignored."""
        filters = cls()
        for name, attribute in (("from", "date_from"), ("to", "date_to")):
            raw = args.get(name, "").strip()
            if raw:
                parsed = _iso_date(raw)
                if parsed is None:
                    filters.errors[name] = "Use a date like 2025-03-14."
                elif not day_in_range(parsed):
                    filters.errors[name] = OUT_OF_RANGE_MESSAGE
                    parsed = None
                setattr(filters, attribute, parsed)
        for name in ("person", "organization", "topic"):
            raw = args.get(name, "").strip()
            if raw:
                parsed = database_id(raw)
                if parsed is None:
                    filters.errors[name] = f"Unknown {name}."
                setattr(filters, f"{name}_id", parsed)
        for name, vocabulary in (("kind", MeetingKind), ("status", MeetingStatus)):
            raw = args.get(name, "").strip()
            if raw and raw not in {member.value for member in vocabulary}:
                filters.errors[name] = f"Unknown {name} {raw!r}."
            elif raw:
                setattr(filters, name, raw)
        filters.series = " ".join(args.get("series", "").split())[:200]
        filters.query = " ".join(args.get("q", "").split())[:MAXIMUM_SEARCH_LENGTH]
        if (
            filters.date_from
            and filters.date_to
            and filters.date_from > filters.date_to
        ):
            filters.errors["to"] = "The end of the range is before its start."
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

    def apply(self, statement: Select) -> Select:
        """Narrow a select of meetings (already limited to what the viewer may see)."""
        if self.date_from:
            statement = statement.where(Meeting.start_local_date >= self.date_from)
        if self.date_to:
            statement = statement.where(Meeting.start_local_date <= self.date_to)
        if self.person_id:
            statement = statement.where(
                Meeting.id.in_(
                    select(Participation.meeting_id).where(
                        Participation.person_id == self.person_id
                    )
                )
            )
        if self.organization_id:
            statement = statement.where(
                Meeting.id.in_(
                    select(Participation.meeting_id).where(
                        Participation.organization_id == self.organization_id
                    )
                )
            )
        if self.topic_id:
            statement = statement.where(
                Meeting.id.in_(
                    select(MeetingTopic.meeting_id).where(
                        MeetingTopic.topic_id.in_(
                            topic_and_descendant_ids(self.topic_id)
                        )
                    )
                )
            )
        if self.kind:
            statement = statement.where(Meeting.kind == self.kind)
        if self.status:
            statement = statement.where(Meeting.status == self.status)
        if self.series:
            statement = statement.where(
                func.lower(Meeting.series) == self.series.lower()
            )
        if self.query:
            statement = statement.where(text_match(self.query))
        return statement


def text_match(query: str):
    """Every word of the query appears in the title, summary or notes (any case)."""
    conditions = []
    for word in query.split():
        escaped = word.lower().replace("\\", "\\\\")
        escaped = escaped.replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        conditions.append(
            or_(
                func.lower(Meeting.title).like(pattern, escape="\\"),
                func.lower(Meeting.summary).like(pattern, escape="\\"),
                func.lower(Meeting.notes).like(pattern, escape="\\"),
            )
        )
    return and_(*conditions)


def topic_and_descendant_ids(topic_id: int) -> Select:
    """A topic's id with those of all its sub-topics (a parent filter includes them).

    A select for IN, walked by the database: the history never loads the tree.
    """
    return select(subtree_closure([topic_id]).c.descendant_id)
