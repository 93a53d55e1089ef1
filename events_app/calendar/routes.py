"""Calendar downloads and subscription feeds.

Feeds answer conditional requests from cheap facts (the data version, who is
asking and which filters), so the many calendar clients polling every few
minutes get a 304 without the calendar ever being built.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import quote

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from events_app.auth.feed_tokens import (
    active_feed_token,
    ensure_feed_token,
    issue_feed_token,
    revoke_feed_tokens,
    subscription_key,
    user_for_feed_token,
)
from events_app.calendar import bp
from events_app.calendar.feed_loading import feed_body
from events_app.calendar.feed_words import (
    feed_language,
    meetings_feed_words,
    single_meeting_words,
    vary_by_language,
)
from events_app.calendar.filenames import ics_filename
from events_app.calendar.ical import (
    FORMAT_VERSION,
    CalendarMeeting,
    UnwritableMeeting,
    meetings_to_ical,
)
from events_app.date_range import months_before
from events_app.extensions import db
from events_app.input_rules import database_id
from events_app.language.choice import chosen_language
from events_app.language.formatting import format_date
from events_app.meetings.filters import MeetingFilters
from events_app.models import Meeting, Organization, Person, Topic
from events_app.models.choices import label
from events_app.models.feeds import current_data_stamp
from events_app.models.meetings import utc_now
from events_app.topic_tree import visible_path
from events_app.urls import absolute_meeting_url, absolute_url
from events_app.visibility import (
    visibility_key_for,
    visible_meeting_or_404,
    visible_meetings_for,
    visible_organizations_for,
    visible_people_for,
    visible_topic_ids_for,
    visible_topics_for,
)

CALENDAR_MIMETYPE = "text/calendar; charset=utf-8"
FEED_MAX_AGE_SECONDS = 300
# How long a new private feed's address stays on the account page, so that a
# reload shows it again instead of losing it (it lives in the signed session).
NEW_FEED_SHOWN_SECONDS = 600
NEW_FEED_SESSION_KEY = "new_private_feed"


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    """One meeting the current user may see, as a downloadable .ics file."""
    meeting = visible_meeting_or_404(current_user, meeting_id)
    return single_meeting_response(meeting, chosen_language())


def single_meeting_response(meeting: Meeting, language: str) -> Response:
    """One meeting as a downloadable .ics (409 if its saved data cannot be written).

    Its name is in `language`: the page's for a download, the feed owner's
    for a calendar app.
    """
    try:
        response = calendar_response(
            [meeting], language=language, skip_unwritable=False
        )
    except UnwritableMeeting as error:
        # Only data saved before today's checks; the edit form shows what to fix.
        abort(
            409,
            description=_(
                "This meeting cannot be written as a calendar file: %(reason)s "
                "Edit the meeting to correct it.",
                reason=error.reason,
            ),
        )
    filename = ics_filename(meeting.title, fallback=f"meeting-{meeting.id}")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response.make_conditional(request)


@bp.get("/calendar.ics")
def feed():
    """The public feed: what an anonymous visitor may see, narrowed by the filters.

    Feed URLs are shared and polled without a session, so it never depends on
    who is signed in.
    """
    return feed_response(None, private=False)


@bp.get("/feeds/<token>.ics")
def private_feed(token: str):
    """A user's secret feed: exactly what that user may see, narrowed by the filters."""
    user = user_for_feed_token(token)
    if user is None:
        abort(404)
    return feed_response(user, private=True)


@bp.get("/feeds/<token>/meetings/<int:meeting_id>.ics")
def private_meeting_ics(token: str, meeting_id: int):
    """One meeting as .ics for a calendar app: the feed key is the credential."""
    user = user_for_feed_token(token)
    if user is None:
        abort(404)
    meeting = visible_meeting_or_404(user, meeting_id)
    response = single_meeting_response(meeting, feed_language(user))
    vary_by_language(response, user)
    response.headers["Cache-Control"] = "private"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def feed_response(user, *, private: bool) -> Response:
    """Build the feed for this viewer and these filters, or answer 304 on a match."""
    asked = MeetingFilters.from_args_or_400(request.args)
    filters = feed_filters(asked)
    windowed = filters is not asked
    stamp = current_data_stamp()
    language = feed_language(user)
    fingerprint = "|".join(
        [
            FORMAT_VERSION,
            language,
            stamp.epoch,
            str(stamp.version),
            visibility_key_for(user),
            repr(sorted(filters.as_args().items())),
            current_app.config["CALENDAR_NAME"],
            request.host_url,
            current_app.config.get("PUBLIC_BASE_URL", ""),
            str(current_app.config.get("FEED_MAX_BYTES")) if windowed else "",
        ]
    )
    response = Response(content_type=CALENDAR_MIMETYPE)
    response.set_etag(hashlib.sha256(fingerprint.encode()).hexdigest())
    vary_by_language(response, user)
    changed_at = stamp.changed_at
    if windowed:
        # The window moves on the first of each month: the feed changes then.
        today = utc_now().date()
        moved_at = datetime(today.year, today.month, 1)
        changed_at = max(changed_at, moved_at) if changed_at else moved_at
    if changed_at is not None:
        response.last_modified = changed_at.replace(tzinfo=UTC, microsecond=0)
    if private:
        # Revalidated on every poll (security.py makes it "private, no-cache").
        response.headers["Cache-Control"] = "private"
        response.headers["X-Robots-Tag"] = "noindex"
    else:
        response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE_SECONDS}"
    if response_is_fresh(response):
        response.status_code = 304
        return response
    response.set_data(
        feed_body(
            filters.apply(visible_meetings_for(user), user),
            calendar_name=meetings_feed_words(language, private=private),
            meeting_url=feed_meeting_url(),
            max_event_bytes=(
                current_app.config.get("FEED_MAX_BYTES") or None if windowed else None
            ),
            data_stamp=stamp,
        )
    )
    return response


def feed_filters(filters: MeetingFilters) -> MeetingFilters:
    """The filters with the feed window added when they name no date.

    A feed of every meeting grows without end, and calendar apps refuse or
    time out on large ones; `from=`/`to=` reach as far as asked. The window's
    start is in the filters, so it is in the feed's validators too. A windowed
    feed is also held to FEED_MAX_BYTES (its oldest meetings are left out),
    which depends on the data alone, so the validators cover it as well.
    """
    months = current_app.config.get("FEED_WINDOW_MONTHS", 0)
    if months <= 0 or filters.date_from or filters.date_to:
        return filters
    return replace(filters, date_from=months_before(utc_now().date(), months))


def feed_meeting_url() -> Callable[[CalendarMeeting], str]:
    """`absolute_meeting_url` for a whole feed: url_for once, then each id put in.

    A feed links thousands of meetings, and url_for costs more than the rest
    of an event; the link differs only by the id, so the id of a built link is
    replaced (the last occurrence: the path comes after the host).
    """
    marker = str(2**31 - 1)
    prefix, found, suffix = absolute_url(
        "meetings.show", meeting_id=int(marker)
    ).rpartition(marker)
    if not found:
        return absolute_meeting_url
    return lambda meeting: f"{prefix}{meeting.id}{suffix}"


def response_is_fresh(response: Response) -> bool:
    """Does the client's cached copy still match (If-None-Match, If-Modified-Since)?"""
    etag, _ = response.get_etag()
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return bool(since and response.last_modified and response.last_modified <= since)


def calendar_response(
    meetings: list[Meeting], *, language: str, skip_unwritable: bool = True
) -> Response:
    """A text/calendar response with a strong ETag over the exact bytes."""
    body = meetings_to_ical(
        meetings,
        calendar_name=single_meeting_words(language),
        meeting_url=absolute_meeting_url,
        skip_unwritable=skip_unwritable,
    )
    response = Response(body, content_type=CALENDAR_MIMETYPE)
    response.add_etag()
    return response


def feed_links(feed_url: str) -> dict[str, str]:
    """Subscribe links for a feed's absolute https URL: webcal, https and Google."""
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    return {
        "webcal": webcal,
        "https": feed_url,
        "google": "https://calendar.google.com/calendar/render?cid="
        + quote(webcal, safe=""),
    }


def public_feed_links(**filter_args) -> dict[str, str]:
    """Subscribe links of the public feed narrowed by these history filters."""
    args = {key: value for key, value in filter_args.items() if value}
    return feed_links(absolute_url("calendar.feed", **args))


@bp.post("/account/feed")
@login_required
def issue_private_feed():
    """Create the user's secret feed URL; replacing a live one needs confirming.

    Post/redirect/get: the new address rides in the session to the account
    page, so reloading that page shows it again rather than replacing it.
    """
    user = current_user._get_current_object()
    if active_feed_token(user) is not None and request.form.get("confirm") != "yes":
        return redirect(url_for("calendar.confirm_new_private_feed"))
    issue_feed_token(user)
    # The session cookie is only signed, not encrypted, and outlives sign-out:
    # it carries the new token's row id, never a secret; the page shows the
    # subscription key, which works as the token does and dies with it.
    live = active_feed_token(user)
    session[NEW_FEED_SESSION_KEY] = {
        "token_id": live.id,
        "user_id": user.id,
        "at": int(time.time()),
    }
    return redirect(url_for("auth.account") + "#private-feed")


@bp.get("/account/feed/replace")
@login_required
def confirm_new_private_feed():
    """Ask before replacing a working feed address (works without JavaScript)."""
    if active_feed_token(current_user._get_current_object()) is None:
        return redirect(url_for("auth.account") + "#private-feed")
    return render_template("calendar/replace_feed.html")


@bp.app_template_global()
def new_private_feed_links() -> dict[str, str] | None:
    """The links of the feed just created, for a few minutes after, else None.

    Only while that token is still the user's live one: a replaced or stopped
    feed is never shown again.
    """
    if not current_user.is_authenticated:
        return None
    shown = session.get(NEW_FEED_SESSION_KEY)
    if not isinstance(shown, dict):
        return None
    live = active_feed_token(current_user._get_current_object())
    fresh = time.time() - int(shown.get("at", 0)) < NEW_FEED_SHOWN_SECONDS
    if (
        not fresh
        or live is None
        or shown.get("token_id") != live.id
        or shown.get("user_id") != current_user.id
    ):
        session.pop(NEW_FEED_SESSION_KEY, None)
        return None
    return feed_links(
        absolute_url("calendar.private_feed", token=subscription_key(live))
    )


@bp.post("/subscribe")
@login_required
def subscribe():
    """One click from a page: the user's private feed (created if need be),
    narrowed by the page's filters; then the page showing its address (PRG)."""
    meeting_id = database_id(request.form.get("meeting"))
    filters = MeetingFilters.from_args_or_400(request.form)
    ensure_feed_token(current_user._get_current_object())
    if meeting_id:
        return redirect(url_for("meetings.show", meeting_id=meeting_id) + "#calendar")
    return redirect(url_for("calendar.subscription", **filters.as_args()))


@bp.get("/subscribe")
@login_required
def subscription():
    """The address of the user's private feed narrowed by these filters."""
    filters = MeetingFilters.from_args_or_400(request.args)
    live = active_feed_token(current_user._get_current_object())
    links = None
    if live is not None:
        links = feed_links(
            absolute_url(
                "calendar.private_feed",
                token=subscription_key(live),
                **filters.as_args(),
            )
        )
    return render_template(
        "calendar/subscription.html",
        filters=filters,
        links=links,
        narrowed_by=filter_labels(filters),
    )


# Each filter in words, for "narrowed to: …" (the value is put in).
RECORD_FILTER_WORDS = {
    "person": _l("person %(name)s"),
    "organization": _l("organization %(name)s"),
    "topic": _l("topic %(name)s"),
}
VALUE_FILTER_WORDS = {
    "from": _l("from %(value)s"),
    "to": _l("to %(value)s"),
    "kind": _l("kind %(value)s"),
    "status": _l("status %(value)s"),
    "series": _l("series %(value)s"),
    "search": _l("search “%(value)s”"),
}


def filter_labels(filters: MeetingFilters) -> list[str]:
    """The filters in words ("topic Sanctions"), naming only records the user sees."""
    labels = []
    for record_id, model, select_for, word in (
        (filters.person_id, Person, visible_people_for, "person"),
        (
            filters.organization_id,
            Organization,
            visible_organizations_for,
            "organization",
        ),
        (filters.topic_id, Topic, visible_topics_for, "topic"),
    ):
        if record_id:
            record = db.session.scalar(
                select_for(current_user).where(model.id == record_id)
            )
            if record is None:
                name = _("(unknown)")
            elif model is Topic:
                name = visible_path(record, visible_topic_ids_for(current_user))
            else:
                name = record.label
            labels.append(RECORD_FILTER_WORDS[word] % {"name": name})
    for word, value in (
        ("from", filters.date_from and format_date(filters.date_from)),
        ("to", filters.date_to and format_date(filters.date_to)),
        ("kind", filters.kind and label(filters.kind)),
        ("status", filters.status and label(filters.status)),
        ("series", filters.series),
        ("search", filters.query),
    ):
        if value:
            labels.append(VALUE_FILTER_WORDS[word] % {"value": value})
    return labels


@bp.post("/account/feed/revoke")
@login_required
def revoke_private_feed():
    """Stop the user's secret feed URL at once."""
    revoke_feed_tokens(current_user._get_current_object())
    session.pop(NEW_FEED_SESSION_KEY, None)
    flash(_("Your private feed URL no longer works."), "success")
    return redirect(url_for("auth.account") + "#private-feed")


@bp.app_template_global()
def has_private_feed() -> bool:
    """Whether the signed-in user has a live private feed token."""
    return current_user.is_authenticated and (
        active_feed_token(current_user._get_current_object()) is not None
    )


@bp.app_template_global()
def public_feed_offered() -> bool:
    """Whether the public feed answers at all (calendar apps cannot sign in)."""
    return bool(current_app.config.get("ANONYMOUS_ACCESS"))


@bp.app_template_global()
def subscribe_links_for(**filter_args) -> dict[str, str]:
    """Template access to the public feed links for some history filters."""
    return public_feed_links(**filter_args)


@bp.app_template_global()
def meeting_calendar_links(meeting: Meeting) -> dict[str, str] | None:
    """Links that put one meeting in a calendar app with no browser session.

    The plain .ics address when anonymous visitors may read the meeting;
    otherwise the signed-in user's private key (None when they have no feed
    yet: the page then offers to create it).
    """
    if public_feed_offered() and db.session.scalar(
        visible_meetings_for(None).where(Meeting.id == meeting.id)
    ):
        links = feed_links(absolute_url("calendar.meeting_ics", meeting_id=meeting.id))
    elif current_user.is_authenticated and (
        live := active_feed_token(current_user._get_current_object())
    ):
        links = feed_links(
            absolute_url(
                "calendar.private_meeting_ics",
                token=subscription_key(live),
                meeting_id=meeting.id,
            )
        )
        links["private"] = "yes"
    else:
        return None
    # Google's "add event" carries the title to Google: not for restricted ones.
    links["google"] = (
        google_event_link(meeting) if meeting.confidentiality != "restricted" else ""
    )
    return links


def google_event_link(meeting: Meeting) -> str:
    """Google Calendar's "add event" link, with the time in the meeting's zone."""
    if meeting.all_day:
        start = meeting.local_start.strftime("%Y%m%d")
        end = meeting.local_end.strftime("%Y%m%d") if meeting.local_end else start
    else:
        start = meeting.start_utc.strftime("%Y%m%dT%H%M%SZ")
        end_utc = meeting.end_utc or meeting.start_utc
        end = end_utc.strftime("%Y%m%dT%H%M%SZ")
    query = {
        "action": "TEMPLATE",
        "text": meeting.title,
        "dates": f"{start}/{end}",
        "ctz": meeting.timezone,
        "location": meeting.location_label or meeting.online_url,
        "details": absolute_url("meetings.show", meeting_id=meeting.id),
    }
    return "https://calendar.google.com/calendar/render?" + "&".join(
        f"{key}={quote(value, safe='')}" for key, value in query.items()
    )
