"""`flask create-user`: create an account from the command line."""

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from events_app.auth.accounts import (
    AccountError,
    create_user,
    email_problem,
    find_user_by_email,
    normalise_email,
)
from events_app.models.choices import UserRole


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([member.value for member in UserRole]),
    default=UserRole.VIEWER.value,
    show_default=True,
)
@click.option(
    "--name",
    default="",
    help="Shown to other users instead of the e-mail address "
    "(default: the part before @).",
)
@with_appcontext
def create_user_command(email: str, role: str, name: str) -> None:
    """Create a user who can sign in with EMAIL; the password is asked twice, hidden.

    Piped standard input works too: one line (the password) or two (password and
    its repetition, which must match).
    """
    try:
        # Refuse a bad or taken address before anyone types a password for it.
        address = normalise_email(email)
        problem = email_problem(address)
        if problem:
            raise AccountError(problem)
        if find_user_by_email(address) is not None:
            raise AccountError(f"A user with the e-mail {address} already exists.")
        user = create_user(email, read_new_password(), role, name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    except (OperationalError, ProgrammingError) as error:
        # Usually a database without tables: say what to do instead of a traceback.
        first_line = str(error.orig).strip().split("\n", 1)[0]
        raise click.ClickException(
            f"The database is not ready (run `flask db upgrade` first?): {first_line}"
        ) from error
    click.echo(f"Created {user.role} {user.email}.")


def read_new_password() -> str:
    """Read a password from a hidden, confirmed prompt, or from piped input."""
    if not sys.stdin.isatty():
        lines = sys.stdin.read().splitlines()
        if not lines or not lines[0]:
            raise click.ClickException("No password on standard input.")
        if len(lines) > 1 and lines[1] and lines[1] != lines[0]:
            raise click.ClickException("The two passwords differ.")
        return lines[0]
    return click.prompt(
        "Password", hide_input=True, confirmation_prompt="Repeat password"
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
