"""A–Z order of people, organizations and topics in the interface language.

Each record stores its name's sort key in every order of
events_app/language/collation.py (`sort_key_latin_first`,
`sort_key_cyrillic_first`); people and organizations index them with the id,
so a page of an index is read off an index in the reader's order. Keys are
written here, before every flush that adds a record or changes its name, so
they commit with the name; `flask --app events_app reindex` recomputes them all
(after bulk SQL or an ICU upgrade).
"""

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from events_app.extensions import db
from events_app.language.collation import ORDERINGS, current_ordering, sort_key
from events_app.models import Organization, Person, Topic

# The name each record type is ordered by.
NAME_ATTRIBUTE = {Person: "display_name", Organization: "name", Topic: "name"}
# Records whose keys `refill_sort_keys` rewrites per batch.
BATCH = 500


def sort_key_attribute(ordering: str) -> str:
    return f"sort_key_{ordering}"


def fill_sort_keys(record) -> None:
    """Set the record's sort keys from its name, in every order."""
    name = getattr(record, NAME_ATTRIBUTE[type(record)])
    for ordering in ORDERINGS:
        setattr(record, sort_key_attribute(ordering), sort_key(name, ordering))


def name_order(model) -> tuple[ColumnElement, InstrumentedAttribute]:
    """ORDER BY terms listing `model` A–Z in the request's language: (key, id)."""
    return getattr(model, sort_key_attribute(current_ordering())), model.id


def _name_changed(record) -> bool:
    name = NAME_ATTRIBUTE[type(record)]
    return inspect(record).attrs[name].history.has_changes()


@event.listens_for(Session, "before_flush")
def _refresh_sort_keys(session: Session, flush_context, instances) -> None:
    """Sort keys of every record added or renamed in this flush."""
    for record in (*session.new, *session.dirty):
        if type(record) in NAME_ATTRIBUTE and (
            record in session.new or _name_changed(record)
        ):
            fill_sort_keys(record)


def refill_sort_keys() -> int:
    """Recompute every record's sort keys (part of `flask reindex`); returns the count.

    Written only where they changed, through the session like any save.
    """
    count = 0
    for model in NAME_ATTRIBUTE:
        ids = db.session.scalars(select(model.id).order_by(model.id)).all()
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            for record in db.session.scalars(select(model).where(model.id.in_(batch))):
                fill_sort_keys(record)
                count += 1
            db.session.flush()
    return count


def record_order(record) -> tuple[bytes, int]:
    """The (key, id) of a loaded record, to sort records in Python as `name_order`."""
    return getattr(record, sort_key_attribute(current_ordering())), record.id
