"""Sign-in throttling, per account and per address, counted from the audit trail.

Counting failed sign-ins stored in the database works across processes and
restarts without another service to run.
"""

from datetime import timedelta

from events_app.audit import client_address, count_recent

WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
FAILED_SIGN_IN = "sign_in_failed"


def sign_in_refusal(email: str) -> str | None:
    """Why this sign-in may not be tried now, or None."""
    minutes = int(WINDOW.total_seconds() // 60)
    if count_recent(FAILED_SIGN_IN, WINDOW, actor_email=email) >= FAILURES_PER_ACCOUNT:
        return (
            "Too many failed sign-ins for this account. "
            f"Wait {minutes} minutes, then try again."
        )
    address = client_address()
    if count_recent(FAILED_SIGN_IN, WINDOW, ip_address=address) >= FAILURES_PER_ADDRESS:
        return (
            "Too many failed sign-ins from your network address. "
            f"Wait {minutes} minutes, then try again."
        )
    return None
