"""Closed vocabularies, kept as plain strings in the database and validated on input.

Their values, and the other stored words the pages show (record fields named
in the audit trail and revision diffs, audit and revision actions), are shown
through `label` (the templates' `|label` filter) in the reader's language.
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
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


# Vocabulary values. "other" is both a meeting kind and an organization kind:
# one neutral word serves both.
VOCABULARY_LABELS = {
    # MeetingKind
    "meeting": _l("Meeting"),
    "briefing": _l("Briefing"),
    "conference": _l("Conference"),
    "call": _l("Call"),
    "visit": _l("Visit"),
    "other": _l("Other"),
    # MeetingStatus
    "planned": _l("Planned"),
    "held": _l("Held"),
    "cancelled": _l("Cancelled"),
    "postponed": _l("Postponed"),
    # Confidentiality
    "public": _l("Public"),
    "internal": _l("Internal"),
    "restricted": _l("Restricted"),
    # OrganizationKind
    "ngo": _l("NGO"),
    "government": _l("Government"),
    "intergovernmental": _l("Intergovernmental"),
    "coalition": _l("Coalition"),
    "media": _l("Media"),
    # ParticipantRole
    "chair": _l("Chair"),
    "host": _l("Host"),
    "speaker": _l("Speaker"),
    "representative": _l("Representative"),
    "participant": _l("Participant"),
    "observer": _l("Observer"),
    # Attendance
    "attended": _l("Attended"),
    "absent": _l("Absent"),
    "unknown": _l("Unknown"),
    # OutcomeStatus (of a follow-up)
    "open": _l("Open"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
    # UserRole
    "admin": _l("Admin"),
    "editor": _l("Editor"),
    "viewer": _l("Viewer"),
}

# Fields of the stored records, as the audit trail and revision diffs name them.
FIELD_LABELS = {
    "uid": _l("Uid"),
    "title": _l("Title"),
    "kind": _l("Kind"),
    "start": _l("Start"),
    "end": _l("End"),
    "timezone": _l("Timezone"),
    "all_day": _l("All day"),
    "status": _l("Status"),
    "confidentiality": _l("Confidentiality"),
    "series": _l("Series"),
    "series_number": _l("Series number"),
    "location": _l("Location"),
    "venue": _l("Venue"),
    "city": _l("City"),
    "country": _l("Country"),
    "online_url": _l("Online url"),
    "summary": _l("Summary"),
    "notes": _l("Notes"),
    "note": _l("Note"),
    "participants": _l("Participants"),
    "person": _l("Person"),
    "organization": _l("Organization"),
    "role": _l("Role"),
    "attendance": _l("Attendance"),
    "topics": _l("Topics"),
    "name": lazy_pgettext(
        "a stored record's field: a group's, topic's or organization's name", "Name"
    ),
    "parent": _l("Parent"),
    "outcomes": _l("Outcomes"),
    "text": _l("Text"),
    "owner": _l("Owner"),
    "due": _l("Due"),
    "completed_on": _l("Completed on"),
    "sources": _l("Sources"),
    "url": _l("Url"),
    "access": _l("Access"),
    "users": _l("Users"),
    "groups": _l("Groups"),
    "members": _l("Members"),
    "description": _l("Description"),
    "display_name": _l("Display name"),
    "other_names": _l("Other names"),
    "short_name": _l("Short name"),
    "email": _l("Email"),
    "active": _l("Active"),
    "person_id": _l("Person id"),
    "language": _l("Language"),
}

# What happened, as audit events and meeting revisions record it.
ACTION_LABELS = {
    "sign_in": lazy_pgettext("an audit event", "Sign in"),
    "sign_in_failed": lazy_pgettext("an audit event", "Sign in failed"),
    "sign_out": lazy_pgettext("an audit event", "Sign out"),
    "user_created": _l("User created"),
    "user_changed": _l("User changed"),
    "password_changed": _l("Password changed"),
    "feed_token_issued": _l("Feed token issued"),
    "feed_token_revoked": _l("Feed token revoked"),
    "group_created": _l("Group created"),
    "group_changed": _l("Group changed"),
    "created": _l("Created"),
    "updated": _l("Updated"),
    "restored": _l("Restored"),
    "follow_up_done": _l("Follow up done"),
    "follow_up_dropped": _l("Follow up dropped"),
    "follow_up_reopened": _l("Follow up reopened"),
    "meeting_created": _l("Meeting created"),
    "meeting_updated": _l("Meeting updated"),
    "meeting_restored": _l("Meeting restored"),
    "meeting_deleted": _l("Meeting deleted"),
    "meeting_purged": _l("Meeting purged"),
    "meeting_follow_up_done": _l("Meeting follow up done"),
    "meeting_follow_up_dropped": _l("Meeting follow up dropped"),
    "meeting_follow_up_reopened": _l("Meeting follow up reopened"),
    "person_created": _l("Person created"),
    "person_updated": _l("Person updated"),
    "person_deleted": _l("Person deleted"),
    "organization_created": _l("Organization created"),
    "organization_updated": _l("Organization updated"),
    "organization_deleted": _l("Organization deleted"),
    "topic_created": _l("Topic created"),
    "topic_updated": _l("Topic updated"),
    "topic_deleted": _l("Topic deleted"),
    "merge_person": _l("Merge person"),
    "merge_organization": _l("Merge organization"),
    "undo_merge_person": _l("Undo merge person"),
    "undo_merge_organization": _l("Undo merge organization"),
    "not_same_person": _l("Not same person"),
    "not_same_organization": _l("Not same organization"),
    "database_restored": _l("Database restored"),
}

LABELS = {**FIELD_LABELS, **ACTION_LABELS, **VOCABULARY_LABELS}

# Stored fields whose values are vocabulary words, shown by their labels.
VOCABULARY_FIELDS = frozenset(
    {"kind", "status", "confidentiality", "role", "attendance"}
)


def label(value: str) -> str:
    """Human label of a vocabulary value (or stored field or action name), translated.

    A word no list knows is shown capitalised, in English.
    """
    known = LABELS.get(value)
    if known is not None:
        return str(known)
    return value.replace("_", " ").capitalize()


def choices_of(vocabulary: type[StrEnum]) -> list[SelectChoice]:
    """Options of a select field, in the vocabulary's order.

    The labels are lazy: each form shows them in its reader's language.
    """
    return [SelectChoice(member.value, LABELS[member.value]) for member in vocabulary]
