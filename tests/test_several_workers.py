"""Two app instances on one database behave as one: nothing lives in one process.

Each `create_app` here stands for a gunicorn worker (or a host behind a load
balancer): requests alternate between them, on a SQLite file and on
PostgreSQL, and every limit, validator, sign-in and written event agrees.
"""

import pytest

import config
from config import TestConfig
from events_app import create_app
from events_app.auth.rate_limit import FAILURES_PER_ACCOUNT
from events_app.calendar import event_store
from events_app.extensions import db
from events_app.models import Meeting
from tests.factories import Factories


@pytest.fixture
def workers(shared_app):
    """Two apps on the same database: the shared one, and one started just now."""
    other = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=shared_app.config["SQLALCHEMY_DATABASE_URI"]
    )
    with shared_app.app_context():
        Factories().user(email="viewer@example.org", role="viewer")
        Factories().meeting("Coalition call")
    yield shared_app, other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def wrong_password(client) -> int:
    return client.post(
        "/sign-in", data={"email": "viewer@example.org", "password": "wrong"}
    ).status_code


def test_the_sign_in_limit_counts_attempts_made_on_every_worker(workers):
    first, second = (app.test_client() for app in workers)
    for attempt in range(FAILURES_PER_ACCOUNT):
        client = first if attempt % 2 else second
        assert wrong_password(client) == 200
    # Each worker saw only half the failures; the limit counts them all.
    assert wrong_password(first) == 429
    assert wrong_password(second) == 429


def test_feed_validators_agree_and_move_together(workers):
    first_app, second_app = workers
    first, second = first_app.test_client(), second_app.test_client()
    etag = first.get("/calendar.ics").headers["ETag"]
    assert second.get("/calendar.ics").headers["ETag"] == etag
    assert second.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == (
        304
    )
    with first_app.app_context():
        db.session.get(Meeting, 1).title = "Coalition call (moved)"
        db.session.commit()
    changed = second.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert b"Coalition call (moved)" in changed.data
    assert changed.headers["ETag"] == first.get("/calendar.ics").headers["ETag"] != etag


def test_a_worker_started_later_serves_the_events_others_wrote(workers, monkeypatch):
    first_app, _ = workers
    body = first_app.test_client().get("/calendar.ics").data
    restarted = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=first_app.config["SQLALCHEMY_DATABASE_URI"]
    )

    def never(*args):
        raise AssertionError("an event was written again after the restart")

    monkeypatch.setattr(event_store, "write_event", never)
    try:
        assert restarted.test_client().get("/calendar.ics").data == body
    finally:
        with restarted.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_sign_in_holds_on_every_worker_and_its_sign_out_too(workers):
    first, second = (app.test_client() for app in workers)
    signed_in = first.post(
        "/sign-in",
        data={"email": "viewer@example.org", "password": "correct horse battery"},
    )
    assert signed_in.status_code == 302
    second.set_cookie("session", first.get_cookie("session").value)
    assert second.get("/account").status_code == 200
    first.post("/sign-out")
    assert second.get("/account").status_code == 302


def test_workers_starting_together_agree_on_the_generated_secret_key(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    # Both workers looked before either wrote: each finds no key file.
    monkeypatch.setattr(type(tmp_path), "exists", lambda path: False)
    first, second = config._secret_key(), config._secret_key()
    assert first == second
    assert [path.name for path in tmp_path.iterdir()] == ["secret_key"]
