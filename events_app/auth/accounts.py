"""Creating and changing user accounts; shared by the CLI, set-up and users pages."""

import re
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from events_app.audit import record_event
from events_app.auth.feed_tokens import revoke_feed_tokens
from events_app.auth.sessions import end_all_sessions
from events_app.extensions import db
from events_app.models import User
from events_app.models.choices import UserRole

MINIMUM_PASSWORD_LENGTH = 10
MAXIMUM_PASSWORD_LENGTH = 1000
MAXIMUM_EMAIL_LENGTH = 254
ROLES = frozenset(member.value for member in UserRole)

# One "@", something on each side, no whitespace: deliverability is not our concern,
# but a typo such as a missing "@" or a pasted space must be caught.
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+")


class AccountError(ValueError):
    """An account could not be created or changed; the message says why."""


def normalise_email(email: str | None) -> str:
    """The e-mail address as stored and compared: trimmed and lower-case."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address (case-insensitive), or None."""
    return db.session.scalar(
        select(User).where(func.lower(User.email) == normalise_email(email))
    )


def has_any_user() -> bool:
    """Whether at least one account exists (the first-run set-up is over)."""
    return db.session.scalar(select(func.count(User.id))) > 0


def email_problem(email: str) -> str | None:
    """Why an (already normalised) e-mail address is not acceptable, or None."""
    if len(email) > MAXIMUM_EMAIL_LENGTH or not EMAIL_PATTERN.fullmatch(email):
        return _("Enter a valid e-mail address.")
    return None


def password_problem(password: str | None) -> str | None:
    """Why a password is not acceptable, or None."""
    if len(password or "") < MINIMUM_PASSWORD_LENGTH:
        return ngettext(
            "Use at least %(num)d character.",
            "Use at least %(num)d characters.",
            MINIMUM_PASSWORD_LENGTH,
        )
    if len(password) > MAXIMUM_PASSWORD_LENGTH:
        return ngettext(
            "Use at most %(num)d character.",
            "Use at most %(num)d characters.",
            MAXIMUM_PASSWORD_LENGTH,
        )
    return None


def create_user(email: str, password: str, role: str, display_name: str = "") -> User:
    """Create an active user; raises AccountError on a bad e-mail, password or role.

    `display_name` is what other users see; empty, they see the address's local
    part (see `User.name`).
    """
    email = normalise_email(email)
    problem = email_problem(email)
    if problem:
        raise AccountError(problem)
    if role not in ROLES:
        raise AccountError(
            _("Unknown role %(role)s: use admin, editor or viewer.", role=repr(role))
        )
    if find_user_by_email(email) is not None:
        raise AccountError(
            _("A user with the e-mail %(email)s already exists.", email=email)
        )
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(
        email=email,
        role=str(role),
        active=True,
        display_name=" ".join((display_name or "").split())[:200],
    )
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
        record_event(
            "user_created",
            target_type="user",
            target_id=user.id,
            summary=f"{user.email} as {user.role}",
        )
        db.session.commit()
    except IntegrityError as error:
        # Two requests creating the same address at once: the unique index decides.
        db.session.rollback()
        raise AccountError(
            _("A user with the e-mail %(email)s already exists.", email=email)
        ) from error
    return user


@cache
def _unusable_password_hash(method: str) -> str:
    """Made like real users' hashes (User.set_password): checking it costs the same."""
    return generate_password_hash("no account has this password", method=method)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None.

    A password hash is checked even when no such user exists, so the response time
    does not tell whether an address has an account.
    """
    user = find_user_by_email(email)
    if user is None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        check_password_hash(_unusable_password_hash(method), password or "")
        return None
    if not user.check_password(password or ""):
        return None
    return user if user.active else None


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace a user's password after checking the current one."""
    if not user.check_password(current_password or ""):
        raise AccountError(_("The current password is wrong."))
    problem = password_problem(new_password)
    if problem:
        raise AccountError(problem)
    user.set_password(new_password)
    end_all_sessions(user)
    record_event(
        "password_changed", target_type="user", target_id=user.id, summary=user.email
    )
    db.session.commit()


def _lock_active_admin_ids() -> list[int]:
    """Ids of the active admins, row-locked (on PostgreSQL) until the commit.

    The lock makes two admins demoting each other at the same moment wait for one
    another, so the second sees the first change and the last admin stays.
    """
    return db.session.scalars(
        select(User.id)
        .where(User.role == UserRole.ADMIN, User.active.is_(True))
        .with_for_update()
    ).all()


def active_admin_count() -> int:
    """How many active admins there are."""
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.role == UserRole.ADMIN, User.active.is_(True)
        )
    )


def update_user(
    user: User, role: str, active: bool, display_name: str | None = None
) -> None:
    """Change a user's role, active flag and name, keeping at least one active admin."""
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s.", role=repr(role)))
    removes_admin = (
        user.is_admin and user.active and (role != UserRole.ADMIN or not active)
    )
    if removes_admin:
        other_admin_ids = [
            admin_id for admin_id in _lock_active_admin_ids() if admin_id != user.id
        ]
        if not other_admin_ids:
            db.session.rollback()
            raise AccountError(_("At least one active admin must remain."))
    changes = {}
    if user.role != role:
        changes["role"] = [user.role, str(role)]
    if user.active != bool(active):
        changes["active"] = [user.active, bool(active)]
    if display_name is not None and user.display_name != display_name:
        changes["display_name"] = [user.display_name, display_name]
        user.display_name = display_name
    user.role = str(role)
    user.active = bool(active)
    if "active" in changes and not active:
        # For good: reactivating the account must not revive any of them.
        end_all_sessions(user)
        revoke_feed_tokens(user, commit=False)
    if changes:
        record_user_changes(user, changes)
    db.session.commit()


def record_user_changes(user: User, changes: dict) -> None:
    """Audit changes to an account: {field: [old, new]}."""
    record_event(
        "user_changed",
        target_type="user",
        target_id=user.id,
        summary=user.email,
        details=changes,
    )


def rename_user(user: User, display_name: str) -> None:
    """Change the name a user is shown by; audited."""
    if user.display_name == display_name:
        return
    record_user_changes(user, {"display_name": [user.display_name, display_name]})
    user.display_name = display_name
    db.session.commit()
