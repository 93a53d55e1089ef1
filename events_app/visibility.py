"""The one rule for which meetings, and which directory records, a viewer may see.

Every page, count, filter, feed, download and export starts from
`visible_meetings_for(user)`; a meeting outside it answers 404 exactly like one
that does not exist, so its existence is never confirmed.

People, organizations and topics follow from it: a record is visible when it
appears in a meeting the viewer may see (see `visible_people_for` and its
siblings). A name that appears only in a restricted meeting is as secret as the
meeting itself.

Signed-in users also see records that appear in no meeting (fresh directory
entries), except those marked `restricted`: records created from a restricted
meeting, including the parent topics of its topic paths. The mark is what keeps
them secret once no meeting hides them any more (the meeting was purged, or
edited to drop them): nothing but an editor who sees the record clearing the
mark on its edit form can declassify it. A marked record is seen only where it
appears in a meeting the user may see (for a topic, also as a parent on the
path of a restricted meeting's topic), never as the parent of another topic or
the usual organization of a person; events_app/restricted_marks.py keeps it
from being linked anywhere less secret.
"""

from flask import abort
from sqlalchemy import Select, and_, exists, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from events_app.extensions import db
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    Topic,
)
from events_app.models.access import (
    group_member,
    meeting_access_group,
    meeting_access_user,
)
from events_app.models.choices import Confidentiality
from events_app.topic_tree import subtree_closure
from events_app.transaction_memo import remembered_for_transaction


def visible_confidentialities_for(user) -> list[str] | None:
    """Confidentiality levels the user may read; None means all of them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return [Confidentiality.PUBLIC.value]
    if getattr(user, "is_admin", False):
        return None
    return [Confidentiality.PUBLIC.value, Confidentiality.INTERNAL.value]


def meeting_visibility_clause(user) -> ColumnElement[bool]:
    """SQL condition on Meeting that is true exactly for meetings the user may see."""
    return and_(Meeting.deleted_at.is_(None), readable_meeting_clause(user))


def readable_meeting_clause(user) -> ColumnElement[bool]:
    """The confidentiality part of the rule alone, trash or not."""
    levels = visible_confidentialities_for(user)
    if levels is None:
        return true()
    readable = Meeting.confidentiality.in_(levels)
    if _is_signed_in(user) and getattr(user, "id", None) is not None:
        readable = or_(readable, on_access_list(user))
    return readable


def on_access_list(user) -> ColumnElement[bool]:
    """A restricted meeting whose access list names the user or one of their groups."""
    named = exists().where(
        meeting_access_user.c.meeting_id == Meeting.id,
        meeting_access_user.c.user_id == user.id,
    )
    through_group = exists().where(
        meeting_access_group.c.meeting_id == Meeting.id,
        meeting_access_group.c.group_id == group_member.c.group_id,
        group_member.c.user_id == user.id,
    )
    return and_(
        Meeting.confidentiality == Confidentiality.RESTRICTED.value,
        or_(named, through_group),
    )


def visibility_key_for(user) -> str:
    """Everything about the user that the rule above reads, as one string.

    Equal keys (with equal data) mean the user sees the same meetings, so feed
    validators include it: a changed role, active state or group membership
    makes a cached feed stale. Access lists are meeting data, counted by the
    data version.
    """
    if not _is_signed_in(user):
        return "anonymous"
    group_ids = remembered_for_transaction(
        ("group_ids", user.id),
        lambda: db.session.scalars(
            select(group_member.c.group_id)
            .where(group_member.c.user_id == user.id)
            .order_by(group_member.c.group_id)
        ).all(),
    )
    return "|".join(
        [
            f"user:{user.id}",
            f"role:{user.role}",
            f"active:{bool(user.active)}",
            "groups:" + ",".join(map(str, group_ids)),
        ]
    )


def visible_meetings_for(user) -> Select[tuple[Meeting]]:
    """A select of the meetings the user may see, to be filtered and ordered further."""
    return select(Meeting).where(meeting_visibility_clause(user))


def visible_meeting_or_404(user, meeting_id: int) -> Meeting:
    """The meeting if the user may see it; 404 whether it is hidden or missing."""
    return visible_record_or_404(user, Meeting, meeting_id)


def may_see_revision(user, revision) -> bool:
    """Whether the user could see the meeting as this revision saved it.

    A revision is judged by its own confidentiality and access list, not the
    meeting's today: a meeting once restricted, then opened up, keeps its old
    participants, notes and access list as secret as they were. (Callers check
    first that the user may see the meeting now.) The access list is read by
    the user and group ids saved with the revision, never by the e-mail
    addresses and group names in its snapshot: a group renamed, and another
    given its old name, must not open the revision to the newcomers.
    """
    levels = visible_confidentialities_for(user)
    level = (revision.snapshot or {}).get("confidentiality")
    if levels is None or level in levels:
        return True
    if level != Confidentiality.RESTRICTED.value or not _is_signed_in(user):
        return False
    listed = revision.access_ids or {}
    if user.id in (listed.get("users") or []):
        return True
    listed_groups = listed.get("groups") or []
    return (
        bool(listed_groups)
        and db.session.scalar(
            select(group_member.c.group_id)
            .where(
                group_member.c.user_id == user.id,
                group_member.c.group_id.in_(listed_groups),
            )
            .limit(1)
        )
        is not None
    )


def trashed_meeting_readable_by(user, meeting_id: int) -> Meeting | None:
    """A meeting in the trash that the user could see were it not there.

    Lets an editor whose meeting was trashed while they edited it be told so;
    for anyone else the trash stays as invisible as a missing meeting.
    """
    return db.session.scalar(
        select(Meeting).where(
            Meeting.id == meeting_id,
            Meeting.deleted_at.is_not(None),
            readable_meeting_clause(user),
        )
    )


# How each kind of directory record is tied to meetings: columns of rows that
# carry a meeting_id and point at the record.
PERSON_LINKS = (Participation.person_id, Outcome.owner_person_id)
ORGANIZATION_LINKS = (Participation.organization_id, Outcome.owner_organization_id)
TOPIC_LINKS = (MeetingTopic.topic_id,)


def _is_signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _linked_to_meetings(
    model, links: tuple[InstrumentedAttribute, ...], meeting_condition=None
) -> ColumnElement[bool]:
    """True for a `model` row that a link row ties to a meeting.

    With `meeting_condition`, only meetings meeting it count. Each test is an
    EXISTS correlated to `model` alone, so the clause can be combined with any
    outer query (even one that itself selects meetings).

    The meeting is tested in an EXISTS of its own, inside the link's: written
    as one join, SQLite read "not in the trash" as selective (its statistics
    average over the trash dates) and walked every meeting for each record,
    looking for one linked to it (545 ms for the 330 topics of 100,000
    meetings, 0.4 ms this way: the links of a record, then each meeting by id).
    """
    conditions = []
    for link_column in links:
        link_model = link_column.class_
        criteria = [link_column == model.id]
        if meeting_condition is not None:
            meeting_of_link = (
                exists()
                .where(Meeting.id == link_model.meeting_id, meeting_condition)
                .correlate(link_model)
            )
            criteria.append(meeting_of_link)
        conditions.append(exists().where(*criteria).correlate(model))
    return or_(*conditions)


def _seen_in_meetings_clause(
    user, model, links: tuple[InstrumentedAttribute, ...]
) -> ColumnElement[bool]:
    """In a meeting the user may see, or (signed in) in no meeting and not restricted.

    Unmarked records in no meeting are fresh directory entries that editors
    created; they reveal nothing about any meeting, but stay out of public view.
    """
    in_visible_meeting = _linked_to_meetings(
        model, links, meeting_visibility_clause(user)
    )
    if not _is_signed_in(user):
        return in_visible_meeting
    free_entry = and_(~model.restricted, ~_linked_to_meetings(model, links))
    return or_(in_visible_meeting, free_entry)


def visible_people_for(user) -> Select[tuple[Person]]:
    """A select of the people the user may see.

    Admins see everyone; others see people who took part in, or own an outcome
    of, a meeting they may see (and, when signed in, people in no meeting).
    """
    if visible_confidentialities_for(user) is None:
        return select(Person)
    return select(Person).where(_seen_in_meetings_clause(user, Person, PERSON_LINKS))


def visible_organizations_for(user) -> Select[tuple[Organization]]:
    """A select of the organizations the user may see.

    Like people, plus the usual organization of every visible person, so a
    person's page never names an organization that answers 404. That extra step
    goes one level only: it uses the people rule, never the organization rule;
    and it never reveals a marked organization (only a marked person may have
    one as theirs, see events_app/restricted_marks.py).
    """
    if visible_confidentialities_for(user) is None:
        return select(Organization)
    usual_organization_of_visible_person = (
        exists()
        .where(
            Person.organization_id == Organization.id,
            ~Organization.restricted,
            _seen_in_meetings_clause(user, Person, PERSON_LINKS),
        )
        .correlate(Organization)
    )
    return select(Organization).where(
        or_(
            _seen_in_meetings_clause(user, Organization, ORGANIZATION_LINKS),
            usual_organization_of_visible_person,
        )
    )


def visible_topic_ids_for(user) -> set[int] | None:
    """Ids of the topics the user may see; None means every topic.

    A topic is visible when it is on the agenda of a meeting the user may see
    (or, when signed in, of no meeting), and so are its ancestors, so that topic
    paths name visible topics. A marked ancestor is visible only as the parent
    on the path of a topic of a restricted meeting the user may see (whose page
    shows that path): never because of a free topic or one of a meeting that is
    not restricted. Topics are few: the ancestors are found by walking
    (id, parent_id) pairs loaded in one query.

    Always two statements: the topics seen, then which of the topics below a
    marked ancestor are on the agenda of a restricted meeting the user may see
    (usually none are below one, and the second statement asks about no topic).
    """
    if visible_confidentialities_for(user) is None:
        return None
    # Kept per data version and visibility key (so never stale, nor another
    # user's): pages ask several times, and the answer changes with the data.
    from events_app.kept_figures import kept_figure

    return set(
        kept_figure(
            "visible_topic_ids", None, user, lambda: frozenset(_visible_topic_ids(user))
        )
    )


def _visible_topic_ids(user) -> set[int]:
    """`visible_topic_ids_for`, computed (for a user who does not see everything)."""
    rows = db.session.execute(
        select(
            Topic.id,
            Topic.parent_id,
            Topic.restricted,
            _topic_seen_clause(user, meeting_visibility_clause(user)),
        )
    ).all()
    parent_of = {topic_id: parent_id for topic_id, parent_id, *_ in rows}
    marked = {topic_id for topic_id, _, is_marked, _ in rows if is_marked}
    seen = {topic_id for topic_id, _, _, is_seen in rows if is_seen}
    hidden_marked = marked - seen
    below_hidden_marked = {
        topic_id
        for topic_id in seen
        if _has_ancestor_among(topic_id, hidden_marked, parent_of)
    }
    in_restricted_meeting = set(
        db.session.scalars(
            select(Topic.id).where(
                Topic.id.in_(sorted(below_hidden_marked)),
                _topic_seen_clause(
                    user,
                    and_(
                        Meeting.confidentiality == Confidentiality.RESTRICTED.value,
                        meeting_visibility_clause(user),
                    ),
                    free_entries=False,
                ),
            )
        )
    )
    visible: set[int] = set()
    # Paths of restricted meetings' topics first, marked ancestors included;
    # then every other seen topic's path, up to its first hidden marked topic.
    # A walk stops at a topic already visible: its ancestors were walked (and a
    # cycle in bad data cannot loop forever).
    for through_marked in (True, False):
        for topic_id in seen:
            if (topic_id in in_restricted_meeting) != through_marked:
                continue
            while topic_id is not None and topic_id not in visible:
                if topic_id in hidden_marked and not through_marked:
                    break
                visible.add(topic_id)
                topic_id = parent_of.get(topic_id)
    return visible


def visible_subtree_ids(user, topic_id: int) -> list[int]:
    """A topic's id and its sub-topics', as the user may see them; [] if hidden.

    What a filter by a topic (with its sub-topics) reads. A topic the user may
    not see selects nothing, exactly like a missing one: listing the meetings of
    its visible sub-topics would confirm that it exists and which topics lie
    under it. The walk down goes through visible topics only, for the same
    reason (a visible topic below a hidden marked one is not told to be under
    the visible topic above that).
    """
    visible = visible_topic_ids_for(user)
    if visible is not None and topic_id not in visible:
        return []
    closure = subtree_closure([topic_id])
    rows = db.session.execute(
        select(Topic.id, Topic.parent_id).where(
            Topic.id.in_(select(closure.c.descendant_id))
        )
    ).all()
    if visible is None:
        return sorted(row_id for row_id, _ in rows)
    children: dict[int, list[int]] = {}
    for row_id, parent_id in rows:
        children.setdefault(parent_id, []).append(row_id)
    reached = {topic_id}
    waiting = [topic_id]
    while waiting:
        for child_id in children.get(waiting.pop(), ()):
            if child_id in visible and child_id not in reached:
                reached.add(child_id)
                waiting.append(child_id)
    return sorted(reached)


def topics_seen_by(user) -> Select[tuple[Topic]]:
    """A select of the topics the user may see in their own right: on the agenda of
    a meeting the user may see or, when signed in, free directory entries (see
    `visible_topic_ids_for`, whose `seen` topics these are).

    All of them are visible topics; left out are topics visible only as a
    parent on the path of another. Each topic is tested on its own (an EXISTS),
    so this suits a few candidates (search offers), where `visible_topic_ids_for`
    reads the agenda of every topic.
    """
    if visible_confidentialities_for(user) is None:
        return select(Topic)
    return select(Topic).where(_seen_in_meetings_clause(user, Topic, TOPIC_LINKS))


def _topic_seen_clause(
    user, meeting_condition: ColumnElement[bool], free_entries: bool = True
) -> ColumnElement[bool]:
    """True for a Topic on the agenda of a meeting meeting `meeting_condition`.

    With `free_entries`, a signed-in user also sees an unmarked topic of no
    meeting (as `_seen_in_meetings_clause` says). The meeting test is an EXISTS
    nested in the one over the topic's agenda rows, so every database walks a
    topic's own rows by its index and stops at the first meeting that counts
    (a flat join let SQLite scan every meeting per topic: 0.6 s at 100,000).
    """
    meeting_counts = (
        exists()
        .where(Meeting.id == MeetingTopic.meeting_id, meeting_condition)
        .correlate(MeetingTopic)
    )
    on_agenda = (
        exists()
        .where(MeetingTopic.topic_id == Topic.id, meeting_counts)
        .correlate(Topic)
    )
    if not free_entries or not _is_signed_in(user):
        return on_agenda
    free_entry = and_(~Topic.restricted, ~_linked_to_meetings(Topic, TOPIC_LINKS))
    return or_(on_agenda, free_entry)


def _has_ancestor_among(topic_id: int, ancestors: set[int], parent_of: dict) -> bool:
    """Whether a topic's path goes through one of `ancestors` (cycle-safe)."""
    walked: set[int] = set()
    parent_id = parent_of.get(topic_id)
    while parent_id is not None and parent_id not in walked:
        if parent_id in ancestors:
            return True
        walked.add(parent_id)
        parent_id = parent_of.get(parent_id)
    return False


def visible_topics_for(user) -> Select[tuple[Topic]]:
    """A select of the topics the user may see (see `visible_topic_ids_for`)."""
    return topics_among(visible_topic_ids_for(user))


def topics_among(topic_ids: set[int] | None) -> Select[tuple[Topic]]:
    """A select of the topics with these ids (None: every topic)."""
    if topic_ids is None:
        return select(Topic)
    return select(Topic).where(Topic.id.in_(sorted(topic_ids)))


VISIBLE_RECORDS = {
    Meeting: visible_meetings_for,
    Person: visible_people_for,
    Organization: visible_organizations_for,
    Topic: visible_topics_for,
}


def visible_records_for(user, model) -> Select:
    """A select of the meetings, people, organizations or topics the user may see."""
    return VISIBLE_RECORDS[model](user)


def visible_record_or_404(user, model, record_id: int):
    """The record of `model` with this id if the user may see it; 404 otherwise.

    A hidden record and a missing one answer alike, so an id never confirms that
    something exists.
    """
    record = db.session.scalar(
        visible_records_for(user, model).where(model.id == record_id)
    )
    if record is None:
        abort(404)
    return record


def is_visible_to(user, record) -> bool:
    """Whether the user may see this meeting, person, organization or topic."""
    return sees_record_id(user, type(record), record.id)


def sees_record_id(user, model, record_id: int) -> bool:
    """Whether the user may see the record of `model` with this id (one statement).

    A filter naming a record by id selects nothing unless this holds: what a
    filter reaches through (a person's usual organization, a topic's
    sub-topics) may reach beyond the meetings the user sees, and must not tell
    a hidden record from a missing one.

    Kept per data version and visibility key (see events_app/kept_figures.py):
    the statement is cheap to run but not to plan, with the rule's every door
    in it (2 to 5 ms on PostgreSQL for a person or organization), and a
    filtered page asks about its record on every view.
    """
    from events_app.kept_figures import kept_figure

    def sees() -> bool:
        return (
            db.session.scalar(
                visible_records_for(user, model)
                .where(model.id == record_id)
                .with_only_columns(model.id)
            )
            is not None
        )

    return kept_figure("sees_record_id", (model.__name__, record_id), user, sees)


class Operator:
    """The person at the command line: they hold the database, so see everything."""

    is_authenticated = True
    is_admin = True


OPERATOR = Operator()
