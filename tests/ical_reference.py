"""The calendar builder as it was before the string serializer: a frozen reference.

This is the icalendar-component implementation of `meetings_to_ical` that
events_app/calendar/ical.py replaced (commit 87ae6a1), kept only as an
oracle: tests/test_calendar_bytes.py checks that the fast serializer writes
the very same bytes. Do not change it to make a test pass.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, Timezone, vDuration

from events_app.calendar.timezones import is_utc_zone, vtimezone_for
from events_app.models import Meeting, Participation
from events_app.models.choices import (
    Attendance,
    Confidentiality,
    MeetingStatus,
    OutcomeStatus,
    ParticipantRole,
    label,
)

PRODUCT_ID = "-//events_app//Meeting records//EN"
REFRESH_INTERVAL = timedelta(hours=1)
# Length given to a timed meeting that has no (or no later) end time.
DEFAULT_DURATION = timedelta(hours=1)

EVENT_STATUS = {
    MeetingStatus.PLANNED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
    MeetingStatus.POSTPONED: "TENTATIVE",
}

EVENT_CLASS = {
    Confidentiality.PUBLIC: "PUBLIC",
    Confidentiality.INTERNAL: "PRIVATE",
    Confidentiality.RESTRICTED: "CONFIDENTIAL",
}

ROLE_ORDER = {role.value: position for position, role in enumerate(ParticipantRole)}
NO_ORGANIZATION = "Other participants"


def meetings_to_ical(
    meetings: Iterable[Meeting],
    *,
    calendar_name,
    meeting_url: Callable[[Meeting], str],
) -> bytes:
    """A complete VCALENDAR with one VEVENT per meeting, in the order given.

    `meeting_url` returns the absolute link to a meeting's page. The result is
    UTF-8 with CRLF line ends and lines folded at 75 octets; each time zone
    used by a timed meeting gets exactly one VTIMEZONE whose own rules give
    the right UTC instants, for clients that have no time-zone database.
    """
    meetings = list(meetings)
    calendar = new_calendar(calendar_name)
    for timezone in timezones_for(meetings):
        calendar.add_component(timezone)
    for meeting in meetings:
        calendar.add_component(
            meeting_to_event(meeting, meeting_url=meeting_url(meeting))
        )
    return calendar.to_ical()


def new_calendar(calendar_name) -> Calendar:
    """An empty VCALENDAR with the properties subscribed feeds need.

    `calendar_name` is a name, or the app's CalendarWords (name, description
    and the LANGUAGE of each).
    """
    if isinstance(calendar_name, str):
        name, description, name_language, description_language = (
            calendar_name,
            "",
            None,
            None,
        )
    else:
        name, description, name_language, description_language = calendar_name
    calendar = Calendar()
    calendar.add("PRODID", PRODUCT_ID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    for properties, text, language in (
        (("NAME", "X-WR-CALNAME"), name, name_language),
        (("DESCRIPTION", "X-WR-CALDESC"), description, description_language),
    ):
        for property_name in properties if text else ():
            calendar.add(
                property_name,
                text,
                parameters={"LANGUAGE": language} if language else None,
            )
    calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    return calendar


def timezones_for(meetings: Iterable[Meeting]) -> list[Timezone]:
    """One VTIMEZONE per time zone of the timed meetings, sorted by TZID.

    Each covers the local dates of that zone's meetings (plus margin years, see
    `vtimezone_for`). All-day meetings use floating dates and UTC meetings
    use "Z" times, so neither needs one.
    """
    ranges: dict[str, tuple[date, date]] = {}
    for meeting in meetings:
        if meeting.all_day or is_utc_zone(meeting.timezone):
            continue
        start, end = event_times(meeting)
        first, last = start.date(), end.date()
        if meeting.timezone in ranges:
            known_first, known_last = ranges[meeting.timezone]
            first, last = min(first, known_first), max(last, known_last)
        ranges[meeting.timezone] = (first, last)
    return [
        vtimezone_for(tzid, first, last)
        for tzid, (first, last) in sorted(ranges.items())
    ]


def event_times(meeting: Meeting) -> tuple[datetime, datetime]:
    """Start and end of a timed meeting as aware datetimes for DTSTART/DTEND.

    Times are in the meeting's own zone (written with its TZID), or in UTC
    (written with "Z") when the zone is UTC. A meeting without an end time —
    or, from bad data, with an end not after its start — is given
    DEFAULT_DURATION (one hour), measured in real elapsed time so that it is
    one hour even across a daylight-saving change.
    """
    end_utc = meeting.end_utc
    if end_utc is None or end_utc <= meeting.start_utc:
        end_utc = meeting.start_utc + DEFAULT_DURATION
    zone = UTC if is_utc_zone(meeting.timezone) else meeting.zone
    return (
        meeting.start_utc.replace(tzinfo=UTC).astimezone(zone),
        end_utc.replace(tzinfo=UTC).astimezone(zone),
    )


def event_dates(meeting: Meeting) -> tuple[date, date]:
    """First day and exclusive end day of an all-day meeting (VALUE=DATE).

    The stored end already is local midnight after the last day; a missing or
    non-later end gives a one-day event.
    """
    first_day = meeting.local_start.date()
    local_end = meeting.local_end
    end_day = local_end.date() if local_end is not None else first_day
    if end_day <= first_day:
        end_day = first_day + timedelta(days=1)
    return first_day, end_day


def meeting_to_event(meeting: Meeting, *, meeting_url: str) -> Event:
    """The VEVENT for one meeting; `meeting_url` is the absolute link to its page.

    UID is the meeting's permanent calendar UID; DTSTAMP and LAST-MODIFIED are
    its last update and SEQUENCE counts its significant changes, so clients replace the
    event whenever it is edited and never otherwise.
    """
    event = Event()
    event.add("UID", meeting.uid)
    event.add("DTSTAMP", as_utc(meeting.updated_at))
    if meeting.all_day:
        start, end = event_dates(meeting)
    else:
        start, end = event_times(meeting)
    event.add("DTSTART", start)
    event.add("DTEND", end)
    event.add("SUMMARY", meeting.title)
    location = meeting.location_label or meeting.online_url
    if location:
        event.add("LOCATION", location)
    event.add("DESCRIPTION", meeting_description(meeting, meeting_url=meeting_url))
    categories = topic_names(meeting)
    if categories:
        event.add("CATEGORIES", categories)
    event.add("URL", meeting_url)
    event.add("STATUS", EVENT_STATUS.get(meeting.status, "CONFIRMED"))
    event.add("SEQUENCE", meeting.sequence)
    event.add("CREATED", as_utc(meeting.created_at))
    event.add("LAST-MODIFIED", as_utc(meeting.updated_at))
    event.add("CLASS", EVENT_CLASS.get(meeting.confidentiality, "CONFIDENTIAL"))
    return event


def as_utc(naive_utc: datetime) -> datetime:
    """An aware UTC datetime from the naive UTC values the database holds."""
    return naive_utc.replace(tzinfo=UTC)


def topic_names(meeting: Meeting) -> list[str]:
    """The names of the meeting's topics, once each, in agenda order."""
    names: list[str] = []
    for meeting_topic in meeting.meeting_topics:
        if meeting_topic.topic.name not in names:
            names.append(meeting_topic.topic.name)
    return names


def meeting_description(meeting: Meeting, *, meeting_url: str) -> str:
    """Plain-text DESCRIPTION: summary, participants, topics, outcomes and the link.

    Only what the meeting page itself shows to someone who may see the
    meeting; internal notes of the meeting and of participations are left out.
    """
    sections = [
        meeting.summary.strip(),
        participants_text(meeting.participations),
        topics_text(meeting),
        outcomes_text(meeting),
    ]
    if meeting.online_url and meeting.location_label:
        sections.append(f"Online: {meeting.online_url}")
    sections.append(f"Meeting record: {meeting_url}")
    return "\n\n".join(section for section in sections if section)


def participants_text(participations: Iterable[Participation]) -> str:
    """Participants grouped by the organization they represented, then by role.

    Organizations appear in the order of their first participant; roles in
    the vocabulary's order (chair first).
    """
    groups: dict[str, dict[str, list[str]]] = {}
    for participation in participations:
        if participation.organization is not None:
            group = participation.organization.label
        else:
            group = NO_ORGANIZATION
        if participation.person is not None:
            name = participation.person.display_name
        else:
            name = "(the organization)"
        if participation.attendance == Attendance.ABSENT:
            name += " (absent)"
        roles = groups.setdefault(group, {})
        roles.setdefault(participation.role, []).append(name)
    if not groups:
        return ""
    # "Other participants" goes last, after the named organizations.
    ordered = sorted(groups.items(), key=lambda item: item[0] == NO_ORGANIZATION)
    lines = ["Participants:"]
    for group, roles in ordered:
        lines.append(group)
        for role in sorted(
            roles, key=lambda role: ROLE_ORDER.get(role, len(ROLE_ORDER))
        ):
            lines.append(f"  {label(role)}: {', '.join(roles[role])}")
    return "\n".join(lines)


def topics_text(meeting: Meeting) -> str:
    """The agenda: one line per topic, with the note of what was said on it."""
    if not meeting.meeting_topics:
        return ""
    lines = ["Topics:"]
    for meeting_topic in meeting.meeting_topics:
        note = _indent_continuation(meeting_topic.note.strip())
        line = f"- {meeting_topic.topic.path}"
        lines.append(f"{line}: {note}" if note else line)
    return "\n".join(lines)


def outcomes_text(meeting: Meeting) -> str:
    """Agreements and follow-ups, with owner, due date and done/open status."""
    if not meeting.outcomes:
        return ""
    lines = ["Outcomes:"]
    for outcome in meeting.outcomes:
        details = []
        if outcome.owner_label:
            details.append(f"owner: {outcome.owner_label}")
        if outcome.due is not None:
            details.append(f"due {outcome.due.isoformat()}")
        details.append("done" if outcome.status == OutcomeStatus.DONE else "open")
        text = _indent_continuation(outcome.text.strip())
        lines.append(f"- {text} ({'; '.join(details)})")
    return "\n".join(lines)


def _indent_continuation(text: str) -> str:
    """Indent the later lines of a multi-line text under its list bullet."""
    return "\n  ".join(line.rstrip() for line in text.splitlines())
