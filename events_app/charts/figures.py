"""The numbers behind the charts: one function per chart, whose rows every door shows.

A chart's SVG, its data table and its CSV download are three views of one
`Figure` built here, so they cannot disagree. Each figure counts only the
meetings of a `ChartScope`, which starts from `visible_meetings_for(user)`: a
meeting the viewer may not see adds nothing, and the only names shown (topics,
people, organizations) are those of records taking part in meetings the viewer
sees, so visible by the rule of events_app/visibility.py. A topic is named by
its own name, never its path, so a hidden parent topic is never named.

Every figure aggregates in SQL (GROUP BY over indexed columns, the top few in
SQL too), over a span of months (24 unless chosen), so its statements and rows
do not grow with the history.

Adding a chart is a function `(scope, span, options) -> Figure` and a line in
`CHARTS`.
"""

import calendar
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, case, desc, distinct, func, select
from sqlalchemy.sql.elements import ColumnElement

from events_app.date_range import months_before
from events_app.directory.name_order import name_order
from events_app.extensions import db
from events_app.language.formatting import current_locale, format_number, month_name
from events_app.meeting_stats import NOT_HELD_STATUSES
from events_app.meetings.csv_export import spreadsheet_safe
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    Topic,
)
from events_app.models.choices import OutcomeStatus
from events_app.models.meetings import utc_now

# A span without a chosen start covers this many months, the current one last.
DEFAULT_MONTHS = 24
# The longest span a chart covers: a month is a row of the table and a column.
MAX_MONTHS = 120
# Stacked series drawn (the busiest); the rest add up as "Other".
TOP_SERIES = 6
# People or organizations listed in a "met most" or "last met" chart.
TOP_RECORDS = 10

# A local date and its UTC instant differ by less than a day in every zone.
ZONE_MARGIN = timedelta(days=1)

# How months can be stacked, and each choice in words.
STACKED_BY = {"topic": _l("Topic"), "organization": _l("Organization")}


@dataclass(frozen=True)
class Span:
    """The months a chart covers: from the first day of one to the last of another."""

    first_day: date
    last_day: date

    @property
    def months(self) -> list[str]:
        """Each month of the span as "YYYY-MM", oldest first."""
        first = self.first_day.year * 12 + self.first_day.month - 1
        last = self.last_day.year * 12 + self.last_day.month - 1
        return [
            f"{index // 12:04d}-{index % 12 + 1:02d}"
            for index in range(first, last + 1)
        ]


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def chosen_span(
    date_from: date | None, date_to: date | None, today: date | None = None
) -> tuple[Span, str | None]:
    """The whole months covering the chosen dates, and why they were cut, if they were.

    Without an end, the span ends with the current month (or the start's); without
    a start, it begins `DEFAULT_MONTHS` months before its end. A span longer than
    `MAX_MONTHS` keeps its end and loses its oldest months.
    """
    today = today or utc_now().date()
    last_day = (
        month_end(date_to) if date_to else month_end(max(today, date_from or today))
    )
    earliest = months_before(last_day, MAX_MONTHS - 1)
    if date_from is None:
        return Span(months_before(last_day, DEFAULT_MONTHS - 1), last_day), None
    first_day = min(date_from.replace(day=1), last_day.replace(day=1))
    if first_day < earliest:
        message = _(
            "A chart covers at most %(months)s months: from %(day)s here.",
            months=format_number(MAX_MONTHS),
            day=earliest.isoformat(),
        )
        return Span(earliest, last_day), message
    return Span(first_day, last_day), None


@dataclass(frozen=True)
class ChartScope:
    """Whose meetings a charts page counts: a select of the viewer's visible
    meetings (already narrowed to a record or the history's filters)."""

    meetings: Select
    # What the scope is (its kind and record, or the history's filters): with
    # the viewer, span and day, it keys the charts kept (`kept_charts`).
    key: tuple = ()
    person_id: int | None = None  # the page's own person, not among "people met"
    organization_id: int | None = None  # likewise for organizations
    default_by: str = "topic"  # how meetings per month are stacked by default
    # Rows already counted for this request, shared by the charts that show them.
    computed: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Figure:
    """One chart's numbers: a table whose first column labels the rows.

    `drawing` says how the SVG shows it: "stacked" draws each row as a column
    stacked from `series_columns`; "bars" draws each row as a bar of
    `value_column`. `record_ids` (with `record_kind`) link each row's label.
    The words (title, description, columns) are in the language of the request
    that computed it (kept charts are kept per language, `kept_charts`); the
    rows hold plain values: months as "YYYY-MM" (`month_rows`), days as ISO
    dates (`date_columns`), which the page shows in the reader's language and
    the CSV as they are.
    """

    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: list[tuple]
    drawing: str = "bars"
    value_column: int = 1
    series_columns: tuple[int, ...] = ()
    record_kind: str | None = None
    record_ids: list[int | None] = field(default_factory=list)
    unit: str = "meetings"
    empty_note: str = ""
    month_rows: bool = False
    date_columns: tuple[int, ...] = ()


def month_of(column) -> ColumnElement[str]:
    """A date column as "YYYY-MM", in the database's own dialect."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def meetings_in_span(scope: ChartScope, span: Span):
    """The scope's meetings within the span, as a subquery of the columns counted."""
    return (
        scope.meetings.where(
            # The UTC instants around the local dates: the database then reads
            # the span from the index of live meetings by start, not every
            # meeting outside the trash (5x less work at 100,000).
            Meeting.start_utc >= datetime.combine(span.first_day, time()) - ZONE_MARGIN,
            Meeting.start_utc
            < datetime.combine(span.last_day, time()) + 2 * ZONE_MARGIN,
            # The local dates as months (the span is whole months): a range
            # of dates would lead SQLite to the calendar's date index and the
            # wide rows (0.13 to 0.25 s for two years at 100,000); months leave
            # it the covering index of live meetings by start (ix_meeting_live,
            # 0.04 s), which holds the local date too.
            month_of(Meeting.start_local_date).between(span.months[0], span.months[-1]),
        )
        .with_only_columns(
            Meeting.id, Meeting.start_local_date, Meeting.start_utc, Meeting.status
        )
        .subquery("scoped")
    )


def meetings_per_month(scope: ChartScope, span: Span, by: str) -> Figure:
    """Meetings each month, and how many of them were on each of the busiest
    topics (or with each of the busiest organizations); the rest as "Other".

    A meeting on two topics counts under each, so a month's stack can be taller
    than its number of meetings (the "Meetings" column).
    """
    meetings = meetings_in_span(scope, span)
    month = month_of(meetings.c.start_local_date).label("month")
    totals = dict(
        db.session.execute(
            select(month, func.count()).select_from(meetings).group_by(month)
        ).all()
    )
    if by == "organization":
        link, key, model, name = (
            Participation,
            Participation.organization_id,
            Organization,
            Organization.name,
        )
    else:
        link, key, model, name = (
            MeetingTopic,
            MeetingTopic.topic_id,
            Topic,
            Topic.name,
        )
    linked = (
        select()
        .select_from(meetings)
        .join(link, link.meeting_id == meetings.c.id)
        .where(key.is_not(None))
    )
    meeting_count = func.count(distinct(meetings.c.id))
    top = named_top(
        linked.add_columns(key.label("record_id"), meeting_count.label("meetings"))
        .group_by(key)
        .order_by(desc(meeting_count), key)
        .limit(TOP_SERIES),
        model,
        name,
    )
    top = [(record_id, label) for record_id, label, *_ in top]
    top_ids = [record_id for record_id, _ in top]
    series = case((key.in_(top_ids), key), else_=None) if top_ids else None
    counts: dict[tuple[str, int | None], int] = {}
    if top_ids:
        for month_key, series_id, count in db.session.execute(
            linked.add_columns(month, series.label("series"), meeting_count).group_by(
                month, series
            )
        ):
            counts[(month_key, series_id)] = count
    other = _("Other organizations") if by == "organization" else _("Other topics")
    columns = (_("Month"), _("Meetings"), *(label for _, label in top), other)
    rows = [
        (
            month_key,
            totals.get(month_key, 0),
            *(counts.get((month_key, record_id), 0) for record_id in top_ids),
            counts.get((month_key, None), 0),
        )
        for month_key in span.months
    ]
    first, last = span_words(span)
    if by == "organization":
        title = _("Meetings per month, by organization")
        description = ngettext(
            "Meetings each month from %(first)s to %(last)s, stacked by the "
            "%(num)d busiest organization and the others; a meeting with several "
            "counts under each.",
            "Meetings each month from %(first)s to %(last)s, stacked by the "
            "%(num)d busiest organizations and the others; a meeting with several "
            "counts under each.",
            len(top_ids),
            first=first,
            last=last,
        )
    else:
        title = _("Meetings per month, by topic")
        description = ngettext(
            "Meetings each month from %(first)s to %(last)s, stacked by the "
            "%(num)d busiest topic and the others; a meeting with several counts "
            "under each.",
            "Meetings each month from %(first)s to %(last)s, stacked by the "
            "%(num)d busiest topics and the others; a meeting with several counts "
            "under each.",
            len(top_ids),
            first=first,
            last=last,
        )
    return Figure(
        name="per-month",
        title=title,
        description=description,
        columns=columns,
        rows=rows,
        drawing="stacked",
        series_columns=tuple(range(2, len(columns))),
        empty_note=_("No meetings to count here."),
        month_rows=True,
    )


def span_words(span: Span) -> tuple[str, str]:
    """The span's first and last months in words ("January 2025")."""
    return month_name(span.first_day), month_name(span.last_day)


def named_top(counted: Select, model, name) -> list:
    """The rows of `counted` (record_id, meetings, ...), each after its record's
    id and name, most meetings first.

    The names are joined to the few rows kept, not to every row counted.
    """
    top = counted.subquery("top")
    return db.session.execute(
        select(
            model.id, name, *(column for column in top.c if column.name != "record_id")
        )
        .join(top, top.c.record_id == model.id)
        .order_by(desc(top.c.meetings), *name_order(model))
    ).all()


def _met_most(
    scope: ChartScope,
    span: Span,
    model,
    key,
    name,
    excluded_id: int | None,
) -> list:
    """The records taking part most often in the scope's meetings, busiest first:
    (id, name, meetings, last met). One query per page and kind of record,
    however many charts show it."""
    cache_key = (model, span)
    if cache_key in scope.computed:
        return scope.computed[cache_key]
    meetings = meetings_in_span(scope, span)
    meeting_count = func.count(distinct(meetings.c.id))
    taken_place = (meetings.c.start_utc <= utc_now()) & meetings.c.status.not_in(
        NOT_HELD_STATUSES
    )
    last_met = func.max(case((taken_place, meetings.c.start_local_date), else_=None))
    counted = (
        select(
            key.label("record_id"),
            meeting_count.label("meetings"),
            last_met.label("last_met"),
        )
        .select_from(meetings)
        .join(Participation, Participation.meeting_id == meetings.c.id)
        .where(key.is_not(None))
        .group_by(key)
        .order_by(desc(meeting_count), key)
        .limit(TOP_RECORDS)
    )
    if excluded_id is not None:
        counted = counted.where(key != excluded_id)
    rows = named_top(counted, model, name)
    scope.computed[cache_key] = rows
    return rows


def people_met_most(scope: ChartScope, span: Span, by: str = "") -> Figure:
    """The people at most of the scope's meetings in the span."""
    rows = _met_most(
        scope,
        span,
        Person,
        Participation.person_id,
        Person.display_name,
        scope.person_id,
    )
    first, last = span_words(span)
    return Figure(
        name="people",
        title=_("People met most"),
        description=ngettext(
            "The %(num)d person at most of these meetings from %(first)s to "
            "%(last)s, with the number of meetings.",
            "The %(num)d people at most of these meetings from %(first)s to "
            "%(last)s, with the number of meetings.",
            TOP_RECORDS,
            first=first,
            last=last,
        ),
        columns=(_("Person"), _("Meetings")),
        empty_note=_("No meetings to count here."),
        rows=[(label, count) for _, label, count, _ in rows],
        record_kind="person",
        record_ids=[record_id for record_id, *_ in rows],
    )


def organizations_met_most(scope: ChartScope, span: Span, by: str = "") -> Figure:
    """The organizations at most of the scope's meetings in the span."""
    rows = _met_most(
        scope,
        span,
        Organization,
        Participation.organization_id,
        Organization.name,
        scope.organization_id,
    )
    first, last = span_words(span)
    return Figure(
        name="organizations",
        title=_("Organizations met most"),
        description=ngettext(
            "The %(num)d organization at most of these meetings from %(first)s "
            "to %(last)s, with the number of meetings.",
            "The %(num)d organizations at most of these meetings from %(first)s "
            "to %(last)s, with the number of meetings.",
            TOP_RECORDS,
            first=first,
            last=last,
        ),
        columns=(_("Organization"), _("Meetings")),
        empty_note=_("No meetings to count here."),
        rows=[(label, count) for _, label, count, _ in rows],
        record_kind="organization",
        record_ids=[record_id for record_id, *_ in rows],
    )


def organizations_last_met(scope: ChartScope, span: Span, by: str = "") -> Figure:
    """Days since the last meeting (that took place) with each of the
    organizations met most, longest ago first."""
    today = utc_now().date()
    rows = _met_most(
        scope,
        span,
        Organization,
        Participation.organization_id,
        Organization.name,
        scope.organization_id,
    )
    met = sorted(
        (
            (last_met, label, record_id)
            for record_id, label, _, last_met in rows
            if last_met is not None
        ),
        key=lambda row: (row[0], row[1].casefold(), row[2]),
    )
    first, last = span_words(span)
    return Figure(
        name="last-met",
        title=_("Time since the last meeting with each organization"),
        description=ngettext(
            "For the %(num)d organization met most from %(first)s to %(last)s: "
            "the days since their last meeting that took place, longest ago first.",
            "For the %(num)d organizations met most from %(first)s to %(last)s: "
            "the days since their last meeting that took place, longest ago first.",
            TOP_RECORDS,
            first=first,
            last=last,
        ),
        columns=(_("Organization"), _("Last met"), _("Days since")),
        empty_note=_("No meetings to count here."),
        date_columns=(1,),
        rows=[
            (label, _as_date(last_met).isoformat(), (today - _as_date(last_met)).days)
            for last_met, label, _ in met
        ],
        value_column=2,
        record_kind="organization",
        record_ids=[record_id for *_, record_id in met],
        unit="days",
    )


# How a follow-up due in a month ended up, in the order of the table's columns;
# the first five are stacked in the drawing, "Dropped" is shown apart (table
# and CSV only): a dropped follow-up was neither done nor late.
FOLLOW_UP_OUTCOMES = (
    _l("On time"),
    _l("Late"),
    _l("Done, day unknown"),
    _l("Overdue"),
    _l("Open, not yet due"),
    _l("Dropped"),
)


def follow_ups_on_time(scope: ChartScope, span: Span, by: str = "") -> Figure:
    """Follow-ups of the scope's meetings by the month they were due: done on
    or before the due day (on time), done after it (late), done before the app
    recorded the day (day unknown), still open past it (overdue), open and not
    yet due, and dropped.

    Counted by the month of the due date, not of completion, so that late,
    overdue and on-time follow-ups of one month are the same promises. A
    follow-up without a due date is left out. The meeting need not lie in the
    span: a follow-up of a December meeting due in January counts in January.
    """
    today = utc_now().date()
    # Each follow-up due in the span asks whether its meeting is one of the
    # scope's (visible, filtered) by its id: 50 ms for the whole history at
    # 100,000, against 150 to 280 ms for "IN (every visible meeting)".
    of_scope = scope.meetings.with_only_columns(Meeting.id)
    done = Outcome.status == OutcomeStatus.DONE
    is_open = Outcome.status == OutcomeStatus.OPEN
    kinds = (
        done & (Outcome.completed_on <= Outcome.due),
        done & (Outcome.completed_on > Outcome.due),
        done & Outcome.completed_on.is_(None),
        is_open & (Outcome.due < today),
        is_open & (Outcome.due >= today),
        Outcome.status == OutcomeStatus.DROPPED,
    )
    month = month_of(Outcome.due).label("month")
    counted = {
        month_key: counts
        for month_key, *counts in db.session.execute(
            select(
                month,
                *(
                    func.coalesce(func.sum(case((kind, 1), else_=0)), 0)
                    for kind in kinds
                ),
            )
            .where(
                Outcome.due >= span.first_day,
                Outcome.due <= span.last_day,
                of_scope.where(Meeting.id == Outcome.meeting_id).exists(),
            )
            .group_by(month)
        )
    }
    empty = [0] * len(FOLLOW_UP_OUTCOMES)
    first, last = span_words(span)
    return Figure(
        name="follow-ups",
        title=_("Follow-ups done on time or late"),
        description=_(
            "Follow-ups of these meetings due each month from %(first)s to "
            "%(last)s, by the month they were due: done on time, done late, done "
            "on a day not recorded, overdue and still open, open and not yet due; "
            "dropped ones are in the table only.",
            first=first,
            last=last,
        ),
        columns=(_("Month due"), *map(str, FOLLOW_UP_OUTCOMES)),
        rows=[
            (month_key, *(int(count) for count in counted.get(month_key, empty)))
            for month_key in span.months
        ],
        drawing="stacked",
        series_columns=tuple(range(1, len(FOLLOW_UP_OUTCOMES))),
        unit="follow-ups",
        empty_note=_("No follow-ups due in these months."),
        month_rows=True,
    )


def _as_date(value) -> date:
    """A date from the database (SQLite's MAX over a CASE answers text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


ChartFunction = Callable[[ChartScope, Span, str], Figure]

# The charts of every charts page, in page order, by their ?chart= name.
CHARTS: dict[str, ChartFunction] = {
    "per-month": meetings_per_month,
    "people": people_met_most,
    "organizations": organizations_met_most,
    "last-met": organizations_last_met,
    "follow-ups": follow_ups_on_time,
}


def kept_charts(
    scope: ChartScope, names: tuple[str, ...], span: Span, by: str, user
) -> list[Figure]:
    """The charts `names` of the scope, kept together per data version and
    viewer's sight (events_app/kept_figures.py), so a charts page seen again,
    or a CSV, reads no meetings until the data changes (one stamp for them all).

    The key holds the day (overdue follow-ups, days since the last meeting) and
    the start of the next meeting (what "took place" means changes when it
    begins), so kept charts are never stale; and the language, as the charts
    hold their words.
    """
    from events_app.kept_figures import kept_figure

    return kept_figure(
        "charts",
        (names, scope.key, span, by, utc_now().date(), str(current_locale())),
        user,
        lambda: [CHARTS[name](scope, span, by) for name in names],
        changes_when_meetings_begin=True,
    )


def figure_csv(figure: Figure) -> str:
    """The figure's table as CSV: its columns and rows, safe for spreadsheets."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(column) for column in figure.columns])
    for row in figure.rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return output.getvalue()
