"""Which follow-ups a viewer sees, a page at a time.

A follow-up is an outcome with an owner or a due date. It is seen exactly
when its meeting is (events_app/visibility.py), so every select here starts
from `visible_follow_ups_for`. Pages load a fixed number of statements: the
outcomes with their meetings in one, their owners in one each.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from events_app.extensions import db
from events_app.follow_ups.filters import FollowUpFilters
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
    statement = by_due_date(filters.apply(visible_follow_ups_for(user), user, today()))
    rows = db.session.scalars(
        with_meetings_and_owners(statement)
        .offset((number - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return FollowUpPage(
        items=list(rows[:per_page]),
        number=number,
        per_page=per_page,
        has_next=len(rows) > per_page,
    )


@dataclass
class DueFollowUps:
    """The overdue and the next due open follow-ups, each list capped."""

    overdue: list[Outcome]
    overdue_more: bool
    next_due: list[Outcome]
    next_due_more: bool
    today: date


def due_follow_ups(user, limit: int = SHOWN_ON_OTHER_PAGES) -> DueFollowUps:
    """The user's overdue follow-ups and the next ones due (see the README).

    The app links no account to a person, so these are the team's: every open
    follow-up with a due date in the meetings the user may see.
    """
    open_and_dated = (
        visible_follow_ups_for(user)
        .where(Outcome.status == OutcomeStatus.OPEN, has_due_date())
        .order_by(Outcome.due, Outcome.id)
    )
    day = today()
    overdue = db.session.scalars(
        with_meetings_and_owners(open_and_dated.where(Outcome.due < day)).limit(
            limit + 1
        )
    ).all()
    next_due = db.session.scalars(
        with_meetings_and_owners(open_and_dated.where(Outcome.due >= day)).limit(
            limit + 1
        )
    ).all()
    return DueFollowUps(
        overdue=list(overdue[:limit]),
        overdue_more=len(overdue) > limit,
        next_due=list(next_due[:limit]),
        next_due_more=len(next_due) > limit,
        today=day,
    )


def follow_ups_of_record(
    user, filters: FollowUpFilters, limit: int = SHOWN_ON_OTHER_PAGES
) -> tuple[list[Outcome], bool]:
    """The first follow-ups under a person's or organization's filter; more?"""
    rows = db.session.scalars(
        with_meetings_and_owners(
            by_due_date(filters.apply(visible_follow_ups_for(user), user, today()))
        ).limit(limit + 1)
    ).all()
    return list(rows[:limit]), len(rows) > limit


@dataclass
class RecordFollowUps:
    """What a person's or organization's page shows of its follow-ups."""

    items: list[Outcome]
    more: bool
    args: dict[str, str]  # the follow-ups list's filter for the record
    about: str
    today: date


def follow_ups_of(user, record) -> RecordFollowUps:
    """A person's (owned by them) or organization's (owned by it or its people, or
    agreed in its meetings) open follow-ups, soonest due first, capped."""
    argument = "person" if isinstance(record, Person) else "organization"
    filters = FollowUpFilters(**{f"{argument}_id": record.id})
    items, more = follow_ups_of_record(user, filters)
    about = (
        "Owned by them."
        if argument == "person"
        else "Owned by it or its people, or agreed in meetings it took part in."
    )
    return RecordFollowUps(items, more, filters.as_args(), about, today())
