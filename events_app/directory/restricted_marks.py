"""Where a record marked restricted may be linked.

A person, organization or topic marked `restricted` is shown only to those who
may see a meeting it appears in (see events_app/visibility.py). Every link to
it must therefore be one that only such people see. A marked record may be:

- a participant, organization, topic (or a parent on its path) or outcome
  owner of a restricted meeting;
- the parent of a marked topic;
- the usual organization of a marked person.

Anywhere else (a meeting that is not restricted, a free topic's parent, a free
person's usual organization) the save is refused, on every door: the meeting,
person and topic forms, revision restore, JSON and .ics import. Otherwise an
editor who may see the record could show it to everyone without clearing its
mark.

Giving a record the mark obeys the same rule (`marking_refusal`): a topic
with a free sub-topic or on the agenda of a meeting that is not restricted
stays free (the topic form and the JSON import); the JSON import also leaves
free a person or organization that such a meeting shows, or an organization
that is the usual one of a free person. An import never clears a mark.
"""

from flask_babel import gettext as _
from sqlalchemy import exists, select

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
from events_app.models.choices import Confidentiality


class MarkedRecordLinked(ValueError):
    """A save would link a marked record where others may see it; nothing was kept.

    `problems` holds (form field name, message) pairs.
    """

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def marked_on_path(topic: Topic) -> Topic | None:
    """The topic or its nearest ancestor that is marked, or None."""
    seen = set()
    while topic is not None and topic.id not in seen:
        if topic.restricted:
            return topic
        seen.add(topic.id)
        topic = topic.parent
    return None


def topic_marking_refusal(topic: Topic) -> str | None:
    """Why this topic may not be given the mark now, or None.

    Marked, it would be hidden from most users while a free sub-topic or a
    meeting that is not restricted (trash included) still shows its name
    (as the parent on a path, in pages, feeds and exports): mark the sub-topics
    first, or make those meetings restricted. Nothing here names a sub-topic
    or a meeting, which may be hidden from the editor.
    """
    free_child = db.session.scalar(
        select(exists().where(Topic.parent_id == topic.id, Topic.restricted.is_(False)))
    )
    in_open_meeting = db.session.scalar(
        select(
            exists().where(
                MeetingTopic.topic_id == topic.id,
                Meeting.id == MeetingTopic.meeting_id,
                Meeting.confidentiality != Confidentiality.RESTRICTED.value,
            )
        )
    )
    if free_child:
        return _(
            "A sub-topic of this topic is not marked restricted, and would still "
            "show this topic's name: mark its sub-topics first."
        )
    if in_open_meeting:
        return _(
            "This topic is on the agenda of a meeting that is not restricted: "
            "make that meeting restricted or remove the topic from it first."
        )
    return None


def marking_refusal(record) -> str | None:
    """Why `record` (a person, organization or topic) may not be marked now, or None.

    A person or organization that a meeting which is not restricted shows (as a
    participant, a participant's organization or an outcome owner; trash
    included), or an organization that is the usual one of a free person,
    would stay named there once marked. Nothing here names that meeting or
    person, which may be hidden from whoever asks.
    """
    if isinstance(record, Topic):
        return topic_marking_refusal(record)
    if isinstance(record, Person):
        links = (Participation.person_id, Outcome.owner_person_id)
    else:
        links = (Participation.organization_id, Outcome.owner_organization_id)
    open_meeting = Meeting.confidentiality != Confidentiality.RESTRICTED.value
    in_open_meeting = db.session.scalar(
        select(
            exists().where(
                links[0] == record.id,
                Meeting.id == Participation.meeting_id,
                open_meeting,
            )
            | exists().where(
                links[1] == record.id, Meeting.id == Outcome.meeting_id, open_meeting
            )
        )
    )
    if in_open_meeting:
        return _(
            "It appears in a meeting that is not restricted, which would still "
            "show it: make that meeting restricted or remove it from there first."
        )
    if isinstance(record, Organization) and db.session.scalar(
        select(
            exists().where(
                Person.organization_id == record.id, Person.restricted.is_(False)
            )
        )
    ):
        return _(
            "It is the usual organization of a person who is not marked "
            "restricted: mark that person too, or change their organization first."
        )
    return None


def mark_in_open_meeting_message() -> str:
    """Why a row of an imported meeting that is not restricted may not mark its
    record."""
    return _(
        "Only the records of a restricted meeting may be marked restricted: "
        "make this meeting restricted, or leave the mark out."
    )


# When the record is hidden from the user (they typed a path through a marked
# topic they may not see), a message says no more than that part of it may not
# be linked here.


def marked_in_meeting_message(record, visible: bool) -> str:
    """Why a meeting that is not restricted may not link `record`."""
    if not visible:
        return _(
            "Part of this is marked restricted and cannot be linked here; "
            "keep this meeting restricted, or ask an administrator."
        )
    return _(
        "“%(name)s” is marked restricted: clear its mark on its page first, "
        "or make this meeting restricted.",
        name=_label(record),
    )


def marked_parent_message(parent: Topic, visible: bool = True) -> str:
    """Why a topic that is not marked may not sit under `parent`."""
    if not visible:
        return _(
            "Part of this is marked restricted and cannot be linked here; "
            "mark this topic restricted too, or ask an administrator."
        )
    return _(
        "“%(name)s” is marked restricted: clear its mark on its page first, "
        "or mark this topic restricted too.",
        name=_label(parent),
    )


def marked_organization_message(organization: Organization) -> str:
    """Why a person who is not marked may not have `organization` as theirs."""
    return _(
        "“%(name)s” is marked restricted: clear its mark on its page first, "
        "or mark this person restricted too.",
        name=_label(organization),
    )


def _label(record) -> str:
    if isinstance(record, Person):
        return record.display_name
    return record.label
