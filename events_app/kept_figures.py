"""Figures drawn from many meetings, kept until the data or the viewer's sight changes.

Counting a busy topic's meetings, or the people who attended them, reads
thousands of rows on every view (25 to 150 ms at 100,000 meetings on SQLite);
the answer only changes when the data does. A figure is kept under a key made of

- what it is and its arguments (a topic's id, a page of the index);
- the data stamp (events_app/models/feeds.py): its epoch and version, which
  every flush that changes recorded data moves on, and a restore renews;
- the viewer's visibility key (`visibility_key_for`): who they are, their role,
  whether they are active, their groups; access lists are meeting data;
- the order of names of the reader's language (ties in a list go A–Z);
- for figures about meetings that took place (first and last met), the start of
  the next meeting to begin: when it begins, they change with no data change.
- for figures that hold words (the charts' titles and columns), the language
  they were written in, among their arguments (charts/figures.py, kept_charts);
  figures of ids, numbers and dates are shared by every language.

So a kept figure is never stale, nor another viewer's. Figures are plain values
(ids, numbers, dates, and HTML drawn from them), never ORM objects. Each worker
process keeps its own (the `KEPT_FIGURES` most recently used, and no more than
about `KEPT_FIGURES_BYTES` of them): none is needed for correctness, so several
workers share nothing but the database, and a worker's memory stays bounded.

A session holding writes not yet committed reads and keeps nothing: its data
version could be rolled back, and the same number reached again by other data.
Only the end of its outermost transaction ends that, never a savepoint's.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

from flask import current_app
from markupsafe import Markup
from sqlalchemy import Select, event, func, inspect, select
from sqlalchemy.orm import Session

from events_app.extensions import db
from events_app.language.collation import current_ordering
from events_app.language.formatting import current_locale
from events_app.models import DataVersion, Meeting
from events_app.models.meetings import utc_now
from events_app.transaction_memo import remembered_for_transaction
from events_app.visibility import visibility_key_for

Figure = TypeVar("Figure")

# How many figures each worker keeps; a topic page's figures are one.
KEPT_FIGURES = 2000
# And at most about this many bytes of them (a month's drawn grid is ~40 kB).
KEPT_FIGURES_BYTES = 48 * 1024 * 1024

_WROTE = "kept_figures_wrote"


class FigureStore:
    """A bounded mapping of keys to figures, least recently used dropped first.

    Bounded twice: by how many figures (`size`) and by their approximate
    weight in bytes (`weight`), as some are whole drawn charts or months.
    """

    def __init__(self, size: int, weight: int = KEPT_FIGURES_BYTES):
        self.size = size
        self.weight = weight
        self._figures: OrderedDict = OrderedDict()
        self._weights: dict = {}
        self._total_weight = 0
        self._lock = Lock()

    def get(self, key: Hashable):
        """The figure kept under `key`, or None."""
        with self._lock:
            figure = self._figures.get(key)
            if figure is not None:
                self._figures.move_to_end(key)
            return figure

    def put(self, key: Hashable, figure) -> None:
        weight = approximate_weight(figure)
        with self._lock:
            if key in self._figures:
                self._total_weight -= self._weights[key]
            self._figures[key] = figure
            self._figures.move_to_end(key)
            self._weights[key] = weight
            self._total_weight += weight
            while len(self._figures) > 1 and (
                len(self._figures) > self.size or self._total_weight > self.weight
            ):
                dropped, _figure = self._figures.popitem(last=False)
                self._total_weight -= self._weights.pop(dropped)

    @property
    def total_weight(self) -> int:
        return self._total_weight


def approximate_weight(value, depth: int = 0) -> int:
    """About how many bytes a kept figure holds: text by its length, containers
    and plain objects by what they hold (a fixed cost per item)."""
    if isinstance(value, str | bytes):
        return 50 + len(value)
    if depth > 6:
        return 64
    if isinstance(value, dict):
        return 64 + sum(
            approximate_weight(key, depth + 1) + approximate_weight(item, depth + 1)
            for key, item in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        return 56 + sum(approximate_weight(item, depth + 1) for item in value)
    fields = getattr(value, "__dict__", None)
    if fields is not None:
        return 64 + approximate_weight(fields, depth + 1)
    return 32


def figure_store() -> FigureStore:
    """This app's store (one per app, so test apps never share figures)."""
    return current_app.extensions.setdefault(
        "kept_figures",
        FigureStore(
            current_app.config.get("KEPT_FIGURES", KEPT_FIGURES),
            current_app.config.get("KEPT_FIGURES_BYTES", KEPT_FIGURES_BYTES),
        ),
    )


def kept_figure(
    name: str,
    arguments: Hashable,
    user,
    compute: Callable[[], Figure],
    *,
    changes_when_meetings_begin: bool = False,
) -> Figure:
    """`compute()`, or the figure it gave for the same key (see the module docstring).

    `compute` must return a plain value that depends only on the data, the
    user's visibility and `arguments` (and on the time only through which
    meetings have begun, with `changes_when_meetings_begin`).
    """
    session = db.session()
    if _holds_writes(session):
        return compute()
    stamp = _data_stamp(changes_when_meetings_begin)
    if stamp is None:
        return compute()  # no data version yet: nothing to key on
    key = (name, arguments, stamp, visibility_key_for(user), current_ordering())
    store = figure_store()
    figure = store.get(key)
    if figure is None:
        figure = compute()
        store.put(key, figure)
    return figure


def kept_rows(
    name: str,
    arguments: Hashable,
    user,
    statement: Select,
    *options,
    changes_when_meetings_begin: bool = False,
) -> list:
    """The rows `statement` selects (ordered and limited), found once per key.

    Which rows they are is kept as their ids (a kept figure, see the module
    docstring); the rows are read by id each time (`rows_in_order`, with
    `options`), so what is shown of them is always current. Finding them may
    sort thousands of rows; reading them reads their own alone.
    """
    entity = statement.column_descriptions[0]["entity"]
    ids = kept_figure(
        name,
        arguments,
        user,
        lambda: tuple(
            db.session.scalars(
                statement.with_only_columns(*inspect(entity).primary_key)
            ).unique()
        ),
        changes_when_meetings_begin=changes_when_meetings_begin,
    )
    return rows_in_order(entity, ids, *options)


def rows_in_order(model, ids, *options) -> list:
    """The rows of `model` with these ids, in their order, read in one query
    (with what `options` load). One deleted by another request since its id was
    kept is left out."""
    key = inspect(model).primary_key[0]
    loaded = {
        getattr(row, key.key): row
        for row in db.session.scalars(
            select(model).where(key.in_(ids)).options(*options)
        ).unique()
    }
    return [loaded[row_id] for row_id in ids if row_id in loaded]


def kept_html(
    name: str,
    arguments: Hashable,
    user,
    draw: Callable[[], str],
    *,
    changes_when_meetings_begin: bool = False,
) -> Markup:
    """HTML that `draw()` writes from kept figures, kept beside them.

    Drawing a page's charts or a month's grid costs more than finding what
    they show once that is kept. The HTML holds words, so the reader's
    language is part of its key; it must hold nothing of the request (no form
    token, no flashed message), only what `arguments` and the data decide.
    """
    return Markup(
        kept_figure(
            name,
            (arguments, str(current_locale())),
            user,
            lambda: str(draw()),
            changes_when_meetings_begin=changes_when_meetings_begin,
        )
    )


def _data_stamp(changes_when_meetings_begin: bool) -> tuple | None:
    """The data's epoch and version (and the next meeting's start), in one query."""
    columns = [DataVersion.epoch, DataVersion.version]
    if changes_when_meetings_begin:
        # Every meeting counts, hidden and trashed ones too: this only decides
        # when a figure is computed again, never what it says.
        columns.append(
            select(func.min(Meeting.start_utc))
            .where(Meeting.start_utc > utc_now())
            .scalar_subquery()
        )

    def read() -> tuple | None:
        row = db.session.execute(select(*columns).where(DataVersion.id == 1)).first()
        return tuple(row) if row is not None else None

    return remembered_for_transaction(("data_stamp", changes_when_meetings_begin), read)


def _holds_writes(session: Session) -> bool:
    return bool(
        session.new or session.dirty or session.deleted or session.info.get(_WROTE)
    )


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _writes_ended(session: Session, transaction) -> None:
    """Forget the writes when the whole transaction ends, committed or not.

    Not when a savepoint is released or rolled back ("after_commit" and
    "after_rollback" fire for those too): the writes around it may still be
    rolled back, and the data version they reached reached again by others.
    """
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
