"""The topic tree: sub-topics, ancestors and the order topics are listed in."""

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm.attributes import set_committed_value

from events_app.directory.name_order import name_order
from events_app.extensions import db
from events_app.models import Topic
from events_app.models.topics import PATH_SEPARATOR


@dataclass(frozen=True)
class TreeRow:
    """A topic in a listing, with how deep it sits below the listed root."""

    topic: Topic
    depth: int


def subtree_closure(topic_ids):
    """A recursive CTE of (ancestor_id, descendant_id) for the given topics.

    Each topic is its own descendant. UNION (not UNION ALL) keeps the recursion
    finite even if bad data ever put topics in a cycle.
    """
    closure = (
        select(Topic.id.label("ancestor_id"), Topic.id.label("descendant_id"))
        .where(Topic.id.in_(topic_ids))
        .cte("topic_closure", recursive=True)
    )
    return closure.union(
        select(closure.c.ancestor_id, Topic.id).join(
            Topic, Topic.parent_id == closure.c.descendant_id
        )
    )


def subtree_ids(topic: Topic) -> set[int]:
    """The topic's id and the ids of all topics below it, in one query."""
    closure = subtree_closure([topic.id])
    return set(db.session.scalars(select(closure.c.descendant_id)))


def preload_ancestors(topic_ids) -> None:
    """Load the given topics and all their ancestors in one query, linked to each other.

    Afterwards `Topic.parent` and `Topic.path` need no further queries, so a list
    of topic paths costs one round trip, not one per level.
    """
    topic_ids = list(topic_ids)
    if not topic_ids:
        return
    ancestry = (
        select(Topic.id.label("topic_id"), Topic.parent_id.label("parent_id"))
        .where(Topic.id.in_(topic_ids))
        .cte("topic_ancestry", recursive=True)
    )
    ancestry = ancestry.union(
        select(Topic.id, Topic.parent_id).join(
            ancestry, Topic.id == ancestry.c.parent_id
        )
    )
    loaded = db.session.scalars(
        select(Topic).where(Topic.id.in_(select(ancestry.c.topic_id)))
    ).all()
    by_id = {topic.id: topic for topic in loaded}
    for topic in loaded:
        if topic.parent_id in by_id:
            # A strong link: the session only keeps loaded objects weakly.
            set_committed_value(topic, "parent", by_id[topic.parent_id])


def visible_ancestors(topic: Topic, visible_ids: set[int] | None) -> list[Topic]:
    """The topic's ancestors, root first, up to (not past) the first hidden one.

    `visible_ids` is `visible_topic_ids_for(user)` (None: all). A marked parent
    may be hidden from someone who sees its child (see events_app/visibility.py),
    and a breadcrumb or path match must not name it.
    """
    ancestors: list[Topic] = []
    ancestor = topic.parent
    while ancestor is not None and ancestor not in ancestors:
        if visible_ids is not None and ancestor.id not in visible_ids:
            break
        ancestors.append(ancestor)
        ancestor = ancestor.parent
    return list(reversed(ancestors))


def visible_path(topic: Topic, visible_ids: set[int] | None) -> str:
    """The topic's path as a viewer may read it: through visible ancestors only.

    `Topic.path` names every ancestor, a hidden marked parent too; every door
    that shows a path to a viewer (suggestions, pickers, filter chips) uses this.
    """
    along = [*visible_ancestors(topic, visible_ids), topic]
    return PATH_SEPARATOR.join(ancestor.name for ancestor in along)


def children_by_parent(topics: Select) -> dict[int | None, list[Topic]]:
    """The selected topics, grouped under their parent's id, sorted by name (one query).

    `topics` is normally the topics the viewer may see; a parent of each is among
    them, so the tree has no gaps. Parents and children are linked in memory, so
    walking the tree costs nothing (and shows only the selected children).
    """
    grouped: dict[int | None, list[Topic]] = {}
    for topic in db.session.scalars(topics.order_by(*name_order(Topic))):
        grouped.setdefault(topic.parent_id, []).append(topic)
    by_id = {topic.id: topic for siblings in grouped.values() for topic in siblings}
    for topic in by_id.values():
        set_committed_value(topic, "parent", by_id.get(topic.parent_id))
        set_committed_value(topic, "children", list(grouped.get(topic.id, [])))
    return grouped


def flatten(
    roots: list[Topic], grouped: dict[int | None, list[Topic]]
) -> list[TreeRow]:
    """Roots followed by their sub-topics, depth first, each level alphabetical."""
    rows: list[TreeRow] = []
    seen: set[int] = set()
    pending = [(root, 0) for root in reversed(roots)]
    while pending:
        topic, depth = pending.pop()
        if topic.id in seen:
            continue
        seen.add(topic.id)
        rows.append(TreeRow(topic=topic, depth=depth))
        pending.extend(
            (child, depth + 1) for child in reversed(grouped.get(topic.id, []))
        )
    return rows
