"""Secret feed URLs: created, shown once, stored only as a hash, revocable."""

import hashlib
import secrets

from sqlalchemy import select, update

from events_app.audit import record_event
from events_app.extensions import db
from events_app.models import FeedToken, User
from events_app.models.meetings import utc_now

TOKEN_BYTES = 32


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_feed_token(user: User) -> FeedToken | None:
    return db.session.scalar(
        select(FeedToken).where(
            FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None)
        )
    )


def issue_feed_token(user: User) -> str:
    """Revoke the user's current token and return a new one (only its hash is kept)."""
    revoke_feed_tokens(user, commit=False)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(FeedToken(user_id=user.id, token_hash=token_digest(token)))
    record_event(
        "feed_token_issued", target_type="user", target_id=user.id, summary=user.email
    )
    db.session.commit()
    return token


def revoke_feed_tokens(user: User, *, commit: bool = True) -> None:
    """Stop every feed URL of the user at once."""
    if commit:
        record_event(
            "feed_token_revoked",
            target_type="user",
            target_id=user.id,
            summary=user.email,
        )
    db.session.execute(
        update(FeedToken)
        .where(FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    if commit:
        db.session.commit()


def user_for_feed_token(token: str) -> User | None:
    """The active user owning this live token; None if revoked, unknown or inactive."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(User)
        .join(FeedToken, FeedToken.user_id == User.id)
        .where(
            FeedToken.token_hash == token_digest(token),
            FeedToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )
