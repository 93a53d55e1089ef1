"""Merges of duplicate people or organizations, and pairs marked "not the same"."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events_app.extensions import db
from events_app.models.meetings import utc_now
from events_app.models.users import User


class DirectoryMerge(db.Model):
    """One record merged into another, with all that undoing it needs.

    `removed` holds the removed record's columns as they were; `kept_before`
    and `kept_after` the kept record's around the merge; `moved` the ids of the
    rows that were pointed at the kept record ({"participation": [...],
    "outcome": [...], "person": [...]}); `dropped` the participation rows
    deleted because the kept record already took part in that meeting.
    """

    __tablename__ = "directory_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    kept_id: Mapped[int] = mapped_column(index=True)
    removed_id: Mapped[int]
    removed: Mapped[dict] = mapped_column(JSON)
    kept_before: Mapped[dict] = mapped_column(JSON)
    kept_after: Mapped[dict] = mapped_column(JSON)
    added_names: Mapped[list] = mapped_column(JSON, default=list)
    moved: Mapped[dict] = mapped_column(JSON, default=dict)
    dropped: Mapped[list] = mapped_column(JSON, default=list)
    merged_at: Mapped[datetime] = mapped_column(default=utc_now)
    merged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])


class NotSamePair(db.Model):
    """Two records an editor marked as different: the duplicates page skips them."""

    __tablename__ = "not_same_pair"
    __table_args__ = (
        UniqueConstraint(
            "kind", "first_id", "second_id", name="uq_not_same_pair_kind_first_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The smaller id first, so a pair is stored once whichever way it was marked.
    first_id: Mapped[int]
    second_id: Mapped[int]
    marked_at: Mapped[datetime] = mapped_column(default=utc_now)
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
