"""Accounts that sign in; the role decides what they may do."""

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import String, func
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
    # Part of the session identity: raising it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)

    def get_id(self) -> str:
        """Session identity "id:version", so old sessions stop matching on a bump."""
        return f"{self.id}:{self.session_version}"

    def end_all_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this user."""
        self.session_version = (self.session_version or 1) + 1

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
