"""Private calendar feed tokens and the data version that makes feed caching cheap."""

import secrets
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    ForeignKey,
    LargeBinary,
    String,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from events_app.extensions import db
from events_app.models.meetings import utc_now
from events_app.models.users import User


class FeedToken(db.Model):
    """A secret feed URL of one user; only the SHA-256 of the token is stored."""

    __tablename__ = "feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class StoredEvent(db.Model):
    """A meeting's written VEVENT, kept in the database for every worker to reuse.

    `fingerprint` digests everything the bytes were written from (see
    `events_app.calendar.ical.event_fingerprint`); a feed uses the bytes only
    while the meeting's current fingerprint is the same, so a stored event is
    never served stale, and a new process starts with every event written.
    The text is the same for everyone who may see the meeting. Removed with
    its meeting (see `events_app.calendar.event_store`).
    """

    __tablename__ = "stored_event"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(32))
    text: Mapped[bytes] = mapped_column(LargeBinary)
    # The zone of a timed meeting outside UTC and the local days it spans,
    # which decide the feed's VTIMEZONE; all None otherwise.
    zone: Mapped[str | None] = mapped_column(String(64))
    zone_first_day: Mapped[date | None]
    zone_last_day: Mapped[date | None]


class VerifiedFeed(db.Model):
    """A feed whose stored events a build found all current, at one data stamp.

    `key` digests the data stamp and the events the build served (meeting
    ids, links and fingerprints; see
    `events_app.calendar.feed_loading.is_verified`): another build at the same
    stamp that finds the same stored events, in any worker, serves them
    unchecked. Rows of older data versions are deleted as new ones come.
    """

    __tablename__ = "verified_feed"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    data_version: Mapped[int] = mapped_column(index=True)


def new_epoch() -> str:
    return secrets.token_hex(16)


class DataVersion(db.Model):
    """One row whose counter grows with every committed change to recorded data.

    Feeds derive their ETag and Last-Modified from it, so answering a polling
    calendar client with 304 costs one tiny query, whatever the number of meetings.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Random per database, renewed by every restore (see `begin_new_data_epoch`).
    epoch: Mapped[str] = mapped_column(String(32), default=new_epoch)


TRACKED_TABLES = {
    "meeting", "participation", "meeting_topic", "outcome", "source_link",
    "person", "organization", "topic", "user_group",
}  # fmt: skip
# What a user may see follows from these (groups and access lists are tracked
# above), so changing them must change that user's feed validators too.
TRACKED_USER_COLUMNS = ("role", "active")


def _changes_what_feeds_show(session: Session, instance) -> bool:
    if isinstance(instance, User):
        state = inspect(instance)
        return instance in session.dirty and any(
            state.attrs[column].history.has_changes() for column in TRACKED_USER_COLUMNS
        )
    if getattr(instance, "__tablename__", None) not in TRACKED_TABLES:
        return False
    return instance not in session.dirty or session.is_modified(instance)


@event.listens_for(Session, "before_flush")
def _bump_data_version(session: Session, flush_context, instances) -> None:
    """Count a new data version whenever a flush touches what feeds show."""
    touched = (*session.new, *session.dirty, *session.deleted)
    if not any(_changes_what_feeds_show(session, instance) for instance in touched):
        return
    now = utc_now()
    changed = session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=now)
    ).rowcount
    if not changed:
        session.add(DataVersion(id=1, version=1, changed_at=now))


class DataStamp(NamedTuple):
    """What feed validators are made of: no two data states share one."""

    epoch: str
    version: int
    changed_at: datetime | None


def current_data_stamp() -> DataStamp:
    """The data's epoch, version and time of last change ("", 0, None) at first."""
    row = db.session.execute(
        select(DataVersion.epoch, DataVersion.version, DataVersion.changed_at).where(
            DataVersion.id == 1
        )
    ).first()
    return DataStamp(*row) if row else DataStamp("", 0, None)


def begin_new_data_epoch() -> None:
    """After a restore: validators from before it must never match again.

    The restored counter and time are older than what calendar clients hold, and
    the counter would later reach values they saw for other data; a new random
    epoch in the ETag, and the restore time as the last change (Last-Modified
    never goes backwards), make every cached copy stale. Commits.
    """
    values = {"epoch": new_epoch(), "changed_at": utc_now()}
    changed = db.session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, **values)
    ).rowcount
    if not changed:
        db.session.add(DataVersion(id=1, version=1, **values))
    db.session.commit()
