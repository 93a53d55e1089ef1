"""`flask --app events_app reindex`: rebuild the search index from the records."""

import click
from flask import Flask
from flask.cli import with_appcontext

from events_app.search.index import rebuild_search_index


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rewrite every meeting's search document (after bulk loads or restores)."""
    count = rebuild_search_index()
    click.echo(f"Search index rebuilt: {count} meetings.")


def init_app(app: Flask) -> None:
    """Register the command."""
    app.cli.add_command(reindex_command)
