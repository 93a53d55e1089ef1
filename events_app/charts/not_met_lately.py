"""People and organizations last met more than some months ago, oldest first.

"Met" means taking part in a meeting that took place (started, and neither
cancelled nor postponed) and that the viewer may see: someone whose latest
meeting is hidden from the viewer is listed at their latest visible one, or
not at all. The list is aggregated and paged in SQL (a window counts the
total in the same statement), so a page costs the same few statements at any
size.
"""

import calendar
import math
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from events_app.capped_pages import NumberedPages
from events_app.extensions import db
from events_app.input_rules import database_id
from events_app.language.formatting import format_number
from events_app.meeting_stats import NOT_HELD_STATUSES
from events_app.models import Meeting, Organization, Participation, Person
from events_app.models.meetings import utc_now
from events_app.visibility import meeting_visibility_clause

DEFAULT_MONTHS = 6
MIN_MONTHS = 1
MAX_MONTHS = 120
PER_PAGE = 50

# What each list holds: the participation's column, the record and its name.
LISTS = {
    "organizations": (Participation.organization_id, Organization, Organization.name),
    "people": (Participation.person_id, Person, Person.display_name),
}


@dataclass
class NotMetChoice:
    """What the page lists: people or organizations, not met for `months` months;
    `typed` is the months field's text, `errors` what was refused."""

    months: int = DEFAULT_MONTHS
    records: str = "organizations"
    typed: str = str(DEFAULT_MONTHS)
    errors: dict[str, str] = field(default_factory=dict)


def not_met_choice(args) -> NotMetChoice:
    """The ?months= and ?records= asked: bad values are a message and the default."""
    choice = NotMetChoice()
    typed = args.get("months", "").strip()
    months = database_id(typed)
    if typed and (months is None or not MIN_MONTHS <= months <= MAX_MONTHS):
        choice.typed = typed[:20]
        choice.errors["months"] = _(
            "Months: a whole number from %(least)s to %(most)s; showing %(shown)s.",
            least=format_number(MIN_MONTHS),
            most=format_number(MAX_MONTHS),
            shown=format_number(DEFAULT_MONTHS),
        )
    elif typed:
        choice.months, choice.typed = months, str(months)
    records = args.get("records", "").strip()
    if records in LISTS:
        choice.records = records
    elif records:
        choice.errors["records"] = _("Choose people or organizations.")
    return choice


def months_ago(today: date, months: int) -> date:
    """The same day `months` calendar months before `today` (or its month's last)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(today.day, last_day))


@dataclass(frozen=True)
class NotMetRow:
    """A person or organization, when last met, and that (visible) meeting."""

    record: object
    last_met: date
    meeting: Meeting


@dataclass(frozen=True)
class Page(NumberedPages):
    """One page of a list, with what the shared pagination macros read."""

    rows: list[NotMetRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.per_page), 1)


def not_met_since(user, records: str, cutoff: date, page: int) -> Page:
    """Page `page` of the people or organizations whose latest visible meeting
    that took place is before `cutoff`, the longest ago first.

    The page's ids and dates are kept per data version and viewer's sight
    (events_app/kept_figures.py; they change when a meeting begins, so the key
    holds the next start): finding them reads every participation (0.3 to 0.6 s
    at 100,000 meetings on SQLite), loading the page's 50 records by id does not.
    """
    from events_app.kept_figures import kept_figure

    listed, meeting_of, total = kept_figure(
        "not_met_since",
        (records, cutoff, page),
        user,
        lambda: _not_met_ids(user, records, cutoff, page),
        changes_when_meetings_begin=True,
    )
    if not listed:
        return Page([], page, PER_PAGE, total)
    _, model, _ = LISTS[records]
    ids = [record_id for record_id, _ in listed]
    records_by_id = {
        record.id: record
        for record in db.session.scalars(select(model).where(model.id.in_(ids)))
    }
    meetings = {
        meeting.id: meeting
        for meeting in db.session.scalars(
            select(Meeting).where(Meeting.id.in_(list(meeting_of.values())))
        )
    }
    rows = [
        NotMetRow(records_by_id[record_id], last, meetings[meeting_of[record_id]])
        for record_id, last in listed
    ]
    return Page(rows, page, PER_PAGE, total)


def _not_met_ids(
    user, records: str, cutoff: date, page: int
) -> tuple[tuple[tuple[int, date], ...], dict[int, int], int]:
    """`not_met_since` as plain values: the page's (record id, last met) pairs,
    each record's meeting of that day by id, and the total listed."""
    key, _, _ = LISTS[records]
    taken_place = (Meeting.start_utc <= utc_now()) & Meeting.status.not_in(
        NOT_HELD_STATUSES
    )
    last_met = func.max(Meeting.start_local_date)
    listed = db.session.execute(
        select(key, last_met, func.count().over())
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .where(key.is_not(None), meeting_visibility_clause(user), taken_place)
        .group_by(key)
        .having(last_met < cutoff)
        .order_by(last_met, key)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    total = listed[0][2] if listed else 0
    ids = [record_id for record_id, *_ in listed]
    if not ids:
        return (), {}, total
    # Each record's meetings on its last day, found through the records' own
    # meetings (a window over all their meetings read every one of them: 2 s;
    # left to itself, the planner walked every meeting that took place).
    last_day_of = {record_id: _as_date(last) for record_id, last, _ in listed}
    meeting_of: dict[int, int] = {}
    their = aliased(Participation)
    their_key = getattr(their, key.key)
    for record_id, meeting_id, day in db.session.execute(
        select(key, Meeting.id, Meeting.start_local_date)
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .where(
            key.in_(ids),
            # Meetings of those days first (a few, by their date's index), not
            # every meeting that took place.
            Meeting.id.in_(select(their.meeting_id).where(their_key.in_(ids))),
            Meeting.start_local_date.in_(sorted(set(last_day_of.values()))),
            meeting_visibility_clause(user),
            taken_place,
        )
        .order_by(Meeting.start_utc.desc(), Meeting.id.desc())
    ):
        if _as_date(day) == last_day_of[record_id]:
            meeting_of.setdefault(record_id, meeting_id)
    return tuple(last_day_of.items()), meeting_of, total


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
