"""Import and export of whole meeting files (the CLI and seed-demo use these)."""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from events_app.extensions import db
from events_app.interchange.directory_records import (
    apply_directory,
    check_directory,
    directory_to_records,
)
from events_app.interchange.json_format import (
    FORMAT_VERSION,
    RecordShapeError,
    form_field_to_record_path,
    meeting_to_record,
    record_to_form_data,
)
from events_app.meetings.forms import MeetingForm
from events_app.meetings.operations import MeetingSaveError, save_meeting
from events_app.models import Meeting, MeetingTopic, Participation
from events_app.visibility import visible_meetings_for

FORMAT_NAME = "events_app meetings"
DEMO_FILE = Path(__file__).with_name("demo_meetings.json")


class ImportFailed(ValueError):
    """The file was not imported; `problems` names each bad record and field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def export_document(user) -> dict:
    """Every meeting `user` may see, with the whole directory, as one document."""
    meetings = db.session.scalars(
        visible_meetings_for(user)
        .options(
            selectinload(Meeting.participations).selectinload(Participation.person),
            selectinload(Meeting.participations).selectinload(
                Participation.organization
            ),
            selectinload(Meeting.meeting_topics).selectinload(MeetingTopic.topic),
            selectinload(Meeting.outcomes),
            selectinload(Meeting.sources),
        )
        .order_by(Meeting.start_utc, Meeting.id)
    ).all()
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        **directory_to_records(),
        "meetings": [meeting_to_record(meeting) for meeting in meetings],
    }


def _checked_forms(document) -> list[tuple[dict, MeetingForm]]:
    """Validate every meeting record with the meeting form; raise with every problem."""
    if not isinstance(document, dict) or not isinstance(document.get("meetings"), list):
        raise ImportFailed(['The file must be an object with a "meetings" list.'])
    problems = check_directory(document)
    checked = []
    seen_uids: set[str] = set()
    for index, record in enumerate(document["meetings"]):
        where = f"meetings[{index}]"
        try:
            form_data = record_to_form_data(record)
        except RecordShapeError as error:
            problems.append(f"{where}.{error.field}: {error}")
            continue
        uid = record.get("uid")
        if uid is not None and (
            not isinstance(uid, str)
            or not 0 < len(uid) <= 120
            or any(ord(character) < 33 for character in uid)
        ):
            problems.append(f"{where}.uid: must be text of 1 to 120 visible characters")
        elif uid in seen_uids:
            problems.append(f"{where}.uid: appears twice in the file")
        elif uid:
            seen_uids.add(uid)
        form = MeetingForm(formdata=form_data, meta={"csrf": False})
        if not form.validate():
            for field_name, messages in flatten_errors(form.errors):
                for message in messages:
                    problems.append(
                        f"{where}.{form_field_to_record_path(field_name)}: {message}"
                    )
        checked.append((record, form))
    if problems:
        raise ImportFailed(problems)
    return checked


def flatten_errors(errors: dict, prefix: str = "") -> list[tuple[str, list[str]]]:
    """WTForms' nested error dict as (form field name, messages) pairs."""
    flat = []
    for name, value in errors.items():
        if isinstance(value, dict):
            flat.extend(flatten_errors(value, f"{prefix}{name}-"))
        elif isinstance(value, list) and value and isinstance(value[0], dict | list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    flat.extend(flatten_errors(item, f"{prefix}{name}-{index}-"))
        else:
            flat.append((f"{prefix}{name}", list(value)))
    return flat


def import_document(document) -> ImportSummary:
    """Import all of a document or nothing: any bad record leaves the database as it was.

    A meeting whose uid matches an existing meeting updates it instead of
    duplicating it, so importing the same file twice changes nothing.
    """
    checked = _checked_forms(document)
    summary = ImportSummary()
    try:
        apply_directory(document)
        for record, form in checked:
            existing = None
            if record.get("uid"):
                existing = db.session.scalar(
                    select(Meeting).where(Meeting.uid == record["uid"])
                )
            meeting = save_meeting(existing, form, commit=False)
            if existing is None and record.get("uid"):
                meeting.uid = record["uid"]
            (summary.updated if existing else summary.created).append(meeting.title)
        db.session.commit()
    except (SQLAlchemyError, MeetingSaveError) as error:
        db.session.rollback()
        raise ImportFailed([f"The database refused the import: {error}"]) from error
    return summary
