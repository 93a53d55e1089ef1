"""`flask create-user`: create an account from the command line."""

import click
from flask import Flask
from flask.cli import with_appcontext

from events_app.auth.accounts import AccountError, create_user
from events_app.models.choices import UserRole


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([member.value for member in UserRole]),
    default=UserRole.VIEWER.value,
    show_default=True,
)
@with_appcontext
def create_user_command(email: str, role: str) -> None:
    """Create a user who can sign in with EMAIL; the password is asked twice, hidden.

    Piped standard input works too: one line (the password) or two (password and
    its repetition, which must match).
    """
    password = read_new_password()
    try:
        user = create_user(email, password, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role} {user.email}.")


def read_new_password() -> str:
    """Read a password from a hidden, confirmed prompt, or from piped input."""
    stdin = click.get_text_stream("stdin")
    if not stdin.isatty():
        lines = [line.rstrip("\r\n") for line in stdin.read().splitlines()]
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
