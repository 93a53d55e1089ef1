"""Views of the follow-ups: the list, marking one, and its calendar feed."""

import hashlib
from dataclasses import replace
from datetime import UTC
from urllib.parse import parse_qsl

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from events_app.auth.directory_person import linked_person_for
from events_app.auth.feed_tokens import (
    active_feed_token,
    ensure_feed_token,
    subscription_key,
    user_for_feed_token,
)
from events_app.auth.permissions import editor_required
from events_app.calendar.feed_words import (
    feed_language,
    follow_ups_feed_words,
    vary_by_language,
)
from events_app.calendar.ical import FORMAT_VERSION
from events_app.calendar.routes import (
    CALENDAR_MIMETYPE,
    feed_links,
    feed_meeting_url,
    response_is_fresh,
)
from events_app.date_range import months_before
from events_app.extensions import db
from events_app.follow_ups import bp
from events_app.follow_ups.feed import calendar_follow_ups
from events_app.follow_ups.filters import FollowUpFilters
from events_app.follow_ups.forms import MarkFollowUpForm
from events_app.follow_ups.ical import follow_ups_to_ical
from events_app.follow_ups.operations import mark_follow_up
from events_app.follow_ups.queries import (
    DueFollowUps,
    due_follow_ups,
    follow_ups_page,
    today,
)
from events_app.input_rules import database_id, integer_arg
from events_app.language.formatting import format_date
from events_app.meetings.filters import ActiveFilter
from events_app.meetings.operations import ChangedMeanwhile, MeetingSaveError
from events_app.meetings.record_filters import record_filter_fields, sent_form_to_tidy
from events_app.models import Outcome
from events_app.models.choices import OutcomeStatus, label
from events_app.models.feeds import current_data_stamp
from events_app.urls import absolute_url
from events_app.visibility import visibility_key_for, visible_meeting_or_404

# The message after marking, with the follow-up's text put in.
DONE_MESSAGES = {
    OutcomeStatus.DONE: _l("Marked done: “%(text)s”."),
    OutcomeStatus.DROPPED: _l("Dropped: “%(text)s”."),
    OutcomeStatus.OPEN: _l("Reopened: “%(text)s”."),
}


@bp.get("/follow-ups")
def index():
    """Every follow-up the viewer may see, soonest due first, filtered by the URL."""
    filters = FollowUpFilters.from_args(request.args)
    record_fields = record_filter_fields(filters, request.args, current_user)
    if sent_form_to_tidy(filters, record_fields, request.args):
        return redirect(
            url_for(
                "follow_ups.index",
                **filters.as_args(),
                page=request.args.get("page") or None,
            )
        )
    page = follow_ups_page(
        current_user,
        filters,
        integer_arg("page", 1),
        per_page=current_app.config["MEETINGS_PER_PAGE"],
    )
    return render_template(
        "follow_ups/index.html",
        filters=filters,
        record_fields=record_fields,
        chips=filter_chips(filters, record_fields),
        page=page,
        today=today(),
        back=request.query_string.decode("utf-8", "replace"),
        feed=follow_ups_feed_links(filters),
        mine=linked_person_for(current_user) if current_user.is_authenticated else None,
    )


@bp.app_template_global()
def due_follow_ups_for_home() -> DueFollowUps | None:
    """The home page's overdue and next due follow-ups (signed in only).

    The history is the home page; templates/follow_ups/_due.html shows these
    above its first, unfiltered page.
    """
    if not current_user.is_authenticated:
        return None
    return due_follow_ups(current_user, linked_person_for(current_user))


def filter_chips(filters: FollowUpFilters, record_fields) -> list[ActiveFilter]:
    """The filters in force as removable chips; records by the name their field shows.

    The fields name only records the viewer may see (record_filters.py).
    """
    chips = []
    if filters.status != OutcomeStatus.OPEN:
        status = label(filters.status) if filters.status else _("any")
        chips.append(ActiveFilter(_("Status: %(status)s", status=status), ("status",)))
    for argument in ("person", "organization", "topic"):
        if getattr(filters, f"{argument}_id"):
            name = record_fields[argument].text or _("not found")
            heading, removes = chip_heading(filters, argument)
            chips.append(ActiveFilter(heading % {"name": name}, removes))
    if filters.due_from:
        chips.append(
            ActiveFilter(
                _("Due from %(day)s", day=format_date(filters.due_from)),
                ("due_from",),
            )
        )
    if filters.due_to:
        chips.append(
            ActiveFilter(
                _("Due by %(day)s", day=format_date(filters.due_to)), ("due_to",)
            )
        )
    if filters.overdue:
        chips.append(ActiveFilter(_("Overdue"), ("overdue",)))
    return chips


# What a record filter's chip says, with the record's name put in.
CHIP_HEADINGS = {
    "topic": _l("Topic: %(name)s"),
    "promised to": _l("Promised to: %(name)s"),
    "owner": _l("Owner: %(name)s"),
    "promised by": _l("Promised by: %(name)s"),
    "organization": _l("Organization: %(name)s"),
}


def chip_heading(filters: FollowUpFilters, argument: str) -> tuple[str, tuple]:
    """What a record filter's chip says ("%(name)s" to fill), and the
    arguments removing it drops."""
    if argument == "topic":
        return CHIP_HEADINGS["topic"], ("topic",)
    removes = (argument, "promised") if filters.promised else (argument,)
    if filters.promised == "to":
        return CHIP_HEADINGS["promised to"], removes
    if argument == "person":
        return CHIP_HEADINGS["owner"], removes
    if filters.promised == "by":
        return CHIP_HEADINGS["promised by"], removes
    return CHIP_HEADINGS["organization"], removes


def follow_ups_feed_links(filters: FollowUpFilters) -> dict[str, str] | None:
    """Links to the viewer's follow-ups feed with these filters; None without a feed."""
    if not current_user.is_authenticated:
        return None
    live = active_feed_token(current_user._get_current_object())
    if live is None:
        return None
    return feed_links(
        absolute_url(
            "follow_ups.private_feed",
            token=subscription_key(live),
            **feed_args(filters),
        )
    )


def feed_args(filters: FollowUpFilters) -> dict[str, str]:
    """The list's filters as a feed takes them: the feed has open ones only."""
    args = filters.as_args()
    args.pop("status", None)
    return args


def list_url(back: str | None) -> str:
    """The list a mark was sent from: its filters and page, parsed again."""
    args = MultiDict(parse_qsl(back or "", keep_blank_values=False))
    filters = FollowUpFilters.from_args(args)
    filters.errors.clear()
    page = integer_arg_from(args.get("page"))
    return url_for("follow_ups.index", **filters.as_args(), page=page)


def integer_arg_from(raw) -> int | None:
    """A page number from a kept query string; None for the first page or nonsense."""
    number = database_id(raw)
    return number if number and number > 1 else None


@bp.post("/meetings/<int:meeting_id>/follow-ups/<int:outcome_id>/status")
@editor_required
def mark(meeting_id: int, outcome_id: int):
    """Mark a follow-up done or dropped, or reopen it; back to the same list (PRG).

    A hidden meeting answers 404 like a missing one. A follow-up that is no
    longer in its meeting, or a meeting saved since the list was shown, is
    told so, and nothing is changed.
    """
    meeting = visible_meeting_or_404(current_user, meeting_id)
    form = MarkFollowUpForm()
    if not form.validate():
        abort(400, description=_("This request was not a follow-up's button."))
    target = list_url(form.back.data)
    started_from = int(form.revision.data)
    if not 1 <= started_from <= meeting.revision:
        abort(400, description=_("This request names no revision of the meeting."))
    outcome = db.session.scalar(
        select(Outcome).where(
            Outcome.id == outcome_id, Outcome.meeting_id == meeting.id
        )
    )
    stale = _(
        "“%(title)s” was changed since this list was shown, so nothing was "
        "marked. The list below shows it as it is now; try again.",
        title=meeting.title,
    )
    if outcome is None:
        flash(stale, "warning")
        return redirect(target)
    status = OutcomeStatus(form.status.data)
    try:
        changed = mark_follow_up(outcome, status, started_from)
    except ChangedMeanwhile:
        flash(stale, "warning")
        return redirect(target)
    except MeetingSaveError as error:
        flash(str(error), "error")
        return redirect(target)
    if changed:
        flash(DONE_MESSAGES[status] % {"text": outcome.text}, "success")
    return redirect(target)


@bp.post("/follow-ups/subscribe")
@login_required
def subscribe():
    """Create the viewer's private feed if need be; back to the list's feed links."""
    ensure_feed_token(current_user._get_current_object())
    return redirect(list_url(request.form.get("back")) + "#calendar")


@bp.get("/feeds/<token>/follow-ups.ics")
def private_feed(token: str):
    """A user's open follow-ups with a due date, as all-day events (token as key).

    Validators and caching follow the meeting feeds (calendar/routes.py):
    the data version, the user's visibility key and the filters make the
    ETag, so marking a follow-up done gives a new ETag at once.
    """
    user = user_for_feed_token(token)
    if user is None:
        abort(404)
    asked = FollowUpFilters.from_args_or_400(request.args)
    filters = replace(asked, status=OutcomeStatus.OPEN.value)
    months = current_app.config.get("FEED_WINDOW_MONTHS", 0)
    day = today()
    if months > 0 and not (filters.due_from or filters.due_to):
        filters = replace(filters, due_from=months_before(day, months))
    stamp = current_data_stamp()
    language = feed_language(user)
    fingerprint = "|".join(
        [
            "follow-ups",
            FORMAT_VERSION,
            language,
            stamp.epoch,
            str(stamp.version),
            visibility_key_for(user),
            repr(sorted(filters.as_args().items())),
            # "Overdue" and the window move with the day.
            day.isoformat() if filters.overdue else day.strftime("%Y-%m"),
            current_app.config["CALENDAR_NAME"],
            request.host_url,
            current_app.config.get("PUBLIC_BASE_URL", ""),
        ]
    )
    response = Response(content_type=CALENDAR_MIMETYPE)
    response.set_etag(hashlib.sha256(fingerprint.encode()).hexdigest())
    if stamp.changed_at is not None:
        response.last_modified = stamp.changed_at.replace(tzinfo=UTC, microsecond=0)
    response.headers["Cache-Control"] = "private"
    response.headers["X-Robots-Tag"] = "noindex"
    vary_by_language(response, user)
    if response_is_fresh(response):
        response.status_code = 304
        return response
    meeting_url = feed_meeting_url()
    follow_ups = calendar_follow_ups(user, filters, day)
    with force_locale(language):
        response.set_data(
            follow_ups_to_ical(
                follow_ups,
                calendar_name=follow_ups_feed_words(language),
                meeting_url=lambda meeting_id: meeting_url(_Id(meeting_id)),
            )
        )
    return response


class _Id:
    """A meeting id dressed as what `feed_meeting_url`'s link maker reads: `.id`."""

    __slots__ = ("id",)

    def __init__(self, meeting_id: int) -> None:
        self.id = meeting_id
