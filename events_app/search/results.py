"""The meetings a search lists: how many, and in which order, fast at any size.

A search matching a few thousand meetings lists them best match first, with
their exact number. One matching many more (a word in a third of 100,000
meetings) would spend its time ranking and counting matches nobody pages
through, so beyond `RANKED_AT_MOST` the meetings come newest first (the
history's own order) and beyond `COUNTED_AT_MOST` the count reads "more than
10,000" and the page walks the meetings by date and tests each against the
index, stopping after a page. Both thresholds are judged on the meetings the
viewer may see, never on the index alone, so neither the order nor the count
says anything about hidden meetings.
"""

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import Select

from events_app.kept_figures import kept_figure
from events_app.search.matching import counted_at_most, matching

if TYPE_CHECKING:  # the filters import the search; this module is theirs to use
    from events_app.meetings.filters import MeetingFilters

RANKED_AT_MOST = 2_000
COUNTED_AT_MOST = 10_000


@dataclass(frozen=True)
class SearchListing:
    """The select of a search's meetings, in its order, and how many there are."""

    statement: Select
    total: int
    by_relevance: bool

    @property
    def more_than_counted(self) -> bool:
        """The count stopped at `COUNTED_AT_MOST`: there are more."""
        return self.total > COUNTED_AT_MOST


def search_listing(filters: "MeetingFilters", visible: Select, user) -> SearchListing:
    """The meetings of `visible` that match the filters and their text search.

    `visible` is `visible_meetings_for(user)` (the one visibility rule); the
    caller adds the date order (after the relevance order, when there is one)
    and takes a page. The count is kept per data version and viewer
    (events_app/kept_figures.py): each page of the results asks it again, and
    it is most of a search's SQL on PostgreSQL (a word in a third of the
    meetings: 30 to 80 ms at 100,000).
    """
    cap = COUNTED_AT_MOST  # read now: tests lower it
    total = kept_figure(
        "search_count",
        (tuple(sorted(filters.as_args().items())), cap),
        user,
        lambda: counted_at_most(filters.apply(visible, user), cap),
    )
    if total <= RANKED_AT_MOST:
        return SearchListing(filters.apply(visible, user, ranked=True), total, True)
    without_text = replace(filters, query="").apply(visible, user)
    # Probing each meeting of the walk costs an index lookup per meeting: worth
    # it only where matches are dense enough that a page is found in a few
    # hundred. Between the thresholds (a busy person's name: 2% of meetings, a
    # walk of 1,250 for a page) the matches are listed once (without a rank)
    # instead: 6 ms against 270 ms at 100,000 meetings on SQLite.
    probed = total > COUNTED_AT_MOST
    return SearchListing(
        matching(without_text, filters.search, probed=probed), total, False
    )
