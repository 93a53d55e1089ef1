"""Fixtures: each test runs on SQLite, and on PostgreSQL if TEST_DATABASE_URL is set."""

import os

import pytest
from sqlalchemy import text

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from tests.factories import Factories

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

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


def _empty_postgres_tables() -> None:
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


_postgres_schema_ready = False


@pytest.fixture
def app(database_kind):
    """A fresh application with an empty database of the parametrised kind."""
    global _postgres_schema_ready
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url(database_kind))
    with app.app_context():
        if database_kind == "postgresql":
            if not _postgres_schema_ready:
                db.session.execute(text("DROP SCHEMA public CASCADE"))
                db.session.execute(text("CREATE SCHEMA public"))
                db.session.commit()
                db.create_all()
                _postgres_schema_ready = True
            _empty_postgres_tables()
        else:
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if database_kind == "postgresql":
            _empty_postgres_tables()
        db.engine.dispose()


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
