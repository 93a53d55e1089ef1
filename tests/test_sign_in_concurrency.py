"""The sign-in limit holds when many wrong passwords arrive at the same moment.

Forty threads, released together by a barrier, post to a live server that
answers each request in its own thread, on a SQLite file and on PostgreSQL.
"""

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from sqlalchemy import func, select

from events_app.auth.rate_limit import (
    FAILED_SIGN_IN,
    FAILURES_PER_ACCOUNT,
    FAILURES_PER_ADDRESS,
)
from events_app.extensions import db
from events_app.models import AuditEvent
from tests.factories import Factories
from tests.live_server import serving

PARALLEL_ATTEMPTS = 40


def post_sign_in(base_url: str, email: str, password: str) -> int:
    body = urllib.parse.urlencode({"email": email, "password": password}).encode()
    try:
        with urllib.request.urlopen(f"{base_url}/sign-in", body, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def sign_in_all_at_once(app, emails: list[str]) -> Counter:
    """Post a wrong password for each e-mail, all released together; count statuses."""
    barrier = threading.Barrier(len(emails))
    statuses = Counter()
    lock = threading.Lock()

    def attempt(email: str) -> None:
        barrier.wait()
        status = post_sign_in(base_url, email, "a wrong password")
        with lock:
            statuses[status] += 1

    with serving(app) as base_url:
        threads = [threading.Thread(target=attempt, args=(email,)) for email in emails]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    return statuses


def failed_sign_ins(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == FAILED_SIGN_IN)
        )


def test_parallel_guesses_for_one_account_stop_at_the_limit(shared_app):
    with shared_app.app_context():
        Factories().user(email="viewer@example.org", role="viewer")

    statuses = sign_in_all_at_once(
        shared_app, ["viewer@example.org"] * PARALLEL_ATTEMPTS
    )

    # 200 is the form again with "Wrong e-mail or password": a checked password.
    assert set(statuses) <= {200, 429}, statuses
    assert sum(statuses.values()) == PARALLEL_ATTEMPTS
    assert statuses[200] <= FAILURES_PER_ACCOUNT, statuses
    assert failed_sign_ins(shared_app) == statuses[200]


def test_parallel_guesses_from_one_address_stop_at_the_limit(shared_app):
    with shared_app.app_context():
        Factories().user(email="viewer@example.org", role="viewer")
    emails = [f"guess{number}@example.org" for number in range(PARALLEL_ATTEMPTS)]

    statuses = sign_in_all_at_once(shared_app, emails)

    assert set(statuses) <= {200, 429}, statuses
    assert sum(statuses.values()) == PARALLEL_ATTEMPTS
    assert statuses[200] <= FAILURES_PER_ADDRESS, statuses
    assert failed_sign_ins(shared_app) == statuses[200]
