"""Accounts that sign in; the role decides what they may do."""

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from events_app.extensions import db
from events_app.models.choices import UserRole


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # What other users see of this account: e-mail addresses stay on admin pages.
    display_name: Mapped[str] = mapped_column(
        String(200), default="", server_default=""
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=UserRole.VIEWER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # The directory person this user is, for "your follow-ups" (set on the
    # account page); shown only while the user may see that person.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )

    # The interface language the user chose (events_app/language); None follows
    # the browser's Accept-Language.
    language: Mapped[str | None] = mapped_column(String(8))

    # The secret of the sign-in this object was loaded for (see auth/sessions.py);
    # not a column: it is what the session and remember-me cookies carry.
    session_secret = None

    def get_id(self) -> str | None:
        """The identity Flask-Login puts in the cookies: this sign-in's secret."""
        return self.session_secret

    def set_password(self, password: str) -> None:
        """Store a salted hash (scrypt by default; tests choose a cheaper method)."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def name(self) -> str:
        """The name shown to other users; the address's local part if none was set."""
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def can_edit(self) -> bool:
        return self.role in (UserRole.ADMIN, UserRole.EDITOR)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"


class UserSession(db.Model):
    """One sign-in, alive until sign-out, password change or deactivation.

    The session and remember-me cookies carry a random secret; only its SHA-256
    is stored, and deleting the row ends that sign-in everywhere the cookies
    were copied to.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class SignInAttempt(db.Model):
    """A sign-in being checked or one that failed, counted by the sign-in limit.

    Bookkeeping, not history (the audit trail records what happened): a row is
    added before the password is checked and removed again when the attempt
    succeeds or is refused, so the rows in the window are the failures plus
    the attempts in progress.
    """

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_email_attempted_at", "email", "attempted_at"),
        Index(
            "ix_sign_in_attempt_ip_address_attempted_at", "ip_address", "attempted_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    attempted_at: Mapped[datetime]
