"""Sign-ins kept on the server, so that ending one makes its cookies worthless.

Flask's session cookie and Flask-Login's remember-me cookie are signed, not
stored: on their own, a copy keeps working after sign-out. So each sign-in is a
`UserSession` row with a random secret, and both cookies carry only that secret
(`User.get_id`). A request is signed in only while the row exists: sign-out
deletes this sign-in's row, a password change or deactivation deletes all the
user's rows, and a sign-in older than REMEMBER_COOKIE_DURATION has expired.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select

from events_app.extensions import db, login_manager
from events_app.models import User, UserSession
from events_app.models.meetings import utc_now

SECRET_BYTES = 32
# Flask-Login's own default for REMEMBER_COOKIE_DURATION.
DEFAULT_LIFETIME = timedelta(days=365)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _lifetime() -> timedelta:
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", DEFAULT_LIFETIME)
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def start_session(user: User, *, remember: bool = False) -> None:
    """Sign the user in on this browser with a new server-side session; commits."""
    now = utc_now()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at < now - _lifetime()
        )
    )
    user.session_secret = secrets.token_urlsafe(SECRET_BYTES)
    db.session.add(
        UserSession(
            user_id=user.id, secret_hash=_digest(user.session_secret), created_at=now
        )
    )
    db.session.commit()
    login_user(user, remember=remember)


def end_session() -> None:
    """Sign this browser out; its session and remember-me cookies stop working."""
    if current_user.is_authenticated and current_user.session_secret:
        db.session.execute(
            delete(UserSession).where(
                UserSession.secret_hash == _digest(current_user.session_secret)
            )
        )
        db.session.commit()
    # Nothing the signed-out user left in the cookie (a new feed's address, an
    # undo offer) passes to whoever uses this browser next. Before logout_user,
    # which then asks for the remember-me cookie to be cleared.
    session.clear()
    logout_user()


def end_all_sessions(user: User) -> None:
    """End every sign-in of the user, on every device (committed by the caller)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


@login_manager.user_loader
def load_user(secret: str) -> User | None:
    """The active user of a live sign-in whose secret the cookie carries, or None."""
    if not secret or len(secret) > 100:
        return None
    user = db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.secret_hash == _digest(secret),
            UserSession.created_at >= utc_now() - _lifetime(),
            User.active.is_(True),
        )
    )
    if user is not None:
        user.session_secret = secret
    return user
