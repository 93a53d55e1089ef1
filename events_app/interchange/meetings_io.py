"""Import and export of whole meeting files (the CLI and seed-demo use these)."""

from dataclasses import dataclass, field
from pathlib import Path

from babel.lists import format_list
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from events_app.audit import acting_user
from events_app.directory.restricted_marks import mark_in_open_meeting_message
from events_app.extensions import db
from events_app.interchange.directory_records import (
    DirectoryRefused,
    apply_directory,
    check_directory,
    directory_to_records,
    give_mark,
    mark_parents,
    refused_marks,
)
from events_app.interchange.json_format import (
    FORMAT_VERSION,
    PARENT_MARKS,
    RecordShapeError,
    form_field_to_record_path,
    meeting_to_record,
    record_marks,
    record_to_form_data,
)
from events_app.language.formatting import current_locale
from events_app.meetings.forms import MeetingForm, RowList
from events_app.meetings.operations import (
    ChangedMeanwhile,
    MarkedRecordLinked,
    MeetingSaveError,
    save_meeting,
)
from events_app.models import Meeting
from events_app.models.choices import Confidentiality
from events_app.models.meetings import everything_about_meetings
from events_app.visibility import OPERATOR, visible_meetings_for

FORMAT_NAME = "events_app meetings"
DEMO_FILE = Path(__file__).with_name("demo_meetings.json")


class ImportFailed(ValueError):
    """The file was not imported; `problems` names each bad record and field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    """Titles of the meetings an import created, changed, and found up to date."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    likely_duplicates: list[str] = field(default_factory=list)


def export_document(user) -> dict:
    """Every meeting and directory record `user` may see, as one document."""
    meetings = db.session.scalars(
        visible_meetings_for(user)
        .options(*everything_about_meetings())
        .order_by(Meeting.start_utc, Meeting.id)
    ).all()
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        **directory_to_records(user),
        "meetings": [meeting_to_record(meeting, marks=True) for meeting in meetings],
    }


def _problem(where: str, field: str, message: str) -> str:
    """ "meetings[2]" + "participants[0].role" + message, as shown to the user."""
    return f"{where}.{field}: {message}" if field else f"{where}: {message}"


def _document_problems(document) -> list[str]:
    """Problems with the document as a whole (not its records)."""
    if not isinstance(document, dict) or not isinstance(document.get("meetings"), list):
        return ['The file must be an object with a "meetings" list.']
    version = document.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        return [
            f"version: this file is in format version {version!r}; "
            f"this application reads version {FORMAT_VERSION}."
        ]
    return []


def _uid_problem(uid, seen_uids: set[str]) -> str | None:
    if uid is None:
        return None
    if (
        not isinstance(uid, str)
        or not 0 < len(uid) <= 120
        or any(ord(character) < 33 for character in uid)
    ):
        return "must be text of 1 to 120 visible characters"
    if uid in seen_uids:
        return "appears twice in the file"
    seen_uids.add(uid)
    return None


def _checked_forms(document) -> list[tuple[dict, MeetingForm, list]]:
    """Validate every meeting record with the meeting form; raise with every problem.

    Each checked record comes with the Restricted marks its rows set
    (`record_marks`), which only a restricted meeting may hold.
    """
    problems = _document_problems(document)
    if problems:
        raise ImportFailed(problems)
    problems = check_directory(document)
    checked = []
    seen_uids: set[str] = set()
    for index, record in enumerate(document["meetings"]):
        where = f"meetings[{index}]"
        try:
            form_data = record_to_form_data(record)
            marks = record_marks(record)
        except RecordShapeError as error:
            problems.append(_problem(where, error.field, str(error)))
            continue
        if record.get("confidentiality") != Confidentiality.RESTRICTED.value:
            message = mark_in_open_meeting_message()
            problems.extend(
                _problem(where, f"{list_name}[{row}].{key}", message)
                for list_name, row, key, _parents in marks
            )
        uid_problem = _uid_problem(record.get("uid"), seen_uids)
        if uid_problem:
            problems.append(_problem(where, "uid", uid_problem))
        form = MeetingForm(formdata=form_data, from_record=True, meta={"csrf": False})
        if not form.validate():
            for field_name, messages in field_errors(form):
                path = form_field_to_record_path(field_name)
                problems.extend(_problem(where, path, message) for message in messages)
        checked.append((record, form, marks))
    if problems:
        raise ImportFailed(problems)
    return checked


def field_errors(form: MeetingForm) -> list[tuple[str, list[str]]]:
    """(form field name, messages) for every field in error, rows included.

    Row fields are named by their own index ("participants-3-role"), which is the
    record's row index even when an empty row before it was left out of the form.
    """
    found = []
    for form_field in form:
        if isinstance(form_field, RowList):
            if form_field.list_errors:
                found.append((form_field.name, form_field.list_errors))
            for entry in form_field.entries:
                found.extend(
                    (subfield.name, list(subfield.errors))
                    for subfield in entry.form
                    if subfield.errors
                )
        elif form_field.errors:
            found.append((form_field.name, list(form_field.errors)))
    return found


def import_document(document) -> ImportSummary:
    """Import all of a document or nothing: a bad record leaves the database as it was.

    A meeting whose uid matches an existing meeting updates it instead of
    duplicating it, so importing the same file twice changes nothing. The
    Restricted marks of the file are given to its records (none is cleared);
    a mark the rules of events_app/directory/restricted_marks.py refuse once
    everything is written refuses the file.
    """
    checked = _checked_forms(document)
    summary = ImportSummary()
    try:
        try:
            newly_marked = apply_directory(document)
        except DirectoryRefused as refused:
            raise ImportFailed(
                [f"{where}: {message}" for where, message in refused.problems]
            ) from refused
        for index, (record, form, marks) in enumerate(checked):
            existing = None
            if record.get("uid"):
                existing = db.session.scalar(
                    select(Meeting).where(Meeting.uid == record["uid"])
                )
            revision_before = existing.revision if existing is not None else None
            summary.likely_duplicates.extend(
                likely_duplicates(form, f"meetings[{index}]", acting_user() or OPERATOR)
            )
            try:
                meeting = save_meeting(existing, form, commit=False)
            except MarkedRecordLinked as refused:
                raise ImportFailed(
                    [
                        _problem(
                            f"meetings[{index}]",
                            form_field_to_record_path(field_name),
                            message,
                        )
                        for field_name, message in refused.problems
                    ]
                ) from refused
            give_row_marks(meeting, form, marks, f"meetings[{index}]", newly_marked)
            if existing is None:
                if record.get("uid"):
                    meeting.uid = record["uid"]
                summary.created.append(meeting.title)
            elif meeting.revision == revision_before:
                summary.unchanged.append(meeting.title)
            else:
                summary.updated.append(meeting.title)
        refusals = refused_marks(newly_marked)
        if refusals:
            raise ImportFailed([f"{where}: {message}" for where, message in refusals])
        db.session.commit()
    except ImportFailed:
        db.session.rollback()
        raise
    except (SQLAlchemyError, MeetingSaveError, ChangedMeanwhile) as error:
        db.session.rollback()
        raise ImportFailed(
            [_("The database refused the import: %(error)s", error=error)]
        ) from error
    return summary


def give_row_marks(
    meeting: Meeting, form: MeetingForm, marks: list, where: str, newly_marked: list
) -> None:
    """Mark the records a saved (restricted) meeting's rows name as the file does.

    `marks` are the record's (`record_marks`); rows are matched by their index
    in the file, which the form keeps even where a blank row was left out.
    """
    saved = {
        "participants": meeting.participations,
        "topics": meeting.meeting_topics,
        "outcomes": meeting.outcomes,
    }
    for list_name, index, key, parents in marks:
        filled = [
            int(entry.name.rsplit("-", 1)[1])
            for entry in getattr(form, list_name).entries
            if not entry.form.is_blank()
        ]
        row = dict(zip(filled, saved[list_name], strict=True)).get(index)
        if row is None:
            continue
        place = f"{where}.{list_name}[{index}]"
        if list_name == "topics":
            give_mark(row.topic, f"{place}.{key}", newly_marked)
            mark_parents(row.topic, parents, f"{place}.{PARENT_MARKS}", newly_marked)
            continue
        record = {
            "person_restricted": getattr(row, "person", None),
            "organization_restricted": getattr(row, "organization", None),
            "owner_restricted": getattr(row, "owner_person", None)
            or getattr(row, "owner_organization", None),
        }[key]
        if record is not None:
            give_mark(record, f"{place}.{key}", newly_marked)


def likely_duplicates(form: MeetingForm, where: str, user) -> list[str]:
    """Warnings for the names of a checked form that would make likely duplicates.

    An import decides nothing fuzzy: these names still become new records (as
    the web form's "a new one"); the warning says which records they resemble,
    among those `user` may see, so a person can merge them if they are one.
    """
    form.ask_about_names(user)
    prefix = f"{where}." if where else ""
    return [
        f"{prefix}{form_field_to_record_path(field_name)}: "
        + _(
            "“%(typed)s” becomes a new record but is likely the same as %(records)s.",
            typed=question.typed,
            records=format_list(
                [match.record.label for match in question.matches],
                style="or",
                locale=current_locale(),
            ),
        )
        for field_name, question in form.name_questions()
    ]


def record_likely_duplicates(record: dict, user) -> list[str]:
    """`likely_duplicates` of one meeting record (the .ics import's preview)."""
    form = MeetingForm(formdata=record_to_form_data(record), meta={"csrf": False})
    return likely_duplicates(form, "", user)


def check_document(document) -> None:
    """Validate a document exactly as `import_document` does, writing nothing.

    Raises ImportFailed naming every problem by record index and field.
    """
    _checked_forms(document)
