"""Creating and changing user accounts; shared by the CLI, set-up and users pages."""

from sqlalchemy import func, select

from events_app.extensions import db
from events_app.models import User
from events_app.models.choices import UserRole

MINIMUM_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account could not be created or changed; the message says why."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.email) == normalise_email(email))
    )


def has_any_user() -> bool:
    return db.session.scalar(select(func.count(User.id))) > 0


def password_problem(password: str) -> str | None:
    """Why a password is not acceptable, or None."""
    if len(password or "") < MINIMUM_PASSWORD_LENGTH:
        return f"Use at least {MINIMUM_PASSWORD_LENGTH} characters."
    if len(password) > 1000:
        return "Use at most 1000 characters."
    return None


def create_user(email: str, password: str, role: str) -> User:
    """Create an active user; raises AccountError on a bad e-mail, password or role."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or " " in email:
        raise AccountError("Enter a valid e-mail address.")
    if role not in {member.value for member in UserRole}:
        raise AccountError(f"Unknown role {role!r}: use admin, editor or viewer.")
    if find_user_by_email(email) is not None:
        raise AccountError(f"A user with the e-mail {email} already exists.")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(email=email, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.role == UserRole.ADMIN, User.active.is_(True)
        )
    )


def update_user(user: User, role: str, active: bool) -> None:
    """Change a user's role and active flag, keeping at least one active admin."""
    if role not in {member.value for member in UserRole}:
        raise AccountError(f"Unknown role {role!r}.")
    removes_admin = user.is_admin and user.active and (
        role != UserRole.ADMIN or not active
    )
    if removes_admin and active_admin_count() <= 1:
        raise AccountError("At least one active admin must remain.")
    user.role = role
    user.active = active
    db.session.commit()
