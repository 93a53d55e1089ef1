"""Filters of the follow-ups list, parsed from the query string.

The same parser serves the list and the follow-ups feed, so a filtered list
has a feed with the same follow-ups (the open ones, for a calendar).
`person` and `organization` use the history's argument names, so the typed
name fields of events_app/meetings/record_filters.py resolve them alike.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from werkzeug.datastructures import MultiDict

from events_app.date_range import query_date_span
from events_app.input_rules import database_id
from events_app.meetings.filters import topic_and_descendant_ids
from events_app.models import (
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
)
from events_app.models.choices import OutcomeStatus
from events_app.visibility import sees_record_id

# What the status filter offers; "" is every status.
STATUS_CHOICES = ("open", "done", "dropped", "")
# Which way the person or organization filter reads: promised by them (they
# own it), to them (agreed with them, owned by others), or "" both ways (a
# person: by them, as they can only promise what they own).
PROMISED_CHOICES = ("by", "to", "")
UNKNOWN_RECORD = {
    "person": _l("Unknown person."),
    "organization": _l("Unknown organization."),
    "topic": _l("Unknown topic."),
}


@dataclass
class FollowUpFilters:
    """What the viewer narrowed the follow-ups to; empty fields filter nothing.

    `status` defaults to open: the list answers "what is still to do".
    """

    status: str = OutcomeStatus.OPEN.value
    person_id: int | None = None
    organization_id: int | None = None
    topic_id: int | None = None
    due_from: date | None = None
    due_to: date | None = None
    overdue: bool = False
    promised: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: MultiDict) -> "FollowUpFilters":
        """Parse query arguments; bad values are reported in `errors` and ignored."""
        filters = cls()
        filters.due_from, filters.due_to, filters.errors = query_date_span(
            args, "due_from", "due_to"
        )
        for name in ("person", "organization", "topic"):
            raw = args.get(name, "").strip()
            if raw:
                parsed = database_id(raw)
                if parsed is None:
                    filters.errors[name] = str(UNKNOWN_RECORD[name])
                setattr(filters, f"{name}_id", parsed)
        status = args.get("status", filters.status).strip()
        if status == "any":
            status = ""
        if status not in STATUS_CHOICES:
            filters.errors["status"] = _("Unknown status %(status)r.", status=status)
        else:
            filters.status = status
        filters.overdue = args.get("overdue", "") in ("1", "y", "yes", "on")
        promised = args.get("promised", "").strip()
        if promised in PROMISED_CHOICES:
            filters.promised = promised
        else:
            filters.errors["promised"] = _(
                "Unknown direction %(direction)r.", direction=promised
            )
        return filters

    @classmethod
    def from_args_or_400(cls, args: MultiDict) -> "FollowUpFilters":
        """For a feed: bad arguments are a clear 400."""
        filters = cls.from_args(args)
        if filters.errors:
            abort(400, description=" ".join(filters.errors.values()))
        return filters

    @property
    def active(self) -> bool:
        return bool(set(self.as_args()) - {"status"}) or self.status != "open"

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments, for links, feeds and bookmarks."""
        values = {
            "status": self.status if self.status != "open" else "",
            "person": str(self.person_id or ""),
            "organization": str(self.organization_id or ""),
            "topic": str(self.topic_id or ""),
            "due_from": self.due_from.isoformat() if self.due_from else "",
            "due_to": self.due_to.isoformat() if self.due_to else "",
            "overdue": "1" if self.overdue else "",
            "promised": self.promised if self.person_id or self.organization_id else "",
        }
        if not self.status:
            values["status"] = "any"
        return {key: value for key, value in values.items() if value}

    def _person_clause(self) -> ColumnElement[bool]:
        owned = Outcome.owner_person_id == self.person_id
        if self.promised != "to":
            return owned
        return and_(
            exists().where(
                Participation.meeting_id == Outcome.meeting_id,
                Participation.person_id == self.person_id,
            ),
            or_(Outcome.owner_person_id.is_(None), ~owned),
        )

    def _organization_clause(self) -> ColumnElement[bool]:
        owned = or_(
            Outcome.owner_organization_id == self.organization_id,
            Outcome.owner_person_id.in_(
                select(Person.id).where(Person.organization_id == self.organization_id)
            ),
        )
        met = exists().where(
            Participation.meeting_id == Outcome.meeting_id,
            Participation.organization_id == self.organization_id,
        )
        if self.promised == "by":
            return owned
        if self.promised == "to":
            # NULL-safe "not owned": an outcome owned by no one is not theirs.
            return and_(met, ~func.coalesce(owned, False))
        return or_(owned, met)

    def apply(
        self, statement: Select, user, today: date, record_seen: bool = False
    ) -> Select:
        """Narrow a select of outcomes joined to their meetings (those `user` may see).

        A person or organization the user may not see selects nothing (its
        people are found by their usual organization, which may be hidden from
        a user who sees them), a topic likewise (`topic_and_descendant_ids`).
        `person`: owned by that person. `organization`: owned by it or by one
        of its people, or agreed in a meeting it took part in (what was
        promised by and to it). `promised` narrows either to one way: "by"
        (owned by the person; by the organization or its people), "to" (agreed
        in a meeting they took part in and owned by someone else, or by no one).
        `topic`: its meeting had the topic or one of
        its sub-topics on the agenda. Overdue: open, due before `today`.
        `record_seen`: the caller found the person or organization visible to
        `user` already (its own page did), so it is not tested again.
        """
        if self.status:
            statement = statement.where(Outcome.status == self.status)
        for model, record_id in (
            (Person, self.person_id),
            (Organization, self.organization_id),
        ):
            if (
                record_id
                and not record_seen
                and not sees_record_id(user, model, record_id)
            ):
                return statement.where(false())
        if self.person_id:
            statement = statement.where(self._person_clause())
        if self.organization_id:
            statement = statement.where(self._organization_clause())
        if self.topic_id:
            statement = statement.where(
                exists().where(
                    MeetingTopic.meeting_id == Outcome.meeting_id,
                    MeetingTopic.topic_id.in_(
                        topic_and_descendant_ids(self.topic_id, user)
                    ),
                )
            )
        if self.due_from:
            statement = statement.where(Outcome.due >= self.due_from)
        if self.due_to:
            statement = statement.where(Outcome.due <= self.due_to)
        if self.overdue:
            statement = statement.where(
                Outcome.status == OutcomeStatus.OPEN, Outcome.due < today
            )
        return statement
