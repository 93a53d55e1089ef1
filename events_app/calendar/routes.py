"""Calendar downloads: one meeting as .ics, and the public subscription feed."""

from flask import Response, current_app, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from events_app.calendar import bp
from events_app.calendar.filenames import ics_filename
from events_app.calendar.ical import meetings_to_ical
from events_app.extensions import db
from events_app.models import Meeting, MeetingTopic, Outcome, Participation
from events_app.visibility import visible_meeting_or_404, visible_meetings_for

CALENDAR_MIMETYPE = "text/calendar; charset=utf-8"


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    """One meeting the current user may see, as a downloadable .ics file."""
    meeting = visible_meeting_or_404(current_user, meeting_id)
    response = calendar_response([meeting])
    filename = ics_filename(meeting.title, fallback=f"meeting-{meeting.id}")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/calendar.ics")
def feed():
    """The subscription feed: only what an anonymous visitor may see, by start time.

    Feed URLs are shared and polled without a session, so it never depends on
    who is signed in.
    """
    statement = (
        visible_meetings_for(None)
        .options(
            selectinload(Meeting.participations).selectinload(Participation.person),
            selectinload(Meeting.participations).selectinload(
                Participation.organization
            ),
            selectinload(Meeting.meeting_topics).selectinload(MeetingTopic.topic),
            selectinload(Meeting.outcomes).selectinload(Outcome.owner_person),
            selectinload(Meeting.outcomes).selectinload(Outcome.owner_organization),
        )
        .order_by(Meeting.start_utc, Meeting.id)
    )
    return calendar_response(db.session.scalars(statement).all())


def calendar_response(meetings: list[Meeting]) -> Response:
    """A text/calendar response for the meetings, named after the app's calendar.

    The body only changes when the data does, so an ETag lets polling
    calendar clients get a cheap 304 Not Modified.
    """
    body = meetings_to_ical(
        meetings,
        calendar_name=current_app.config["CALENDAR_NAME"],
        meeting_url=absolute_meeting_url,
    )
    response = Response(body, content_type=CALENDAR_MIMETYPE)
    response.add_etag()
    return response.make_conditional(request)


def absolute_meeting_url(meeting: Meeting) -> str:
    """Absolute link to the meeting page, on PUBLIC_BASE_URL when it is configured.

    PUBLIC_BASE_URL is the scheme and host (e.g. https://events.example.org);
    the path comes from url_for, so it includes any script root.
    """
    base_url = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    if base_url:
        return base_url + url_for("meetings.show", meeting_id=meeting.id)
    return url_for("meetings.show", meeting_id=meeting.id, _external=True)
