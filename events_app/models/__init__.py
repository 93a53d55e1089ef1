"""Typed SQLAlchemy models shared by every feature."""

from events_app.models.access import UserGroup
from events_app.models.audit import AuditEvent, MeetingRevision
from events_app.models.directory import NameWord, Organization, Person
from events_app.models.feeds import DataVersion, FeedToken, StoredEvent, VerifiedFeed
from events_app.models.meetings import (
    Meeting,
    MeetingTopic,
    Outcome,
    Participation,
    SourceLink,
)
from events_app.models.merges import DirectoryMerge, NotSamePair
from events_app.models.topics import Topic
from events_app.models.users import SignInAttempt, User, UserSession

__all__ = [
    "AuditEvent",
    "MeetingRevision",
    "UserGroup",
    "DataVersion",
    "DirectoryMerge",
    "FeedToken",
    "Meeting",
    "MeetingTopic",
    "NameWord",
    "NotSamePair",
    "Organization",
    "Outcome",
    "Participation",
    "Person",
    "SignInAttempt",
    "SourceLink",
    "StoredEvent",
    "VerifiedFeed",
    "Topic",
    "User",
    "UserSession",
]
