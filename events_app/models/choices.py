"""Closed vocabularies, kept as plain strings in the database and validated on input."""

from enum import StrEnum

from wtforms.fields.choices import SelectChoice


class MeetingKind(StrEnum):
    MEETING = "meeting"
    BRIEFING = "briefing"
    CONFERENCE = "conference"
    CALL = "call"
    VISIT = "visit"
    OTHER = "other"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"


class Confidentiality(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"


class OrganizationKind(StrEnum):
    NGO = "ngo"
    GOVERNMENT = "government"
    INTERGOVERNMENTAL = "intergovernmental"
    COALITION = "coalition"
    MEDIA = "media"
    OTHER = "other"


class ParticipantRole(StrEnum):
    CHAIR = "chair"
    HOST = "host"
    SPEAKER = "speaker"
    REPRESENTATIVE = "representative"
    PARTICIPANT = "participant"
    OBSERVER = "observer"


class Attendance(StrEnum):
    ATTENDED = "attended"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class OutcomeStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class UserRole(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


LABELS = {
    "ngo": "NGO",
    "intergovernmental": "Intergovernmental",
}


def label(value: str) -> str:
    """Human label of a vocabulary value."""
    return LABELS.get(value, value.replace("_", " ").capitalize())


def choices_of(vocabulary: type[StrEnum]) -> list[SelectChoice]:
    """Options of a select field, in the vocabulary's order."""
    return [SelectChoice(member.value, label(member.value)) for member in vocabulary]
