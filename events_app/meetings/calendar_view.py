"""The history as a month or week grid (`/meetings?view=month&month=2026-03`).

The grid takes the history's filters and the one visibility rule unchanged
(the statement it reads comes from `MeetingFilters.apply` on
`visible_meetings_for`), and reads only the days shown, through the index on
`Meeting.start_local_date` (from `LONGEST_SPREAD_DAYS` before the period): a
month costs one statement at any size of the history. A busy day shows its
first `shown_per_day` meetings and "+N more", a link to the list of that
day; the rest are counted in the same statement (a window over the day),
never loaded.

A meeting sits on the day it starts, at its own local time (the date and
time people wrote down), and on each later day it covers up to its last
local day (`Meeting.last_local_date`), "continues"; one covering more than
`LONGEST_SPREAD_DAYS` days sits on its first day only, which keeps the read a
range of the date index. It takes a place in each day's cell and its "+N
more", but the period counts it once. Its zone is named when it is not the
viewer's zone, the `DISPLAY_TIMEZONE` setting (the app has no per-user
zone), which also decides what "today" is.

Names of months and days, the first day of the week and the labels of the
periods follow the reader's language (events_app/language/formatting.py). A
week is named in links by the ISO week of its Monday (`week=2026-W11`) in
every language; where a language starts its weeks on another day, the page
shows the seven days from that day holding this Monday.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from events_app.date_range import FIRST_DAY, LAST_DAY
from events_app.extensions import db
from events_app.language.formatting import (
    first_weekday,
    format_date,
    month_name,
    weekday_names,
    zone_city,
)
from events_app.models import Meeting

VIEWS = ("list", "month", "week")
# The query arguments that say which grid and which period a page shows.
CALENDAR_ARGUMENTS = ("view", "month", "week")
# Meetings shown in one day's cell before "+N more".
SHOWN_PER_DAY = {"month": 4, "week": 12}
# The most days a meeting is shown on, one per day it covers; a longer one
# (a season, an exhibition) sits on its first day only, saying so. The bound
# keeps the grid's read a range of the index on the local start date.
LONGEST_SPREAD_DAYS = 31

MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")
WEEK_PATTERN = re.compile(r"(\d{4})-W(\d{2})", re.IGNORECASE)
MONTH_FORMAT_MESSAGE = _l("Use a month like 2026-03 (year, then month).")
WEEK_FORMAT_MESSAGE = _l("Use a week like 2026-W11 (year, then ISO week number).")
OUT_OF_RANGE_MESSAGE = _l("The calendar covers the years 1900 to 2199.")


class BadPeriod(ValueError):
    """A month or week argument that names no period the calendar shows."""


def viewer_zone() -> ZoneInfo:
    """The zone the calendar treats as the viewer's (the `DISPLAY_TIMEZONE` setting)."""
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def today_in(zone: ZoneInfo) -> date:
    return datetime.now(zone).date()


def view_from_args(args) -> str | None:
    """The view asked for ("list" when none); None for a value that is no view."""
    view = args.get("view", "").strip().lower() or "list"
    return view if view in VIEWS else None


def calendar_args(args) -> dict[str, str]:
    """The view and period arguments of a request, to keep across filter changes."""
    return {
        name: args[name].strip()
        for name in CALENDAR_ARGUMENTS
        if args.get(name, "").strip() and not (name == "view" and args[name] == "list")
    }


def week_start(day: date) -> date:
    """The first day of the week holding `day`, as the reader's language counts
    weeks (Monday in English, French and Belarusian)."""
    return day - timedelta(days=(day.weekday() - first_weekday()) % 7)


def day_headings() -> list[tuple[str, str]]:
    """The grid's column headings, from the language's first day of the week:
    each day's full and short name ("Monday", "Mon" / "lundi", "lun.")."""
    full, short = weekday_names("wide"), weekday_names("abbreviated")
    order = [(first_weekday() + shift) % 7 for shift in range(7)]
    return [(full[weekday], short[weekday]) for weekday in order]


def days_between(first: date, last: date) -> str:
    """A span of days as the week's label gives it: "9–15 March 2026",
    "30 March – 5 April 2026" ("9–15 сакавіка 2026", "9–15 mars 2026")."""
    if first.year != last.year:
        return f"{format_date(first, 'd MMMM y')} – {format_date(last, 'd MMMM y')}"
    if first.month != last.month:
        return f"{format_date(first, 'd MMMM')} – {format_date(last, 'd MMMM y')}"
    return f"{format_date(first, 'd')}–{format_date(last, 'd MMMM y')}"


@dataclass(frozen=True)
class Period:
    """The month or week a grid shows, and the neighbours it links to."""

    view: str  # "month" or "week"
    # The first day of the month, or of the week in the reader's language.
    first: date
    last: date

    @property
    def monday(self) -> date:
        """The Monday of a week, whose ISO week names it (in any language)."""
        return self.first + timedelta(days=(-self.first.weekday()) % 7)

    @property
    def argument(self) -> str:
        """The period as its query argument: "2026-03" or "2026-W11"."""
        if self.view == "month":
            return f"{self.first:%Y-%m}"
        year, week, _weekday = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def args(self) -> dict[str, str]:
        return {"view": self.view, self.view: self.argument}

    @property
    def label(self) -> str:
        """The heading: "March 2026", "Week 11, 2026 (9–15 March 2026)"."""
        if self.view == "month":
            return month_name(self.first)
        year, week, _weekday = self.monday.isocalendar()
        return _(
            "Week %(week)s, %(year)s (%(days)s)",
            week=week,
            year=str(year),
            days=days_between(self.first, self.last),
        )

    @property
    def short_label(self) -> str:
        """The name of the period on a link to it: "March 2026", "Week 11, 2026"."""
        if self.view == "month":
            return self.label
        year, week, _weekday = self.monday.isocalendar()
        return _("Week %(week)s, %(year)s", week=week, year=str(year))

    @property
    def previous(self) -> "Period | None":
        """The month or week before, or None before the first year served."""
        day = self.first - timedelta(days=1)
        return None if day < FIRST_DAY else period_containing(self.view, day)

    @property
    def next(self) -> "Period | None":
        day = self.last + timedelta(days=1)
        return None if day > LAST_DAY else period_containing(self.view, day)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def switched(self, today: date) -> "Period":
        """The other grid's period here: a week's month (its Monday's), or a
        month's week holding today (else its first week)."""
        if self.view == "week":
            return period_containing("month", self.monday)
        return period_containing("week", today if self.contains(today) else self.first)


def period_containing(view: str, day: date) -> Period:
    """The month or week (from the language's first day, see `week_start`)
    that holds `day`."""
    if view == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=31)).replace(day=1)
        return Period("month", first, following - timedelta(days=1))
    first = week_start(day)
    return Period("week", first, first + timedelta(days=6))


def period_from_args(view: str, args, today: date) -> Period:
    """The period a `month=` or `week=` argument names; this one when absent.

    Raises BadPeriod with a message to show for a malformed or impossible
    value, or one outside the years the app serves.
    """
    raw = args.get(view, "").strip()
    if not raw:
        return period_containing(view, today)
    if view == "month":
        match = MONTH_PATTERN.fullmatch(raw)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise BadPeriod(str(MONTH_FORMAT_MESSAGE))
        year, month = int(match.group(1)), int(match.group(2))
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise BadPeriod(str(OUT_OF_RANGE_MESSAGE))
        return period_containing("month", date(year, month, 1))
    match = WEEK_PATTERN.fullmatch(raw)
    if not match:
        raise BadPeriod(str(WEEK_FORMAT_MESSAGE))
    year, week = int(match.group(1)), int(match.group(2))
    # The ISO year of the week holding 31 December 2199 may be 2200.
    if not FIRST_DAY.year <= year <= LAST_DAY.year + 1:
        raise BadPeriod(str(OUT_OF_RANGE_MESSAGE))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise BadPeriod(
            _(
                "%(year)s has no week %(week)s. %(how)s",
                year=str(year),
                week=week,
                how=str(WEEK_FORMAT_MESSAGE),
            )
        ) from None
    if not FIRST_DAY <= monday <= LAST_DAY:
        raise BadPeriod(str(OUT_OF_RANGE_MESSAGE))
    return period_containing("week", monday)


@dataclass
class Day:
    """One cell of the grid: its date, the meetings shown and how many in all."""

    day: date
    in_period: bool = True
    is_today: bool = False
    meetings: list[Meeting] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        """Meetings of the day counted but not shown ("+N more")."""
        return self.total - len(self.meetings)


@dataclass
class CalendarGrid:
    """What a month or week page shows: weeks of days, and the meetings counted."""

    period: Period
    weeks: list[list[Day]]
    total: int
    zone_name: str
    # Each column's day names, full and short (see `day_headings`).
    headings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def days(self) -> list[Day]:
        """The period's days, in order (the phone's day list picks from these)."""
        return [day for week in self.weeks for day in week if day.in_period]


def spread_days(meeting) -> int:
    """How many days of the grid a meeting covers: 1 for a meeting within one
    day or longer than `LONGEST_SPREAD_DAYS` (shown on its first day only)."""
    days = (meeting.last_local_date - meeting.start_local_date).days + 1
    return days if days <= LONGEST_SPREAD_DAYS else 1


def days_after(first: ColumnElement[date], last: ColumnElement[date]):
    """Whole days from one date column to another, in the database's dialect."""
    if db.session.get_bind().dialect.name == "postgresql":
        return last - first
    return func.julianday(last) - func.julianday(first)


def grid_days(first: date, last: date):
    """The days from `first` to `last` as rows of one column, `day`."""
    rows = [
        select(literal(first + timedelta(days=shift), Date).label("day"))
        for shift in range((last - first).days + 1)
    ]
    return union_all(*rows).subquery("grid_day")


def day_meetings_statement(
    meetings: Select, first: date, last: date, shown_per_day: int
) -> Select:
    """The first meetings of each day from `first` to `last`, with each day's total.

    `meetings` is a filtered select of visible meetings. A meeting is on
    each day from its start to its last local day (`Meeting.last_local_date`)
    when it covers at most `LONGEST_SPREAD_DAYS` days, else on its first
    day only. One statement: the range on the indexed local dates, widened
    by that bound (narrow rows: id, start, dates); each meeting placed on its
    first day, and those over several days also on their later days of the
    period (a join to the days); a window numbering and counting each day's
    meetings and the period's, and only the first `shown_per_day` of each
    day read whole.
    """
    within = (
        meetings.where(
            Meeting.start_local_date.between(
                first - timedelta(days=LONGEST_SPREAD_DAYS - 1), last
            ),
            Meeting.last_local_date >= first,
        )
        .with_only_columns(
            Meeting.id,
            Meeting.start_utc,
            Meeting.start_local_date,
            case(
                (
                    days_after(Meeting.start_local_date, Meeting.last_local_date)
                    < LONGEST_SPREAD_DAYS,
                    Meeting.last_local_date,
                ),
                else_=Meeting.start_local_date,
            ).label("shown_until"),
        )
        .cte("within")
    )
    on_sqlite = db.session.get_bind().dialect.name == "sqlite"
    if on_sqlite:
        # Read once, before the join to the days: merged into the join, SQLite
        # may walk the meetings of a confidentiality once per day (2 s for a
        # month at 100,000 without planner statistics, against 4-6 ms).
        # PostgreSQL plans the plain one better (a week: 3.6 to 1.7 ms, when
        # the days were joined to every meeting).
        within = within.prefix_with("MATERIALIZED")
    days = grid_days(first, last)
    # Each meeting on the day it starts, and the few over several days on
    # each later day of the period they cover: a join of the days to those
    # few alone (to every meeting, 28 days x 900 meetings for a month).
    spanning = (
        select(
            within.c.id,
            within.c.start_utc,
            within.c.start_local_date,
            within.c.shown_until,
        )
        .where(within.c.shown_until > within.c.start_local_date)
        .cte("spanning")
    )
    if on_sqlite:
        # Else SQLite scans every meeting of `within` once per day.
        spanning = spanning.prefix_with("MATERIALIZED")
    continuing = select(
        spanning.c.id, spanning.c.start_utc, days.c.day, literal(1).label("continues")
    ).join(
        days,
        and_(
            days.c.day > spanning.c.start_local_date,
            days.c.day <= spanning.c.shown_until,
        ),
    )
    placed = union_all(
        select(
            within.c.id,
            within.c.start_utc,
            within.c.start_local_date.label("day"),
            literal(0).label("continues"),
        ).where(within.c.start_local_date >= first),
        continuing,
    ).subquery("placed")
    on_day = select(
        placed.c.id,
        placed.c.day,
        func.row_number()
        .over(partition_by=placed.c.day, order_by=(placed.c.start_utc, placed.c.id))
        .label("place_in_day"),
        func.count().over(partition_by=placed.c.day).label("day_total"),
        # Each meeting counted once in the period: on its first day there.
        func.count(case((or_(placed.c.continues == 0, placed.c.day == first), 1)))
        .over()
        .label("period_total"),
    ).subquery("on_day")
    return (
        select(Meeting, on_day.c.day, on_day.c.day_total, on_day.c.period_total)
        .join(on_day, on_day.c.id == Meeting.id)
        .where(on_day.c.place_in_day <= shown_per_day)
        .order_by(on_day.c.day, on_day.c.place_in_day)
    )


def calendar_grid(meetings: Select, period: Period, today: date) -> CalendarGrid:
    """The grid of `period` with the meetings of `meetings` (filtered, visible)."""
    by_day: dict[date, Day] = {}
    total = 0
    rows = db.session.execute(
        day_meetings_statement(
            meetings, period.first, period.last, SHOWN_PER_DAY[period.view]
        )
    ).all()
    for meeting, day, day_total, period_total in rows:
        total = period_total
        cell = by_day.setdefault(day, Day(day, total=day_total))
        cell.meetings.append(meeting)
    grid_first = week_start(period.first)
    grid_last = week_start(period.last) + timedelta(days=6)
    weeks: list[list[Day]] = []
    day = grid_first
    while day <= grid_last:
        cell = by_day.get(day) or Day(day, in_period=period.contains(day))
        cell.is_today = day == today
        if not weeks or len(weeks[-1]) == 7:
            weeks.append([])
        weeks[-1].append(cell)
        day += timedelta(days=1)
    return CalendarGrid(
        period,
        weeks,
        total=total,
        zone_name=current_app.config["DISPLAY_TIMEZONE"],
        headings=day_headings(),
    )


def zone_place(zone_name: str) -> str:
    """A zone as people say it, in the reader's language: "Europe/Paris" ->
    "Paris" ("Парыж"), "UTC" -> "UTC"."""
    return zone_city(zone_name).rsplit("/", 1)[-1].replace("_", " ")
