"""Views of the meeting history and the meeting form."""

from datetime import date
from itertools import groupby

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from events_app import capped_pages
from events_app.auth.permissions import editor_required
from events_app.capped_pages import kept_capped_page
from events_app.directory.names import OTHER_NAMES_MAX_COUNT
from events_app.extensions import db
from events_app.input_rules import integer_arg
from events_app.kept_figures import kept_figure, kept_html
from events_app.language.formatting import month_name
from events_app.meetings import bp
from events_app.meetings.calendar_view import (
    BadPeriod,
    Period,
    calendar_args,
    calendar_grid,
    period_from_args,
    spread_days,
    today_in,
    view_from_args,
    viewer_zone,
    zone_place,
)
from events_app.meetings.csv_export import meetings_to_csv
from events_app.meetings.disclosure import CONFIRMED, Disclosure, disclosure_of
from events_app.meetings.filters import MeetingFilters, Reading, active_filters
from events_app.meetings.forms import MeetingForm
from events_app.meetings.operations import (
    ChangedMeanwhile,
    MarkedRecordLinked,
    MeetingSaveError,
    describe_conflict,
    form_for_meeting,
    move_to_trash,
    save_meeting,
    started_from_revision,
)
from events_app.meetings.record_filters import record_filter_fields, sent_form_to_tidy
from events_app.meetings.timezone_places import zones_matching
from events_app.models import (
    Meeting,
    Participation,
)
from events_app.models.meetings import everything_about_meetings
from events_app.search.directory_offers import directory_offers
from events_app.search.matching import snippets_for
from events_app.search.results import SearchListing, search_listing
from events_app.urls import absolute_meeting_url
from events_app.visibility import (
    trashed_meeting_readable_by,
    visible_meeting_or_404,
    visible_meetings_for,
)


@bp.route("/")
def home():
    """The front page is the meeting history."""
    return redirect(url_for("meetings.index"))


def history_count(filters, visible) -> int:
    """How many meetings the history lists under these filters, up to the cap.

    Kept per data version and viewer (events_app/kept_figures.py): counting
    10,000 visible meetings is most of the history's SQL on PostgreSQL, and
    the answer only changes with the data. Counted in a shape of its own (see
    `meeting_among`), the same rows as the page.
    """

    def count() -> int:
        counted = filters.apply(visible, current_user, reading=Reading.COUNT)
        return capped_pages.count_at_most(counted, capped_pages.COUNTED_AT_MOST)

    return kept_figure(
        "history count",
        (tuple(sorted(filters.as_args().items())), capped_pages.COUNTED_AT_MOST),
        current_user,
        count,
    )


@bp.route("/meetings")
def index():
    """Reverse-chronological history, grouped by month, filtered by the query string."""
    filters = MeetingFilters.from_args(request.args)
    record_fields = record_filter_fields(filters, request.args, current_user)
    if sent_form_to_tidy(filters, record_fields, request.args):
        page_number = request.args.get("page") or None
        return redirect(
            url_for(
                "meetings.index",
                **filters.as_args(),
                **calendar_args(request.args),
                page=page_number,
            )
        )
    view = view_from_args(request.args)
    if view is None:
        abort(400, description=str(UNKNOWN_VIEW))
    if view != "list":
        return calendar_page(view, filters, record_fields)
    visible = visible_meetings_for(current_user)
    listing = search_listing(filters, visible, current_user) if filters.query else None
    statement = (
        listing.statement if listing else filters.apply(visible, current_user)
    ).order_by(Meeting.start_utc.desc(), Meeting.id.desc())
    page_number = integer_arg("page", 1)
    per_page = min(current_app.config["MEETINGS_PER_PAGE"], 100)
    total = listing.total if listing else history_count(filters, visible)
    counted_at_most = search_counted_at_most(listing) if listing else None
    page = kept_capped_page(
        "history page",
        # The count and its cap decide how a search orders its meetings.
        (tuple(sorted(filters.as_args().items())), total, counted_at_most),
        current_user,
        statement,
        page_number,
        per_page,
        total=total,
        counted_at_most=counted_at_most,
    )
    months = [
        (month, list(meetings))
        for month, meetings in groupby(
            page.items, key=lambda meeting: month_name(meeting.local_start)
        )
    ]
    return render_template(
        "meetings/index.html",
        filters=filters,
        active_filters=active_filters(filters, current_user),
        page=page,
        months=months,
        record_fields=record_fields,
        listing=listing,
        **search_results(filters, page.items),
    )


def search_counted_at_most(listing: SearchListing) -> int:
    """Where a search's count stopped: its own cap when it says "more than"."""
    return listing.total - 1 if listing.more_than_counted else listing.total


bp.add_app_template_global(zone_place)
bp.add_app_template_global(spread_days)

UNKNOWN_VIEW = _l("Unknown view: choose view=list, view=month or view=week.")


def calendar_page(view: str, filters: MeetingFilters, record_fields: dict):
    """The history as a month or week grid (events_app/meetings/calendar_view.py).

    A month or week that names no period answers 400 with the reason, the
    filters and a way to this month or week.
    """
    today = today_in(viewer_zone())
    try:
        period = period_from_args(view, request.args, today)
    except BadPeriod as problem:
        period, grid_html, period_error, status = None, None, str(problem), 400
    else:
        grid_html = drawn_calendar_grid(view, period, filters, today)
        period_error, status = None, 200
    return render_template(
        "meetings/calendar.html",
        view=view,
        filters=filters,
        active_filters=active_filters(filters, current_user),
        record_fields=record_fields,
        period=period,
        grid_html=grid_html,
        period_error=period_error,
        today=today,
        # The filter form and its "Clear" links keep the view and period.
        view_args=period.args if period else {"view": view},
    ), status


def drawn_calendar_grid(
    view: str, period: Period, filters: MeetingFilters, today: date
) -> Markup:
    """The period's grid and its count as HTML, kept per data version and viewer.

    A busy month shows some 250 meetings in 35 cells: writing them costs more
    than finding them, and neither changes until the data, the day (today's
    cell) or the language does (events_app/kept_figures.py).
    """

    def draw() -> str:
        visible = visible_meetings_for(current_user)
        within = filters.apply(visible, current_user, reading=Reading.SPAN)
        return render_template(
            "meetings/_calendar_grid.html",
            view=view,
            filters=filters,
            grid=calendar_grid(within, period, today),
        )

    return kept_html(
        "calendar_grid",
        (view, period.argument, tuple(sorted(filters.as_args().items())), today),
        current_user,
        draw,
    )


def search_results(filters: MeetingFilters, meetings: list[Meeting]) -> dict:
    """What the template shows of a text search: the records offered above the
    results, and each shown meeting's snippet (empty without a search)."""
    if not filters.query:
        return {"offers": [], "snippets": {}}
    return {
        "offers": directory_offers(current_user, filters.query)
        if integer_arg("page", 1) <= 1
        else [],
        "snippets": kept_snippets([meeting.id for meeting in meetings], filters),
    }


def kept_snippets(meeting_ids: list[int], filters: MeetingFilters) -> dict:
    """Each listed meeting's highlighted extract, kept per data version and
    viewer (the database writes them from each meeting's whole text)."""
    kept = kept_figure(
        "search snippets",
        (tuple(meeting_ids), filters.query),
        current_user,
        lambda: {
            meeting_id: str(snippet)
            for meeting_id, snippet in snippets_for(meeting_ids, filters.search).items()
        },
    )
    return {meeting_id: Markup(snippet) for meeting_id, snippet in kept.items()}


@bp.route("/meetings/<int:meeting_id>")
def show(meeting_id: int):
    """Everything recorded about one meeting.

    A meeting in the trash that the user could otherwise read says so, with
    the way back; for anyone else it is the same 404 as a hidden one.
    """
    meeting = db.session.scalar(
        visible_meetings_for(current_user).where(Meeting.id == meeting_id)
    )
    if meeting is None:
        return render_trashed_or_404(meeting_id)
    participants_by_organization = group_participants(meeting.participations)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        participants_by_organization=participants_by_organization,
    )


def render_trashed_or_404(meeting_id: int):
    """The "in the trash" page for those who could read the meeting, else 404."""
    trashed = (
        trashed_meeting_readable_by(current_user, meeting_id)
        if current_user.is_authenticated
        else None
    )
    if trashed is None:
        abort(404)
    return render_template(
        "meetings/in_trash.html",
        meeting=trashed,
        may_undo=may_undo_delete(trashed),
    ), 404


def may_undo_delete(meeting: Meeting) -> bool:
    """Whether the user may take this trashed meeting back out of the trash.

    Admins may restore anything from the trash; an editor only the meeting
    they themselves just deleted (the Undo offered in the deletion message).
    """
    if not current_user.is_authenticated or not current_user.can_edit:
        return False
    return current_user.is_admin or undo_delete_offer() == meeting.id


@bp.app_template_global()
def undo_delete_offer() -> int | None:
    """The meeting the signed-in user just deleted, whose Undo is still offered.

    Kept with the user's id: a session that outlives a sign-out offers the
    next user nothing.
    """
    offer = session.get("undo_delete")
    if (
        not isinstance(offer, dict)
        or not current_user.is_authenticated
        or offer.get("user") != current_user.id
    ):
        return None
    return offer.get("meeting")


def group_participants(participations: list[Participation]) -> list[tuple[str, list]]:
    """Participants grouped by the organization they represented, then by role order."""
    role_order = [
        "chair",
        "host",
        "speaker",
        "representative",
        "participant",
        "observer",
    ]
    groups: dict[str, list[Participation]] = {}
    for row in participations:
        label = row.organization.label if row.organization else _("No organization")
        groups.setdefault(label, []).append(row)
    for rows in groups.values():
        rows.sort(
            key=lambda row: (
                role_order.index(row.role) if row.role in role_order else 99,
                row.position,
            )
        )
    return list(groups.items())


def render_form(
    form: MeetingForm,
    meeting: Meeting | None,
    status: int = 200,
    conflict: dict | None = None,
    gone: dict | None = None,
    disclosure: Disclosure | None = None,
):
    """The form page; a posted form comes back with exactly the rows it had."""
    if request.method == "GET":
        form.ensure_empty_rows()
    return (
        render_template(
            "meetings/form.html",
            form=form,
            meeting=meeting,
            conflict=conflict,
            gone=gone,
            disclosure=disclosure,
            error_summary=form.error_summary(),
        ),
        status,
    )


@bp.get("/timezones/suggest")
@editor_required
def timezones_suggest():
    """JSON: time zones named by the typed ?q= (city, country or zone name)."""
    places = zones_matching(request.args.get("q", "")[:100])
    return jsonify(
        [
            {"name": place.zone, "matched": place.label, "score": 100 - position}
            for position, place in enumerate(places)
        ]
    )


NO_STARTING_REVISION = _l(
    "This edit does not say which saved revision it started from, so it was not "
    "saved: it could overwrite someone else's changes unseen. Your input is kept "
    "below; compare it with the saved meeting, then save again."
)


NAMES_TO_CONFIRM = _l(
    "Some names look like records already in the directory. Choose below, for "
    "each, the existing record or a new one; nothing was saved yet."
)


def handle_form_post(form: MeetingForm, meeting: Meeting | None):
    """Shared POST handling of the new and edit pages."""
    added_rows = request.form.get("add_rows")
    if added_rows:
        form.add_rows(added_rows)
        return render_form(form, meeting)
    started_from = None
    if meeting is not None:
        started_from = started_from_revision(form, meeting)
        if started_from is None:
            form.revision.data = str(meeting.revision)
            flash(str(NO_STARTING_REVISION), "error")
            return render_form(form, meeting, 422)
        if started_from != meeting.revision:
            return render_conflict(form, meeting, started_from)
    if not form.validate():
        # The page's error summary lists every problem, with links to the fields.
        return render_form(form, meeting, 422)
    if not form.ask_about_names(current_user):
        flash(str(NAMES_TO_CONFIRM), "error")
        return render_form(form, meeting, 422)
    disclosure = disclosure_of(meeting, form, current_user)
    if disclosure and request.form.get("confirm_disclosure") != CONFIRMED:
        # Nothing saved yet; the page says who would see what and asks.
        return render_form(form, meeting, 200, disclosure=disclosure)
    meeting_id = meeting.id if meeting is not None else None
    try:
        saved = save_meeting(meeting, form, started_from=started_from)
    except ChangedMeanwhile:
        return render_changed_meanwhile(form, meeting_id, started_from)
    except MarkedRecordLinked:
        flash(
            _("Please correct the fields marked below; nothing was saved yet."),
            "error",
        )
        return render_form(form, meeting, 422)
    except MeetingSaveError as error:
        flash(str(error), "error")
        return render_form(form, meeting, 500)
    flash(_("Meeting saved."), "success")
    for spelling, name in form.unkept_spellings():
        flash(
            _(
                "“%(spelling)s” was not kept as another name of %(name)s: it "
                "has %(count)s other names already, the most a record may have.",
                spelling=spelling,
                name=name,
                count=OTHER_NAMES_MAX_COUNT,
            ),
            "warning",
        )
    return redirect(url_for("meetings.show", meeting_id=saved.id))


def render_conflict(form: MeetingForm, meeting: Meeting, started_from: int):
    """Another save came first: show what it changed; the input stays (409)."""
    conflict = describe_conflict(meeting, started_from, current_user)
    form.revision.data = str(meeting.revision)
    return render_form(form, meeting, 409, conflict)


def render_changed_meanwhile(form: MeetingForm, meeting_id: int, started_from: int):
    """The save lost a race: to another save (409), the trash (409) or a purge."""
    meeting = db.session.scalar(
        visible_meetings_for(current_user).where(Meeting.id == meeting_id)
    )
    if meeting is None:
        return render_meeting_gone(form, meeting_id)
    return render_conflict(form, meeting, started_from)


def render_meeting_gone(form: MeetingForm, meeting_id: int):
    """An edit of a meeting the user can no longer see: keep the input, say why.

    A meeting trashed meanwhile that the user could see answers 409 and offers
    admins to restore it. Purged, hidden and missing meetings answer one 404
    page, so it confirms nothing that the user may not know.
    """
    trashed = trashed_meeting_readable_by(current_user, meeting_id)
    gone = {
        "trashed": trashed is not None,
        "restore_url": (
            url_for("meetings.untrash", meeting_id=meeting_id)
            if trashed is not None and current_user.is_admin
            else None
        ),
    }
    return render_form(form, None, 409 if trashed is not None else 404, gone=gone)


@bp.route("/meetings/new", methods=["GET", "POST"])
@editor_required
def new():
    """Record a new meeting."""
    form = MeetingForm()
    if request.method == "POST":
        return handle_form_post(form, None)
    form.timezone.data = request.args.get("timezone") or form.timezone.data
    return render_form(form, None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(meeting_id: int):
    """Change a meeting and its participants, topics, outcomes and sources."""
    if request.method == "POST":
        meeting = db.session.scalar(
            visible_meetings_for(current_user).where(Meeting.id == meeting_id)
        )
        if meeting is None:
            return render_meeting_gone(MeetingForm(), meeting_id)
        return handle_form_post(MeetingForm(), meeting)
    meeting = db.session.scalar(
        visible_meetings_for(current_user)
        .where(Meeting.id == meeting_id)
        .options(*everything_about_meetings())
    )
    if meeting is None:
        abort(404)
    return render_form(form_for_meeting(meeting), meeting)


@bp.route("/meetings/<int:meeting_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(meeting_id: int):
    """Ask for confirmation (GET), then delete (POST)."""
    meeting = visible_meeting_or_404(current_user, meeting_id)
    if request.method == "POST":
        title = meeting.title
        move_to_trash(meeting)
        # The message's Undo button may restore this one meeting for its deleter.
        session["undo_delete"] = {"meeting": meeting.id, "user": current_user.id}
        flash(_("Meeting “%(title)s” moved to the trash.", title=title), "undo-delete")
        return redirect(url_for("meetings.index"))
    return render_template("meetings/delete.html", meeting=meeting)


@bp.get("/meetings.csv")
def meetings_csv():
    """The filtered history as CSV (only what the viewer may see)."""
    filters = MeetingFilters.from_args_or_400(request.args)
    meetings = db.session.scalars(
        filters.apply(visible_meetings_for(current_user), current_user)
        .options(*everything_about_meetings())
        .order_by(Meeting.start_utc.desc(), Meeting.id.desc())
    ).all()
    body = meetings_to_csv(meetings, absolute_meeting_url)
    response = Response(
        body.encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="meetings.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
