"""Writing meetings: one path for the web form and the JSON import."""

from sqlalchemy.exc import SQLAlchemyError

from events_app.extensions import db
from events_app.interchange.json_format import meeting_to_record, record_to_form_data
from events_app.meetings.forms import MeetingForm
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    SourceLink,
)
from events_app.models.meetings import utc_now
from events_app.resolve import (
    organization_named,
    owner_named,
    person_named,
    topic_at_path,
)

SCALAR_ATTRIBUTES = (
    "title", "kind", "series", "series_number", "all_day", "timezone", "venue",
    "city", "country", "online_url", "status", "confidentiality", "summary", "notes",
)  # fmt: skip


# Changes a calendar app must show again; they raise the iCalendar SEQUENCE.
CALENDAR_SIGNIFICANT_KEYS = (
    "title", "start", "end", "timezone", "all_day", "location", "online_url", "status",
)  # fmt: skip


def calendar_fields(record: dict) -> dict:
    """The part of a meeting record that calendar clients track."""
    return {key: record.get(key) for key in CALENDAR_SIGNIFICANT_KEYS}


class MeetingSaveError(RuntimeError):
    """The database refused the write; nothing of it was kept."""


def form_for_meeting(meeting: Meeting) -> MeetingForm:
    """A meeting form filled with the meeting as it is saved."""
    form = MeetingForm(formdata=record_to_form_data(meeting_to_record(meeting)))
    form.revision.data = str(meeting.revision)
    return form


def apply_form(meeting: Meeting, form: MeetingForm) -> None:
    """Copy a validated form onto a meeting, resolving typed names to records."""
    for attribute in SCALAR_ATTRIBUTES:
        setattr(meeting, attribute, getattr(form, attribute).data)
    meeting.series = meeting.series or ""
    meeting.start_utc, meeting.end_utc = form.instants()

    meeting.participations.clear()
    for row in (entry.form for entry in form.participants):
        if row.is_blank():
            continue
        meeting.participations.append(
            Participation(
                person=person_named(row.person.data) if row.person.data else None,
                organization=(
                    organization_named(row.organization.data)
                    if row.organization.data
                    else None
                ),
                role=row.role.data,
                attendance=row.attendance.data,
                note=row.note.data or "",
                position=len(meeting.participations),
            )
        )
    meeting.meeting_topics.clear()
    for row in (entry.form for entry in form.topics):
        if row.is_blank():
            continue
        meeting.meeting_topics.append(
            MeetingTopic(
                topic=topic_at_path(row.topic.data),
                note=row.note.data or "",
                position=len(meeting.meeting_topics),
            )
        )
    meeting.outcomes.clear()
    for row in (entry.form for entry in form.outcomes):
        if row.is_blank():
            continue
        owner = owner_named(row.owner.data) if row.owner.data else None
        meeting.outcomes.append(
            Outcome(
                text=row.text.data,
                owner_person=owner if isinstance(owner, Person) else None,
                owner_organization=owner if isinstance(owner, Organization) else None,
                due=row.due.data,
                status=row.status.data,
                position=len(meeting.outcomes),
            )
        )
    meeting.sources.clear()
    for row in (entry.form for entry in form.sources):
        if row.is_blank():
            continue
        meeting.sources.append(
            SourceLink(
                url=row.url.data,
                title=row.title.data or "",
                position=len(meeting.sources),
            )
        )


def save_meeting(
    meeting: Meeting | None, form: MeetingForm, *, commit: bool = True
) -> Meeting:
    """Create (meeting=None) or update a meeting from a validated form.

    The revision grows only when something recorded actually changed. On a
    database error everything is rolled back and MeetingSaveError is raised.
    """
    try:
        with db.session.no_autoflush:
            before = meeting_to_record(meeting) if meeting is not None else None
        if meeting is None:
            meeting = Meeting()
            db.session.add(meeting)
        apply_form(meeting, form)
        after = meeting_to_record(meeting)
        if before is not None and after != before:
            meeting.revision += 1
            if calendar_fields(after) != calendar_fields(before):
                meeting.sequence += 1
            meeting.updated_at = utc_now()
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except SQLAlchemyError as error:
        db.session.rollback()
        raise MeetingSaveError(
            "The meeting could not be saved; nothing was changed."
        ) from error
    return meeting


def delete_meeting(meeting: Meeting) -> None:
    """Remove a meeting and its rows (people, organizations and topics stay)."""
    db.session.delete(meeting)
    db.session.commit()
