"""An opt-in count of the SQL statements each request sends, for the benchmarks.

With the `COUNT_SQL_STATEMENTS` setting on (environment variable of the same
name), every response carries `X-SQL-Statements`: how many statements its
request sent to the database. bench/history_benchmark.py reads it to show
that a page's statements do not grow with the number of meetings. Off, the
default, nothing is registered: no listener, no header, no cost.
"""

from flask import Flask, Response, has_request_context, request
from sqlalchemy import event

from events_app.extensions import db

HEADER = "X-SQL-Statements"
# Kept in the request's WSGI environment: an app context (Flask's `g`) may
# outlive one request in tests, the environment never does.
COUNTER_KEY = "events_app.sql_statements"


def count_statement(connection, cursor, statement, parameters, context, many) -> None:
    """Count one statement against the request being served, if any."""
    if has_request_context():
        environ = request.environ
        environ[COUNTER_KEY] = environ.get(COUNTER_KEY, 0) + 1


def add_statement_count(response: Response) -> Response:
    """Say how many statements this request sent."""
    response.headers[HEADER] = str(request.environ.get(COUNTER_KEY, 0))
    return response


def init_app(app: Flask) -> None:
    """Count statements per request when the app's configuration asks for it."""
    if not app.config.get("COUNT_SQL_STATEMENTS"):
        return
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count_statement)
    # Registered before the other after_request hooks, so it runs after them
    # (Flask runs them in reverse) and counts what they send too.
    app.after_request(add_statement_count)
