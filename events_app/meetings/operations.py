"""Writing meetings: one path for the web form and the JSON import."""

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from events_app.audit import acting_user, record_changes, record_event
from events_app.directory.resolve import (
    organization_named,
    owner_named,
    person_named,
    topic_at_path,
)
from events_app.directory.restricted_marks import (
    MarkedRecordLinked,
    marked_in_meeting_message,
    marked_on_path,
)
from events_app.extensions import db
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
from events_app.models.choices import Confidentiality, OutcomeStatus
from events_app.models.meetings import utc_now
from events_app.visibility import OPERATOR, may_see_revision, visible_topic_ids_for

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


class ChangedMeanwhile(RuntimeError):
    """Since the save started, the meeting was saved again, trashed or purged.

    Nothing of the save was kept; the caller finds out which and tells the user.
    """


def form_for_meeting(meeting: Meeting) -> MeetingForm:
    """A meeting form filled with the meeting as it is saved."""
    form = form_for_record(meeting_to_record(meeting))
    form.revision.data = str(meeting.revision)
    return form


def form_for_record(record: dict) -> MeetingForm:
    """A meeting form holding a record of the interchange format (a saved state)."""
    return MeetingForm(formdata=record_to_form_data(record), from_record=True)


def apply_form(meeting: Meeting, form: MeetingForm) -> None:
    """Copy a validated form onto a meeting, resolving typed names to records.

    Names resolve among the records the saving user may see (the command line
    sees all), so a form never links, and thereby reveals, a hidden record.
    They resolve while the meeting's old rows still stand: a record the user
    sees only through this meeting must not vanish from view (and be made
    again) before it is looked up. Records a restricted meeting creates are
    marked restricted, so they stay hidden once no meeting hides them (see
    events_app/visibility.py); the mark comes last, so that a name typed twice
    finds the record made for its first row. A row whose typed name was
    answered "did you mean" links the record chosen (see
    events_app/directory/did_you_mean.py); the imports post no answer.
    """
    viewer = acting_user() or OPERATOR
    for attribute in SCALAR_ATTRIBUTES:
        setattr(meeting, attribute, getattr(form, attribute).data)
    meeting.series = meeting.series or ""
    meeting.start_utc, meeting.end_utc = form.instants()
    meeting.access_users = db.session.scalars(
        select(User).where(User.email.in_(form.access_users.data or []))
    ).all()
    meeting.access_groups = db.session.scalars(
        select(UserGroup).where(UserGroup.name.in_(form.access_groups.data or []))
    ).all()
    keep_author_on_access_list(meeting)

    created: list = []
    participations = [
        Participation(
            person=(
                row.record_named("person", viewer)
                or person_named(row.person.data, viewer, created)
                if row.person.data
                else None
            ),
            organization=(
                row.record_named("organization", viewer)
                or organization_named(row.organization.data, viewer, created)
                if row.organization.data
                else None
            ),
            role=row.role.data,
            attendance=row.attendance.data,
            note=row.note.data or "",
            position=position,
        )
        for position, row in enumerate(filled_rows(form.participants))
    ]
    meeting_topics = [
        MeetingTopic(
            topic=topic_at_path(row.topic.data, viewer, created),
            note=row.note.data or "",
            position=position,
        )
        for position, row in enumerate(filled_rows(form.topics))
    ]
    closed_before = {
        outcome.text: outcome.completed_on
        for outcome in meeting.outcomes
        if outcome.status != OutcomeStatus.OPEN
    }
    outcomes = []
    for position, row in enumerate(filled_rows(form.outcomes)):
        owner = (
            row.record_named("owner", viewer)
            or owner_named(row.owner.data, viewer, created)
            if row.owner.data
            else None
        )
        outcomes.append(
            Outcome(
                text=row.text.data,
                owner_person=owner if isinstance(owner, Person) else None,
                owner_organization=owner if isinstance(owner, Organization) else None,
                due=row.due.data,
                status=row.status.data,
                completed_on=completed_on(
                    row.status.data,
                    row.completed_on.data,
                    closed_before,
                    row.text.data,
                    stamp_today=not getattr(form, "from_record", False),
                ),
                position=position,
            )
        )
    sources = [
        SourceLink(url=row.url.data, title=row.title.data or "", position=position)
        for position, row in enumerate(filled_rows(form.sources))
    ]
    if meeting.confidentiality != Confidentiality.RESTRICTED:
        refuse_marked_links(form, participations, meeting_topics, outcomes, viewer)
    meeting.participations = participations
    meeting.meeting_topics = meeting_topics
    meeting.outcomes = outcomes
    meeting.sources = sources
    if meeting.confidentiality == Confidentiality.RESTRICTED:
        for record in created:
            record.restricted = True


def completed_on(
    status: str,
    kept: date | None,
    closed_before: dict[str, date | None],
    text: str,
    *,
    stamp_today: bool,
) -> date | None:
    """The day an outcome was done or dropped; None while open.

    The form carries the day (hidden); an outcome closed before the day was
    recorded keeps None rather than being stamped with the day of an edit.
    One closed in this save gets today, unless the form holds a record (an
    import, a restored revision), which says itself when, or leaves it unknown.
    """
    if status == OutcomeStatus.OPEN:
        return None
    if kept is not None:
        return kept
    if text in closed_before or not stamp_today:
        return closed_before.get(text)
    return utc_now().date()


def refuse_marked_links(form, participations, meeting_topics, outcomes, viewer):
    """Raise MarkedRecordLinked if rows of a non-restricted meeting hold marked records.

    Each problem is also put next to its field. Rows name records the viewer
    resolved among those they may see; only a topic's marked ancestor may be
    hidden from them, and then it is not named.
    """
    visible_topic_ids = visible_topic_ids_for(viewer)
    problems = []

    def refuse(field, record, visible=True):
        message = marked_in_meeting_message(record, visible)
        field.errors = [*field.errors, message]
        problems.append((field.name, message))

    for row, participation in zip(
        filled_rows(form.participants), participations, strict=True
    ):
        for field, record in (
            (row.person, participation.person),
            (row.organization, participation.organization),
        ):
            if record is not None and record.restricted:
                refuse(field, record)
    for row, meeting_topic in zip(
        filled_rows(form.topics), meeting_topics, strict=True
    ):
        marked = marked_on_path(meeting_topic.topic)
        if marked is not None:
            visible = visible_topic_ids is None or marked.id in visible_topic_ids
            refuse(row.topic, marked, visible or marked is meeting_topic.topic)
    for row, outcome in zip(filled_rows(form.outcomes), outcomes, strict=True):
        owner = outcome.owner_person or outcome.owner_organization
        if owner is not None and owner.restricted:
            refuse(row.owner, owner)
    if problems:
        raise MarkedRecordLinked(problems)


def filled_rows(rows) -> list:
    """The row forms of a FieldList that are not blank, in order."""
    return [entry.form for entry in rows if not entry.form.is_blank()]


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
    started_from: int | None = None,
) -> Meeting:
    """Create (meeting=None) or update a meeting from a validated form.

    An update goes on only if the meeting is still at revision `started_from`
    (default: the revision it was loaded at); otherwise ChangedMeanwhile is
    raised and nothing is written. The revision grows only when something
    recorded actually changed; each change is kept as a revision snapshot and
    audited field by field. On a database error everything is rolled back and
    MeetingSaveError is raised; MarkedRecordLinked likewise when the meeting is
    not restricted but links a record marked restricted (the form says where).
    """
    try:
        if meeting is not None:
            if started_from is None:
                started_from = meeting.revision
            claim_for_saving(meeting, started_from)
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
            meeting.revision = started_from + 1
            if calendar_fields(after) != calendar_fields(before):
                meeting.sequence += 1
            meeting.updated_at = utc_now()
            keep_revision(meeting, action or "updated", after, before)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except (ChangedMeanwhile, MarkedRecordLinked):
        db.session.rollback()
        raise
    except SQLAlchemyError as error:
        db.session.rollback()
        raise MeetingSaveError(
            _("The meeting could not be saved; nothing was changed.")
        ) from error
    return meeting


def claim_for_saving(meeting: Meeting, started_from: int) -> None:
    """Lock the meeting's row for this save, if it is still at `started_from`.

    Check and lock are one UPDATE, so of two saves started from the same
    revision exactly one goes on, on both databases: PostgreSQL makes the second
    UPDATE wait for the first transaction and then re-reads the row, which is no
    longer at that revision; SQLite lets one writer at a time in, and the second
    finds the first one's revision. A meeting loaded from outside the trash must
    still be outside it. Raises ChangedMeanwhile when no row qualifies.
    """
    still_as_loaded = [
        Meeting.id == meeting.id,
        Meeting.revision == started_from,
    ]
    if meeting.deleted_at is None:
        still_as_loaded.append(Meeting.deleted_at.is_(None))
    claimed = db.session.execute(
        update(Meeting)
        .where(*still_as_loaded)
        .values(revision=Meeting.revision)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise ChangedMeanwhile(f"meeting {meeting.id} left revision {started_from}")


def with_user_names(changes: dict) -> dict:
    """Changes as pages outside the admin area show them: access-list users by name.

    Records name users by e-mail (the interchange format's key); pages show
    display names instead, and never the address of a user since removed.
    """
    if "access" not in changes:
        return changes
    emails = {
        email
        for access in changes["access"]
        for email in (access or {}).get("users", [])
    }
    name_of = {
        user.email: user.name
        for user in db.session.scalars(select(User).where(User.email.in_(emails)))
    }
    return {
        **changes,
        "access": [
            {
                **(access or {}),
                "users": sorted(
                    name_of.get(email, _("a former user"))
                    for email in (access or {}).get("users", [])
                ),
            }
            for access in changes["access"]
        ],
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
            access_ids={
                "users": sorted(user.id for user in meeting.access_users),
                "groups": sorted(group.id for group in meeting.access_groups),
            },
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


REVISION_NUMBER = re.compile(r"[0-9]{1,9}")


def started_from_revision(form: MeetingForm, meeting: Meeting) -> int | None:
    """The revision of `meeting` an edit form was opened at, or None if it names none.

    Without it a save could overwrite changes unseen, so such an edit is refused.
    A number above the saved revision cannot be where an edit started either.
    """
    posted = (form.revision.data or "").strip()
    if not REVISION_NUMBER.fullmatch(posted):
        return None
    number = int(posted)
    return number if 1 <= number <= meeting.revision else None


def describe_conflict(meeting: Meeting, started_from: int, user) -> dict:
    """What the other save changed, for the conflict page (their input stays).

    Only today's values are shown; which fields differ comes from the revision
    the edit started from, and only if the editor may see that revision.
    """
    base = saved_revision(meeting, started_from)
    if base is not None and not may_see_revision(user, base):
        base = None
    changed_since = (
        record_changes(base.snapshot, meeting_to_record(meeting)) if base else {}
    )
    return {
        "started_from": started_from,
        "saved_revision": meeting.revision,
        "changed_since": with_user_names(changed_since),
    }


def saved_revision(meeting: Meeting, number: int) -> MeetingRevision | None:
    """The snapshot kept for one revision number of a meeting."""
    return db.session.scalar(
        select(MeetingRevision).where(
            MeetingRevision.meeting_id == meeting.id,
            MeetingRevision.revision == number,
        )
    )
