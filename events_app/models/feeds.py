"""Private calendar feed tokens and the data version that makes feed caching cheap."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, event, select, update
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


class DataVersion(db.Model):
    """One row whose counter grows with every committed change to recorded data.

    Feeds derive their ETag and Last-Modified from it, so answering a polling
    calendar client with 304 costs one tiny query, whatever the number of meetings.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)


TRACKED_TABLES = {
    "meeting", "participation", "meeting_topic", "outcome", "source_link",
    "person", "organization", "topic", "user_group",
}  # fmt: skip


@event.listens_for(Session, "before_flush")
def _bump_data_version(session: Session, flush_context, instances) -> None:
    """Count a new data version whenever a flush touches what feeds show."""
    touched = (*session.new, *session.dirty, *session.deleted)
    if not any(
        getattr(instance, "__tablename__", None) in TRACKED_TABLES
        and (instance not in session.dirty or session.is_modified(instance))
        for instance in touched
    ):
        return
    now = utc_now()
    changed = session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=now)
    ).rowcount
    if not changed:
        session.add(DataVersion(id=1, version=1, changed_at=now))


def current_data_version() -> tuple[int, datetime | None]:
    """(version, time of last change); (0, None) before anything was recorded."""
    row = db.session.execute(
        select(DataVersion.version, DataVersion.changed_at).where(DataVersion.id == 1)
    ).first()
    return (row.version, row.changed_at) if row else (0, None)
