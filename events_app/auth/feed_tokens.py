"""Secret feed URLs: created, shown once, stored only as a hash, revocable.

Besides the address shown once, each live feed has a *subscription key*: an
HMAC of the stored hash under the app's SECRET_KEY, prefixed with the token's
row id. It can be shown again (the "Subscribe to these meetings" buttons and a
meeting's "link to copy" need an address that works without a browser
session), yet it is never stored, and it dies with the feed: replacing or
stopping the feed, or deactivating the user, stops every address of it at once.
Anyone holding SECRET_KEY can already forge sessions, so the key adds no new
way in.
"""

import hashlib
import hmac
import re
import secrets

from flask import current_app
from sqlalchemy import select, update

from events_app.audit import record_event
from events_app.extensions import db
from events_app.models import FeedToken, User
from events_app.models.meetings import utc_now

TOKEN_BYTES = 32
SUBSCRIPTION_KEY = re.compile(r"(\d{1,12})\.([0-9a-f]{64})")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_feed_token(user: User) -> FeedToken | None:
    return db.session.scalar(
        select(FeedToken).where(
            FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None)
        )
    )


def ensure_feed_token(user: User) -> FeedToken:
    """The user's live feed, created (and audited) if they have none; never replaced."""
    existing = active_feed_token(user)
    if existing is not None:
        return existing
    issue_feed_token(user)
    return active_feed_token(user)


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


def subscription_key(feed_token: FeedToken) -> str:
    """The re-showable secret address part of this feed ("<row id>.<hmac>")."""
    return f"{feed_token.id}.{_subscription_mac(feed_token.token_hash)}"


def _subscription_mac(token_hash: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(
        secret, b"feed-subscription:" + token_hash.encode("ascii"), hashlib.sha256
    ).hexdigest()


def _user_for_subscription_key(token_id: int, mac: str) -> User | None:
    feed_token = db.session.scalar(
        select(FeedToken)
        .join(User, FeedToken.user_id == User.id)
        .where(
            FeedToken.id == token_id,
            FeedToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )
    if feed_token is None or not hmac.compare_digest(
        _subscription_mac(feed_token.token_hash), mac
    ):
        return None
    return feed_token.user


def user_for_feed_token(token: str) -> User | None:
    """The active user owning this live token or subscription key; None if
    revoked, unknown or inactive."""
    if not token or len(token) > 100:
        return None
    key = SUBSCRIPTION_KEY.fullmatch(token)
    if key is not None:
        return _user_for_subscription_key(int(key.group(1)), key.group(2))
    return db.session.scalar(
        select(User)
        .join(FeedToken, FeedToken.user_id == User.id)
        .where(
            FeedToken.token_hash == token_digest(token),
            FeedToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )
