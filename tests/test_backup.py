"""`flask backup` and `flask restore` bring the data back exactly (SQLite, Postgres)."""

import os
import uuid

import psycopg
import pytest
from sqlalchemy import delete
from sqlalchemy.engine import make_url

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from events_app.interchange.meetings_io import export_document
from events_app.models import Meeting
from events_app.visibility import OPERATOR

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


def round_trip(database_url: str, backup_file) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    runner = app.test_cli_runner()
    with app.app_context():
        db.create_all()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        before = export_document(OPERATOR)

    result = runner.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert backup_file.stat().st_size > 0

    with app.app_context():
        db.session.execute(delete(Meeting))
        db.session.commit()
        assert export_document(OPERATOR)["meetings"] == []

    refused = runner.invoke(args=["restore", str(backup_file)], input="n\n")
    assert refused.exit_code != 0
    result = runner.invoke(args=["restore", "--yes", str(backup_file)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert export_document(OPERATOR) == before
        db.session.remove()
        db.engine.dispose()


def test_sqlite_backup_round_trip(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'live.sqlite'}", tmp_path / "backup.sqlite")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    app = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite'}"
    )
    with app.app_context():
        db.create_all()
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code != 0
    assert "not an SQLite backup" in result.output


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_postgresql_backup_round_trip(tmp_path):
    server = make_url(POSTGRES_URL)
    name = f"backup_test_{uuid.uuid4().hex[:10]}"
    admin_url = server.set(drivername="postgresql").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        round_trip(
            server.set(database=name).render_as_string(hide_password=False),
            tmp_path / "backup.dump",
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
