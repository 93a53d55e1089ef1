"""Test data builders: small functions creating valid records, any field overridable."""

from datetime import datetime, timedelta

from sqlalchemy import select

from events_app.extensions import db
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Participation,
    Person,
    Topic,
    User,
)

TEST_PASSWORD = "correct horse battery"
# A meeting's end unless a test names one: two hours after its start (a fixed
# end would make a meeting started on another day run over several days).
TWO_HOURS_LATER = object()


class Factories:
    """Each method commits and returns the record (call inside an app context)."""

    def user(self, email="editor@example.org", role="editor", active=True) -> User:
        existing = db.session.scalar(select(User).where(User.email == email))
        if existing is not None:
            return existing
        user = User(email=email, role=role, active=active)
        user.set_password(TEST_PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    def organization(self, name="Belarusian Investigative Center", **fields):
        organization = Organization(name=name, **fields)
        organization.refresh_name_keys()
        db.session.add(organization)
        db.session.commit()
        return organization

    def person(self, display_name="Matvei Kupreichyk", **fields) -> Person:
        person = Person(display_name=display_name, **fields)
        person.refresh_name_keys()
        db.session.add(person)
        db.session.commit()
        return person

    def topic(self, name="Sanctions", parent=None, **fields) -> Topic:
        topic = Topic(name=name, parent=parent, **fields)
        topic.refresh_name_keys()
        db.session.add(topic)
        db.session.commit()
        return topic

    def meeting(
        self,
        title="Coalition meeting",
        start_utc=datetime(2025, 3, 14, 9, 0),
        end_utc=TWO_HOURS_LATER,
        timezone="Europe/Paris",
        confidentiality="public",
        participants=(),
        topics=(),
        **fields,
    ) -> Meeting:
        """A meeting, with (person, organization, role) and (topic, note) rows."""
        if end_utc is TWO_HOURS_LATER:
            end_utc = start_utc + timedelta(hours=2)
        meeting = Meeting(
            title=title,
            start_utc=start_utc,
            end_utc=end_utc,
            timezone=timezone,
            confidentiality=confidentiality,
            **fields,
        )
        for position, (person, organization, role) in enumerate(participants):
            meeting.participations.append(
                Participation(
                    person=person,
                    organization=organization,
                    role=role,
                    attendance="attended",
                    position=position,
                )
            )
        for position, (topic, note) in enumerate(topics):
            meeting.meeting_topics.append(
                MeetingTopic(topic=topic, note=note, position=position)
            )
        db.session.add(meeting)
        db.session.commit()
        return meeting
