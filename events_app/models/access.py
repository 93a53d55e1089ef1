"""Who may see a restricted meeting: users and groups of users on its access list."""

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events_app.extensions import db
from events_app.models.users import User

group_member = Table(
    "group_member",
    db.metadata,
    Column(
        "group_id",
        ForeignKey("user_group.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "user_id",
        ForeignKey("user_account.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

meeting_access_user = Table(
    "meeting_access_user",
    db.metadata,
    Column(
        "meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "user_id",
        ForeignKey("user_account.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

meeting_access_group = Table(
    "meeting_access_group",
    db.metadata,
    Column(
        "meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "group_id",
        ForeignKey("user_group.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class UserGroup(db.Model):
    """A named set of users, e.g. "Sanctions working group"."""

    __tablename__ = "user_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    members: Mapped[list[User]] = relationship(
        secondary=group_member, order_by=User.email
    )
