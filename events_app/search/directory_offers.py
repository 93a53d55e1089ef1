"""People, organizations and topics the search box offers above the meetings.

Typing "Kupreichyk", "Купрэйчык" or "Matvei Kupreichik" offers the person whose
names are likely the same (events_app/directory/likeness.py), with the number
of meetings the viewer may see them in: "Matvei Kupreichyk: 34 meetings".
Records and counts both go through the one visibility rule.
"""

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select, union

from events_app.directory.likeness import likely_matches
from events_app.extensions import db
from events_app.models import Meeting, Organization, Person, Topic
from events_app.visibility import (
    ORGANIZATION_LINKS,
    PERSON_LINKS,
    TOPIC_LINKS,
    meeting_visibility_clause,
    visible_records_for,
)

# Offers per kind of record, at most.
OFFERS_PER_KIND = 3
KINDS = (
    (Person, PERSON_LINKS, "people.person", "person_id"),
    (Organization, ORGANIZATION_LINKS, "people.organization", "organization_id"),
    (Topic, TOPIC_LINKS, "topics.show", "topic_id"),
)


@dataclass(frozen=True)
class DirectoryOffer:
    """A record whose name is likely what was searched for, and its meetings."""

    label: str
    url: str
    meetings: int


def visible_meeting_counts(user, links, record_ids: list[int]) -> dict[int, int]:
    """Meetings the user may see that link each record (by any of `links`), in one
    query for all the records."""
    if not record_ids:
        return {}
    linked = union(
        *(
            select(link.label("record_id"), link.class_.meeting_id.label("meeting_id"))
            .join(Meeting, Meeting.id == link.class_.meeting_id)
            .where(link.in_(record_ids), meeting_visibility_clause(user))
            for link in links
        )
    ).subquery()
    rows = db.session.execute(
        select(linked.c.record_id, func.count(linked.c.meeting_id)).group_by(
            linked.c.record_id
        )
    )
    return dict(rows.all())


def directory_offers(user, text: str) -> list[DirectoryOffer]:
    """People, then organizations, then topics the user may see named like `text`."""
    text = " ".join((text or "").split())
    if not text:
        return []
    offers = []
    for model, links, endpoint, argument in KINDS:
        matches = likely_matches(
            model, text, visible_records_for(user, model), OFFERS_PER_KIND
        )
        records = [match.record for match in matches]
        counts = visible_meeting_counts(user, links, [record.id for record in records])
        offers.extend(
            DirectoryOffer(
                record.label,
                url_for(endpoint, **{argument: record.id}),
                counts.get(record.id, 0),
            )
            for record in records
        )
    return offers
