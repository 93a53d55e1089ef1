"""What was discussed on a topic (and its sub-topics), when, and with whom.

Only meetings the viewer may see are counted, listed or mined for names.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import literal, select, true
from sqlalchemy.sql.elements import ColumnElement

from events_app.capped_pages import CappedPage, NumberedPages
from events_app.directory.lookup import search_clause
from events_app.directory.name_order import name_order, record_order
from events_app.extensions import db
from events_app.history import (
    ShownRecord,
    ShownRecords,
    TopicEntry,
    kept_history_page,
    meeting_lines,
    organizations_present,
    people_present,
    shown_counts,
    topic_entries,
    topics_discussed,
    visible_meeting_ids_where,
)
from events_app.kept_figures import kept_figure
from events_app.meeting_stats import (
    NO_MEETINGS,
    MeetingStats,
    meeting_stats_by_owner,
)
from events_app.models import Meeting, MeetingTopic, Topic
from events_app.topic_tree import (
    TreeRow,
    children_by_parent,
    flatten,
    preload_ancestors,
    subtree_closure,
    subtree_ids,
    visible_ancestors,
)
from events_app.visibility import visible_topic_ids_for, visible_topics_for

DEFAULT_PER_PAGE = 50
# Rows of the topic tree a page of the index shows at most (see `tree_pages`).
DEFAULT_ROWS = 100


@dataclass(frozen=True)
class TopicListing:
    """One page of the topic index: roots with their sub-topics, or search hits."""

    pagination: object  # a TreePage of the tree, or Pagination of the matches
    rows: list[TreeRow]
    stats: dict[int, MeetingStats]
    searching: bool
    # The ancestors of the page's first row when it continues a sub-tree that
    # began on an earlier page (root first); empty otherwise.
    continued_from: tuple[Topic, ...] = ()

    def stats_for(self, topic_id: int) -> MeetingStats:
        """Statistics of one listed topic, its sub-topics included."""
        return self.stats.get(topic_id, NO_MEETINGS)


@dataclass(frozen=True)
class TreePage(NumberedPages):
    """One page of the topic tree: the pager's view of `tree_pages`."""

    items: list[TreeRow]
    page: int
    pages: int


def tree_pages(
    roots: list[Topic],
    grouped: dict[int | None, list[Topic]],
    roots_per_page: int,
    rows_per_page: int,
) -> list[list[TreeRow]]:
    """The tree in pages: whole root sub-trees, at most `roots_per_page` roots and
    `rows_per_page` rows a page; a sub-tree longer than a page on its own fills
    pages by itself, in tree order.

    Bounding the rows bounds the page: 330 topics (30 roots of 10 sub-topics)
    on one page made 99 kB of HTML.
    """
    pages: list[list[TreeRow]] = []
    page: list[TreeRow] = []
    roots_on_page = 0
    for root in roots:
        subtree = flatten([root], grouped)
        if page and (
            roots_on_page >= roots_per_page or len(page) + len(subtree) > rows_per_page
        ):
            pages.append(page)
            page, roots_on_page = [], 0
        while len(page) + len(subtree) > rows_per_page:
            room = rows_per_page - len(page)
            pages.append(page + subtree[:room])
            page, subtree = [], subtree[room:]
        page.extend(subtree)
        roots_on_page += 1
    if page:
        pages.append(page)
    return pages


@dataclass(frozen=True)
class TopicHistory:
    """A topic's visible meetings (one page), what was said and who took part."""

    ancestors: tuple[ShownRecord, ...]  # visible ones, root first, by name
    children: tuple[ShownRecord, ...]  # visible ones, A–Z, by name
    stats: MeetingStats
    meetings: CappedPage  # of MeetingLine, newest first
    notes: dict[int, list[TopicEntry]]  # meeting id -> its entries on this subtree
    related_topics: ShownRecords  # of CountedRecord[ShownRecord], most first
    people_met: ShownRecords
    organizations_met: ShownRecords


def topic_meeting_pairs(topic_ids):
    """Select (owner_id, meeting_id): a topic and each meeting on it or a sub-topic."""
    closure = subtree_closure(topic_ids)
    return select(
        closure.c.ancestor_id.label("owner_id"),
        MeetingTopic.meeting_id.label("meeting_id"),
    ).join(closure, closure.c.descendant_id == MeetingTopic.topic_id)


def topics_listing(user, text: str, page: int) -> TopicListing:
    """One page of topics: the tree by alphabetical roots, or matches for `text`.

    Counts include meetings of sub-topics, as the topic pages do.
    """
    per_page = current_app.config.get("DIRECTORY_PER_PAGE", DEFAULT_PER_PAGE)
    visible = visible_topics_for(user)
    # Every visible topic in the session: paths and sub-topics cost nothing more.
    grouped = children_by_parent(visible)
    searching = bool(" ".join((text or "").split()))
    continued_from: tuple[Topic, ...] = ()
    if searching:
        query = visible.where(
            search_clause(Topic, Topic.name, text, among=visible)
        ).order_by(*name_order(Topic))
        pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
        rows = [TreeRow(topic=topic, depth=0) for topic in pagination.items]
    else:
        pages = tree_pages(
            grouped.get(None, []),
            grouped,
            roots_per_page=per_page,
            rows_per_page=current_app.config.get("TOPIC_INDEX_ROWS", DEFAULT_ROWS),
        )
        rows = pages[page - 1] if 0 < page <= len(pages) else []
        pagination = TreePage(items=rows, page=page, pages=len(pages))
        if rows and rows[0].depth:
            continued_from = tuple(_ancestors_in_tree(rows[0].topic))
    ids = [row.topic.id for row in rows]
    stats = kept_figure(
        "topic_index_stats",
        tuple(ids),
        user,
        lambda: meeting_stats_by_owner(topic_meeting_pairs(ids), user),
        changes_when_meetings_begin=True,
    )
    return TopicListing(
        pagination=pagination,
        rows=rows,
        stats=stats,
        searching=searching,
        continued_from=continued_from,
    )


def _ancestors_in_tree(topic: Topic) -> list[Topic]:
    """The topic's ancestors as `children_by_parent` linked them (visible only)."""
    ancestors: list[Topic] = []
    ancestor = topic.parent
    while ancestor is not None and ancestor not in ancestors:
        ancestors.append(ancestor)
        ancestor = ancestor.parent
    return list(reversed(ancestors))


def topic_history(user, topic_id: int, page: int = 1) -> TopicHistory | None:
    """The topic's history as `user` may see it, sub-topics included; None if
    the user may not see the topic."""
    kept = kept_history_page(
        "topic",
        Topic,
        topic_id,
        user,
        page,
        lambda: _topic_figures(topic_id, user),
        lambda figures: _on_topics(figures.covered_ids),
    )
    if kept is None:
        return None
    figures = kept.figures
    found = kept.meetings
    notes = topic_entries(found.meeting_ids, figures.covered_ids, with_notes=True)
    meetings = meeting_lines(found, {})
    return TopicHistory(
        ancestors=figures.ancestors,
        children=figures.children,
        stats=figures.stats,
        meetings=meetings,
        notes={meeting.id: notes.get(meeting.id, []) for meeting in meetings.items},
        related_topics=figures.related_topics,
        people_met=figures.people_met,
        organizations_met=figures.organizations_met,
    )


def _on_topics(topic_ids) -> ColumnElement[bool]:
    """Meetings with one of these topics on the agenda."""
    return Meeting.id.in_(
        select(MeetingTopic.meeting_id).where(MeetingTopic.topic_id.in_(topic_ids))
    )


@dataclass(frozen=True)
class TopicFigures:
    """What a topic page counts over all its visible meetings, and its place
    in the tree as the viewer sees it (kept, see events_app/kept_figures.py):
    plain values only."""

    covered_ids: frozenset[int]  # the topic's and its sub-topics'
    ancestors: tuple[ShownRecord, ...]
    children: tuple[ShownRecord, ...]
    stats: MeetingStats
    related_topics: ShownRecords
    people_met: ShownRecords
    organizations_met: ShownRecords


def _topic_figures(topic_id: int, user) -> TopicFigures:
    topic = db.session.get(Topic, topic_id)
    covered_ids = subtree_ids(topic)
    meeting_ids = visible_meeting_ids_where(user, _on_topics(sorted(covered_ids)))
    anyone = true()  # every participant counts, whoever they represented
    visible_ids = visible_topic_ids_for(user)
    children = sorted(
        (
            child
            for child in topic.children
            if visible_ids is None or child.id in visible_ids
        ),
        key=record_order,
    )
    related_topics = shown_counts(
        topics_discussed(meeting_ids, excluded_topic_ids=covered_ids)
    )
    preload_ancestors([topic.id])
    return TopicFigures(
        covered_ids=frozenset(covered_ids),
        ancestors=tuple(
            ShownRecord(ancestor.id, ancestor.name)
            for ancestor in visible_ancestors(topic, visible_ids)
        ),
        children=tuple(ShownRecord(child.id, child.name) for child in children),
        stats=meeting_stats_by_owner(
            _subtree_meeting_pairs(topic, covered_ids), user
        ).get(topic.id, NO_MEETINGS),
        related_topics=related_topics,
        people_met=shown_counts(people_present(meeting_ids, anyone)),
        organizations_met=shown_counts(organizations_present(meeting_ids, anyone)),
    )


def _subtree_meeting_pairs(topic: Topic, covered_ids: set[int]):
    """(owner_id, meeting_id) of one topic, its sub-topics given as literal ids.

    Like `topic_meeting_pairs`, without the recursive CTE whose size PostgreSQL
    cannot estimate (it planned the busiest topic's figures for 50,000 meetings
    and spent over a second compiling them with JIT).
    """
    return select(
        literal(topic.id).label("owner_id"),
        MeetingTopic.meeting_id.label("meeting_id"),
    ).where(MeetingTopic.topic_id.in_(sorted(covered_ids)))
