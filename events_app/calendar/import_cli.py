"""`flask import-ics FILE [--dry-run]`: the import page's preview and import."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from events_app.calendar.ics_import import (
    IcsFileError,
    ImportPlan,
    plan_import,
    run_import,
)
from events_app.calendar.import_routes import read_ics
from events_app.interchange.meetings_io import ImportFailed
from events_app.meetings.forms import known_timezones
from events_app.visibility import OPERATOR


@click.command("import-ics")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--default-timezone",
    "zone",
    help="IANA zone for event times that name none "
    "(default: ICS_IMPORT_DEFAULT_TIMEZONE, else UTC).",
)
@with_appcontext
def import_ics_command(file: str, dry_run: bool, zone: str | None) -> None:
    """Import the events of an iCalendar FILE as meetings (all or nothing).

    Each event is listed first as new, updated, unchanged or skipped; an event
    whose UID was imported before updates its meeting.
    """
    zone = zone or current_app.config["ICS_IMPORT_DEFAULT_TIMEZONE"]
    if zone not in known_timezones():
        raise click.ClickException(f"Unknown time zone {zone!r}; use an IANA name.")
    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise click.ClickException(f"Cannot read {file}: {error}") from error
    try:
        plan = plan_import(read_ics(data, zone), OPERATOR)
    except IcsFileError as error:
        raise _nothing_imported(error.problems) from error
    click.echo(preview_text(plan))
    if plan.problems:
        raise _nothing_imported(plan.problems)
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    if not plan.has_changes:
        click.echo("Nothing to change.")
        return
    try:
        summary = run_import(plan)
    except ImportFailed as failure:
        raise _nothing_imported(failure.problems) from failure
    click.echo(
        f"Imported {len(summary.created)} new and {len(summary.updated)} updated "
        f"meeting(s) from {file}; {len(summary.unchanged)} unchanged."
    )


def preview_text(plan: ImportPlan) -> str:
    """One line per event (what importing does, which event, when), then warnings."""
    lines = []
    for row in plan.rows:
        line = f"{row.action:<9} {row.event.label}"
        if row.when:
            line += f"  {row.when}"
        if row.changes:
            line += f"  (changes: {', '.join(row.changes)})"
        lines.append(line)
    lines.extend(f"warning: {warning}" for warning in plan.all_warnings)
    return "\n".join(lines)


def _nothing_imported(problems: list[str]) -> click.ClickException:
    listed = "\n".join(f"  {problem}" for problem in problems)
    return click.ClickException(f"Nothing was imported. Problems:\n{listed}")


def init_app(app: Flask) -> None:
    """Register the command on the app."""
    app.cli.add_command(import_ics_command)
