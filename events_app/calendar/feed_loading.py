"""A feed's meetings and all their events show, loaded in a fixed number of queries.

A feed can hold every meeting in the database. Loading them as ORM objects
with their relationships costs seconds and one query per chunk of ids;
here each kind of row comes from one Core query, limited to the feed's
meetings by `meeting_id IN (<the same select of meetings>)`, so the number
of statements stays the same whatever the number of meetings, and the rows
become plain `CalendarMeeting` values.
"""

import gc
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Select, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from events_app.calendar.event_store import EventStore
from events_app.calendar.ical import (
    FORMAT_VERSION,
    CalendarMeeting,
    CalendarOutcome,
    CalendarParticipant,
    CalendarTopic,
    CalendarWords,
    meetings_to_ical,
    organization_label,
)
from events_app.extensions import db
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    Topic,
)
from events_app.models.choices import Confidentiality
from events_app.models.feeds import DataStamp, VerifiedFeed
from events_app.models.topics import PATH_SEPARATOR

log = logging.getLogger(__name__)


def feed_body(
    meetings: Select,
    *,
    calendar_name: str | CalendarWords,
    meeting_url: Callable[[CalendarMeeting], str],
    max_event_bytes: int | None = None,
    data_stamp: DataStamp | None = None,
) -> bytes:
    """The .ics feed of what `meetings` selects (see `load_calendar_meetings`).

    `max_event_bytes` leaves out the oldest meetings beyond that size (see
    `meetings_to_ical`).

    Events already written and stored (by any worker) are reused; the ones
    written now are stored for the next build (see `event_store`). With
    `data_stamp` (read before `meetings`, in the same transaction), stored
    events that a build already found current at that stamp are served
    unchecked (see `is_verified`). A stamp with no epoch (no change counted
    yet) is never trusted.
    """
    meeting_ids = meetings.with_only_columns(Meeting.id, maintain_column_froms=True)
    trusted = data_stamp is not None and bool(data_stamp.epoch)

    def build(write) -> bytes:
        return meetings_to_ical(
            by_id.values(),
            calendar_name=calendar_name,
            meeting_url=meeting_url,
            write=write,
            max_event_bytes=max_event_bytes,
        )

    with garbage_collection_paused():
        by_id = _calendar_meetings_by_id(meetings)
        store = EventStore(meeting_ids)
        if trusted and by_id:
            body = build(store.unchecked)
            # Looked up even when an event is missing: as many statements
            # whatever the data.
            verified = is_verified(verified_feed_key(data_stamp, store.used))
            if verified and not store.missing:
                return body
            store.used = []
        if by_id:
            _attach_participants(by_id, meeting_ids)
            _attach_topics(by_id, meeting_ids)
            _attach_outcomes(by_id, meeting_ids)
        body = build(store.write)
    if store.save() and trusted:
        remember_verified(verified_feed_key(data_stamp, store.used), data_stamp)
    return body


def is_verified(key: str) -> bool:
    """Whether a build found the events of the feed `key` names current (`key`
    from `verified_feed_key`).

    Checking the stored events means loading everything the meetings' events
    show (three of a build's five queries) and digesting it: about half of a
    rebuild whose events are all stored. The data stamp
    (events_app/models/feeds.py) moves on with every committed change to what
    events show, and feeds' validators already rest on it. So once a build at
    stamp S served stored events whose fingerprints it checked, another build
    at S that finds the same events (same meetings, links and stored
    fingerprints: a stored event's text and fingerprint are written together)
    serves them unchecked, whoever asks and in whichever worker. The stored
    fingerprints in the key keep out an event rewritten since the check (a
    build that read older data as a commit landed).
    """
    return db.session.get(VerifiedFeed, key) is not None


def remember_verified(key: str, stamp: DataStamp) -> None:
    """Record the feed `key` as verified at `stamp`, forgetting older stamps'
    feeds; commits. Not recorded when that fails: the next build checks again."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    try:
        db.session.execute(
            delete(VerifiedFeed).where(VerifiedFeed.data_version < stamp.version)
        )
        db.session.execute(
            dialect.insert(VerifiedFeed)
            .values(key=key, data_version=stamp.version)
            .on_conflict_do_nothing(index_elements=[VerifiedFeed.key])
        )
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("Verified feed not recorded this time: %s", error)


def verified_feed_key(stamp: DataStamp, used: list[tuple[int, str, str]]) -> str:
    """A digest of the data stamp and of the events a build served: each one's
    meeting id, link and fingerprint, in the order served."""
    values = (FORMAT_VERSION, stamp.epoch, stamp.version, used)
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


class _CollectorPause:
    """Counts the builds running at once, so threads share one pause.

    The collector is switched off by the first build and back on by the
    last one, and only if it was on to begin with.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.builds = 0
        self.was_enabled = False

    @contextmanager
    def paused(self) -> Iterator[None]:
        with self.lock:
            if self.builds == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.builds += 1
        try:
            yield
        finally:
            with self.lock:
                self.builds -= 1
                if self.builds == 0 and self.was_enabled:
                    gc.enable()


def garbage_collection_paused():
    """Hold Python's cycle collector while a feed is built (a context manager).

    A feed of 10,000 meetings makes some 100,000 short-lived rows, tuples and
    strings, none of them in reference cycles. Each batch of new objects sets
    off a collection that walks every live object: about a third of a build's
    time went there. Whatever
    cycles the build does leave are collected as usual once it is over.
    """
    return _COLLECTOR_PAUSE.paused()


_COLLECTOR_PAUSE = _CollectorPause()


def load_calendar_meetings(meetings: Select) -> list[CalendarMeeting]:
    """The meetings of `meetings` (a select of Meeting), in start order, ready for iCal.

    `meetings` must already be limited to what the viewer may see (it comes
    from `visible_meetings_for`); the related rows are taken only for the
    meetings it selects. Five queries, whatever the number of meetings.
    """
    meeting_ids = meetings.with_only_columns(Meeting.id, maintain_column_froms=True)
    by_id = _calendar_meetings_by_id(meetings)
    if not by_id:
        return []
    _attach_participants(by_id, meeting_ids)
    _attach_topics(by_id, meeting_ids)
    _attach_outcomes(by_id, meeting_ids)
    return list(by_id.values())


def _calendar_meetings_by_id(meetings: Select) -> dict[int, CalendarMeeting]:
    """The meetings of `meetings` in start order, without participants, topics
    and outcomes yet."""
    rows = _execute(
        meetings.with_only_columns(
            Meeting.id,
            Meeting.uid,
            Meeting.title,
            Meeting.start_utc,
            Meeting.end_utc,
            Meeting.timezone,
            Meeting.all_day,
            Meeting.venue,
            Meeting.city,
            Meeting.country,
            Meeting.online_url,
            Meeting.status,
            Meeting.confidentiality,
            Meeting.summary,
            Meeting.created_at,
            Meeting.updated_at,
            Meeting.sequence,
            maintain_column_froms=True,
        ).order_by(Meeting.start_utc, Meeting.id)
    )
    by_id: dict[int, CalendarMeeting] = {}
    for (
        meeting_id,
        uid,
        title,
        start_utc,
        end_utc,
        timezone,
        all_day,
        venue,
        city,
        country,
        online_url,
        status,
        confidentiality,
        summary,
        created_at,
        updated_at,
        sequence,
    ) in rows:
        by_id[meeting_id] = CalendarMeeting(
            meeting_id,
            uid,
            title,
            start_utc,
            end_utc,
            timezone,
            all_day,
            ", ".join(part for part in (venue, city, country) if part),
            online_url,
            status,
            confidentiality,
            summary,
            created_at,
            updated_at,
            sequence,
            [],
            [],
            [],
        )
    return by_id


def _execute(statement: Select):
    """Plain rows on the session's connection (and transaction), without ORM loading."""
    return db.session.connection().execute(statement).tuples().all()


def _attach_participants(
    by_id: dict[int, CalendarMeeting], meeting_ids: Select
) -> None:
    rows = _execute(
        select(
            Participation.meeting_id,
            Participation.role,
            Participation.attendance,
            Person.display_name,
            Organization.name,
            Organization.short_name,
        )
        .outerjoin(Person, Person.id == Participation.person_id)
        .outerjoin(Organization, Organization.id == Participation.organization_id)
        .where(Participation.meeting_id.in_(meeting_ids))
        .order_by(Participation.position, Participation.id)
    )
    for meeting_id, role, attendance, person_name, name, short_name in rows:
        by_id[meeting_id].participants.append(
            CalendarParticipant(
                person_name=person_name,
                organization_label=(
                    organization_label(name, short_name) if name is not None else None
                ),
                role=role,
                attendance=attendance,
            )
        )


def _attach_topics(by_id: dict[int, CalendarMeeting], meeting_ids: Select) -> None:
    # Topics are few (a vocabulary), and their paths need every ancestor:
    # one query for the whole tree, like the visibility rule does.
    topics = {
        topic_id: (name, parent_id, restricted)
        for topic_id, name, parent_id, restricted in _execute(
            select(Topic.id, Topic.name, Topic.parent_id, Topic.restricted)
        )
    }
    paths: dict[tuple[int, bool], str] = {}
    rows = _execute(
        select(MeetingTopic.meeting_id, MeetingTopic.topic_id, MeetingTopic.note)
        .join(Topic, Topic.id == MeetingTopic.topic_id)
        .where(MeetingTopic.meeting_id.in_(meeting_ids))
        .order_by(MeetingTopic.position, MeetingTopic.id)
    )
    for meeting_id, topic_id, note in rows:
        meeting = by_id[meeting_id]
        # As `MeetingTopic.through_marked` decides.
        through_marked = (
            topics[topic_id][2]
            and meeting.confidentiality == Confidentiality.RESTRICTED.value
        )
        key = (topic_id, through_marked)
        if key not in paths:
            paths[key] = topic_path(topic_id, topics, through_marked)
        meeting.topics.append(
            CalendarTopic(name=topics[topic_id][0], path=paths[key], note=note)
        )


def topic_path(
    topic_id: int,
    topics: dict[int, tuple[str, int | None, bool]],
    through_marked: bool,
) -> str:
    """The topic's path, exactly as `Topic.shown_path(through_marked)` gives it.

    `topics` maps every topic id to (name, parent id, marked); a cycle in bad
    data stops at the first repeated topic, and without `through_marked` the
    path stops before the first marked ancestor.
    """
    name, parent_id, _ = topics[topic_id]
    names = [name]
    seen = {topic_id}
    while parent_id is not None and parent_id in topics and parent_id not in seen:
        name, next_parent_id, marked = topics[parent_id]
        if marked and not through_marked:
            break
        seen.add(parent_id)
        names.append(name)
        parent_id = next_parent_id
    return PATH_SEPARATOR.join(reversed(names))


def _attach_outcomes(by_id: dict[int, CalendarMeeting], meeting_ids: Select) -> None:
    rows = _execute(
        select(
            Outcome.meeting_id,
            Outcome.text,
            Outcome.due,
            Outcome.status,
            Person.display_name,
            Organization.name,
            Organization.short_name,
        )
        .outerjoin(Person, Person.id == Outcome.owner_person_id)
        .outerjoin(Organization, Organization.id == Outcome.owner_organization_id)
        .where(Outcome.meeting_id.in_(meeting_ids))
        .order_by(Outcome.position, Outcome.id)
    )
    for meeting_id, text, due, status, person_name, name, short_name in rows:
        if person_name is not None:
            owner = person_name
        elif name is not None:
            owner = organization_label(name, short_name)
        else:
            owner = ""
        by_id[meeting_id].outcomes.append(
            CalendarOutcome(text=text, owner_label=owner, due=due, status=status)
        )
