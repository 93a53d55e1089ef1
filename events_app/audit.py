"""Writing the audit trail: one call per thing that happened, in the same transaction.

The event is added to the session, so it is committed with the change it
describes, or rolled back with it: the trail never claims what did not happen.

Directory records (people, organizations, topics) are audited by the session
itself, so no door can forget it: whatever writes one (a form, the meeting form
creating a person by name, the JSON or .ics import, the command line), each
commit adds one event per record created, changed or deleted, with the editor
and every field's old and new value. A new column is audited without further
work. Statements that would write these tables in bulk, past the session's
bookkeeping, are refused.
"""

import json
import re

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import MANYTOONE, ORMExecuteState, Session

from events_app.extensions import db
from events_app.models import AuditEvent, Organization, Person, Topic, User
from events_app.models.choices import VOCABULARY_FIELDS, label
from events_app.models.meetings import utc_now


def client_address() -> str:
    """The client's IP address (ProxyFix makes this the real one behind a proxy)."""
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:45]


def acting_user() -> User | None:
    """The signed-in user of the current request, if any."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def audit_event(
    action: str,
    *,
    target_type: str = "",
    target_id: int | None = None,
    summary: str = "",
    details: dict | None = None,
    actor: User | None = None,
    actor_email: str | None = None,
) -> AuditEvent:
    """A new audit event by the current request's user (or the given actor)."""
    actor = actor or acting_user()
    return AuditEvent(
        occurred_at=utc_now(),
        actor_id=actor.id if actor is not None else None,
        actor_email=(actor_email or (actor.email if actor is not None else ""))[:254],
        ip_address=client_address(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:500],
        details=details or {},
    )


def record_event(action: str, **fields) -> AuditEvent:
    """Add an audit event (see `audit_event` for the fields) to the session."""
    event = audit_event(action, **fields)
    db.session.add(event)
    return event


def record_changes(before: dict | None, after: dict) -> dict:
    """Field by field, what changed between two records: {field: [old, new]}."""
    if before is None:
        return {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


# Summaries the app itself writes, stored in English: shown in the reader's
# language. Any other summary (names, e-mail addresses) is data, shown as stored.
APP_WRITTEN_SUMMARIES = [
    (re.compile(r"Signed in"), lambda: _("Signed in")),
    (re.compile(r"Signed out"), lambda: _("Signed out")),
    (re.compile(r"Failed sign-in"), lambda: _("Failed sign-in")),
    (re.compile(r"Restored from the trash"), lambda: _("Restored from the trash")),
    (
        re.compile(r"Revision (?P<number>\d+)"),
        lambda number: _("Revision %(number)s", number=number),
    ),
    (
        re.compile(r"Moved to the trash at revision (?P<number>\d+)"),
        lambda number: _("Moved to the trash at revision %(number)s", number=number),
    ),
    (
        re.compile(r"Purged for good \(uid (?P<uid>.+)\)"),
        lambda uid: _("Purged for good (uid %(uid)s)", uid=uid),
    ),
]


def shown_summary(summary: str | None) -> str:
    """An audit event's summary as the audit page shows it (see above)."""
    if not summary:
        return ""
    for pattern, translated in APP_WRITTEN_SUMMARIES:
        match = pattern.fullmatch(summary)
        if match:
            return translated(**match.groupdict())
    return summary


def readable_changes(details: dict) -> list[tuple[str, str, str]] | None:
    """(field, old, new) as text for the audit page; None if `details` is not that."""
    if not details or not all(
        isinstance(pair, list) and len(pair) == 2 for pair in details.values()
    ):
        return None
    return [
        (field, _as_text(field, old), _as_text(field, new))
        for field, (old, new) in details.items()
    ]


def _as_text(field: str, value) -> str:
    if field in VOCABULARY_FIELDS and isinstance(value, str) and value:
        return label(value)
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1)


# --- Directory records, audited by the session ----------------------------------

AUDITED_DIRECTORY = (Person, Organization, Topic)
# Derived from other fields (name_keys, name_skeletons, sort keys), or the key and
# time the database sets.
NOT_AUDITED_COLUMNS = {
    "id",
    "name_keys",
    "name_skeletons",
    "sort_key_latin_first",
    "sort_key_cyrillic_first",
    "created_at",
}
NOTES_KEY = "directory_changes"


def _audited_fields(model) -> tuple[list[str], list]:
    """The audited column keys and many-to-one relationships of a directory model.

    A link to another record (a person's organization, a topic's parent) is
    audited by the linked record's label, not by its foreign-key column.
    """
    mapper = inspect(model)
    links = [link for link in mapper.relationships if link.direction is MANYTOONE]
    link_columns = {column.key for link in links for column in link.local_columns}
    columns = [
        attribute.key
        for attribute in mapper.column_attrs
        if attribute.key not in NOT_AUDITED_COLUMNS | link_columns
    ]
    return columns, links


def _plain(value):
    """A value as JSON can keep it."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _label(record) -> str | None:
    return None if record is None else str(getattr(record, "label", record.id))


def _current_values(record) -> dict:
    """The audited fields of a record as it is in the session now."""
    columns, links = _audited_fields(type(record))
    values = {key: _plain(getattr(record, key)) for key in columns}
    values.update({link.key: _label(getattr(record, link.key)) for link in links})
    return values


def _stored_values(session: Session, record) -> dict | None:
    """The audited fields of a record as the database holds it (None if absent)."""
    mapper = inspect(type(record))
    table = mapper.local_table
    key_columns = [table.c[column.name] for column in mapper.primary_key]
    identity = inspect(record).identity
    row = (
        session.execute(
            select(table).where(
                *(c == v for c, v in zip(key_columns, identity, strict=True))
            )
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        return None
    columns, links = _audited_fields(type(record))
    values = {
        key: _plain(row[mapper.column_attrs[key].columns[0].name]) for key in columns
    }
    for link in links:
        (column,) = link.local_columns
        linked_id = row[column.name]
        linked = (
            None if linked_id is None else session.get(link.mapper.class_, linked_id)
        )
        values[link.key] = _label(linked)
    return values


@event.listens_for(Session, "before_flush")
def _note_directory_changes(session: Session, flush_context, instances) -> None:
    """Keep each directory record's state from before its first change this commit."""
    notes: dict = session.info.setdefault(NOTES_KEY, {})
    for record in session.new:
        if isinstance(record, AUDITED_DIRECTORY) and record not in notes:
            notes[record] = {"before": None}
    for record in session.dirty:
        if (
            isinstance(record, AUDITED_DIRECTORY)
            and record not in notes
            and session.is_modified(record, include_collections=False)
        ):
            notes[record] = {"before": _stored_values(session, record)}
    for record in session.deleted:
        if isinstance(record, AUDITED_DIRECTORY):
            note = notes.setdefault(record, {"before": _stored_values(session, record)})
            note["deleted_label"] = _label(record)


@event.listens_for(Session, "before_commit")
def _audit_directory_changes(session: Session) -> None:
    """Add one audit event per directory record created, changed or deleted."""
    session.flush()  # the commit would flush anyway; this notes its changes first
    notes = session.info.pop(NOTES_KEY, {})
    for record, note in notes.items():
        state = inspect(record)
        before = note["before"]
        if state.deleted or state.was_deleted:
            if before is None:
                continue  # created and deleted within one commit
            action, label = "deleted", note["deleted_label"]
            changes = record_changes(_filled(before), {})
        elif state.persistent:
            label, after = _label(record), _current_values(record)
            if before is None:
                action, changes = "created", record_changes({}, _filled(after))
            else:
                action, changes = "updated", record_changes(before, after)
        else:
            continue  # added, then taken out of the session again
        if not changes:
            continue
        target_type = record.__tablename__
        session.add(
            audit_event(
                f"{target_type}_{action}",
                target_type=target_type,
                target_id=record.id,
                summary=label or "",
                details=changes,
            )
        )


def _filled(values: dict) -> dict:
    """The fields that hold something: what a record was created or deleted with.

    Unset marks (False) are left out with empty text, so a record created with
    every default reads as just its name.
    """
    return {
        key: value
        for key, value in values.items()
        if value is not None and value != "" and value is not False
    }


@event.listens_for(Session, "after_transaction_end")
def _forget_directory_changes(session: Session, transaction) -> None:
    """Notes live as long as their transaction: a rolled-back change was never made."""
    if transaction.parent is None:
        session.info.pop(NOTES_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_directory_writes(state: ORMExecuteState) -> None:
    """ORM bulk INSERT, UPDATE or DELETE of directory records would escape the audit."""
    writes = state.is_insert or state.is_update or state.is_delete
    mapper = state.bind_mapper
    if writes and mapper is not None and mapper.class_ in AUDITED_DIRECTORY:
        raise RuntimeError(
            f"Change {mapper.class_.__name__} records one by one through the "
            "session, not with a bulk statement: directory changes are audited."
        )
