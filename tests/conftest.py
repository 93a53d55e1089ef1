"""Fixtures: each test runs on SQLite, and on PostgreSQL if TEST_DATABASE_URL is set.

The suite runs thousands of tests, each on a fresh app over an empty database,
so what every test repeats is kept cheap:

- Each database kind has one engine and one schema for the whole session (per
  pytest-xdist worker). Every test gets a new app on that engine, over tables
  emptied with DELETE and sequences restarted: as empty as a new database, ids
  from 1. (TRUNCATE would take most of a second each time on PostgreSQL, and
  a new engine per test would compile every SQL statement anew.)
- PostgreSQL connections of that engine commit without waiting for the disk
  (`synchronous_commit=off`): a crash of the test server may only lose test data.
- Templates and URL builders are compiled once per session (tests/app_caches.py).
- Passwords are hashed cheaply (TestConfig.PASSWORD_HASH_METHOD).

Under pytest-xdist each worker uses its own PostgreSQL database, named after
TEST_DATABASE_URL's with the worker's name appended (created when missing).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from events_app.search.index import SEARCH_TABLE
from tests import app_caches
from tests.factories import Factories

app_caches.install()


def _worker_database(url: str) -> str:
    """The PostgreSQL database of this pytest-xdist worker (the URL's own if none)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
        hide_password=False
    )


# The database named by TEST_DATABASE_URL: other worker databases are made from it.
SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
POSTGRES_URL = _worker_database(SERVER_URL)

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="TEST_DATABASE_URL is not set"
        ),
    ),
]


def database_url(kind: str) -> str:
    return POSTGRES_URL if kind == "postgresql" else "sqlite://"


@pytest.fixture(params=DATABASES)
def database_kind(request) -> str:
    return request.param


def _create_worker_database() -> None:
    if POSTGRES_URL == SERVER_URL:
        return
    import psycopg

    name = make_url(POSTGRES_URL).database
    server = make_url(SERVER_URL).set(drivername="postgresql")
    with psycopg.connect(
        server.render_as_string(hide_password=False), autocommit=True
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _build_schema(kind: str) -> None:
    """The models' tables (and the search index), on an empty database."""
    if kind == "postgresql":
        db.session.execute(text("DROP SCHEMA public CASCADE"))
        db.session.execute(text("CREATE SCHEMA public"))
        db.session.commit()
    db.create_all()


def _empty_tables(kind: str) -> None:
    """Delete every row, children before parents, and restart the id sequences."""
    db.session.execute(text(f"DELETE FROM {SEARCH_TABLE}"))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if kind == "postgresql":
        db.session.execute(
            text(
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
        )
    elif inspect(db.session.connection()).has_table("sqlite_sequence"):
        db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


class SessionDatabases:
    """One engine per database kind, its schema built on first use."""

    def __init__(self):
        self.engines: dict[str, Engine] = {}

    @contextmanager
    def engine_for(self, kind: str) -> Iterator[None]:
        """While an app is created, hand it this kind's engine (made on first use)."""

        def make_engine(bind_key, options, app) -> Engine:
            engine = self.engines.get(kind)
            if engine is None:
                if kind == "postgresql":
                    _create_worker_database()
                    options = {
                        **options,
                        "connect_args": {"options": "-c synchronous_commit=off"},
                    }
                engine = self.engines[kind] = original(bind_key, options, app)
            return engine

        original = db._make_engine
        db._make_engine = make_engine
        try:
            yield
        finally:
            del db._make_engine

    def prepare(self, kind: str, schema_built: bool) -> None:
        """Empty the tables; build the schema first if it is new or was lost.

        An in-memory SQLite database is lost when a test disposes of the engine.
        """
        if schema_built:
            try:
                _empty_tables(kind)
                return
            except (OperationalError, ProgrammingError):
                db.session.rollback()
        _build_schema(kind)
        _empty_tables(kind)

    def dispose(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


@pytest.fixture(scope="session")
def session_databases() -> Iterator[SessionDatabases]:
    databases = SessionDatabases()
    yield databases
    databases.dispose()


@pytest.fixture
def app(database_kind, session_databases):
    """A fresh application with an empty database of the parametrised kind."""
    schema_built = database_kind in session_databases.engines
    with session_databases.engine_for(database_kind):
        app = create_app(
            TestConfig, SQLALCHEMY_DATABASE_URI=database_url(database_kind)
        )
    with app.app_context():
        session_databases.prepare(database_kind, schema_built)
    yield app
    with app.app_context():
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories that create records inside an app context (see tests/factories.py)."""
    with app.app_context():
        yield Factories()


class AuthActions:
    """Sign in and out through the real sign-in form."""

    def __init__(self, client, make_users):
        self._client = client
        self._make_users = make_users

    def sign_in_as(self, role: str = "editor"):
        email = f"{role}@example.org"
        self._make_users(email, role)
        return self._client.post(
            "/sign-in",
            data={"email": email, "password": "correct horse battery"},
        )

    def sign_out(self):
        return self._client.post("/sign-out")


@pytest.fixture
def auth(app, client):
    def ensure_user(email: str, role: str) -> None:
        with app.app_context():
            Factories().user(email=email, role=role)

    return AuthActions(client, ensure_user)


@pytest.fixture
def shared_app(request, database_kind, tmp_path):
    """Like `app`, on a database that many connections share: a SQLite file.

    For live servers answering from several threads, and for restores, which
    replace the database under the app's feet.
    """
    if database_kind == "postgresql":
        yield request.getfixturevalue("app")
        return
    app = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'shared.sqlite'}"
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session's browser tests; each opens its own
    context (cookies, storage, viewport and time zone of its own).

    Skips them when Chromium or Playwright is missing, or fails them under
    REQUIRE_BROWSER_TESTS=1 (as in CI).
    """
    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _browser_missing_reason

    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
