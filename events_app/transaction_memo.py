"""Values read once per database transaction of a request, then remembered.

A page keeps several figures (events_app/kept_figures.py), and each needs the
data stamp and the viewer's groups: two statements every time, the same rows
each time. Within one transaction that nothing has written to, they cannot
change for this request's own reads, so the first answer serves the rest.

A memo lasts only as long as all of these hold: the same request (kept in its
WSGI environment, which never outlives it, unlike an app context in tests),
the same transaction (a commit or rollback begins another), and no flush since
(the request's own writes may change the answer).
"""

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from events_app.extensions import db

Value = TypeVar("Value")

_MEMO_KEY = "events_app.transaction_memo"
_FLUSHES = "transaction_memo_flushes"


def remembered_for_transaction(key: Hashable, compute: Callable[[], Value]) -> Value:
    """`compute()`, or what it gave earlier in this request's current transaction."""
    if not has_request_context():
        return compute()
    session = db.session()
    memo = request.environ.setdefault(_MEMO_KEY, {})
    found = memo.get(key)
    if found is not None:
        transaction, flushes, value = found
        if transaction is session.get_transaction() and flushes == _flushes(session):
            return value
    value = compute()
    transaction = session.get_transaction()
    if transaction is not None:
        memo[key] = (transaction, _flushes(session), value)
    return value


def _flushes(session: Session) -> int:
    return session.info.get(_FLUSHES, 0)


@event.listens_for(Session, "after_flush")
def _count_flush(session: Session, flush_context) -> None:
    session.info[_FLUSHES] = _flushes(session) + 1
