"""Keep the `name_word` index in step with each record's name skeletons.

Whenever a flush writes a person, organization or topic whose `name_skeletons`
changed (or deletes one), its rows in `name_word` are written again, on the
same connection and in the same transaction. Every change to these records goes
through the session (bulk statements on them are refused, see
events_app/audit.py), so the index cannot fall behind.
"""

from sqlalchemy import delete, event, insert, inspect
from sqlalchemy.orm import Session

from events_app.directory.skeletons import name_beginnings
from events_app.models import NameWord, Organization, Person, Topic

INDEXED = (Person, Organization, Topic)


def _skeletons_changed(record) -> bool:
    return inspect(record).attrs.name_skeletons.history.has_changes()


@event.listens_for(Session, "after_flush")
def _rewrite_name_words(session: Session, flush_context) -> None:
    """Rewrite the `name_word` rows of every record flushed with new skeletons."""
    changed = [
        record
        for record in (*session.new, *session.dirty)
        if isinstance(record, INDEXED) and _skeletons_changed(record)
    ]
    gone = [record for record in session.deleted if isinstance(record, INDEXED)]
    if not changed and not gone:
        return
    connection = session.connection()
    table = NameWord.__table__
    for record in (*changed, *gone):
        connection.execute(
            delete(table).where(
                table.c.record_type == record.__tablename__,
                table.c.record_id == record.id,
            )
        )
    rows = [
        {
            "record_type": record.__tablename__,
            "record_id": record.id,
            "beginning": beginning,
        }
        for record in changed
        for beginning in name_beginnings(record.name_skeletons)
    ]
    if rows:
        connection.execute(insert(table), rows)
