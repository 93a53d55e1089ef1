"""Writing meetings: one path for the web form and the JSON import."""

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from events_app.audit import acting_user, record_event
from events_app.extensions import db
from events_app.input_rules import database_id
from events_app.interchange.json_format import meeting_to_record, record_to_form_data
from events_app.meetings.forms import MeetingForm
from events_app.models import (
    Meeting,
    MeetingRevision,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    SourceLink,
    User,
    UserGroup,
)
from events_app.models.choices import Confidentiality
from events_app.models.meetings import utc_now
from events_app.resolve import (
    organization_named,
    owner_named,
    person_named,
    topic_at_path,
)
from events_app.visibility import OPERATOR

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
    form = form_for_record(meeting_to_record(meeting))
    form.revision.data = str(meeting.revision)
    return form


def form_for_record(record: dict) -> MeetingForm:
    """A meeting form holding a record of the interchange format (a saved state)."""
    return MeetingForm(formdata=record_to_form_data(record))


def apply_form(meeting: Meeting, form: MeetingForm) -> None:
    """Copy a validated form onto a meeting, resolving typed names to records.

    Names resolve among the records the saving user may see (the command line
    sees all), so a form never links, and thereby reveals, a hidden record.
    """
    viewer = acting_user() or OPERATOR
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
                person=(
                    person_named(row.person.data, viewer) if row.person.data else None
                ),
                organization=(
                    organization_named(row.organization.data, viewer)
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
        owner = owner_named(row.owner.data, viewer) if row.owner.data else None
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
    meeting.access_users = db.session.scalars(
        select(User).where(User.email.in_(form.access_users.data or []))
    ).all()
    meeting.access_groups = db.session.scalars(
        select(UserGroup).where(UserGroup.name.in_(form.access_groups.data or []))
    ).all()
    keep_author_on_access_list(meeting)
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


def keep_author_on_access_list(meeting: Meeting) -> None:
    """An editor who saves a restricted meeting stays able to see it."""
    author = acting_user()
    if (
        author is None
        or author.is_admin
        or meeting.confidentiality != Confidentiality.RESTRICTED
    ):
        return
    in_a_group = any(author in group.members for group in meeting.access_groups)
    if author not in meeting.access_users and not in_a_group:
        meeting.access_users.append(author)


def save_meeting(
    meeting: Meeting | None,
    form: MeetingForm,
    *,
    commit: bool = True,
    action: str | None = None,
) -> Meeting:
    """Create (meeting=None) or update a meeting from a validated form.

    The revision grows only when something recorded actually changed; each
    change is kept as a revision snapshot and audited field by field. On a
    database error everything is rolled back and MeetingSaveError is raised.
    """
    try:
        with db.session.no_autoflush:
            before = meeting_to_record(meeting) if meeting is not None else None
        if meeting is None:
            meeting = Meeting()
            db.session.add(meeting)
        apply_form(meeting, form)
        db.session.flush()
        after = meeting_to_record(meeting)
        if before is None:
            keep_revision(meeting, action or "created", after, None)
        elif after != before:
            meeting.revision += 1
            if calendar_fields(after) != calendar_fields(before):
                meeting.sequence += 1
            meeting.updated_at = utc_now()
            keep_revision(meeting, action or "updated", after, before)
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


def record_changes(before: dict | None, after: dict) -> dict:
    """Field by field, what changed between two meeting records: {field: [old, new]}."""
    if before is None:
        return {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def keep_revision(meeting: Meeting, action: str, after: dict, before: dict | None):
    """Save the meeting's new state as a revision and audit what changed."""
    actor = acting_user()
    db.session.add(
        MeetingRevision(
            meeting_id=meeting.id,
            revision=meeting.revision,
            action=action,
            snapshot=after,
            actor_id=actor.id if actor else None,
            actor_email=actor.email if actor else "",
            created_at=utc_now(),
        )
    )
    record_event(
        f"meeting_{action}",
        target_type="meeting",
        target_id=meeting.id,
        summary=f"Revision {meeting.revision}",
        details=record_changes(before, after),
    )


def move_to_trash(meeting: Meeting) -> None:
    """Delete recoverably: the meeting leaves every view; an admin can restore it."""
    meeting.deleted_at = utc_now()
    record_event(
        "meeting_deleted",
        target_type="meeting",
        target_id=meeting.id,
        summary=f"Moved to the trash at revision {meeting.revision}",
    )
    db.session.commit()


def restore_from_trash(meeting: Meeting) -> None:
    """Bring a meeting back from the trash as it was."""
    meeting.deleted_at = None
    record_event(
        "meeting_restored",
        target_type="meeting",
        target_id=meeting.id,
        summary="Restored from the trash",
    )
    db.session.commit()


def purge_meeting(meeting: Meeting) -> None:
    """Remove a trashed meeting and its revisions for good (admins only; audited)."""
    record_event(
        "meeting_purged",
        target_type="meeting",
        target_id=meeting.id,
        summary=f"Purged for good (uid {meeting.uid})",
    )
    db.session.execute(
        delete(MeetingRevision).where(MeetingRevision.meeting_id == meeting.id)
    )
    db.session.delete(meeting)
    db.session.commit()


def edited_an_older_revision(form: MeetingForm, meeting: Meeting) -> bool:
    """Did someone else save the meeting after this form was opened?"""
    started_from = (form.revision.data or "").strip()
    if not (started_from.isascii() and started_from.isdigit()):
        return False
    # A number no revision can have ("0", 20 digits) is a conflict too.
    return database_id(started_from) != meeting.revision


def describe_conflict(form: MeetingForm, meeting: Meeting) -> dict:
    """What the other save changed, for the conflict page (their input stays)."""
    started_from = database_id(form.revision.data)
    base = saved_revision(meeting, started_from) if started_from else None
    changed_since = (
        record_changes(base.snapshot, meeting_to_record(meeting)) if base else {}
    )
    return {
        "started_from": started_from or "(unknown)",
        "saved_revision": meeting.revision,
        "changed_since": changed_since,
    }


def saved_revision(meeting: Meeting, number: int) -> MeetingRevision | None:
    """The snapshot kept for one revision number of a meeting (the latest, if twice)."""
    return db.session.scalar(
        select(MeetingRevision)
        .where(
            MeetingRevision.meeting_id == meeting.id,
            MeetingRevision.revision == number,
        )
        .order_by(MeetingRevision.id.desc())
        .limit(1)
    )
