"""Written events kept beside their meetings, shared by every worker process.

Writing a VEVENT is most of a feed's cost. Each written event is stored in
`stored_event` with a fingerprint of everything it was written from (the
meeting's values, the names of its people, organizations and topics, its link
and the writer's version: `events_app.calendar.ical.event_fingerprint`). A feed
loads the values it needs anyway, computes each meeting's fingerprint and
reuses the stored bytes when it matches; otherwise it writes the event and
stores it. So:

- a stored event is never stale, however the data changed (an edit, a renamed
  participant or topic, a merge, a restore from a backup, an import): a change
  in what the event shows is a change of fingerprint, and nothing has to
  remember to invalidate anything;
- every worker, and a worker started a moment ago, finds the events already
  written by the others; a worker keeps none of them in memory between
  requests;
- the bytes are the same for everyone allowed to see the meeting (an event
  shows nothing that depends on the viewer; its link depends only on the
  site's address, which is in the fingerprint).

A purged meeting's stored event goes with it (its text is meeting data).
"""

import logging
from collections.abc import Iterable

from sqlalchemy import Select, delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from events_app.calendar.ical import (
    CalendarMeeting,
    WrittenEvent,
    event_fingerprint,
    write_event,
)
from events_app.extensions import db
from events_app.models import Meeting, StoredEvent

log = logging.getLogger(__name__)


class EventStore:
    """The stored events of a feed's meetings, and the ones written while building it.

    Pass `write` as the event writer of `meetings_to_ical`, then call `save`.
    """

    def __init__(self, meeting_ids: Select) -> None:
        rows = (
            db.session.connection()
            .execute(
                select(
                    StoredEvent.meeting_id,
                    StoredEvent.fingerprint,
                    StoredEvent.text,
                    StoredEvent.zone,
                    StoredEvent.zone_first_day,
                    StoredEvent.zone_last_day,
                ).where(StoredEvent.meeting_id.in_(meeting_ids))
            )
            .tuples()
        )
        self.stored: dict[int, tuple[str, WrittenEvent]] = {
            meeting_id: (
                fingerprint,
                WrittenEvent(
                    bytes(text),
                    (zone, first, last) if zone is not None else None,
                ),
            )
            for meeting_id, fingerprint, text, zone, first, last in rows
        }
        self.written: list[dict] = []
        # (meeting id, link, fingerprint) of each event this build served.
        self.used: list[tuple[int, str, str]] = []
        self.missing = False

    def write(self, meeting: CalendarMeeting, meeting_url: str) -> WrittenEvent:
        """The stored event while its fingerprint is the meeting's, else a new one."""
        fingerprint = event_fingerprint(meeting, meeting_url)
        stored = self.stored.get(meeting.id)
        if stored is not None and stored[0] == fingerprint:
            self.used.append((meeting.id, meeting_url, fingerprint))
            return stored[1]
        written = write_event(meeting, meeting_url)
        self.used.append((meeting.id, meeting_url, fingerprint))
        zone, first, last = written.zone_span or (None, None, None)
        self.written.append(
            {
                "meeting_id": meeting.id,
                "fingerprint": fingerprint,
                "text": written.text,
                "zone": zone,
                "zone_first_day": first,
                "zone_last_day": last,
            }
        )
        return written

    def unchecked(self, meeting: CalendarMeeting, meeting_url: str) -> WrittenEvent:
        """The stored event, its fingerprint unchecked but noted in `used` (an
        empty event, and `missing` set, when there is none): for a build that
        serves what it made only if a check at the same data stamp found these
        very events current (see `events_app.calendar.feed_loading`)."""
        stored = self.stored.get(meeting.id)
        if stored is None:
            self.missing = True
            return WrittenEvent(b"", None)
        self.used.append((meeting.id, meeting_url, stored[0]))
        return stored[1]

    def save(self) -> bool:
        """Store the events written by this build, and commit; whether every
        event of the build is now stored.

        The feed is served even when storing fails (another worker storing the
        same events at this moment, a busy SQLite file): the next build writes
        them again.
        """
        if not self.written:
            return True
        try:
            store_events(self.written)
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.warning("Written events not stored this time: %s", error)
            return False
        return True


def store_events(rows: Iterable[dict]) -> None:
    """Insert or replace stored events (dicts of `StoredEvent` columns).

    In meeting order, so that two workers storing overlapping feeds lock
    rows in the same order and never deadlock each other on PostgreSQL.
    """
    rows = sorted(rows, key=lambda row: row["meeting_id"])
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(StoredEvent)
    statement = statement.on_conflict_do_update(
        index_elements=[StoredEvent.meeting_id],
        set_={
            column: statement.excluded[column]
            for column in (
                "fingerprint",
                "text",
                "zone",
                "zone_first_day",
                "zone_last_day",
            )
        },
    )
    db.session.connection().execute(statement, rows)


@event.listens_for(Session, "before_flush")
def _forget_events_of_purged_meetings(session: Session, flush_context, instances):
    """Delete the stored events of meetings deleted in this flush.

    PostgreSQL's foreign key cascades the delete too; SQLite does not enforce
    foreign keys here, and a purged meeting's text must not outlive it.
    """
    purged = [
        instance.id
        for instance in session.deleted
        if isinstance(instance, Meeting) and instance.id is not None
    ]
    if purged:
        session.execute(delete(StoredEvent).where(StoredEvent.meeting_id.in_(purged)))
