"""Views of the meeting history and the meeting form."""

from itertools import groupby

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload

from events_app.auth.permissions import editor_required
from events_app.extensions import db
from events_app.input_rules import integer_arg
from events_app.meetings import bp
from events_app.meetings.csv_export import meetings_to_csv
from events_app.meetings.filters import MeetingFilters
from events_app.meetings.forms import MeetingForm, known_timezones
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
from events_app.models import (
    Meeting,
    Organization,
    Participation,
    Person,
)
from events_app.models.meetings import everything_about_meetings
from events_app.search.directory_offers import directory_offers
from events_app.search.matching import snippets_for
from events_app.search.results import search_listing
from events_app.urls import absolute_meeting_url
from events_app.visibility import (
    trashed_meeting_readable_by,
    visible_meeting_or_404,
    visible_meetings_for,
    visible_organizations_for,
    visible_people_for,
    visible_topics_for,
)


@bp.route("/")
def home():
    """The front page is the meeting history."""
    return redirect(url_for("meetings.index"))


@bp.route("/meetings")
def index():
    """Reverse-chronological history, grouped by month, filtered by the query string."""
    filters = MeetingFilters.from_args(request.args)
    if not filters.errors and any(value == "" for value in request.args.values()):
        # The filter form sends every field; bookmarks should only keep the set ones.
        page_number = request.args.get("page") or None
        return redirect(
            url_for("meetings.index", **filters.as_args(), page=page_number)
        )
    visible = visible_meetings_for(current_user)
    listing = search_listing(filters, visible) if filters.query else None
    statement = (
        (listing.statement if listing else filters.apply(visible))
        .options(
            selectinload(Meeting.participations), selectinload(Meeting.meeting_topics)
        )
        .order_by(Meeting.start_utc.desc(), Meeting.id.desc())
    )
    page = db.paginate(
        statement,
        page=integer_arg("page", 1),
        per_page=current_app.config["MEETINGS_PER_PAGE"],
        max_per_page=100,
        error_out=False,
        count=listing is None,
    )
    if listing:
        page.total = listing.total
    months = [
        (month, list(meetings))
        for month, meetings in groupby(
            page.items, key=lambda meeting: meeting.local_start.strftime("%B %Y")
        )
    ]
    return render_template(
        "meetings/index.html",
        filters=filters,
        page=page,
        months=months,
        choices=filter_choices(),
        listing=listing,
        **search_results(filters, page.items),
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
        "snippets": snippets_for([meeting.id for meeting in meetings], filters.search),
    }


def filter_choices() -> dict:
    """Options of the filter selects: the records the viewer may see, by name."""
    return {
        "people": db.session.scalars(
            visible_people_for(current_user).order_by(Person.display_name)
        ).all(),
        "organizations": db.session.scalars(
            visible_organizations_for(current_user).order_by(Organization.name)
        ).all(),
        "topics": sorted(
            db.session.scalars(visible_topics_for(current_user)).all(),
            key=lambda t: t.path.lower(),
        ),
    }


@bp.route("/meetings/<int:meeting_id>")
def show(meeting_id: int):
    """Everything recorded about one meeting."""
    meeting = visible_meeting_or_404(current_user, meeting_id)
    participants_by_organization = group_participants(meeting.participations)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        participants_by_organization=participants_by_organization,
    )


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
        label = row.organization.label if row.organization else "No organization"
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
):
    form.ensure_empty_rows()
    return (
        render_template(
            "meetings/form.html",
            form=form,
            meeting=meeting,
            names=name_suggestions(),
            timezone_names=sorted(known_timezones()),
            conflict=conflict,
            gone=gone,
        ),
        status,
    )


def name_suggestions() -> dict[str, list[str]]:
    """Names offered in the form's datalists, so existing records are picked.

    Only records the editor may see are offered: a datalist is page content too.
    """
    return {
        "people": db.session.scalars(
            visible_people_for(current_user)
            .with_only_columns(Person.display_name)
            .order_by(Person.display_name)
        ).all(),
        "organizations": db.session.scalars(
            visible_organizations_for(current_user)
            .with_only_columns(Organization.name)
            .order_by(Organization.name)
        ).all(),
        "topics": sorted(
            topic.path for topic in db.session.scalars(visible_topics_for(current_user))
        ),
    }


NO_STARTING_REVISION = (
    "This edit does not say which saved revision it started from, so it was not "
    "saved: it could overwrite someone else's changes unseen. Your input is kept "
    "below; compare it with the saved meeting, then save again."
)


NAMES_TO_CONFIRM = (
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
            flash(NO_STARTING_REVISION, "error")
            return render_form(form, meeting, 422)
        if started_from != meeting.revision:
            return render_conflict(form, meeting, started_from)
    if not form.validate():
        flash("Please correct the fields marked below; nothing was saved yet.", "error")
        return render_form(form, meeting, 422)
    if not form.ask_about_names(current_user):
        flash(NAMES_TO_CONFIRM, "error")
        return render_form(form, meeting, 422)
    meeting_id = meeting.id if meeting is not None else None
    try:
        saved = save_meeting(meeting, form, started_from=started_from)
    except ChangedMeanwhile:
        return render_changed_meanwhile(form, meeting_id, started_from)
    except MarkedRecordLinked:
        flash("Please correct the fields marked below; nothing was saved yet.", "error")
        return render_form(form, meeting, 422)
    except MeetingSaveError as error:
        flash(str(error), "error")
        return render_form(form, meeting, 500)
    flash("Meeting saved.", "success")
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
    meeting = visible_meeting_or_404(current_user, meeting_id)
    return render_form(form_for_meeting(meeting), meeting)


@bp.route("/meetings/<int:meeting_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(meeting_id: int):
    """Ask for confirmation (GET), then delete (POST)."""
    meeting = visible_meeting_or_404(current_user, meeting_id)
    if request.method == "POST":
        title = meeting.title
        move_to_trash(meeting)
        flash(f"Meeting “{title}” moved to the trash.", "success")
        return redirect(url_for("meetings.index"))
    return render_template("meetings/delete.html", meeting=meeting)


@bp.get("/meetings.csv")
def meetings_csv():
    """The filtered history as CSV (only what the viewer may see)."""
    filters = MeetingFilters.from_args_or_400(request.args)
    meetings = db.session.scalars(
        filters.apply(visible_meetings_for(current_user))
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
