"""`flask backup FILE` and `flask restore FILE`."""

import click
from flask import Flask
from flask.cli import with_appcontext

from events_app.audit import record_event
from events_app.extensions import db
from events_app.maintenance.backup import BackupError, backup_database, restore_database


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file: str) -> None:
    """Write a consistent backup of the database to FILE (safe while the app runs)."""
    try:
        backup_database(file)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file: str, yes: bool) -> None:
    """Replace the database's contents with the backup in FILE."""
    if not yes:
        click.confirm(
            "Everything written since that backup will be replaced. Continue?",
            abort=True,
        )
    try:
        restore_database(file)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from error
    record_event("database_restored", summary=f"Restored from {file}"[:500])
    db.session.commit()
    click.echo(f"Database restored from {file}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
