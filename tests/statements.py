"""Counting the SQL statements a request sends (a `before_cursor_execute` listener)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from events_app.extensions import db


@contextmanager
def statements_sent(app) -> Iterator[list[str]]:
    """Collect the SQL text of every statement sent to the app's database meanwhile."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def listener(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def statements_and_page(app, client, path: str) -> tuple[list[str], str]:
    """The statements one GET of `path` sends, and the page it answers (must be 200)."""
    with statements_sent(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return list(statements), response.get_data(as_text=True)
