"""What a person or an organization did: their meetings and everyone met there.

Only meetings the viewer may see are counted, listed or mined for names; a record
that appears only in hidden meetings has an empty history.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

import events_app.history
from events_app.capped_pages import CappedPage, capped_page
from events_app.directory.lookup import search_clause
from events_app.directory.name_order import name_order
from events_app.extensions import db
from events_app.history import (
    CountedIds,
    CountedRecord,
    ShownRecords,
    first_rows,
    organizations_present,
    people_present,
    topics_discussed,
    visible_meeting_ids_where,
    visible_meetings_page,
)
from events_app.kept_figures import kept_figure
from events_app.meeting_stats import (
    NO_MEETINGS,
    ListedRecords,
    MeetingStats,
    meeting_stats_by_owner,
)
from events_app.models import Meeting, Organization, Participation, Person, Topic
from events_app.topic_tree import preload_ancestors
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


@dataclass(frozen=True)
class DirectoryPageFigures:
    """What an index page finds with the visibility rule (kept, see
    events_app/kept_figures.py): plain values only."""

    record_ids: tuple[int, ...]  # the page's records, in order
    total: int  # how many match, up to DIRECTORY_COUNTED_AT_MOST + 1
    has_next: bool
    stats: dict[int, MeetingStats]


def directory_listing(model, user, text: str, page: int) -> ListedRecords:
    """One A–Z page of the people or organizations the user may see matching `text`.

    Each comes with its statistics over the meetings the user may see. Which
    records are on the page, how many match and their statistics are kept, as
    the topic index's are: finding them tests every record counted and every
    meeting of the page's records against the visibility rule (6,000 meetings
    for a page of organizations), while a kept page only loads its records.
    """
    name_column, record_id_column, shown_with = LISTED_BY[model]
    per_page = _per_page()

    def page_figures() -> DirectoryPageFigures:
        visible = visible_records_for(user, model)
        query = (
            visible.where(search_clause(model, name_column, text, among=visible))
            .order_by(*name_order(model))
            .with_only_columns(model.id)
        )
        found = capped_page(
            query, page, per_page, counted_at_most=DIRECTORY_COUNTED_AT_MOST
        )
        ids = list(found.items)
        return DirectoryPageFigures(
            record_ids=tuple(ids),
            total=found.total,
            has_next=found.has_next,
            stats=meeting_stats_by_owner(
                participation_pairs(record_id_column, record_id_column.in_(ids)), user
            ),
        )

    figures = kept_figure(
        "directory_page",
        # The cap is read now: tests lower it.
        (model.__name__, text, page, per_page, DIRECTORY_COUNTED_AT_MOST),
        user,
        page_figures,
        changes_when_meetings_begin=True,
    )
    loaded = {
        record.id: record
        for record in db.session.scalars(
            select(model)
            .where(model.id.in_(figures.record_ids))
            .options(*(selectinload(related) for related in shown_with))
        )
    }
    pagination = CappedPage(
        items=[loaded[record_id] for record_id in figures.record_ids],
        page=max(page, 1),
        per_page=per_page,
        total=figures.total,
        has_next=figures.has_next,
        counted_at_most=DIRECTORY_COUNTED_AT_MOST,
    )
    return ListedRecords(pagination=pagination, stats=figures.stats)


def people_listing(user, text: str, page: int) -> ListedRecords:
    """One alphabetical page of the people the user may see matching `text`."""
    return directory_listing(Person, user, text, page)


def organizations_listing(user, text: str, page: int) -> ListedRecords:
    """One A–Z page of the organizations the user may see matching `text`."""
    return directory_listing(Organization, user, text, page)


def _single_stats(record_id_column, record_id: int, user) -> MeetingStats:
    pairs = participation_pairs(record_id_column, record_id_column == record_id)
    return meeting_stats_by_owner(pairs, user).get(record_id, NO_MEETINGS)


def _took_part(record_id_column, record_id: int) -> ColumnElement[bool]:
    return Meeting.id.in_(
        select(Participation.meeting_id).where(record_id_column == record_id)
    )


def _visible_meeting_ids_with(user, record_id_column, record_id: int) -> Select:
    """Ids of the visible meetings with a participation of the record."""
    return visible_meeting_ids_where(user, _took_part(record_id_column, record_id))


def _meetings_taken_part_in(
    user, record_id_column, record_id: int, page: int, stats: MeetingStats
):
    """One page of the visible meetings with a participation of the record.

    Returns the page (newest first, counted by the record's `stats`) and for
    each meeting on it the record's own participations in it.
    """
    took_part = _took_part(record_id_column, record_id)
    meetings = visible_meetings_page(
        user,
        took_part,
        page,
        total=stats.meeting_count,
        kept_as=(record_id_column.key, record_id),
    )
    own_participations = {
        meeting.id: [
            participation
            for participation in meeting.participations
            if getattr(participation, record_id_column.key) == record_id
        ]
        for meeting in meetings.items
    }
    return meetings, own_participations


def _topics_with_paths(topics: CountedIds) -> ShownRecords:
    """The kept topic list with its topics loaded, their paths too."""
    loaded = topics.records(Topic)
    preload_ancestors(item.record.id for item in loaded)
    return loaded


@dataclass(frozen=True)
class PersonFigures:
    """What a person's page counts over all their visible meetings (kept, see
    events_app/kept_figures.py): plain values only."""

    stats: MeetingStats
    topics: CountedIds
    people_met: CountedIds
    organizations_met: CountedIds
    organizations_represented: CountedIds


@dataclass(frozen=True)
class OrganizationFigures:
    """What an organization's page counts over all its visible meetings (kept):
    plain values only."""

    stats: MeetingStats
    member_ids: tuple[int, ...]  # the first people whose usual organization it is, A–Z
    member_total: int
    topics: CountedIds
    represented_by: CountedIds
    people_met: CountedIds
    organizations_met: CountedIds


def person_history(person: Person, user, page: int = 1) -> PersonHistory:
    """The person's history as `user` may see it (page `page` of the meeting list)."""
    figures = kept_figure(
        "person_figures",
        # The list length is read now: tests shorten it.
        (person.id, events_app.history.COUNTED_SHOWN),
        user,
        lambda: _person_figures(person.id, user),
        changes_when_meetings_begin=True,
    )
    meetings, roles = _meetings_taken_part_in(
        user, Participation.person_id, person.id, page, figures.stats
    )
    return PersonHistory(
        person=person,
        stats=figures.stats,
        meetings=meetings,
        roles=roles,
        topics=_topics_with_paths(figures.topics),
        people_met=figures.people_met.records(Person),
        organizations_met=figures.organizations_met.records(Organization),
        organizations_represented=figures.organizations_represented.records(
            Organization
        ),
    )


def _person_figures(person_id: int, user) -> PersonFigures:
    stats = _single_stats(Participation.person_id, person_id, user)
    meeting_ids = _visible_meeting_ids_with(user, Participation.person_id, person_id)
    someone_else = or_(
        Participation.person_id.is_(None), Participation.person_id != person_id
    )
    return PersonFigures(
        stats=stats,
        topics=CountedIds.of(topics_discussed(meeting_ids)),
        people_met=CountedIds.of(people_present(meeting_ids, someone_else)),
        organizations_met=CountedIds.of(
            organizations_present(meeting_ids, someone_else)
        ),
        organizations_represented=CountedIds.of(
            organizations_present(meeting_ids, Participation.person_id == person_id)
        ),
    )


def organization_history(
    organization: Organization, user, page: int = 1
) -> OrganizationHistory:
    """The organization's history as `user` may see it (page `page` of the meetings)."""
    figures = kept_figure(
        "organization_figures",
        # The list length is read now: tests shorten it.
        (organization.id, events_app.history.COUNTED_SHOWN),
        user,
        lambda: _organization_figures(organization.id, user),
        changes_when_meetings_begin=True,
    )
    meetings, representatives = _meetings_taken_part_in(
        user, Participation.organization_id, organization.id, page, figures.stats
    )
    loaded = {
        person.id: person
        for person in db.session.scalars(
            select(Person).where(Person.id.in_(figures.member_ids))
        )
    }
    return OrganizationHistory(
        organization=organization,
        stats=figures.stats,
        meetings=meetings,
        representatives=representatives,
        members=ShownRecords(
            [loaded[person_id] for person_id in figures.member_ids],
            figures.member_total,
        ),
        topics=_topics_with_paths(figures.topics),
        represented_by=figures.represented_by.records(Person),
        people_met=figures.people_met.records(Person),
        organizations_met=figures.organizations_met.records(Organization),
    )


def _organization_figures(organization_id: int, user) -> OrganizationFigures:
    stats = _single_stats(Participation.organization_id, organization_id, user)
    meeting_ids = _visible_meeting_ids_with(
        user, Participation.organization_id, organization_id
    )
    for_someone_else = or_(
        Participation.organization_id.is_(None),
        Participation.organization_id != organization_id,
    )
    # Members are tested against the people rule one by one: the busiest
    # organization's took 7 ms on every view before they were kept.
    members = first_rows(
        visible_people_for(user)
        .where(Person.organization_id == organization_id)
        .order_by(*name_order(Person))
        .with_only_columns(Person.id)
    )
    return OrganizationFigures(
        stats=stats,
        member_ids=tuple(person_id for (person_id,) in members),
        member_total=members.total,
        topics=CountedIds.of(topics_discussed(meeting_ids)),
        represented_by=CountedIds.of(
            people_present(
                meeting_ids, Participation.organization_id == organization_id
            )
        ),
        people_met=CountedIds.of(people_present(meeting_ids, for_someone_else)),
        organizations_met=CountedIds.of(
            organizations_present(
                meeting_ids, Participation.organization_id != organization_id
            )
        ),
    )
