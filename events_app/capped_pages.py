"""Pages of a long list whose count stops at `COUNTED_AT_MOST`.

Counting every meeting a signed-in viewer may see means testing each one
against the visibility rule (their access lists and groups): 30 ms at 100,000
meetings, more than the page itself, to print "94,048 meetings". Past a cap
the exact number tells a reader nothing they act on, so the count stops there
and reads "more than 10,000"; the page itself is found the same way, and
whether an older page follows comes from reading one row past it, not from the
count. The count is always of the statement it is given (already limited to
what the viewer may see), so a hidden row is never counted.
"""

from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import Select, func, inspect, select

from events_app.extensions import db
from events_app.kept_figures import kept_rows

COUNTED_AT_MOST = 10_000


def count_at_most(statement: Select, limit: int) -> int:
    """How many rows `statement` selects, counting no further than `limit` + 1.

    A result above `limit` means "more than `limit`". Only the primary key of
    the statement's entity is selected, so an index can answer alone.
    """
    entity = statement.column_descriptions[0]["entity"]
    key_columns = inspect(entity).primary_key
    capped = statement.order_by(None).with_only_columns(*key_columns).limit(limit + 1)
    return db.session.scalar(select(func.count()).select_from(capped.subquery())) or 0


class NumberedPages:
    """What the `pagination` macro reads, for a page that knows how many pages
    there are (`page` and `pages`, from 1)."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass(frozen=True)
class CappedPage:
    """One page of rows, and how many rows there are (up to the cap).

    Offers what the `pagination` macro reads, like Flask-SQLAlchemy's
    pagination; `pages` is None once the count stopped at the cap.
    """

    items: list
    page: int
    per_page: int
    total: int
    has_next: bool
    counted_at_most: int = COUNTED_AT_MOST

    @property
    def more_than_counted(self) -> bool:
        """The count stopped at `counted_at_most`: there are more."""
        return self.total > self.counted_at_most

    @property
    def pages(self) -> int | None:
        if self.more_than_counted:
            return None
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def capped_page(
    statement: Select,
    page: int,
    per_page: int,
    total: int | None = None,
    counted_at_most: int | None = None,
) -> CappedPage:
    """Page `page` (from 1) of an ordered select, counted up to `counted_at_most`
    (`COUNTED_AT_MOST` unless given).

    `total` skips the count when the caller has it already (a search counts
    its matches first, with the same cap; a record's figures count its
    meetings exactly, and pass that number as the cap too).
    """
    page = max(page, 1)
    if counted_at_most is None:
        counted_at_most = COUNTED_AT_MOST
    rows = (
        db.session.scalars(statement.limit(per_page + 1).offset((page - 1) * per_page))
        .unique()
        .all()
    )
    if total is None:
        total = count_at_most(statement, counted_at_most)
    return CappedPage(
        items=rows[:per_page],
        page=page,
        per_page=per_page,
        total=total,
        has_next=len(rows) > per_page,
        counted_at_most=counted_at_most,
    )


def kept_capped_page(
    name: str,
    arguments: Hashable,
    user,
    statement: Select,
    page: int,
    per_page: int,
    total: int,
    counted_at_most: int | None = None,
) -> CappedPage:
    """`capped_page` with which rows are on the page kept (`kept_rows`).

    Finding a busy topic's newest meetings sorts thousands of rows; the ids of
    a page only change with the data and the viewer's sight, and reading a
    page by its ids reads its own rows only. `arguments` says what
    `statement` selects; `total` is its count, found by the caller.
    """
    page = max(page, 1)
    rows = kept_rows(
        name,
        (arguments, page, per_page),
        user,
        statement.limit(per_page + 1).offset((page - 1) * per_page),
    )
    return CappedPage(
        items=rows[:per_page],
        page=page,
        per_page=per_page,
        total=total,
        has_next=len(rows) > per_page,
        counted_at_most=COUNTED_AT_MOST if counted_at_most is None else counted_at_most,
    )
