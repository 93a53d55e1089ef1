"""Writing the audit trail: one call per thing that happened, in the same transaction.

The event is added to the session, so it is committed with the change it
describes, or rolled back with it: the trail never claims what did not happen.
"""

from flask import has_request_context, request
from flask_login import current_user

from events_app.extensions import db
from events_app.models import AuditEvent, User
from events_app.models.meetings import utc_now


def client_address() -> str:
    """The client's IP address (ProxyFix makes this the real one behind a proxy)."""
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:45]


def acting_user() -> User | None:
    """The signed-in user of the current request, if any."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def record_event(
    action: str,
    *,
    target_type: str = "",
    target_id: int | None = None,
    summary: str = "",
    details: dict | None = None,
    actor: User | None = None,
    actor_email: str | None = None,
) -> AuditEvent:
    """Add an audit event for the current request's user (or the given actor)."""
    actor = actor or acting_user()
    event = AuditEvent(
        occurred_at=utc_now(),
        actor_id=actor.id if actor is not None else None,
        actor_email=(actor_email or (actor.email if actor is not None else ""))[:254],
        ip_address=client_address(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:500],
        details=details or {},
    )
    db.session.add(event)
    return event
