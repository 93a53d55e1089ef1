"""What a person or an organization did: their meetings and everyone met there.

Only meetings the viewer may see are counted, listed or mined for names; a record
that appears only in hidden meetings has an empty history.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from events_app.capped_pages import capped_page
from events_app.directory.lookup import search_clause
from events_app.history import (
    CountedRecord,
    ShownRecords,
    first_rows,
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
from events_app.visibility import visible_people_for, visible_records_for

DEFAULT_PER_PAGE = 50
# An index counts its records up to this many (20 pages of 50), then pages on
# without a last page number: each record counted is a test against the
# visibility rule (20,000 people: 70 ms for "Page 1 of 400").
DIRECTORY_COUNTED_AT_MOST = 1_000


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
    members: ShownRecords  # of Person, A–Z: the first ones, and how many in all
    topics: list[CountedRecord[Topic]]
    represented_by: list[CountedRecord[Person]]
    people_met: list[CountedRecord[Person]]
    organizations_met: list[CountedRecord[Organization]]


def _per_page() -> int:
    return current_app.config.get("DIRECTORY_PER_PAGE", DEFAULT_PER_PAGE)


def participation_pairs(record_id_column, condition) -> Select:
    """(owner_id, meeting_id) of participations meeting `condition`, for statistics.

    `record_id_column` is Participation.person_id or Participation.organization_id.
    """
    return select(
        record_id_column.label("owner_id"),
        Participation.meeting_id.label("meeting_id"),
    ).where(condition)


# What an index of each record type is sorted by, how it takes part in meetings,
# and what its rows show besides (loaded with the page, not once per row).
LISTED_BY = {
    Person: (Person.display_name, Participation.person_id, [Person.organization]),
    Organization: (Organization.name, Participation.organization_id, []),
}


def directory_listing(model, user, text: str, page: int) -> ListedRecords:
    """One A–Z page of the people or organizations the user may see matching `text`.

    Each comes with its statistics over the meetings the user may see.
    """
    name_column, record_id_column, shown_with = LISTED_BY[model]
    visible = visible_records_for(user, model)
    query = (
        visible.where(search_clause(model, name_column, text, among=visible))
        .order_by(func.lower(name_column), model.id)
        .options(*(selectinload(related) for related in shown_with))
    )
    pagination = capped_page(
        query, page, _per_page(), counted_at_most=DIRECTORY_COUNTED_AT_MOST
    )
    ids = [record.id for record in pagination.items]
    stats = meeting_stats_by_owner(
        participation_pairs(record_id_column, record_id_column.in_(ids)), user
    )
    return ListedRecords(pagination=pagination, stats=stats)


def people_listing(user, text: str, page: int) -> ListedRecords:
    """One alphabetical page of the people the user may see matching `text`."""
    return directory_listing(Person, user, text, page)


def organizations_listing(user, text: str, page: int) -> ListedRecords:
    """One A–Z page of the organizations the user may see matching `text`."""
    return directory_listing(Organization, user, text, page)


def _single_stats(record_id_column, record_id: int, user) -> MeetingStats:
    pairs = participation_pairs(record_id_column, record_id_column == record_id)
    return meeting_stats_by_owner(pairs, user).get(record_id, NO_MEETINGS)


def _meetings_taken_part_in(
    user, record_id_column, record_id: int, page: int, stats: MeetingStats
):
    """The visible meetings with a participation of the record.

    Returns a select of their ids, one page of them (newest first, counted by
    the record's `stats`), and for each meeting on the page the record's own
    participations in it.
    """
    took_part = Meeting.id.in_(
        select(Participation.meeting_id).where(record_id_column == record_id)
    )
    meetings = visible_meetings_page(user, took_part, page, total=stats.meeting_count)
    own_participations = {
        meeting.id: [
            participation
            for participation in meeting.participations
            if getattr(participation, record_id_column.key) == record_id
        ]
        for meeting in meetings.items
    }
    return visible_meeting_ids_where(user, took_part), meetings, own_participations


def person_history(person: Person, user, page: int = 1) -> PersonHistory:
    """The person's history as `user` may see it (page `page` of the meeting list)."""
    stats = _single_stats(Participation.person_id, person.id, user)
    meeting_ids, meetings, roles = _meetings_taken_part_in(
        user, Participation.person_id, person.id, page, stats
    )
    someone_else = or_(
        Participation.person_id.is_(None), Participation.person_id != person.id
    )
    return PersonHistory(
        person=person,
        stats=stats,
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
    stats = _single_stats(Participation.organization_id, organization.id, user)
    meeting_ids, meetings, representatives = _meetings_taken_part_in(
        user, Participation.organization_id, organization.id, page, stats
    )
    for_this_organization = Participation.organization_id == organization.id
    for_someone_else = or_(
        Participation.organization_id.is_(None),
        Participation.organization_id != organization.id,
    )
    members = first_rows(
        visible_people_for(user)
        .where(Person.organization_id == organization.id)
        .order_by(func.lower(Person.display_name), Person.id)
    )
    return OrganizationHistory(
        organization=organization,
        stats=stats,
        meetings=meetings,
        representatives=representatives,
        members=ShownRecords([person for (person,) in members], members.total),
        topics=topics_discussed(meeting_ids),
        represented_by=people_present(meeting_ids, for_this_organization),
        people_met=people_present(meeting_ids, for_someone_else),
        organizations_met=organizations_present(
            meeting_ids, Participation.organization_id != organization.id
        ),
    )
