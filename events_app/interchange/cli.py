"""`flask import-meetings`, `export-meetings` and `seed-demo`."""

import json

import click
from flask import Flask
from flask.cli import with_appcontext

from events_app.auth.accounts import find_user_by_email
from events_app.interchange.meetings_io import (
    DEMO_FILE,
    ImportFailed,
    export_document,
    import_document,
)
from events_app.visibility import OPERATOR


def _read_json(path: str):
    """The file's JSON document, or a ClickException saying why it cannot be read.

    Files come from anywhere: besides bad syntax, the parser refuses integers
    of thousands of digits (ValueError) and nesting deeper than Python's
    recursion limit (RecursionError); each is a message, never a traceback.
    """
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except RecursionError as error:
        raise click.ClickException(
            f"Cannot read {path}: it is nested too deeply to be a meetings file."
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"Cannot read {path}: {error}") from error
    except ValueError as error:  # Python's limit on digits in an integer
        raise click.ClickException(
            f"Cannot read {path}: it holds a number with too many digits."
        ) from error


def _import_file(path: str) -> None:
    document = _read_json(path)
    try:
        summary = import_document(document)
    except ImportFailed as failure:
        message = "\n".join(f"  {problem}" for problem in failure.problems)
        raise click.ClickException(
            f"Nothing was imported. Problems:\n{message}"
        ) from failure
    except (ValueError, TypeError, LookupError, RecursionError) as error:
        # A shape the record checks did not foresee: still a message, no trace.
        raise click.ClickException(
            f"Nothing was imported: {path} is not a valid meetings file "
            f"({type(error).__name__}: {error})."
        ) from error
    click.echo(
        f"Imported {len(summary.created)} new and {len(summary.updated)} updated "
        f"meeting(s) from {path}; {len(summary.unchanged)} unchanged."
    )
    for warning in summary.likely_duplicates:
        click.echo(f"  Warning: {warning}")


@click.command("import-meetings")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def import_meetings_command(file: str) -> None:
    """Import meetings from a JSON FILE (all or nothing)."""
    _import_file(file)


@click.command("export-meetings")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--as-user",
    "email",
    help="Export only what this user may see (default: every meeting).",
)
@with_appcontext
def export_meetings_command(file: str, email: str | None) -> None:
    """Export meetings with their people, organizations and topics to a JSON FILE."""
    user = OPERATOR
    if email:
        user = find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No user with the e-mail {email}.")
    document = export_document(user)
    with open(file, "w", encoding="utf-8") as output:
        json.dump(document, output, ensure_ascii=False, indent=2)
        output.write("\n")
    click.echo(f"Exported {len(document['meetings'])} meeting(s) to {file}.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo meetings shipped with the app (a second run changes nothing)."""
    _import_file(str(DEMO_FILE))


def init_app(app: Flask) -> None:
    for command in (
        import_meetings_command,
        export_meetings_command,
        seed_demo_command,
    ):
        app.cli.add_command(command)
