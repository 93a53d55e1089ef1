"""What a person or an organization did: their meetings and everyone met there.

Only meetings the viewer may see are counted, listed or mined for names; a record
that appears only in hidden meetings has an empty history.
"""

from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from events_app.capped_pages import CappedPage, capped_page
from events_app.directory.lookup import search_clause
from events_app.directory.name_order import name_order
from events_app.extensions import db
from events_app.history import (
    MeetingIdsPage,
    ShownRecord,
    ShownRecords,
    first_rows,
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
    ListedRecords,
    MeetingStats,
    meeting_stats_by_owner,
)
from events_app.models import Meeting, Organization, Participation, Person
from events_app.models.directory import organization_label
from events_app.visibility import visible_people_for, visible_records_for

DEFAULT_PER_PAGE = 50
# An index counts its records up to this many (20 pages of 50), then pages on
# without a last page number: each record counted is a test against the
# visibility rule (20,000 people: 70 ms for "Page 1 of 400").
DIRECTORY_COUNTED_AT_MOST = 1_000


@dataclass(frozen=True)
class ParticipationLine:
    """One participation as a history page shows it, in plain values."""

    role: str
    attendance: str
    person: ShownRecord | None
    organization: ShownRecord | None


class Member(NamedTuple):
    """A person whose usual organization it is, as its page lists them."""

    id: int
    display_name: str
    title: str


@dataclass(frozen=True)
class PersonHistory:
    """A person's visible meetings (one page), roles and who and what they met."""

    stats: MeetingStats
    meetings: CappedPage  # of MeetingLine, newest first
    roles: dict[int, list[ParticipationLine]]  # meeting id -> this person's
    topics: ShownRecords  # of CountedRecord[ShownRecord], most frequent first
    people_met: ShownRecords
    organizations_met: ShownRecords
    organizations_represented: ShownRecords


@dataclass(frozen=True)
class OrganizationHistory:
    """An organization's visible meetings (one page), representatives and contacts."""

    stats: MeetingStats
    meetings: CappedPage  # of MeetingLine, newest first
    representatives: dict[int, list[ParticipationLine]]  # meeting id -> its own
    members: ShownRecords  # of Member, A–Z: the first ones, and how many in all
    topics: ShownRecords  # of CountedRecord[ShownRecord], most frequent first
    represented_by: ShownRecords
    people_met: ShownRecords
    organizations_met: ShownRecords


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


def _own_participations(
    record_id_column, record_id: int, meeting_ids
) -> dict[int, list[ParticipationLine]]:
    """The record's own participations in those meetings, by meeting id (one
    statement, in the meeting's order)."""
    rows = db.session.execute(
        select(
            Participation.meeting_id,
            Participation.role,
            Participation.attendance,
            Person.id,
            Person.display_name,
            Organization.id,
            Organization.name,
            Organization.short_name,
        )
        .outerjoin(Person, Person.id == Participation.person_id)
        .outerjoin(Organization, Organization.id == Participation.organization_id)
        .where(Participation.meeting_id.in_(meeting_ids), record_id_column == record_id)
        .order_by(Participation.meeting_id, Participation.position, Participation.id)
    )
    own: dict[int, list[ParticipationLine]] = {}
    for meeting_id, role, attendance, person_id, name, org_id, org_name, short in rows:
        own.setdefault(meeting_id, []).append(
            ParticipationLine(
                role=role,
                attendance=attendance,
                person=ShownRecord(person_id, name) if person_id else None,
                organization=(
                    ShownRecord(org_id, organization_label(org_name, short))
                    if org_id
                    else None
                ),
            )
        )
    return own


def _meetings_taken_part_in(
    record_id_column, record_id: int, found: MeetingIdsPage
) -> tuple[CappedPage, dict[int, list[ParticipationLine]]]:
    """The page of meetings `found` names, and the record's own participations
    in each (every meeting on it has one)."""
    own = _own_participations(record_id_column, record_id, found.meeting_ids)
    meetings = meeting_lines(found, topic_entries(found.meeting_ids))
    return meetings, {meeting.id: own.get(meeting.id, []) for meeting in meetings.items}


@dataclass(frozen=True)
class PersonFigures:
    """What a person's page counts over all their visible meetings (kept, see
    events_app/kept_figures.py): plain values only."""

    stats: MeetingStats
    topics: ShownRecords
    people_met: ShownRecords
    organizations_met: ShownRecords
    organizations_represented: ShownRecords


@dataclass(frozen=True)
class OrganizationFigures:
    """What an organization's page counts over all its visible meetings (kept):
    plain values only."""

    stats: MeetingStats
    members: ShownRecords  # of Member: the first ones, A–Z, and how many
    topics: ShownRecords
    represented_by: ShownRecords
    people_met: ShownRecords
    organizations_met: ShownRecords


def person_history(user, person_id: int, page: int = 1) -> PersonHistory | None:
    """The person's history as `user` may see it (page `page` of the meeting
    list); None if the user may not see the person."""
    kept = kept_history_page(
        "person",
        Person,
        person_id,
        user,
        page,
        lambda: _person_figures(person_id, user),
        lambda figures: _took_part(Participation.person_id, person_id),
    )
    if kept is None:
        return None
    figures = kept.figures
    meetings, roles = _meetings_taken_part_in(
        Participation.person_id, person_id, kept.meetings
    )
    return PersonHistory(
        stats=figures.stats,
        meetings=meetings,
        roles=roles,
        topics=figures.topics,
        people_met=figures.people_met,
        organizations_met=figures.organizations_met,
        organizations_represented=figures.organizations_represented,
    )


def _person_figures(person_id: int, user) -> PersonFigures:
    stats = _single_stats(Participation.person_id, person_id, user)
    meeting_ids = _visible_meeting_ids_with(user, Participation.person_id, person_id)
    someone_else = or_(
        Participation.person_id.is_(None), Participation.person_id != person_id
    )
    return PersonFigures(
        stats=stats,
        topics=shown_counts(topics_discussed(meeting_ids)),
        people_met=shown_counts(people_present(meeting_ids, someone_else)),
        organizations_met=shown_counts(
            organizations_present(meeting_ids, someone_else)
        ),
        organizations_represented=shown_counts(
            organizations_present(meeting_ids, Participation.person_id == person_id)
        ),
    )


def organization_history(
    user, organization_id: int, page: int = 1
) -> OrganizationHistory | None:
    """The organization's history as `user` may see it (page `page` of the
    meetings); None if the user may not see the organization."""
    kept = kept_history_page(
        "organization",
        Organization,
        organization_id,
        user,
        page,
        lambda: _organization_figures(organization_id, user),
        lambda figures: _took_part(Participation.organization_id, organization_id),
    )
    if kept is None:
        return None
    figures = kept.figures
    meetings, representatives = _meetings_taken_part_in(
        Participation.organization_id, organization_id, kept.meetings
    )
    return OrganizationHistory(
        stats=figures.stats,
        meetings=meetings,
        representatives=representatives,
        members=figures.members,
        topics=figures.topics,
        represented_by=figures.represented_by,
        people_met=figures.people_met,
        organizations_met=figures.organizations_met,
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
        .with_only_columns(Person.id, Person.display_name, Person.title)
    )
    return OrganizationFigures(
        stats=stats,
        members=ShownRecords([Member(*row) for row in members], members.total),
        topics=shown_counts(topics_discussed(meeting_ids)),
        represented_by=shown_counts(
            people_present(
                meeting_ids, Participation.organization_id == organization_id
            )
        ),
        people_met=shown_counts(people_present(meeting_ids, for_someone_else)),
        organizations_met=shown_counts(
            organizations_present(
                meeting_ids, Participation.organization_id != organization_id
            )
        ),
    )
