"""Charts pages (the history's, and each person's, organization's and topic's),
their CSV downloads, and the "not met lately" list.

A record the viewer may not see answers 404 on its charts page and CSV, like
its own page. Bad dates or choices are a message on the page and a 400 for a
CSV, never an error.
"""

from dataclasses import dataclass

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from events_app.charts import bp
from events_app.charts.figures import (
    CHARTS,
    STACKED_BY,
    ChartScope,
    Figure,
    Span,
    chosen_span,
    figure_csv,
    kept_charts,
)
from events_app.charts.not_met_lately import (
    MAX_MONTHS,
    MIN_MONTHS,
    months_ago,
    not_met_choice,
    not_met_since,
)
from events_app.charts.scopes import (
    history_scope,
    organization_scope,
    person_scope,
    topic_scope,
)
from events_app.charts.shown import table_cells
from events_app.charts.svg import drawing_for
from events_app.date_range import query_date_span
from events_app.input_rules import integer_arg
from events_app.kept_figures import kept_html
from events_app.meetings.filters import MeetingFilters, active_filters
from events_app.models import Organization, Person, Topic
from events_app.models.meetings import utc_now
from events_app.visibility import visible_record_or_404


@dataclass
class ChartChoices:
    """What the viewer chose on a charts page: the span and the stacking."""

    span: Span
    by: str
    errors: dict[str, str]
    notes: list[str]


def chart_choices(scope: ChartScope, dates: tuple | None = None) -> ChartChoices:
    """The span (`from`, `to`) and stacking (`by`) asked for, and what was wrong.

    `dates` is (from, to, errors) when the caller parsed them already (the
    history's filters); otherwise they are read from the query string.
    """
    date_from, date_to, errors = dates or query_date_span(request.args)
    errors = dict(errors)
    # A date in error is left out (an end before the start is the end's error).
    span, note = chosen_span(
        None if "from" in errors else date_from, None if "to" in errors else date_to
    )
    by = request.args.get("by", "").strip() or scope.default_by
    if by not in STACKED_BY:
        errors["by"] = _("Stack by topic or by organization.")
        by = scope.default_by
    return ChartChoices(span, by, errors, [note] if note else [])


def figures_for(scope: ChartScope, choices: ChartChoices) -> list[Figure]:
    """Every chart of a charts page, in page order."""
    return kept_charts(scope, tuple(CHARTS), choices.span, choices.by, current_user)


# The page of each kind of record a chart's rows name, and its id argument.
RECORD_PAGES = {
    "person": ("people.person", "person_id"),
    "organization": ("people.organization", "organization_id"),
    "topic": ("topics.show", "topic_id"),
}


def row_links(figure: Figure) -> list[str]:
    """The page of the record each row of the figure names (none for months)."""
    if figure.record_kind is None:
        return []
    endpoint, id_argument = RECORD_PAGES[figure.record_kind]
    return [
        url_for(endpoint, **{id_argument: record_id}) for record_id in figure.record_ids
    ]


def span_args(choices: ChartChoices) -> dict[str, str]:
    """The span and stacking as asked, for the CSV links: the CSV reads them as
    the page did, so it counts the same meetings."""
    asked = {name: request.args.get(name, "").strip() for name in ("from", "to")}
    return {
        **{
            name: value
            for name, value in asked.items()
            if value and name not in choices.errors
        },
        "by": choices.by,
    }


def drawn_charts(
    scope: ChartScope, choices: ChartChoices, csv_endpoint: str, csv_args: dict
) -> Markup:
    """Every chart of the page as HTML (drawing, table, CSV link), kept.

    Drawing and formatting some 600 numbers cost more than counting them once
    the figures are kept, so the HTML is kept beside them, under the same key
    (events_app/charts/figures.py `kept_charts`) and the CSV links' arguments.
    """

    def draw() -> str:
        return render_template(
            "charts/_charts.html",
            charts=[
                (figure, drawing_for(figure), row_links(figure), table_cells(figure))
                for figure in figures_for(scope, choices)
            ],
            csv_endpoint=csv_endpoint,
            csv_args=csv_args,
        )

    return kept_html(
        "drawn_charts",
        (
            scope.key,
            choices.span,
            choices.by,
            utc_now().date(),
            csv_endpoint,
            tuple(sorted(csv_args.items())),
        ),
        current_user,
        draw,
        changes_when_meetings_begin=True,
    )


def charts_page(
    scope: ChartScope, heading: str, csv_endpoint: str, csv_args: dict, **context
):
    """A charts page: each chart with its table and its CSV link."""
    choices = chart_choices(scope, context.pop("dates", None))
    return render_template(
        "charts/page.html",
        heading=heading,
        choices=choices,
        charts=drawn_charts(
            scope, choices, csv_endpoint, csv_args | span_args(choices)
        ),
        stacked_by=STACKED_BY,
        **context,
    )


def chart_csv(scope: ChartScope, filename: str):
    """The CSV of the chart named by ?chart=: the very rows the page shows."""
    name = request.args.get("chart", "")
    if name not in CHARTS:
        abort(400, description=_("Choose a chart: %(names)s.", names=", ".join(CHARTS)))
    choices = chart_choices(scope)
    if choices.errors:
        abort(400, description=" ".join(choices.errors.values()))
    (figure,) = kept_charts(scope, (name,), choices.span, choices.by, current_user)
    return Response(
        figure_csv(figure),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{filename}-{figure.name}.csv"'
            )
        },
    )


@bp.get("/meetings/charts")
def history():
    """Charts of the meetings the history lists for the same filters."""
    filters = MeetingFilters.from_args(request.args)
    return charts_page(
        history_scope(current_user, filters),
        _("Meetings"),
        "charts.history_csv",
        dates=(filters.date_from, filters.date_to, filters.errors),
        filters=filters,
        active_filters=active_filters(filters, current_user),
        back_url=url_for("meetings.index", **filters.as_args()),
        csv_args=filters.as_args(),
    )


@bp.get("/meetings/charts.csv")
def history_csv():
    """One chart of the filtered history as CSV."""
    filters = MeetingFilters.from_args_or_400(request.args)
    return chart_csv(history_scope(current_user, filters), "meetings")


@bp.get("/people/<int:person_id>/charts")
def person(person_id: int):
    """Charts of a person's visible meetings."""
    record = visible_record_or_404(current_user, Person, person_id)
    return charts_page(
        person_scope(current_user, record),
        record.display_name,
        "charts.person_csv",
        back_url=url_for("people.person", person_id=record.id),
        csv_args={"person_id": record.id},
    )


@bp.get("/people/<int:person_id>/charts.csv")
def person_csv(person_id: int):
    """One chart of a person's visible meetings as CSV."""
    record = visible_record_or_404(current_user, Person, person_id)
    return chart_csv(person_scope(current_user, record), f"person-{record.id}")


@bp.get("/organizations/<int:organization_id>/charts")
def organization(organization_id: int):
    """Charts of an organization's visible meetings."""
    record = visible_record_or_404(current_user, Organization, organization_id)
    return charts_page(
        organization_scope(current_user, record),
        record.label,
        "charts.organization_csv",
        back_url=url_for("people.organization", organization_id=record.id),
        csv_args={"organization_id": record.id},
    )


@bp.get("/organizations/<int:organization_id>/charts.csv")
def organization_csv(organization_id: int):
    """One chart of an organization's visible meetings as CSV."""
    record = visible_record_or_404(current_user, Organization, organization_id)
    return chart_csv(
        organization_scope(current_user, record), f"organization-{record.id}"
    )


@bp.get("/topics/<int:topic_id>/charts")
def topic(topic_id: int):
    """Charts of the visible meetings on a topic and its sub-topics."""
    record = visible_record_or_404(current_user, Topic, topic_id)
    return charts_page(
        topic_scope(current_user, record),
        record.name,
        "charts.topic_csv",
        back_url=url_for("topics.show", topic_id=record.id),
        csv_args={"topic_id": record.id},
    )


@bp.get("/topics/<int:topic_id>/charts.csv")
def topic_csv(topic_id: int):
    """One chart of a topic's visible meetings as CSV."""
    record = visible_record_or_404(current_user, Topic, topic_id)
    return chart_csv(topic_scope(current_user, record), f"topic-{record.id}")


@bp.get("/not-met-lately")
def not_met_lately():
    """People or organizations last met more than ?months= months ago, oldest first."""
    choice = not_met_choice(request.args)
    cutoff = months_ago(utc_now().date(), choice.months)
    listing = not_met_since(
        current_user, choice.records, cutoff, integer_arg("page", 1)
    )
    return render_template(
        "charts/not_met_lately.html",
        listing=listing,
        choice=choice,
        cutoff=cutoff,
        min_months=MIN_MONTHS,
        max_months=MAX_MONTHS,
    )
