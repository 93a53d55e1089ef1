"""People, organizations and topics the search box offers above the meetings.

Typing "Kupreichyk", "Купрэйчык" or "Matvei Kupreichik" offers the person whose
names are likely the same (events_app/directory/likeness.py), with the number
of meetings the viewer may see them in: "Matvei Kupreichyk: 34 meetings".
Records and counts both go through the one visibility rule.
"""

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import exists, func, literal_column, select, union

from events_app.directory.likeness import likely_matches
from events_app.extensions import db
from events_app.kept_figures import kept_figure
from events_app.models import Meeting, Organization, Person, Topic
from events_app.visibility import (
    ORGANIZATION_LINKS,
    PERSON_LINKS,
    TOPIC_LINKS,
    meeting_visibility_clause,
    topics_seen_by,
    visible_organizations_for,
    visible_people_for,
)

# Offers per kind of record, at most.
OFFERS_PER_KIND = 3
# Longer searches are not names (organizations' names included).
MAXIMUM_NAME_WORDS = 6
# Each kind: its model, links, page, and the records offered among. Topics are
# offered among those seen in their own right (`topics_seen_by`), not every
# visible topic: working out the parents on visible topics' paths reads the
# agenda of every topic (most of a search's time at 100,000 meetings), while a
# seen topic is tested alone, and only the few named like the search are.
KINDS = (
    (Person, PERSON_LINKS, "people.person", "person_id", visible_people_for),
    (
        Organization,
        ORGANIZATION_LINKS,
        "people.organization",
        "organization_id",
        visible_organizations_for,
    ),
    (Topic, TOPIC_LINKS, "topics.show", "topic_id", topics_seen_by),
)


@dataclass(frozen=True)
class DirectoryOffer:
    """A record whose name is likely what was searched for, and its meetings."""

    label: str
    url: str
    meetings: int


def _kind(links) -> str:
    """A name for a kind of record: its first link ("Participation.person_id")."""
    return f"{links[0].class_.__name__}.{links[0].key}"


def visible_meeting_counts(user, records_by_kind) -> dict[tuple[str, int], int]:
    """Meetings the user may see that link each record, keyed (kind, record id), in
    one query for every kind: `records_by_kind` pairs a kind's links (see KINDS)
    with the ids of its records."""
    linked = [
        select(
            literal_column(f"'{_kind(links)}'").label("kind"),
            link.label("record_id"),
            link.class_.meeting_id.label("meeting_id"),
        ).where(
            link.in_(record_ids),
            # The links first, then each one's meeting by id: joined, SQLite
            # walked every meeting instead (56 ms for a topic of 500 meetings).
            exists()
            .where(
                Meeting.id == link.class_.meeting_id, meeting_visibility_clause(user)
            )
            .correlate(link.class_),
        )
        for links, record_ids in records_by_kind
        if record_ids
        for link in links
    ]
    if not linked:
        return {}
    rows = union(*linked).subquery()
    counted = select(rows.c.kind, rows.c.record_id, func.count(rows.c.meeting_id))
    counted = counted.group_by(rows.c.kind, rows.c.record_id)
    return {
        (kind, record_id): count
        for kind, record_id, count in db.session.execute(counted)
    }


def looks_like_a_name(text: str) -> bool:
    """Whether the search could be a name: a few plain words, no "phrase" or
    prefix* syntax. Other searches offer no record (and skip the lookup)."""
    words = text.split()
    return 0 < len(words) <= MAXIMUM_NAME_WORDS and not any(
        mark in text for mark in '"*'
    )


def directory_offers(user, text: str) -> list[DirectoryOffer]:
    """People, then organizations, then topics the user may see named like `text`.

    Kept per data version and viewer (events_app/kept_figures.py): weighing
    names and counting each one's meetings is about half of a name search's
    time, and every search asks again for the same words.
    """
    text = " ".join((text or "").split())
    if not looks_like_a_name(text):
        return []
    offered = kept_figure(
        "search_offers",
        (text, OFFERS_PER_KIND),
        user,
        lambda: tuple(_offered_records(user, text)),
    )
    return [
        DirectoryOffer(label, url_for(endpoint, **{argument: record_id}), meetings)
        for label, endpoint, argument, record_id, meetings in offered
    ]


def _offered_records(user, text: str) -> list[tuple[str, str, str, int, int]]:
    """(label, endpoint, argument, record id, meetings) of each record offered."""
    found = [
        (
            links,
            endpoint,
            argument,
            [
                match.record
                for match in likely_matches(
                    model, text, offered_among(user), OFFERS_PER_KIND
                )
            ],
        )
        for model, links, endpoint, argument, offered_among in KINDS
    ]
    counts = visible_meeting_counts(
        user,
        [(links, [record.id for record in records]) for links, _, _, records in found],
    )
    return [
        (
            record.label,
            endpoint,
            argument,
            record.id,
            counts.get((_kind(links), record.id), 0),
        )
        for links, endpoint, argument, records in found
        for record in records
    ]
