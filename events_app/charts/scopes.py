"""Whose meetings a charts page counts: the history's filters, a person, an
organization or a topic (with its sub-topics), always among the visible meetings."""

from sqlalchemy import select

from events_app.charts.figures import ChartScope
from events_app.meetings.filters import MeetingFilters, topic_and_descendant_ids
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Participation,
    Person,
    Topic,
)
from events_app.visibility import visible_meetings_for


def history_scope(user, filters: MeetingFilters) -> ChartScope:
    """The meetings the history lists for these filters."""
    return ChartScope(
        filters.apply(visible_meetings_for(user), user),
        key=("history", tuple(sorted(filters.as_args().items()))),
    )


def person_scope(user, person: Person) -> ChartScope:
    """The visible meetings the person took part in."""
    took_part = Meeting.id.in_(
        select(Participation.meeting_id).where(Participation.person_id == person.id)
    )
    return ChartScope(
        visible_meetings_for(user).where(took_part),
        key=("person", person.id),
        person_id=person.id,
    )


def organization_scope(user, organization: Organization) -> ChartScope:
    """The visible meetings the organization took part in."""
    took_part = Meeting.id.in_(
        select(Participation.meeting_id).where(
            Participation.organization_id == organization.id
        )
    )
    return ChartScope(
        visible_meetings_for(user).where(took_part),
        key=("organization", organization.id),
        organization_id=organization.id,
    )


def topic_scope(user, topic: Topic) -> ChartScope:
    """The visible meetings on the topic or one of its sub-topics, stacked by
    organization (stacked by topic, the topic itself would fill every month)."""
    on_topic = Meeting.id.in_(
        select(MeetingTopic.meeting_id).where(
            MeetingTopic.topic_id.in_(topic_and_descendant_ids(topic.id, user))
        )
    )
    return ChartScope(
        visible_meetings_for(user).where(on_topic),
        key=("topic", topic.id),
        default_by="organization",
    )
