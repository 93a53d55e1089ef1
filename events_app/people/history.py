"""What a person or an organization did: their meetings and everyone met there.

Only meetings the viewer may see are counted, listed or mined for names; a record
that appears only in hidden meetings has an empty history.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, or_, select

from events_app.extensions import db
from events_app.history import (
    CountedRecord,
    organizations_present,
    people_present,
    topics_discussed,
    visible_meeting_ids_where,
    visible_meetings_page,
)
from events_app.meeting_stats import (
    NO_MEETINGS,
    ListedRecords,
    MeetingStats,
    meeting_stats_by_owner,
)
from events_app.models import Meeting, Organization, Participation, Person, Topic
from events_app.name_lookup import search_clause

DEFAULT_PER_PAGE = 50


@dataclass(frozen=True)
class PersonHistory:
    """A person's visible meetings (one page), roles and who and what they met."""

    person: Person
    stats: MeetingStats
    meetings: object  # Pagination of Meeting, newest first
    roles: dict[int, list[Participation]]  # meeting id -> this person's participations
    topics: list[CountedRecord[Topic]]
    people_met: list[CountedRecord[Person]]
    organizations_met: list[CountedRecord[Organization]]
    organizations_represented: list[CountedRecord[Organization]]


@dataclass(frozen=True)
class OrganizationHistory:
    """An organization's visible meetings (one page), representatives and contacts."""

    organization: Organization
    stats: MeetingStats
    meetings: object  # Pagination of Meeting, newest first
    representatives: dict[int, list[Participation]]  # meeting id -> its participations
    members: list[Person]
    topics: list[CountedRecord[Topic]]
    represented_by: list[CountedRecord[Person]]
    people_met: list[CountedRecord[Person]]
    organizations_met: list[CountedRecord[Organization]]


def _per_page() -> int:
    return current_app.config.get("DIRECTORY_PER_PAGE", DEFAULT_PER_PAGE)


def people_listing(user, text: str, page: int) -> ListedRecords:
    """One alphabetical page of people matching `text`, with visible-meeting stats."""
    query = (
        select(Person)
        .where(search_clause(Person, Person.display_name, text))
        .order_by(func.lower(Person.display_name), Person.id)
    )
    pagination = db.paginate(query, page=page, per_page=_per_page(), error_out=False)
    ids = [person.id for person in pagination.items]
    stats = meeting_stats_by_owner(
        select(
            Participation.person_id.label("owner_id"),
            Participation.meeting_id.label("meeting_id"),
        ).where(Participation.person_id.in_(ids)),
        user,
    )
    return ListedRecords(pagination=pagination, stats=stats)


def organizations_listing(user, text: str, page: int) -> ListedRecords:
    """One A–Z page of organizations matching `text`, with visible-meeting stats."""
    query = (
        select(Organization)
        .where(search_clause(Organization, Organization.name, text))
        .order_by(func.lower(Organization.name), Organization.id)
    )
    pagination = db.paginate(query, page=page, per_page=_per_page(), error_out=False)
    ids = [organization.id for organization in pagination.items]
    stats = meeting_stats_by_owner(
        select(
            Participation.organization_id.label("owner_id"),
            Participation.meeting_id.label("meeting_id"),
        ).where(Participation.organization_id.in_(ids)),
        user,
    )
    return ListedRecords(pagination=pagination, stats=stats)


def _single_stats(owner_meeting_pairs, owner_id: int, user) -> MeetingStats:
    return meeting_stats_by_owner(owner_meeting_pairs, user).get(owner_id, NO_MEETINGS)


def person_history(person: Person, user, page: int = 1) -> PersonHistory:
    """The person's history as `user` may see it (page `page` of the meeting list)."""
    took_part = Meeting.id.in_(
        select(Participation.meeting_id).where(Participation.person_id == person.id)
    )
    meeting_ids = visible_meeting_ids_where(user, took_part)
    meetings = visible_meetings_page(user, took_part, page)
    roles = {
        meeting.id: [
            participation
            for participation in meeting.participations
            if participation.person_id == person.id
        ]
        for meeting in meetings.items
    }
    someone_else = or_(
        Participation.person_id.is_(None), Participation.person_id != person.id
    )
    return PersonHistory(
        person=person,
        stats=_single_stats(
            select(
                Participation.person_id.label("owner_id"),
                Participation.meeting_id.label("meeting_id"),
            ).where(Participation.person_id == person.id),
            person.id,
            user,
        ),
        meetings=meetings,
        roles=roles,
        topics=topics_discussed(meeting_ids),
        people_met=people_present(meeting_ids, someone_else),
        organizations_met=organizations_present(meeting_ids, someone_else),
        organizations_represented=organizations_present(
            meeting_ids, Participation.person_id == person.id
        ),
    )


def organization_history(
    organization: Organization, user, page: int = 1
) -> OrganizationHistory:
    """The organization's history as `user` may see it (page `page` of the meetings)."""
    took_part = Meeting.id.in_(
        select(Participation.meeting_id).where(
            Participation.organization_id == organization.id
        )
    )
    meeting_ids = visible_meeting_ids_where(user, took_part)
    meetings = visible_meetings_page(user, took_part, page)
    representatives = {
        meeting.id: [
            participation
            for participation in meeting.participations
            if participation.organization_id == organization.id
        ]
        for meeting in meetings.items
    }
    for_this_organization = Participation.organization_id == organization.id
    for_someone_else = or_(
        Participation.organization_id.is_(None),
        Participation.organization_id != organization.id,
    )
    members = db.session.scalars(
        select(Person)
        .where(Person.organization_id == organization.id)
        .order_by(func.lower(Person.display_name), Person.id)
    ).all()
    return OrganizationHistory(
        organization=organization,
        stats=_single_stats(
            select(
                Participation.organization_id.label("owner_id"),
                Participation.meeting_id.label("meeting_id"),
            ).where(for_this_organization),
            organization.id,
            user,
        ),
        meetings=meetings,
        representatives=representatives,
        members=list(members),
        topics=topics_discussed(meeting_ids),
        represented_by=people_present(meeting_ids, for_this_organization),
        people_met=people_present(meeting_ids, for_someone_else),
        organizations_met=organizations_present(
            meeting_ids, Organization.id != organization.id
        ),
    )
