"""iCalendar (RFC 5545) files built from meetings: pure functions, no request access.

The caller decides which meetings may be shown and how to link to them; these
functions only turn meetings into bytes. The output is deterministic: it
depends on the meetings' data alone (no current time, no random values), so
two builds without a change in the data are byte-identical and calendar
clients see "nothing changed".

Feeds hold thousands of events, so VEVENTs are written as plain strings rather
than through icalendar's component objects (which cost about a millisecond per
event). The strings follow icalendar's own rules exactly — TEXT escaping,
property order, parameter quoting, folding at 75 octets — so the bytes are
the same as icalendar would write; icalendar still writes the calendar header
and the VTIMEZONEs, which are few.

A meeting's event is the same for every reader: it is stored and shared by
all workers and all languages (events_app/calendar/event_store.py). So its few
words of structure ("Participants:", role labels, "(absent)") stay English
whatever the reader's language; only the calendar's own name and description
(`CalendarWords`) and the follow-ups feed, written for one reader, are
translated.
"""

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from icalendar import Calendar, vDDDTypes, vDuration

from events_app.calendar.timezones import is_utc_zone, vtimezone_for
from events_app.date_range import OUT_OF_RANGE_MESSAGE, instant_in_range
from events_app.language.choice import DEFAULT_LANGUAGE
from events_app.models import Meeting
from events_app.models.choices import (
    Attendance,
    Confidentiality,
    MeetingStatus,
    OutcomeStatus,
    ParticipantRole,
    label,
)

log = logging.getLogger(__name__)

PRODUCT_ID = "-//events_app//Meeting records//EN"
# Bump when the bytes written for the same data change (a new code release):
# feed validators and stored events' fingerprints include it.
FORMAT_VERSION = "4"
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

# RFC 5545 folding as icalendar does it: at most 74 octets before each break
# (75 with the leading space of a continuation line), never inside a UTF-8
# sequence, and never right after a backslash or caret, which stays with the
# character it escapes.
FOLD_OCTETS = 74
FOLD_SEPARATOR = b"\r\n "
_UTF8_CONTINUATION_MASK, _UTF8_CONTINUATION = 0xC0, 0x80
_ESCAPE_OCTETS = (ord("\\"), ord("^"))
_TEXT_SPECIAL = re.compile(r"[\\;,\r\n]")


class CalendarWords(NamedTuple):
    """What a calendar file says of itself to people: its name and description.

    A language is set (RFC 5545 LANGUAGE) on each text that the app wrote in
    the reader's language; an operator's own CALENDAR_NAME has none.
    """

    name: str
    description: str = ""
    name_language: str | None = None
    description_language: str | None = None


class CalendarParticipant(NamedTuple):
    """One participation as the description shows it."""

    person_name: str | None
    organization_label: str | None
    role: str
    attendance: str


class CalendarTopic(NamedTuple):
    """One agenda item: the topic's own name, its full path and the note."""

    name: str
    path: str
    note: str


class CalendarOutcome(NamedTuple):
    """One agreement or follow-up, with its owner's name ("" when none)."""

    text: str
    owner_label: str
    due: date | None
    status: str


@dataclass(slots=True)
class CalendarMeeting:
    """Everything a VEVENT shows of one meeting, as plain values.

    Feeds load these straight from the database (see
    `events_app.calendar.feed_loading`); single meetings are converted from
    the model with `calendar_meeting_from`. Times are naive UTC, as stored.
    """

    id: int
    uid: str
    title: str
    start_utc: datetime
    end_utc: datetime | None
    timezone: str
    all_day: bool
    location_label: str
    online_url: str
    status: str
    confidentiality: str
    summary: str
    created_at: datetime
    updated_at: datetime
    sequence: int
    participants: list[CalendarParticipant] = field(default_factory=list)
    topics: list[CalendarTopic] = field(default_factory=list)
    outcomes: list[CalendarOutcome] = field(default_factory=list)


class UnwritableMeeting(ValueError):
    """A stored meeting that cannot be written as an event.

    Only data saved before today's checks can be like this (dates outside
    `events_app.date_range`, a zone the tz database no longer has).
    """

    def __init__(self, meeting: CalendarMeeting, reason: str):
        super().__init__(f"Meeting {meeting.id} cannot be written: {reason}")
        self.meeting_id = meeting.id
        self.reason = reason


class WrittenEvent(NamedTuple):
    """A meeting's folded VEVENT and the (zone, first, last day) its VTIMEZONE needs."""

    text: bytes
    zone_span: tuple[str, date, date] | None


# The writer of one event, given the meeting and its absolute link.
EventWriter = Callable[[CalendarMeeting, str], WrittenEvent]


def organization_label(name: str, short_name: str) -> str:
    """An organization's name with its short name, as `Organization.label` gives it."""
    if short_name and short_name != name:
        return f"{name} ({short_name})"
    return name


def calendar_meeting_from(meeting: Meeting) -> CalendarMeeting:
    """The plain values of a loaded meeting and its related rows."""
    return CalendarMeeting(
        id=meeting.id,
        uid=meeting.uid,
        title=meeting.title,
        start_utc=meeting.start_utc,
        end_utc=meeting.end_utc,
        timezone=meeting.timezone,
        all_day=meeting.all_day,
        location_label=meeting.location_label,
        online_url=meeting.online_url,
        status=meeting.status,
        confidentiality=meeting.confidentiality,
        summary=meeting.summary,
        created_at=meeting.created_at,
        updated_at=meeting.updated_at,
        sequence=meeting.sequence,
        participants=[
            CalendarParticipant(
                person_name=(
                    participation.person.display_name
                    if participation.person is not None
                    else None
                ),
                organization_label=(
                    participation.organization.label
                    if participation.organization is not None
                    else None
                ),
                role=participation.role,
                attendance=participation.attendance,
            )
            for participation in meeting.participations
        ],
        topics=[
            CalendarTopic(
                name=meeting_topic.topic.name,
                path=meeting_topic.path,
                note=meeting_topic.note,
            )
            for meeting_topic in meeting.meeting_topics
        ],
        outcomes=[
            CalendarOutcome(
                text=outcome.text,
                owner_label=outcome.owner_label,
                due=outcome.due,
                status=outcome.status,
            )
            for outcome in meeting.outcomes
        ],
    )


def meetings_to_ical(
    meetings: Iterable[Meeting | CalendarMeeting],
    *,
    calendar_name: str | CalendarWords,
    meeting_url: Callable[[CalendarMeeting], str],
    skip_unwritable: bool = True,
    write: EventWriter | None = None,
    max_event_bytes: int | None = None,
) -> bytes:
    """A complete VCALENDAR with one VEVENT per meeting, in the order given.

    `calendar_name` is the name alone, or `CalendarWords` with a description
    and their languages. Meetings may be models or `CalendarMeeting` values.
    `meeting_url` returns
    the absolute link to a meeting's page (it gets a `CalendarMeeting`, which
    has the meeting's `id`). The result is UTF-8 with CRLF line ends and lines
    folded at 75 octets; each time zone used by a timed meeting gets exactly
    one VTIMEZONE whose own rules give the right UTC instants, for clients
    that have no time-zone database.

    A meeting that cannot be written (`UnwritableMeeting`) is left out and
    logged, so one bad record never takes a whole feed down; with
    `skip_unwritable=False` the error is raised instead. `write` replaces
    `write_event` (feeds pass one that reuses stored events).

    With `max_event_bytes`, the events take at most that many bytes: the first
    meetings given (the oldest, in a feed's start order) are left out until
    the others fit.
    """
    budget = max_event_bytes
    if budget is not None:
        # Newest first, so that the meetings left out are the oldest ones and
        # are never written at all.
        meetings = reversed(list(meetings))
    events: list[WrittenEvent] = []
    for meeting in meetings:
        if not isinstance(meeting, CalendarMeeting):
            meeting = calendar_meeting_from(meeting)
        try:
            written = checked_event_text(meeting, meeting_url(meeting), write)
        except UnwritableMeeting as error:
            if not skip_unwritable:
                raise
            log.warning("Left out of a calendar file: %s", error)
            continue
        if budget is not None:
            budget -= len(written.text)
            if budget < 0:
                break
        events.append(written)
    if max_event_bytes is not None:
        events.reverse()
    # Local dates of the timed meetings of each zone, for its VTIMEZONE.
    zone_ranges: dict[str, tuple[date, date]] = {}
    for _, zone_span in events:
        if zone_span is not None:
            tzid, first, last = zone_span
            known = zone_ranges.get(tzid)
            if known is not None:
                first, last = min(first, known[0]), max(last, known[1])
            zone_ranges[tzid] = (first, last)
    body = b"".join(text for text, _ in events)
    return b"".join(
        [
            calendar_header(calendar_name),
            *(
                vtimezone_ical(tzid, first, last)
                for tzid, (first, last) in sorted(zone_ranges.items())
            ),
            body,
            b"END:VCALENDAR\r\n",
        ]
    )


def checked_event_text(
    meeting: CalendarMeeting, meeting_url: str, write: EventWriter | None = None
) -> WrittenEvent:
    """The written event, or UnwritableMeeting for a meeting that cannot be written.

    Dates outside the served range are refused before any zone arithmetic
    (which overflows near years 1 and 9999); whatever else the writer cannot
    handle in this one meeting's stored values is reported the same way.
    """
    if not instant_in_range(meeting.start_utc) or (
        meeting.end_utc is not None and not instant_in_range(meeting.end_utc)
    ):
        raise UnwritableMeeting(meeting, OUT_OF_RANGE_MESSAGE)
    try:
        return (write or write_event)(meeting, meeting_url)
    except Exception as error:  # one record's bad values must not fail a feed
        raise UnwritableMeeting(meeting, repr(error)) from error


def write_event(meeting: CalendarMeeting, meeting_url: str) -> WrittenEvent:
    """The meeting's folded VEVENT and the (zone, first, last day) its VTIMEZONE needs.

    Events are written unfolded; each line of 75 octets or more is folded once,
    when the event is written (VTIMEZONEs and the header come folded from
    icalendar).
    """
    ranges: dict[str, tuple[date, date]] = {}
    text = event_text(meeting, meeting_url=meeting_url, ranges=ranges)
    zone_span = next(
        ((tzid, first, last) for tzid, (first, last) in ranges.items()), None
    )
    return WrittenEvent(_LONG_LINE.sub(_fold_match, text.encode()), zone_span)


def event_fingerprint(meeting: CalendarMeeting, meeting_url: str) -> str:
    """A digest of every value the event is written from, and of the writer's version.

    Two meetings with equal fingerprints are written as equal bytes, so a
    stored event whose fingerprint matches the meeting's current one can never
    be stale: an edit, a renamed participant, organization or topic (paths
    included), a merge or a restore all give a new fingerprint. `repr` of these
    plain values is the same in every process, unlike `hash`.
    """
    values = (
        FORMAT_VERSION,
        meeting_url,
        meeting.id,
        meeting.uid,
        meeting.title,
        meeting.start_utc,
        meeting.end_utc,
        meeting.timezone,
        meeting.all_day,
        meeting.location_label,
        meeting.online_url,
        meeting.status,
        meeting.confidentiality,
        meeting.summary,
        meeting.created_at,
        meeting.updated_at,
        meeting.sequence,
        # As plain tuples: a named tuple's repr is written in Python, and
        # took most of a rebuild's fingerprinting time.
        tuple(map(tuple, meeting.participants)),
        tuple(map(tuple, meeting.topics)),
        tuple(map(tuple, meeting.outcomes)),
    )
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def new_calendar(calendar_name: str | CalendarWords) -> Calendar:
    """An empty VCALENDAR with the properties subscribed feeds need.

    The name goes in NAME and X-WR-CALNAME, the description (if any) in
    DESCRIPTION and X-WR-CALDESC (RFC 7986 and the apps that predate it),
    each with its LANGUAGE where it is known. PRODID stays English: it names
    the product for programs, not people.
    """
    words = as_calendar_words(calendar_name)
    calendar = Calendar()
    calendar.add("PRODID", PRODUCT_ID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    for names, text, language in (
        (("NAME", "X-WR-CALNAME"), words.name, words.name_language),
        (
            ("DESCRIPTION", "X-WR-CALDESC"),
            words.description,
            words.description_language,
        ),
    ):
        if text:
            parameters = {"LANGUAGE": language} if language else None
            for name in names:
                calendar.add(name, text, parameters=parameters)
    calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    return calendar


def as_calendar_words(calendar_name: str | CalendarWords) -> CalendarWords:
    """A plain name as `CalendarWords` (no description, no language)."""
    if isinstance(calendar_name, CalendarWords):
        return calendar_name
    return CalendarWords(calendar_name)


@functools.lru_cache(maxsize=64)
def calendar_header(calendar_name: str | CalendarWords) -> bytes:
    """BEGIN:VCALENDAR and the calendar's properties, without its END line."""
    empty_calendar = new_calendar(calendar_name).to_ical()
    end = b"END:VCALENDAR\r\n"
    assert empty_calendar.endswith(end)
    return empty_calendar[: -len(end)]


@functools.lru_cache(maxsize=256)
def vtimezone_ical(tzid: str, first_day: date, last_day: date) -> bytes:
    """The serialized VTIMEZONE for a zone and date range (cached: feeds repeat)."""
    return vtimezone_for(tzid, first_day, last_day).to_ical()


def event_times(meeting: CalendarMeeting) -> tuple[datetime, datetime]:
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
    zone = UTC if is_utc_zone(meeting.timezone) else ZoneInfo(meeting.timezone)
    return (
        meeting.start_utc.replace(tzinfo=UTC).astimezone(zone),
        end_utc.replace(tzinfo=UTC).astimezone(zone),
    )


def event_dates(meeting: CalendarMeeting) -> tuple[date, date]:
    """First day and exclusive end day of an all-day meeting (VALUE=DATE).

    The stored end already is local midnight after the last day; a missing or
    non-later end gives a one-day event.
    """
    zone = ZoneInfo(meeting.timezone)
    first_day = meeting.start_utc.replace(tzinfo=UTC).astimezone(zone).date()
    if meeting.end_utc is not None:
        end_day = meeting.end_utc.replace(tzinfo=UTC).astimezone(zone).date()
    else:
        end_day = first_day
    if end_day <= first_day:
        end_day = first_day + timedelta(days=1)
    return first_day, end_day


def event_text(
    meeting: CalendarMeeting,
    *,
    meeting_url: str,
    ranges: dict[str, tuple[date, date]],
) -> str:
    """The unfolded VEVENT of one meeting; `meeting_url` is the absolute link to it.

    UID is the meeting's permanent calendar UID; DTSTAMP and LAST-MODIFIED are
    its last update and SEQUENCE counts its significant changes, so clients
    replace the event whenever it is edited and never otherwise. Properties
    come in icalendar's order: its canonical ones first, then alphabetical.

    A timed meeting in a zone other than UTC widens that zone's entry in
    `ranges` (first and last local date), which decides its VTIMEZONE. All-day
    meetings use floating dates and UTC meetings "Z" times: neither needs one.
    """
    if meeting.all_day:
        first_day, end_day = event_dates(meeting)
        dtstart = f"DTSTART;VALUE=DATE:{_ical_date(first_day)}"
        dtend = f"DTEND;VALUE=DATE:{_ical_date(end_day)}"
    else:
        start, end = event_times(meeting)
        parameters, suffix = _datetime_form(meeting.timezone)
        dtstart = f"DTSTART{parameters}:{_ical_datetime(start)}{suffix}"
        dtend = f"DTEND{parameters}:{_ical_datetime(end)}{suffix}"
        if not is_utc_zone(meeting.timezone):
            first, last = start.date(), end.date()
            known = ranges.get(meeting.timezone)
            if known is not None:
                first, last = min(first, known[0]), max(last, known[1])
            ranges[meeting.timezone] = (first, last)
    updated = _ical_datetime(meeting.updated_at)
    categories = topic_names(meeting)
    categories_line = (
        "CATEGORIES:" + ",".join(map(escape_text, categories)) + "\r\n"
        if categories
        else ""
    )
    location = meeting.location_label or meeting.online_url
    location_line = f"LOCATION:{escape_text(location)}\r\n" if location else ""
    description = escape_text(meeting_description(meeting, meeting_url=meeting_url))
    event_class = EVENT_CLASS.get(meeting.confidentiality, "CONFIDENTIAL")
    status = EVENT_STATUS.get(meeting.status, "CONFIRMED")
    return (
        "BEGIN:VEVENT\r\n"
        f"SUMMARY:{escape_text(meeting.title)}\r\n"
        f"{dtstart}\r\n"
        f"{dtend}\r\n"
        f"DTSTAMP:{updated}Z\r\n"
        f"UID:{escape_text(meeting.uid)}\r\n"
        f"SEQUENCE:{int(meeting.sequence)}\r\n"
        f"{categories_line}"
        f"CLASS:{event_class}\r\n"
        f"CREATED:{_ical_datetime(meeting.created_at)}Z\r\n"
        f"DESCRIPTION:{description}\r\n"
        f"LAST-MODIFIED:{updated}Z\r\n"
        f"{location_line}"
        f"STATUS:{status}\r\n"
        f"URL:{meeting_url}\r\n"
        "END:VEVENT\r\n"
    )


def escape_text(text: str) -> str:
    r"""RFC 5545 TEXT escaping, as icalendar does it (its replacement order included).

    Backslash, semicolon and comma get a backslash; CRLF, LF and a lone CR
    all become "\n"; an existing "\N" is first read as a line break.
    """
    if _TEXT_SPECIAL.search(text) is None:
        return text  # most titles and names: one scan instead of seven
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


_LONG_LINE = re.compile(rb"^[^\r\n]{%d,}" % (FOLD_OCTETS + 1), re.MULTILINE)


def _fold_match(match: re.Match) -> bytes:
    return fold_line(match.group())


def fold_line(line: bytes) -> bytes:
    """One UTF-8 content line folded as icalendar folds it (see FOLD_OCTETS)."""
    if len(line) <= FOLD_OCTETS:
        return line
    pieces = []
    start = 0
    while len(line) - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while line[cut] & _UTF8_CONTINUATION_MASK == _UTF8_CONTINUATION:
            cut -= 1
        if line[cut - 1] in _ESCAPE_OCTETS:
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return FOLD_SEPARATOR.join(pieces)


@functools.lru_cache(maxsize=512)
def _datetime_form(tzid: str) -> tuple[str, str]:
    """The parameters and the suffix ("Z" or "") of DATE-TIMEs in this zone.

    Asked of icalendar once per zone, so that equivalent zone names and UTC
    aliases come out exactly as icalendar writes them.
    """
    zone = UTC if is_utc_zone(tzid) else ZoneInfo(tzid)
    value = vDDDTypes(datetime(2000, 1, 1, tzinfo=zone))
    parameters = value.params.to_ical().decode()
    suffix = "Z" if value.to_ical().endswith(b"Z") else ""
    return (";" + parameters if parameters else ""), suffix


def _ical_datetime(moment: datetime) -> str:
    """A DATE-TIME value without zone marker (seconds, no fractions)."""
    # %-formatting: twice as fast as format specifiers, and feeds need 40,000.
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )


def _ical_date(day: date) -> str:
    return "%04d%02d%02d" % (day.year, day.month, day.day)  # noqa: UP031


def topic_names(meeting: CalendarMeeting) -> list[str]:
    """The names of the meeting's topics, once each, in agenda order."""
    names: list[str] = []
    for topic in meeting.topics:
        if topic.name not in names:
            names.append(topic.name)
    return names


def meeting_description(meeting: CalendarMeeting, *, meeting_url: str) -> str:
    """Plain-text DESCRIPTION: summary, participants, topics, outcomes and the link.

    Only what the meeting page itself shows to someone who may see the
    meeting; internal notes of the meeting and of participations are left out.
    """
    sections = [
        meeting.summary.strip(),
        participants_text(meeting.participants),
        topics_text(meeting.topics),
        outcomes_text(meeting.outcomes),
    ]
    if meeting.online_url and meeting.location_label:
        sections.append(f"Online: {meeting.online_url}")
    sections.append(f"Meeting record: {meeting_url}")
    return "\n\n".join(section for section in sections if section)


def participants_text(participants: Iterable[CalendarParticipant]) -> str:
    """Participants grouped by the organization they represented, then by role.

    Organizations appear in the order of their first participant; roles in
    the vocabulary's order (chair first).
    """
    groups: dict[str, dict[str, list[str]]] = {}
    for participant in participants:
        if participant.organization_label is not None:
            group = participant.organization_label
        else:
            group = NO_ORGANIZATION
        if participant.person_name is not None:
            name = participant.person_name
        else:
            name = "(the organization)"
        if participant.attendance == Attendance.ABSENT:
            name += " (absent)"
        roles = groups.setdefault(group, {})
        roles.setdefault(participant.role, []).append(name)
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
            lines.append(f"  {neutral_label(role)}: {', '.join(roles[role])}")
    return "\n".join(lines)


@functools.lru_cache(maxsize=64)
def neutral_label(value: str) -> str:
    """A vocabulary value's English label, whatever the reader's language (see
    the module docstring: stored events are shared by readers of every language)."""
    with force_locale(DEFAULT_LANGUAGE):
        return str(label(value))


def topics_text(topics: list[CalendarTopic]) -> str:
    """The agenda: one line per topic, with the note of what was said on it."""
    if not topics:
        return ""
    lines = ["Topics:"]
    for topic in topics:
        note = _indent_continuation(topic.note.strip())
        line = f"- {topic.path}"
        lines.append(f"{line}: {note}" if note else line)
    return "\n".join(lines)


def outcomes_text(outcomes: list[CalendarOutcome]) -> str:
    """Agreements and follow-ups, with owner, due date and done/open status."""
    if not outcomes:
        return ""
    lines = ["Outcomes:"]
    for outcome in outcomes:
        details = []
        if outcome.owner_label:
            details.append(f"owner: {outcome.owner_label}")
        if outcome.due is not None:
            details.append(f"due {outcome.due.isoformat()}")
        details.append(
            outcome.status
            if outcome.status in (OutcomeStatus.DONE, OutcomeStatus.DROPPED)
            else "open"
        )
        text = _indent_continuation(outcome.text.strip())
        lines.append(f"- {text} ({'; '.join(details)})")
    return "\n".join(lines)


def _indent_continuation(text: str) -> str:
    """Indent the later lines of a multi-line text under its list bullet."""
    return "\n  ".join(line.rstrip() for line in text.splitlines())
