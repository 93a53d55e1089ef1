"""Find people, organizations and topics by any of their names, or create them.

Used by the meeting form and the JSON import alike, so a typed "Kupreychyk" and an
imported "KUPREYCHYK" both land on the same record instead of a duplicate.
"""

from sqlalchemy import Select

from events_app.directory.lookup import records_named
from events_app.directory.names import name_key
from events_app.extensions import db
from events_app.models import Organization, Person, Topic
from events_app.models.topics import PATH_SEPARATOR
from events_app.topic_tree import visible_ancestors
from events_app.visibility import (
    OPERATOR,
    topics_among,
    visible_organizations_for,
    visible_people_for,
    visible_topic_ids_for,
)


def clean_name(name: str | None) -> str:
    """Collapse runs of white space; the stored spelling of a new record."""
    return " ".join((name or "").split())


def _oldest_named(visible: Select, model, name: str):
    """The oldest record of `visible` (a select of `model`) known by `name`."""
    return next(iter(records_named(model, name, among=visible)), None)


def _add_new(record, created: list | None):
    """Add a new record to the session, and to `created` (the caller's list of them)."""
    record.refresh_name_keys()
    db.session.add(record)
    db.session.flush()
    if created is not None:
        created.append(record)
    return record


def find_person(name: str, user=OPERATOR) -> Person | None:
    """The oldest person `user` may see with this name or other name.

    Case, accents and spacing are ignored. A record the user may not see is never
    returned: linking it would show them its other names, notes and meetings.
    """
    return _oldest_named(visible_people_for(user), Person, name)


def find_organization(name: str, user=OPERATOR) -> Organization | None:
    """The oldest organization `user` may see with this name, short or other name."""
    return _oldest_named(visible_organizations_for(user), Organization, name)


def person_named(name: str, user=OPERATOR, created: list | None = None) -> Person:
    """The existing person with this name, or a new one added to the session.

    Records made anew are also appended to `created`, for the caller to mark
    (see `apply_form` in events_app/meetings/operations.py).
    """
    return find_person(name, user) or _add_new(
        Person(display_name=clean_name(name)), created
    )


def organization_named(
    name: str, user=OPERATOR, created: list | None = None
) -> Organization:
    """The existing organization with this name, or a new one added to the session."""
    return find_organization(name, user) or _add_new(
        Organization(name=clean_name(name)), created
    )


def split_topic_path(path: str) -> list[str]:
    """The names along a path: "Sanctions > Circumvention" -> ["Sanctions", …]."""
    return [clean_name(part) for part in (path or "").split(">") if clean_name(part)]


def find_topic(path: str, user=OPERATOR) -> Topic | None:
    """The topic `user` may see named by a path ("Parent > Child") or its own name.

    Like people, a topic the user may not see is never returned, whatever its
    name: linking it would show its page, description and parents to everyone
    who sees the new meeting. A path is only ever matched along visible topics
    (a marked parent may be hidden from someone who sees its child).
    """
    names = split_topic_path(path)
    if not names:
        return None
    visible_ids = visible_topic_ids_for(user)
    candidates = records_named(Topic, names[-1], among=topics_among(visible_ids))
    if len(names) == 1:
        return candidates[0] if candidates else None
    wanted = [name_key(name) for name in names]
    for topic in candidates:
        along = [*visible_ancestors(topic, visible_ids), topic]
        if along[0].parent is None and [name_key(t.name) for t in along] == wanted:
            return topic
    return None


def topic_at_path(path: str, user=OPERATOR, created: list | None = None) -> Topic:
    """The topic at this path that `user` may see, creating it and missing parents.

    A part of the path that exists only as a topic hidden from `user` is created
    anew beside it, so the hidden one is neither linked nor revealed.
    """
    existing = find_topic(path, user)
    if existing is not None:
        return existing
    parent: Topic | None = None
    walked: list[str] = []
    for name in split_topic_path(path):
        walked.append(name)
        topic = find_topic(PATH_SEPARATOR.join(walked), user)
        if topic is None:
            topic = _add_new(Topic(name=name, parent=parent), created)
        parent = topic
    return parent


def owner_named(name: str, user=OPERATOR, created: list | None = None):
    """An outcome's owner: an existing person or organization, else a new person."""
    return (
        find_person(name, user)
        or find_organization(name, user)
        or person_named(name, user, created)
    )
