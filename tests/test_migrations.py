"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

These tests run `flask db ...` in a subprocess against a database of their own,
so they do not use the parametrised `app` fixture.
"""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from events_app import models  # noqa: F401  (fills db.metadata)
from events_app.extensions import db
from events_app.search.index import is_search_table

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
APPLICATION_TABLES = {table.name for table in db.metadata.sorted_tables}
assert APPLICATION_TABLES, "the models were not imported"


def flask_db(database_url: str, *arguments: str) -> subprocess.CompletedProcess:
    """Run `flask db ARGUMENTS` on `database_url` from the repository root."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        # Keeps the app from writing a key file into instance/.
        "SECRET_KEY": "migration-test-key",
    }
    environment.pop("FLASK_APP", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "events_app", "db", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )


def assert_succeeded(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"


def assert_upgrade_matches_models(database_url: str) -> None:
    """Upgrade an empty database to head, then autogenerate must find nothing to do."""
    assert_succeeded(flask_db(database_url, "upgrade"))
    check = flask_db(database_url, "check")
    assert_succeeded(check)
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def sqlite_tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ).fetchall()
    return {name for (name,) in rows}


def test_migrations_have_a_single_head(tmp_path):
    result = flask_db(f"sqlite:///{tmp_path / 'heads.sqlite'}", "heads")

    assert_succeeded(result)
    heads = [line for line in result.stdout.splitlines() if "(head)" in line]
    assert len(heads) == 1, result.stdout


def test_upgrade_from_empty_sqlite_matches_the_models(tmp_path):
    path = tmp_path / "migrated.sqlite"

    assert_upgrade_matches_models(f"sqlite:///{path}")

    tables = sqlite_tables(path)
    # The search index is an FTS5 table (with its shadow tables), not a model.
    assert "meeting_search" in tables
    assert {name for name in tables if not is_search_table(name)} == (
        APPLICATION_TABLES | {"alembic_version"}
    )


def test_downgrade_to_base_on_sqlite_removes_every_table(tmp_path):
    path = tmp_path / "downgraded.sqlite"
    url = f"sqlite:///{path}"
    assert_succeeded(flask_db(url, "upgrade"))

    assert_succeeded(flask_db(url, "downgrade", "base"))

    assert sqlite_tables(path) == {"alembic_version"}
    # And back up again: the downgrade left nothing behind that blocks an upgrade.
    assert_upgrade_matches_models(url)


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_upgrade_from_empty_postgresql_matches_the_models():
    import psycopg

    server_url = make_url(POSTGRES_URL)
    name = f"events_app_migration_{uuid.uuid4().hex[:12]}"
    connection_string = server_url.set(drivername="postgresql").render_as_string(
        hide_password=False
    )
    database_url = server_url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(connection_string, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        assert_upgrade_matches_models(database_url)
        assert_succeeded(flask_db(database_url, "downgrade", "base"))
        assert_upgrade_matches_models(database_url)
    finally:
        with psycopg.connect(connection_string, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
