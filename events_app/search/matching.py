"""Meetings matching a search: the condition, the ranking and the snippets.

Everything here narrows a select the caller built from the one visibility rule
(`visible_meetings_for(user)`), so a hidden or trashed meeting is never found,
ranked, counted or quoted: the index alone decides nothing.

Snippets are computed for the page of results shown only (PostgreSQL's
`ts_headline` re-parses each document, far too slow for every match), and are
HTML-escaped with only our own <mark> tags added.
"""

from markupsafe import Markup, escape
from sqlalchemy import Select, and_, false, func, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from events_app.extensions import db
from events_app.models import Meeting
from events_app.search.index import (
    KEY_COLUMN,
    SEARCH_TABLE,
    TEXT_SEARCH_CONFIGURATION,
    search_table,
)
from events_app.search.query import SearchQuery, Term

# Marks the engines put around matched words, escaped away from the text before
# they become <mark> tags. Control characters: input_rules refuses them in text.
START, STOP = "\x02", "\x03"
# A title match weighs as much as ten matches elsewhere; a match of a skeleton
# only (another script or spelling, search/query.py) half a body match.
SQLITE_WEIGHTS = (10.0, 1.0, 0.5)
SNIPPET_WORDS = 16


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _configuration():
    return literal_column(f"'{TEXT_SEARCH_CONFIGURATION}'::regconfig")


def _tsquery(query: SearchQuery):
    return _to_tsquery(query.tsquery_expression())


def _to_tsquery(expression: str):
    return func.to_tsquery(_configuration(), expression)


def _term_match(index, term: Term) -> ColumnElement[bool]:
    """A term's condition on PostgreSQL: as written, or as skeletons, each in
    the tsvector of that kind of words alone (search/index.py), whose GIN
    index answers a word alone, without weights to check in each document."""
    written, skeletons = term.tsquery_alternatives()
    found = index.c.written_words.op("@@")(_to_tsquery(written))
    if skeletons is None:
        return found
    return or_(found, index.c.skeleton_words.op("@@")(_to_tsquery(skeletons)))


def _match(dialect: str, index, query: SearchQuery) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return literal_column(SEARCH_TABLE).op("MATCH")(query.fts5_expression())
    return and_(*(_term_match(index, term) for term in query.terms))


def _hits(dialect: str, query: SearchQuery, ranked: bool):
    """The matching meeting ids, with their rank when `ranked` (lower is better),
    as a CTE.

    On SQLite the CTE is MATERIALIZED: joined directly, the planner may walk the
    meetings and run the full-text match once per meeting (15 s at 100,000
    meetings for the count) instead of once. The rank is computed only when the
    order needs it: bm25() reads each match's statistics, the bulk of the time
    for a common word (counting never needs it).
    """
    index = search_table(dialect)
    columns = [index.c[KEY_COLUMN[dialect]].label("meeting_id")]
    if ranked and dialect == "sqlite":
        # bm25() is lower for better matches.
        columns.append(
            func.bm25(literal_column(SEARCH_TABLE), *SQLITE_WEIGHTS).label("rank")
        )
    elif ranked:
        columns.append((-func.ts_rank(index.c.document, _tsquery(query))).label("rank"))
    hits = select(*columns).where(_match(dialect, index, query)).cte("search_hits")
    return hits.prefix_with("MATERIALIZED") if dialect == "sqlite" else hits


def _holds_match(dialect: str, query: SearchQuery) -> ColumnElement[bool]:
    """True for a meeting whose document matches: one index probe per meeting.

    For a walk over meetings in date order that stops after a page, when the
    matches are so many that listing them all first would be the slow part.
    """
    index = search_table(dialect)
    return (
        select(index.c[KEY_COLUMN[dialect]])
        .where(_match(dialect, index, query))
        .where(index.c[KEY_COLUMN[dialect]] == Meeting.id)
        .exists()
    )


def matching(
    statement: Select, query: SearchQuery, ranked: bool = False, probed: bool = False
) -> Select:
    """Narrow a select of meetings to those whose document matches the query;
    `ranked` orders them best match first (before any order added later).

    `probed` tests each meeting the statement reaches against the index instead
    of listing the matches first: only for a statement walked in an indexed
    order and cut short (a page of a search matching a large share of the
    meetings, see `search_page_statement`). A query with no words matches
    nothing.
    """
    if query.is_empty:
        return statement.where(false())
    if probed:
        return statement.where(_holds_match(_dialect(), query))
    hits = _hits(_dialect(), query, ranked)
    statement = statement.join(hits, hits.c.meeting_id == Meeting.id)
    return statement.order_by(hits.c.rank) if ranked else statement


def counted_at_most(statement: Select, limit: int) -> int:
    """How many rows `statement` selects, counting no further than `limit` + 1.

    A result above `limit` means "more than `limit`": exact counts of tens of
    thousands of matches cost more than the page itself.
    """
    capped = statement.order_by(None).with_only_columns(Meeting.id).limit(limit + 1)
    return db.session.scalar(select(func.count()).select_from(capped.subquery())) or 0


def snippets_for(meeting_ids: list[int], query: SearchQuery) -> dict[int, Markup]:
    """A highlighted extract of each meeting's document where the query matched.

    Meetings whose body does not hold a match (the title did) get none; the
    title is shown anyway.
    """
    if not meeting_ids or query.is_empty:
        return {}
    dialect = _dialect()
    index = search_table(dialect)
    key = index.c[KEY_COLUMN[dialect]]
    if dialect == "sqlite":
        extract = func.snippet(
            literal_column(SEARCH_TABLE), 1, START, STOP, "…", SNIPPET_WORDS
        )
    else:
        extract = func.ts_headline(
            _configuration(),
            index.c.body,
            _tsquery(query),
            f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS + 9}, "
            f'MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, FragmentDelimiter=" … "',
        )
    rows = db.session.execute(
        select(key, extract).where(_match(dialect, index, query), key.in_(meeting_ids))
    )
    return {
        meeting_id: highlighted(text)
        for meeting_id, text in rows
        if text and START in text
    }


def highlighted(text: str) -> Markup:
    """The engine's extract as safe HTML: everything escaped, matches in <mark>.

    Escaping leaves the two marks alone; they become the only tags. (Even an
    unpaired mark from odd stored text could only leave a <mark> open.)
    """
    escaped = str(escape(text))
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))
