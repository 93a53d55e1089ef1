"""The opt-in X-SQL-Statements header the history benchmark reads."""

from sqlalchemy import event

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from events_app.sql_statement_count import HEADER, count_statement


def test_off_by_default_no_header_and_no_listener(app, client, make):
    with app.app_context():
        make.user()
        make.meeting()
        assert not event.contains(db.engine, "before_cursor_execute", count_statement)
    response = client.get("/meetings")
    assert response.status_code == 200
    assert HEADER not in response.headers


def test_on_each_response_counts_the_statements_of_its_own_request(app, make):
    counting_app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        COUNT_SQL_STATEMENTS=True,
    )
    with counting_app.app_context():
        db.create_all()  # a fresh in-memory SQLite database on SQLite
        make.user()
        make.meeting()
        engine = db.engine
    seen: list[str] = []

    def watch(connection, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    client = counting_app.test_client()
    try:
        with counting_app.app_context():  # one context for both: counts must not add up
            first = client.get("/meetings")
            first_seen = len(seen)
            seen.clear()
            second = client.get("/meetings/1")
    finally:
        event.remove(engine, "before_cursor_execute", watch)
        with counting_app.app_context():
            db.session.remove()
        engine.dispose()
    assert first.status_code == 200 and second.status_code == 200
    assert int(first.headers[HEADER]) == first_seen > 0
    assert int(second.headers[HEADER]) == len(seen) > 0
