"""The audit trail and the saved revisions of every meeting."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events_app.extensions import db
from events_app.models.meetings import utc_now
from events_app.models.users import User


class AuditEvent(db.Model):
    """Something someone did: who, when, from where, to what, and what changed.

    Rows are only ever added. Failed sign-ins are audit events too (the sign-in
    limit counts its own rows, `SignInAttempt`).
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_action_occurred_at", "action", "occurred_at"),
        Index("ix_audit_event_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    action: Mapped[str] = mapped_column(String(50))
    target_type: Mapped[str] = mapped_column(String(30), default="")
    target_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class MeetingRevision(db.Model):
    """A full snapshot of a meeting (interchange format) as saved at one revision."""

    __tablename__ = "meeting_revision"
    # One snapshot per revision number: two saves of the same revision cannot
    # both be kept (see meetings.operations.claim_for_saving).
    __table_args__ = (
        UniqueConstraint(
            "meeting_id", "revision", name="uq_meeting_revision_meeting_id_revision"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict] = mapped_column(JSON)
    # The access list as saved, by ids: {"users": [...], "groups": [...]}. The
    # snapshot names users by e-mail and groups by name, which can change hands
    # (a group renamed, another given its old name), so only ids decide who may
    # see the revision (see visibility.may_see_revision).
    access_ids: Mapped[dict] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    actor: Mapped[User | None] = relationship()
