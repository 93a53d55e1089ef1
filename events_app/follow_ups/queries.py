"""Which follow-ups a viewer sees, a page at a time.

A follow-up is an outcome with an owner or a due date. It is seen exactly
when its meeting is (events_app/visibility.py), so every select here starts
from `visible_follow_ups_for`. Pages load a fixed number of statements: the
outcomes with their meetings in one, their owners in one each.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from events_app.extensions import db
from events_app.follow_ups.filters import FollowUpFilters
from events_app.history import MeetingLine, ShownRecord
from events_app.kept_figures import kept_figure, kept_rows
from events_app.models import Meeting, Outcome, Person
from events_app.models.choices import OutcomeStatus
from events_app.models.meetings import utc_now
from events_app.visibility import meeting_visibility_clause

FOLLOW_UPS_PER_PAGE = 25
# How many a home, person or organization page shows before "all of them".
SHOWN_ON_OTHER_PAGES = 5


def today() -> date:
    """The day overdue is counted from (UTC, as stored dates carry no zone)."""
    return utc_now().date()


def visible_follow_ups_for(user) -> Select[tuple[Outcome]]:
    """A select of the follow-ups the user may see, joined to their meetings."""
    # "+ 0" keeps the database from walking meetings first and reaching each
    # one's outcomes by ix_outcome_meeting_id, then sorting them all: SQLite's
    # planner does that once ANALYZE has run (220 ms at 100,000 outcomes,
    # against 1 ms walking ix_outcome_follow_up_order and stopping after a page).
    return (
        select(Outcome)
        .join(Meeting, Meeting.id == Outcome.meeting_id + 0)
        .where(
            meeting_visibility_clause(user),
            or_(
                Outcome.owner_person_id.is_not(None),
                Outcome.owner_organization_id.is_not(None),
                Outcome.due.is_not(None),
            ),
        )
    )


def with_meetings_and_owners(statement: Select) -> Select:
    """Load each follow-up's meeting in the same statement, owners in one more each."""
    return statement.options(
        contains_eager(Outcome.meeting),
        selectinload(Outcome.owner_person),
        selectinload(Outcome.owner_organization),
    )


def has_due_date() -> ColumnElement[bool]:
    """Outcomes with a due date, said the way ix_outcome_follow_up_order reads it.

    "(due IS NULL) = false" rather than "due IS NOT NULL": so the database
    walks that index by due date from the first one asked for, and stops.
    """
    return Outcome.due.is_(None) == false()


def by_due_date(statement: Select) -> Select:
    """Soonest due first (so overdue ones lead); those without a date last."""
    return statement.order_by(Outcome.due.is_(None), Outcome.due, Outcome.id)


@dataclass
class FollowUpPage:
    """One page of the list; the next page is known to exist, never counted."""

    items: list[Outcome]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def first_position(self) -> int:
        return (self.number - 1) * self.per_page + 1


def follow_ups_page(
    user, filters: FollowUpFilters, number: int, per_page: int = FOLLOW_UPS_PER_PAGE
) -> FollowUpPage:
    """A page of the user's follow-ups under these filters.

    One row more than the page is read to know whether a next page exists:
    counting every follow-up would cost as much as the data grows.
    """
    day = today()
    statement = by_due_date(filters.apply(visible_follow_ups_for(user), user, day))
    rows = kept_follow_ups(
        "follow-ups page",
        (tuple(sorted(filters.as_args().items())), number, per_page, day),
        user,
        statement.offset((number - 1) * per_page).limit(per_page + 1),
    )
    return FollowUpPage(
        items=list(rows[:per_page]),
        number=number,
        per_page=per_page,
        has_next=len(rows) > per_page,
    )


def kept_follow_ups(name: str, arguments, user, statement: Select) -> list[Outcome]:
    """The follow-ups `statement` selects, with their meetings and owners; which
    ones they are is kept per data version and viewer (events_app/kept_figures.py)."""
    return kept_rows(
        name,
        arguments,
        user,
        statement,
        joinedload(Outcome.meeting),
        selectinload(Outcome.owner_person),
        selectinload(Outcome.owner_organization),
    )


@dataclass
class DueFollowUps:
    """The overdue and the next due open follow-ups, each list capped.

    `person` is whose they are (the user's directory person); None: the team's.
    """

    overdue: list[Outcome]
    overdue_more: bool
    next_due: list[Outcome]
    next_due_more: bool
    today: date
    person: Person | None = None

    @property
    def filter_args(self) -> dict[str, str]:
        """The follow-ups list's filter for the same follow-ups."""
        return {"person": str(self.person.id)} if self.person else {}


def due_follow_ups(
    user, person: Person | None = None, limit: int = SHOWN_ON_OTHER_PAGES
) -> DueFollowUps:
    """Open follow-ups overdue and next due: owned by `person`, or the team's.

    The team's are every open follow-up with a due date in the meetings the
    user may see; a person's are those of them the person owns.
    """
    open_and_dated = visible_follow_ups_for(user).where(
        Outcome.status == OutcomeStatus.OPEN, has_due_date()
    )
    if person is not None:
        open_and_dated = open_and_dated.where(Outcome.owner_person_id == person.id)
    open_and_dated = open_and_dated.order_by(Outcome.due, Outcome.id)
    day = today()
    key = (person.id if person else None, limit, day)
    overdue = kept_follow_ups(
        "overdue follow-ups",
        key,
        user,
        open_and_dated.where(Outcome.due < day).limit(limit + 1),
    )
    next_due = kept_follow_ups(
        "next due follow-ups",
        key,
        user,
        open_and_dated.where(Outcome.due >= day).limit(limit + 1),
    )
    return DueFollowUps(
        overdue=list(overdue[:limit]),
        overdue_more=len(overdue) > limit,
        next_due=list(next_due[:limit]),
        next_due_more=len(next_due) > limit,
        today=day,
        person=person,
    )


def follow_ups_of_record(
    user, filters: FollowUpFilters, limit: int = SHOWN_ON_OTHER_PAGES
) -> tuple[list[Outcome], bool]:
    """The first follow-ups under a person's or organization's filter; more?

    The record is one the user may see: its page found it so.
    """
    narrowed = filters.apply(
        visible_follow_ups_for(user), user, today(), record_seen=True
    )
    rows = db.session.scalars(
        with_meetings_and_owners(by_due_date(narrowed)).limit(limit + 1)
    ).all()
    return list(rows[:limit]), len(rows) > limit


@dataclass
class RecordFollowUps:
    """One list of a person's or organization's page: promised by or to it."""

    items: list["FollowUpLine"]
    more: bool
    args: dict[str, str]  # the follow-ups list's filter for the same ones
    heading: str
    about: str
    today: date


# What each list of a person's or organization's page holds, in words.
PROMISED_WORDS = {
    ("person", "by"): (_l("Promised by them"), _l("Open follow-ups they own.")),
    ("person", "to"): (
        _l("Promised to them"),
        _l(
            "Open follow-ups agreed in meetings they took part in, owned by "
            "someone else (or by no one)."
        ),
    ),
    ("organization", "by"): (
        _l("Promised by it"),
        _l("Open follow-ups owned by the organization or its people."),
    ),
    ("organization", "to"): (
        _l("Promised to it"),
        _l(
            "Open follow-ups agreed in meetings it took part in, owned by others "
            "(or by no one)."
        ),
    ),
}


@dataclass(frozen=True)
class FollowUpLine:
    """A follow-up as the `follow_up_item` macro shows it (without the editor's
    buttons), in plain values: kept between views, where outcomes may not be."""

    id: int
    text: str
    status: str
    due: date | None
    completed_on: date | None
    owner_person: ShownRecord | None
    owner_organization: ShownRecord | None
    owner_label: str
    meeting: MeetingLine

    @classmethod
    def of(cls, outcome: Outcome) -> "FollowUpLine":
        """The line of an outcome loaded with its meeting and owners."""
        person, organization = outcome.owner_person, outcome.owner_organization
        return cls(
            id=outcome.id,
            text=outcome.text,
            status=outcome.status,
            due=outcome.due,
            completed_on=outcome.completed_on,
            owner_person=ShownRecord(person.id, person.label) if person else None,
            owner_organization=(
                ShownRecord(organization.id, organization.label)
                if organization
                else None
            ),
            owner_label=outcome.owner_label,
            meeting=MeetingLine.of(outcome.meeting),
        )


def follow_ups_of(user, record) -> list[RecordFollowUps]:
    """A person's or organization's open follow-ups promised by it, then to it.

    Each list is capped, soonest due first, over the meetings the user may
    see, with the follow-ups list's filter for all of it. `record` is one the
    user may see (its page checked). The lists are kept as plain values
    (events_app/kept_figures.py): they change with the data alone (whether
    one is overdue is the template's to say, from today's date).
    """
    argument = "person" if isinstance(record, Person) else "organization"
    filters = {
        promised: FollowUpFilters(**{f"{argument}_id": record.id}, promised=promised)
        for promised in ("by", "to")
    }

    def lines() -> tuple[tuple[tuple[FollowUpLine, ...], bool], ...]:
        found = []
        for promised in ("by", "to"):
            items, more = follow_ups_of_record(user, filters[promised])
            found.append((tuple(FollowUpLine.of(item) for item in items), more))
        return tuple(found)

    kept = kept_figure(
        "record_follow_ups",
        (argument, record.id, SHOWN_ON_OTHER_PAGES),
        user,
        lines,
        # Not needed, but the page's own figures read that data stamp already.
        changes_when_meetings_begin=True,
    )
    day = today()
    lists = []
    for promised, (items, more) in zip(("by", "to"), kept, strict=True):
        heading, about = PROMISED_WORDS[argument, promised]
        lists.append(
            RecordFollowUps(
                list(items), more, filters[promised].as_args(), heading, about, day
            )
        )
    return lists
