"""`flask --app events_app reindex`: rebuild the search index and the sort keys
of names from the records."""

import click
from flask import Flask
from flask.cli import with_appcontext

from events_app.directory.name_order import refill_sort_keys
from events_app.search.index import rebuild_search_index


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rewrite every meeting's search document and every name's sort keys (after
    bulk loads, restores or an ICU upgrade)."""
    records = refill_sort_keys()
    count = rebuild_search_index()
    click.echo(f"Sort keys of names rewritten: {records} records.")
    click.echo(f"Search index rebuilt: {count} meetings.")


def init_app(app: Flask) -> None:
    """Register the command."""
    app.cli.add_command(reindex_command)
