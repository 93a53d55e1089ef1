"""Find people, organizations and topics by any of their names, or create them.

Used by the meeting form and the JSON import alike, so a typed "Kupreychyk" and an
imported "KUPREYCHYK" both land on the same record instead of a duplicate.
"""

from sqlalchemy import select

from events_app.extensions import db
from events_app.models import Organization, Person, Topic
from events_app.models.topics import PATH_SEPARATOR
from events_app.names import key_pattern, name_key


def clean_name(name: str | None) -> str:
    """Collapse runs of white space; the stored spelling of a new record."""
    return " ".join((name or "").split())


def find_person(name: str) -> Person | None:
    """The oldest person with this name or other name (case, accents, spaces aside)."""
    if not name_key(name):
        return None
    return db.session.scalar(
        select(Person)
        .where(Person.name_keys.like(key_pattern(name)))
        .order_by(Person.id)
        .limit(1)
    )


def find_organization(name: str) -> Organization | None:
    """The oldest organization with this name, short name or other name."""
    if not name_key(name):
        return None
    return db.session.scalar(
        select(Organization)
        .where(Organization.name_keys.like(key_pattern(name)))
        .order_by(Organization.id)
        .limit(1)
    )


def person_named(name: str) -> Person:
    """The existing person with this name, or a new one added to the session."""
    person = find_person(name)
    if person is None:
        person = Person(display_name=clean_name(name))
        person.refresh_name_keys()
        db.session.add(person)
        db.session.flush()
    return person


def organization_named(name: str) -> Organization:
    """The existing organization with this name, or a new one added to the session."""
    organization = find_organization(name)
    if organization is None:
        organization = Organization(name=clean_name(name))
        organization.refresh_name_keys()
        db.session.add(organization)
        db.session.flush()
    return organization


def split_topic_path(path: str) -> list[str]:
    """The names along a path: "Sanctions > Circumvention" -> ["Sanctions", …]."""
    return [clean_name(part) for part in (path or "").split(">") if clean_name(part)]


def find_topic(path: str) -> Topic | None:
    """The topic named by a path ("Parent > Child") or by its own name alone."""
    names = split_topic_path(path)
    if not names:
        return None
    candidates = db.session.scalars(
        select(Topic)
        .where(Topic.name_keys.like(key_pattern(names[-1])))
        .order_by(Topic.id)
    ).all()
    if len(names) == 1:
        return candidates[0] if candidates else None
    wanted = [name_key(name) for name in names]
    for topic in candidates:
        if [name_key(name) for name in topic.path.split(PATH_SEPARATOR)] == wanted:
            return topic
    return None


def topic_at_path(path: str) -> Topic:
    """The topic at this path, creating it and any missing parents."""
    existing = find_topic(path)
    if existing is not None:
        return existing
    parent: Topic | None = None
    walked: list[str] = []
    for name in split_topic_path(path):
        walked.append(name)
        topic = find_topic(PATH_SEPARATOR.join(walked))
        if topic is None:
            topic = Topic(name=name, parent=parent)
            topic.refresh_name_keys()
            db.session.add(topic)
            db.session.flush()
        parent = topic
    return parent


def owner_named(name: str) -> Person | Organization:
    """An outcome's owner: an existing person or organization, else a new person."""
    return find_person(name) or find_organization(name) or person_named(name)
