"""Sign-in throttling, per account and per address, that holds under concurrency.

Each attempt is stored (and committed) *before* the attempts in the window are
counted, and only then is the password checked. Counting first and recording
afterwards let 40 parallel guesses all count zero; with the row committed
first, of any set of attempts let through, the one that counted last saw all
the others, so no more than the limit are ever checked at once or in the
window. Under a burst this errs towards refusing. Rows live in the database, so
the limit holds across processes and restarts without another service.

Successful and refused attempts remove their row again: the window holds the
failures and the attempts being checked right now.
"""

from datetime import timedelta

from flask_babel import ngettext
from sqlalchemy import delete, func, select

from events_app.audit import client_address
from events_app.extensions import db
from events_app.models import SignInAttempt
from events_app.models.meetings import utc_now

WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
FAILED_SIGN_IN = "sign_in_failed"


class SignInRefused(Exception):
    """Too many failed sign-ins; the message says what to do."""


def admit_sign_in_attempt(email: str) -> int:
    """Record an attempt to sign in as `email`; its id, or SignInRefused.

    Commits, so that concurrent attempts count this one.
    """
    now = utc_now()
    db.session.execute(
        delete(SignInAttempt).where(SignInAttempt.attempted_at < now - WINDOW)
    )
    address = client_address()
    attempt = SignInAttempt(email=email, ip_address=address, attempted_at=now)
    db.session.add(attempt)
    db.session.flush()
    attempt_id = attempt.id
    db.session.commit()
    refusal = _refusal(email, address)
    if refusal:
        forget_sign_in_attempt(attempt_id)
        db.session.commit()
        raise SignInRefused(refusal)
    return attempt_id


def forget_sign_in_attempt(attempt_id: int) -> None:
    """Stop counting an attempt that succeeded (committed by the caller)."""
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.id == attempt_id))


def _count_in_window(column, value) -> int:
    return db.session.scalar(
        select(func.count(SignInAttempt.id)).where(
            column == value, SignInAttempt.attempted_at >= utc_now() - WINDOW
        )
    )


def _refusal(email: str, address: str) -> str | None:
    minutes = int(WINDOW.total_seconds() // 60)
    if _count_in_window(SignInAttempt.email, email) > FAILURES_PER_ACCOUNT:
        return ngettext(
            "Too many failed sign-ins for this account. "
            "Wait %(num)d minute, then try again.",
            "Too many failed sign-ins for this account. "
            "Wait %(num)d minutes, then try again.",
            minutes,
        )
    if _count_in_window(SignInAttempt.ip_address, address) > FAILURES_PER_ADDRESS:
        return ngettext(
            "Too many failed sign-ins from your network address. "
            "Wait %(num)d minute, then try again.",
            "Too many failed sign-ins from your network address. "
            "Wait %(num)d minutes, then try again.",
            minutes,
        )
    return None
