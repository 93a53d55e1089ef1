"""Backups that are consistent while the app runs, and restores from them.

SQLite: the online backup API copies a consistent snapshot page by page while
others keep reading and writing. PostgreSQL: pg_dump takes one consistent
snapshot in a single transaction (custom format), and pg_restore brings it back.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from events_app.extensions import db
from events_app.models.feeds import begin_new_data_epoch


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


def _postgres_url(url) -> str:
    """The database URL as libpq tools expect it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client.")
    return path


def backup_database(target: Path) -> None:
    """Write a consistent backup of the configured database to `target`."""
    url = make_url(str(db.engine.url))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        raw = db.engine.raw_connection()
        try:
            destination = sqlite3.connect(partial)
            try:
                raw.driver_connection.backup(destination)
            finally:
                destination.close()
        finally:
            raw.close()
        os.replace(partial, target)
        return
    if url.get_backend_name() == "postgresql":
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(target),
                _postgres_url(url),
            ]
        )
        return
    raise BackupError(f"Backups of {url.get_backend_name()} are not supported.")


def restore_database(source: Path) -> None:
    """Replace the configured database's contents with the backup in `source`.

    Stop the app (or keep it from writing) while restoring: everything written
    since the backup is replaced. The restored data starts a new data epoch, so
    no feed validator from before the restore matches it.
    """
    _replace_database(Path(source))
    try:
        begin_new_data_epoch()
    except SQLAlchemyError as error:
        db.session.rollback()
        raise BackupError(
            "The backup was restored, but its tables are from an older release: "
            "run `flask db upgrade` before starting the app."
        ) from error


def _replace_database(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    url = make_url(str(db.engine.url))
    db.session.remove()
    if url.get_backend_name() == "sqlite":
        try:
            backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not an SQLite backup: {error}") from error
        raw = db.engine.raw_connection()
        try:
            backup.backup(raw.driver_connection)
        finally:
            raw.close()
            backup.close()
        db.engine.dispose()
        return
    if url.get_backend_name() == "postgresql":
        db.engine.dispose()
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _postgres_url(url),
                str(source),
            ]
        )
        return
    raise BackupError(f"Restores of {url.get_backend_name()} are not supported.")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")
