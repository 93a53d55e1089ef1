"""Import of iCalendar (.ics) files: invitations and exported calendars become meetings.

Three steps, one validation path for the page and the command line:

1. `parse_ics` reads the file without touching the database. Each VEVENT
   becomes an `IcsEvent` holding a record of the JSON interchange format
   (README, "JSON format") for a new meeting, plus what was wrong with it.
2. `plan_import` compares each record with the meeting that already has its UID
   and says whether importing would create, update or leave it alone. Every
   record goes through the JSON import's own validation (the meeting form's
   rules); nothing is written.
3. `run_import` writes a plan without problems through `import_document`:
   all of it or nothing.

The choices made for what iCalendar cannot say, or says differently, are listed
in README.md (".ics import"); the code below names them where they happen.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from icalendar import Calendar, vBroken
from icalendar.cal.timezone import Timezone
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from sqlalchemy import exists, select

from events_app.date_range import (
    FIRST_DAY,
    LAST_DAY,
    OUT_OF_RANGE_MESSAGE,
    day_in_range,
)
from events_app.directory.names import name_key
from events_app.directory.resolve import find_person
from events_app.extensions import db
from events_app.interchange.json_format import meeting_to_record
from events_app.interchange.meetings_io import (
    ImportFailed,
    ImportSummary,
    check_document,
    import_document,
    record_likely_duplicates,
)
from events_app.language.formatting import (
    date_and_time,
    format_date,
    format_number,
    format_time,
)
from events_app.meetings.forms import MAXIMUM_ROWS, known_timezones
from events_app.models import Meeting
from events_app.models.choices import (
    Attendance,
    Confidentiality,
    MeetingKind,
    MeetingStatus,
    ParticipantRole,
)
from events_app.visibility import visible_meetings_for

UID_MAX_LENGTH = 120  # Meeting.uid
HASHED_UID_PREFIX = "ics-sha256-"
LABEL_TITLE_LENGTH = 80
SUMMARY_MAX_LENGTH = 5000  # the meeting form's limit for the summary
# Used when a caller names no limit; the app passes ICS_IMPORT_MAX_EVENTS and
# ICS_IMPORT_MAX_PARTICIPANTS.
DEFAULT_MAX_EVENTS = 1000
DEFAULT_MAX_PARTICIPANTS = 2000
# Methods of messages that answer an invitation instead of carrying the event.
ANSWER_METHODS = frozenset({"REPLY", "REFRESH", "COUNTER", "DECLINECOUNTER"})
RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "RECURRENCE-ID")
# Online-meeting links: RFC 7986 CONFERENCE, then what Google and Microsoft write.
CONFERENCE_PROPERTIES = (
    "CONFERENCE",
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
)
# Calendar-user types that are people (ROOM, RESOURCE and GROUP are not).
PERSON_USER_TYPES = frozenset({"INDIVIDUAL", "UNKNOWN"})
# Imported meetings are never public by themselves, whatever the sender's CLASS
# says: someone else's "public" is not a decision to publish our record.
CLASS_TO_CONFIDENTIALITY = {
    "CONFIDENTIAL": Confidentiality.RESTRICTED.value,
}
DEFAULT_CONFIDENTIALITY = Confidentiality.INTERNAL.value
# How problems name the record fields the file filled, in the file's own terms.
PROPERTY_OF_FIELD = {
    "uid": "UID",
    "title": "SUMMARY",
    "start": "DTSTART",
    "end": "DTEND",
    "timezone": "TZID",
    "location": "LOCATION",
    "online_url": "LOCATION",
    "summary": "DESCRIPTION",
    "notes": "DESCRIPTION",
    "participants": "ORGANIZER/ATTENDEE",
    "sources": "URL",
}
FIELD_LABELS = {
    "title": _l("title"),
    "start": _l("start"),
    "end": _l("end"),
    "timezone": _l("time zone"),
    "all_day": _l("all day"),
    "location": _l("location"),
    "online_url": _l("online link"),
    "status": _l("status"),
    "confidentiality": _l("confidentiality"),
    "summary": _l("summary"),
    "notes": _l("notes"),
    "participants": _l("participants"),
    "sources": _l("sources"),
}


class IcsFileError(ValueError):
    """The file as a whole cannot be read; `problems` says why, nothing was read."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class _Unreadable(Exception):
    """One problem that stops an event from being read any further."""


@dataclass
class IcsEvent:
    """One VEVENT of the file, read into a record for a new meeting.

    `number` is its position among the file's events, counting from 1.
    `record` is None when the event could not be read (see `problems`) or is
    not imported (see `skipped`). The other attributes say what the event
    itself states, which is what an update of an existing meeting takes over.
    """

    number: int
    title: str
    record: dict | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str = ""
    states_timezone: bool = False
    location_text: str = ""
    states_description: bool = False
    cancelled: bool = False

    @property
    def label(self) -> str:
        """How messages name the event: 'Event 2 “Sanctions briefing”'."""
        if len(self.title) > LABEL_TITLE_LENGTH:
            return _(
                "Event %(number)s “%(title)s…”",
                number=self.number,
                title=self.title[:LABEL_TITLE_LENGTH],
            )
        if self.title:
            return _(
                "Event %(number)s “%(title)s”", number=self.number, title=self.title
            )
        return _("Event %(number)s (no title)", number=self.number)


@dataclass
class ParsedCalendar:
    """Every VEVENT of a file in order, and warnings about the file as a whole."""

    events: list[IcsEvent]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Context:
    """What every event of one file is read with."""

    floating_zone: str
    timezones: dict[str, Timezone]
    cancelled: bool
    now: datetime
    built_zones: dict = field(default_factory=dict)


# Reading the file ----------------------------------------------------------


def parse_ics(
    data: bytes,
    *,
    default_timezone: str = "UTC",
    now: datetime | None = None,
    max_events: int = DEFAULT_MAX_EVENTS,
    max_participants: int = DEFAULT_MAX_PARTICIPANTS,
) -> ParsedCalendar:
    """Read an iCalendar file into one `IcsEvent` per VEVENT.

    Raises IcsFileError when the file is not iCalendar at all (not UTF-8,
    no VCALENDAR, no VEVENT, a reply instead of an event). Problems of single
    events are kept on the events, so each is reported by number and title.
    Times without a time zone are read in the file's X-WR-TIMEZONE if that is
    an IANA name, else in `default_timezone`. `now` (aware, default: the
    current time) decides whether a confirmed event was held or is planned.
    A file of more than `max_events` events, or `max_participants` ATTENDEE and
    ORGANIZER lines in all, is refused before it is parsed.
    """
    calendars = _calendars(data, max_events, max_participants)
    method = _text(calendars[0], "METHOD").upper()
    if method in ANSWER_METHODS:
        raise IcsFileError(
            [
                _(
                    "This file is an answer to an invitation (METHOD:%(method)s), "
                    "not an event; import the invitation itself.",
                    method=method,
                )
            ]
        )
    file_zone = _text(calendars[0], "X-WR-TIMEZONE")
    context = _Context(
        floating_zone=file_zone if file_zone in known_timezones() else default_timezone,
        timezones={
            str(timezone.get("TZID", "")): timezone
            for calendar in calendars
            for timezone in calendar.walk("VTIMEZONE")
        },
        cancelled=method == "CANCEL",
        now=now or datetime.now(UTC),
    )
    components = [
        component for calendar in calendars for component in calendar.walk("VEVENT")
    ]
    if not components:
        raise IcsFileError([_("The file holds no events (no VEVENT).")])
    if len(components) > max_events:
        raise IcsFileError([too_many_events_message(len(components), max_events)])
    events = [
        _read_event(component, number, context)
        for number, component in enumerate(components, start=1)
    ]
    ignored = sum(
        len(calendar.walk("VTODO")) + len(calendar.walk("VJOURNAL"))
        for calendar in calendars
    )
    warnings = []
    if ignored:
        warnings.append(
            ngettext(
                "%(num)d task or journal entry was left out.",
                "%(num)d tasks or journal entries were left out.",
                ignored,
            )
        )
    return ParsedCalendar(events=events, warnings=warnings)


def too_many_events_message(count: int, max_events: int) -> str:
    """What the import says about a file with too many events."""
    return _(
        "The file holds %(count)s events; at most %(most)s can be imported at a "
        "time. Export a shorter period of the calendar and import it in parts.",
        count=format_number(count),
        most=format_number(max_events),
    )


def _count_lines(unfolded: str, pattern: str) -> int:
    """How many lines of the (unfolded) text start with this pattern."""
    return len(re.findall(rf"^(?:{pattern})", unfolded, re.I | re.M))


def _calendars(data: bytes, max_events: int, max_participants: int) -> list[Calendar]:
    """The VCALENDARs of the file, or IcsFileError saying why there are none."""
    if not data.strip():
        raise IcsFileError([_("The file is empty.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IcsFileError(
            [
                _(
                    "The file is not UTF-8 text (iCalendar files are): byte "
                    "%(position)s cannot be read.",
                    position=error.start + 1,
                )
            ]
        ) from error
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise IcsFileError(
            [
                _(
                    "This is not an iCalendar (.ics) file: it must begin with "
                    "BEGIN:VCALENDAR."
                )
            ]
        )
    # Reading and checking an event, and finding or making a person, cost
    # milliseconds each: count before parsing, so a file of 33,000 tiny events
    # (47 seconds) or of thousands of attendees is refused at once.
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    count = _count_lines(unfolded, r"BEGIN:VEVENT[ \t]*\r?$")
    if count > max_events:
        raise IcsFileError([too_many_events_message(count, max_events)])
    participants = _count_lines(unfolded, r"ATTENDEE[;:]|ORGANIZER[;:]")
    if participants > max_participants:
        raise IcsFileError(
            [
                _(
                    "The file names %(count)s attendees and organizers in all; at "
                    "most %(most)s can be imported at a time. Import it in parts.",
                    count=format_number(participants),
                    most=format_number(max_participants),
                )
            ]
        )
    try:
        components = Calendar.from_ical(text, multiple=True)
    except (ValueError, TypeError, IndexError, KeyError, RecursionError) as error:
        raise IcsFileError(
            [
                _(
                    "This iCalendar file is damaged and cannot be read: %(error)s",
                    error=error,
                )
            ]
        ) from error
    calendars = [component for component in components if component.name == "VCALENDAR"]
    if not calendars:
        raise IcsFileError(
            [
                _(
                    "This iCalendar file is damaged: it ends before END:VCALENDAR "
                    "(it may have been cut off)."
                )
            ]
        )
    return calendars


def _read_event(component, number: int, context: _Context) -> IcsEvent:
    event = IcsEvent(number=number, title=_text(component, "SUMMARY"))
    recurrence = [name for name in RECURRENCE_PROPERTIES if name in component]
    if recurrence:
        # One meeting cannot stand for a series, and its first occurrence alone
        # would be a wrong record: the editor records the occurrences held.
        event.skipped = _(
            "a repeating event (or one changed occurrence of it) is not "
            "imported; record the occurrences as separate meetings"
        )
        return event
    try:
        event.record = _event_record(component, event, context)
    except _Unreadable as problem:
        event.problems.append(str(problem))
    except (
        ArithmeticError,
        LookupError,
        ValueError,
        TypeError,
        AttributeError,
    ) as error:
        # Files come from anywhere; whatever else goes wrong is this event's
        # problem, reported like the others, never a failed request.
        event.problems.append(
            _("it could not be read (%(error)s).", error=type(error).__name__)
        )
    return event


def _event_record(component, event: IcsEvent, context: _Context) -> dict:
    """The record of a new meeting for this event; fills the event's flags."""
    uid = _uid(component)
    start = _date_property(component, "DTSTART")
    if start is None:
        raise _Unreadable(_("it has no start (DTSTART)."))
    if isinstance(start.dt, datetime):
        when = _timed(component, start, event, context)
    else:
        when = _all_day(component, start, context)
    ends_at = when.pop("ends_at")
    event.cancelled = context.cancelled or (
        _text(component, "STATUS").upper() == "CANCELLED"
    )
    if event.cancelled:
        status = MeetingStatus.CANCELLED.value
    elif _text(component, "STATUS").upper() == "TENTATIVE":
        status = MeetingStatus.PLANNED.value
    else:
        status = _status_by_date(ends_at, context.now)

    event.location_text = _text(component, "LOCATION")
    venue, online_url = event.location_text, _conference_url(component)
    if _is_web_url(venue):
        venue, online_url = "", online_url or venue

    description = _text(component, "DESCRIPTION").replace("\r\n", "\n")
    event.states_description = bool(description)
    summary, notes = description, ""
    if len(description) > SUMMARY_MAX_LENGTH:
        summary, notes = "", description
        event.warnings.append(
            _(
                "its description is longer than a summary may be (%(most)s "
                "characters), so it goes into the notes.",
                most=format_number(SUMMARY_MAX_LENGTH),
            )
        )

    class_name = _text(component, "CLASS").upper()
    return {
        "uid": uid,
        "title": event.title,
        "kind": MeetingKind.MEETING.value,
        **when,
        "status": status,
        "confidentiality": CLASS_TO_CONFIDENTIALITY.get(
            class_name, DEFAULT_CONFIDENTIALITY
        ),
        "location": {"venue": venue, "city": "", "country": ""},
        "online_url": online_url,
        "summary": summary,
        "notes": notes,
        "participants": _participants(component, event),
        "sources": _sources(component, online_url, event),
    }


def _uid(component) -> str:
    """The UID as the meeting keeps it.

    A UID the meeting cannot hold as it is (longer than 120 characters, as
    Exchange writes some, or with spaces) is replaced by a SHA-256 of it, so
    importing the same event again still finds the same meeting.
    """
    uid = _text(component, "UID")
    if not uid:
        raise _Unreadable(_("it has no UID, so it could not be updated later."))
    if len(uid) > UID_MAX_LENGTH or any(ord(character) < 33 for character in uid):
        return HASHED_UID_PREFIX + hashlib.sha256(uid.encode("utf-8")).hexdigest()
    return uid


def _date_property(component, name: str):
    """A DTSTART/DTEND/DURATION value, or None; _Unreadable when it is broken."""
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        raise _Unreadable(_("it has %(property)s more than once.", property=name))
    if isinstance(value, vBroken):
        raise _Unreadable(
            _(
                "%(property)s “%(value)s” is not a valid date or time.",
                property=name,
                value=value,
            )
        )
    moment = getattr(value, "dt", None)
    if name == "DURATION":
        if not isinstance(moment, timedelta) or moment < timedelta(0):
            raise _Unreadable(
                _(
                    "DURATION “%(value)s” is not valid.",
                    value=value.to_ical().decode(),
                )
            )
        if moment > LAST_DAY - FIRST_DAY:
            raise _Unreadable(
                _(
                    "The end is after the year %(year)s. %(range)s",
                    year=LAST_DAY.year,
                    range=OUT_OF_RANGE_MESSAGE,
                )
            )
    elif not isinstance(moment, date):
        raise _Unreadable(
            _("%(property)s must be a date or a date and time.", property=name)
        )
    else:
        _check_year(moment, name)
    return value


def _check_year(moment: date, name: str | None) -> None:
    """`name` is a property (DTSTART) or None for the end the event implies."""
    if not day_in_range(moment):
        if name is None:
            message = _(
                "The end is in the year %(year)s. %(range)s",
                year=moment.year,
                range=OUT_OF_RANGE_MESSAGE,
            )
        else:
            message = _(
                "%(property)s is in the year %(year)s. %(range)s",
                property=name,
                year=moment.year,
                range=OUT_OF_RANGE_MESSAGE,
            )
        raise _Unreadable(message)


@dataclass(frozen=True)
class _Placed:
    """A date-time as wall-clock time in an IANA zone (None: floating)."""

    zone: str | None
    wall: datetime


def _placed(value, context: _Context, event: IcsEvent) -> _Placed:
    """Where a DTSTART/DTEND date-time is, with its TZID mapped to an IANA zone."""
    moment = value.dt
    tzid = value.params.get("TZID")
    if tzid:
        zone = iana_zone(tzid)
        if zone is not None:
            return _Placed(zone, moment.replace(tzinfo=None))
        return _Placed("UTC", _utc_from_file_zone(moment, tzid, context, event))
    if moment.tzinfo is None:
        return _Placed(None, moment)
    return _Placed("UTC", moment.astimezone(UTC).replace(tzinfo=None))


def iana_zone(tzid: str) -> str | None:
    """The IANA zone a TZID means, or None when it is not recognised.

    Accepts IANA names ("Europe/Paris"), Windows names ("Romance Standard
    Time", mapped with icalendar's copy of the Unicode CLDR table) and
    "globally unique" names that end in an IANA name
    ("/freeassociation.sourceforge.net/Europe/Paris").
    """
    cleaned = tzid.strip().strip('"').strip("/")
    if cleaned in known_timezones():
        return cleaned
    if cleaned in WINDOWS_TO_OLSON:
        return WINDOWS_TO_OLSON[cleaned]
    parts = cleaned.split("/")
    for first in range(1, len(parts)):
        candidate = "/".join(parts[first:])
        if candidate in known_timezones():
            return candidate
    return None


def _utc_from_file_zone(
    moment: datetime, tzid: str, context: _Context, event: IcsEvent
) -> datetime:
    """A wall time in a zone only the file defines (its VTIMEZONE), as naive UTC.

    The zone is built from this file's own VTIMEZONE, never from icalendar's
    process-wide cache, so one upload cannot change how another is read.
    """
    component = context.timezones.get(tzid)
    if component is None:
        raise _Unreadable(
            _(
                "its time zone “%(zone)s” is not a known zone name and the file "
                "does not define it (no VTIMEZONE).",
                zone=tzid,
            )
        )
    warning = _(
        "its time zone “%(zone)s” is not a known zone name; its times were "
        "converted to UTC with the file's own definition of that zone.",
        zone=tzid,
    )
    if warning not in event.warnings:
        event.warnings.append(warning)
    unusable = _(
        "the file's definition of the time zone “%(zone)s” cannot be used.",
        zone=tzid,
    )
    if tzid not in context.built_zones:
        context.built_zones[tzid] = _file_zone(component)
    zone = context.built_zones[tzid]
    if zone is None:
        raise _Unreadable(unusable)
    try:
        local = moment.replace(tzinfo=None).replace(tzinfo=zone)
        return local.astimezone(UTC).replace(tzinfo=None)
    except (ArithmeticError, ValueError, TypeError, KeyError, IndexError) as error:
        raise _Unreadable(unusable) from error


# A zone's rules change once or twice a year: anything finer would make building
# the zone list every hour, minute or second since its first observance.
ZONE_RULE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYDAY"}
MOST_ZONE_OBSERVANCES = 200
MOST_ZONE_DATES = 1000


def _file_zone(component: Timezone):
    """The tzinfo of a file's own VTIMEZONE, or None if it is not one a zone can be.

    Only yearly rules in one month are taken (as every real zone writes them),
    with a bounded number of observances and dates, so a small file cannot make
    the import expand millions of transitions.
    """
    observances = component.subcomponents
    dates = 0
    if len(observances) > MOST_ZONE_OBSERVANCES:
        return None
    for observance in observances:
        for rule in _all(observance, "RRULE"):
            frequency = [str(value).upper() for value in rule.get("FREQ", [])]
            if frequency != ["YEARLY"] or not set(rule) <= ZONE_RULE_PARTS:
                return None
            if len(rule.get("BYMONTH", [])) > 1 or len(rule.get("BYDAY", [])) > 1:
                return None
        dates += sum(
            len(getattr(value, "dts", [value])) for value in _all(observance, "RDATE")
        )
        if dates > MOST_ZONE_DATES:
            return None
    try:
        return component.to_tz(tzp, lookup_tzid=False)
    except (ArithmeticError, ValueError, TypeError, KeyError, IndexError):
        return None


def _timed(component, start, event: IcsEvent, context: _Context) -> dict:
    """start/end/timezone of an event with times, in the zone of its DTSTART."""
    placed = _placed(start, context, event)
    zone = placed.zone
    if zone is None:
        zone = context.floating_zone
        event.warnings.append(
            _(
                "its times have no time zone; they were read as %(zone)s times "
                "(or in the meeting's own zone when the event updates a meeting).",
                zone=zone,
            )
        )
    else:
        event.states_timezone = True
    start_wall = placed.wall
    end_wall = None
    end = _date_property(component, "DTEND")
    duration = _date_property(component, "DURATION")
    if end is not None:
        if not isinstance(end.dt, datetime):
            raise _Unreadable(_("DTSTART has a time but DTEND is a date only."))
        end_wall = _wall_in_zone(_placed(end, context, event), zone)
    elif duration is not None:
        end_wall = _after(start_wall, zone, duration.dt)
    if end_wall == start_wall:
        end_wall = None  # an event without length (RFC 5545): no end recorded
    elif end_wall is not None:
        _check_year(end_wall, None)
    last_wall = end_wall if end_wall is not None else start_wall
    return {
        "start": _wall_time_text(start_wall),
        "end": _wall_time_text(end_wall) if end_wall is not None else None,
        "timezone": zone,
        "all_day": False,
        "ends_at": last_wall.replace(tzinfo=ZoneInfo(zone)),
    }


def _wall_in_zone(placed: _Placed, zone: str) -> datetime:
    """The wall-clock time in `zone` of a placed time (floating: as written)."""
    if placed.zone is None or placed.zone == zone:
        return placed.wall
    aware = placed.wall.replace(tzinfo=ZoneInfo(placed.zone))
    return aware.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _after(start_wall: datetime, zone: str, duration: timedelta) -> datetime:
    """Start plus DURATION: days are calendar days, hours elapsed time (RFC 5545)."""
    nominal = start_wall + timedelta(days=duration.days)
    exact = duration - timedelta(days=duration.days)
    if not exact:
        return nominal
    instant = nominal.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC) + exact
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _all_day(component, start, context: _Context) -> dict:
    """start/end (last day, inclusive) of an event with dates only.

    Dates carry no zone; the meeting gets the file's or the default zone.
    """
    first_day = start.dt
    last_day = first_day
    end = _date_property(component, "DTEND")
    duration = _date_property(component, "DURATION")
    if end is not None:
        if isinstance(end.dt, datetime):
            raise _Unreadable(_("DTSTART is a date only but DTEND has a time."))
        # DTEND is exclusive; some programs repeat DTSTART for a one-day event.
        if end.dt != first_day:
            last_day = end.dt - timedelta(days=1)
    elif duration is not None:
        last_day = first_day + timedelta(days=max(duration.dt.days, 1) - 1)
    _check_year(last_day, None)
    zone = context.floating_zone
    after_last_day = datetime.combine(last_day + timedelta(days=1), datetime.min.time())
    return {
        "start": first_day.isoformat(),
        "end": last_day.isoformat(),
        "timezone": zone,
        "all_day": True,
        "ends_at": after_last_day.replace(tzinfo=ZoneInfo(zone)),
    }


def _status_by_date(ends_at: datetime, now: datetime) -> str:
    """A confirmed event: held once it is over, planned before."""
    if ends_at <= now:
        return MeetingStatus.HELD.value
    return MeetingStatus.PLANNED.value


def _wall_time_text(wall: datetime) -> str:
    """ "2025-03-14T10:00" (seconds only when there are some), as records write it."""
    return wall.strftime("%Y-%m-%dT%H:%M:%S" if wall.second else "%Y-%m-%dT%H:%M")


def _conference_url(component) -> str:
    """The first web link among the event's online-meeting properties."""
    for name in CONFERENCE_PROPERTIES:
        for value in _all(component, name):
            if _is_web_url(str(value).strip()):
                return str(value).strip()
    return ""


def _participants(component, event: IcsEvent) -> list[dict]:
    """ORGANIZER as host and ATTENDEEs as participants, by their names (CN).

    E-mail addresses are never kept: a person without a name is left out,
    and so are rooms, resources and groups. Attendance is unknown, since an
    accepted invitation says nothing about who came.
    """
    rows: list[dict] = []
    seen_keys: set[str] = set()
    candidates = [
        (organizer, ParticipantRole.HOST.value)
        for organizer in _all(component, "ORGANIZER")
    ]
    for attendee in _all(component, "ATTENDEE"):
        if isinstance(attendee, vBroken):
            continue
        role = str(attendee.params.get("ROLE", "")).upper()
        if role == "CHAIR":
            candidates.append((attendee, ParticipantRole.CHAIR.value))
        elif role == "NON-PARTICIPANT":
            candidates.append((attendee, ParticipantRole.OBSERVER.value))
        else:
            candidates.append((attendee, ParticipantRole.PARTICIPANT.value))
    for address, role in candidates:
        if isinstance(address, vBroken):
            continue
        user_type = str(address.params.get("CUTYPE", "INDIVIDUAL")).upper()
        name = " ".join(str(address.params.get("CN", "")).split())
        if user_type not in PERSON_USER_TYPES or not name or "@" in name:
            continue
        key = name_key(name)
        if not key or key in seen_keys:
            continue
        seen_keys.add(key)
        rows.append(
            {
                "person": name,
                "organization": None,
                "role": role,
                "attendance": Attendance.UNKNOWN.value,
                "note": None,
            }
        )
    if len(rows) > MAXIMUM_ROWS:
        event.warnings.append(
            _(
                "only the first %(kept)s of its %(count)s participants are imported.",
                kept=format_number(MAXIMUM_ROWS),
                count=format_number(len(rows)),
            )
        )
        rows = rows[:MAXIMUM_ROWS]
    return rows


def _sources(component, online_url: str, event: IcsEvent) -> list[dict]:
    """The event's URL as a source link (unless it is the online-meeting link)."""
    url = _text(component, "URL")
    if not url or url == online_url:
        return []
    if not _is_web_url(url):
        event.warnings.append(
            _("its URL “%(url)s” is not a web address and was left out.", url=url)
        )
        return []
    return [{"url": url, "title": None}]


def _all(component, name: str) -> list:
    """Every value of a property that may appear more than once."""
    values = component.get(name)
    if values is None:
        return []
    return values if isinstance(values, list) else [values]


def _text(component, name: str) -> str:
    """A text property, trimmed; the first one if it is given more than once."""
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value).strip()


def _is_web_url(text: str) -> bool:
    parts = urlsplit(text)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not any(character.isspace() for character in text)
    )


# Planning ------------------------------------------------------------------


def event_message(event: IcsEvent, message: str) -> str:
    """A message about one event of the file, naming it first."""
    return _("%(event)s: %(message)s", event=event.label, message=message)


class HiddenUidConflict(Exception):
    """A meeting the user may not see already has the event's UID."""


HIDDEN_CONFLICT_MESSAGE = _l("an existing meeting has this UID that you cannot update.")


@dataclass
class PlannedEvent:
    """What importing one event would do.

    `action` is "new", "updated", "unchanged", "skipped" (not imported, see
    the event's `skipped`) or "invalid" (see `problems`). `changes` names the
    fields an update changes; `meeting_id` is the meeting updated or left
    alone (always one the user may see).
    """

    event: IcsEvent
    action: str
    record: dict | None = None
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meeting_id: int | None = None

    @property
    def when(self) -> str:
        """The record's date and time, as the meeting pages show them."""
        return record_when(self.record) if self.record else ""


@dataclass
class ImportPlan:
    """The preview of an import: one row per event of the file, in file order."""

    rows: list[PlannedEvent]
    warnings: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every problem, each naming its event; any problem blocks the import."""
        return [
            event_message(row.event, problem)
            for row in self.rows
            for problem in row.problems
        ]

    @property
    def all_warnings(self) -> list[str]:
        """File warnings, then each event's warnings and reasons for skipping it."""
        found = list(self.warnings)
        for row in self.rows:
            found.extend(event_message(row.event, warning) for warning in row.warnings)
            if row.event.skipped:
                found.append(event_message(row.event, row.event.skipped + "."))
        return found

    def count(self, action: str) -> int:
        """How many events would have this action."""
        return sum(1 for row in self.rows if row.action == action)

    @property
    def has_changes(self) -> bool:
        """Whether importing would create or change at least one meeting."""
        return bool(self.count("new") or self.count("updated"))

    @property
    def importable_rows(self) -> list[PlannedEvent]:
        """Rows whose records go to the import (unchanged ones change nothing)."""
        return [
            row for row in self.rows if row.action in ("new", "updated", "unchanged")
        ]

    def document(self) -> dict:
        """The JSON-format document `import_document` writes."""
        return {"meetings": [row.record for row in self.importable_rows]}


def plan_import(parsed: ParsedCalendar, user) -> ImportPlan:
    """Say for each event whether importing would create, update or keep a meeting.

    Nothing is written. A UID held by a meeting `user` may not see is refused
    with the same words as any conflict, and that meeting's title is never
    shown. Each record is checked with the JSON import's validation.
    """
    rows = []
    first_number_of_uid: dict[str, int] = {}
    for event in parsed.events:
        if event.skipped:
            rows.append(PlannedEvent(event=event, action="skipped"))
            continue
        if event.record is None:
            rows.append(
                PlannedEvent(event=event, action="invalid", problems=event.problems)
            )
            continue
        rows.append(_plan_event(event, user, first_number_of_uid))
    return ImportPlan(rows=rows, warnings=list(parsed.warnings))


def _plan_event(event: IcsEvent, user, first_number_of_uid: dict[str, int]):
    uid = event.record["uid"]
    if uid in first_number_of_uid:
        return PlannedEvent(
            event=event,
            action="invalid",
            problems=[
                _(
                    "it has the same UID as event %(number)s; only one of them "
                    "can be imported.",
                    number=first_number_of_uid[uid],
                )
            ],
        )
    first_number_of_uid[uid] = event.number
    try:
        existing = _existing_meeting(uid, user)
    except HiddenUidConflict:
        return PlannedEvent(
            event=event, action="invalid", problems=[str(HIDDEN_CONFLICT_MESSAGE)]
        )
    warnings = list(event.warnings)
    if existing is None:
        record, action, changes = event.record, "new", []
    else:
        before = meeting_to_record(existing)
        record = merged_record(existing, event, warnings)
        changes = [
            str(FIELD_LABELS.get(key, key))
            for key in before
            if record[key] != before[key]
        ]
        action = "updated" if changes else "unchanged"
    problems = record_problems(record)
    if not problems:
        warnings.extend(record_likely_duplicates(record, user))
    return PlannedEvent(
        event=event,
        action="invalid" if problems else action,
        record=record,
        changes=changes,
        problems=problems,
        warnings=warnings,
        meeting_id=existing.id if existing is not None else None,
    )


def _existing_meeting(uid: str, user) -> Meeting | None:
    """The meeting with this UID if `user` may see it; HiddenUidConflict if hidden."""
    meeting = db.session.scalar(visible_meetings_for(user).where(Meeting.uid == uid))
    if meeting is not None:
        return meeting
    # The one look past the visibility rule: an import must never update (or
    # collide with) a hidden meeting, and the caller says no more than "taken".
    if db.session.scalar(select(exists().where(Meeting.uid == uid))):
        raise HiddenUidConflict(uid)
    return None


def merged_record(meeting: Meeting, event: IcsEvent, warnings: list[str]) -> dict:
    """The meeting's record after importing the event onto it.

    The event's title, dates and times replace the meeting's; its time zone,
    location and description too when it states them. Everything the event
    cannot know stays: kind, series, topics, outcomes, participants' details
    (new names are added, none removed), sources (new links added), notes
    written by the team, and the confidentiality (which only a CLASS:CONFIDENTIAL
    event raises, never lowers). A cancelled event cancels the meeting; one
    that is not cancelled reinstates a cancelled meeting; otherwise the
    meeting's own status (planned, held, postponed) stays.
    """
    record = meeting_to_record(meeting)
    new = event.record
    for key in ("title", "start", "end", "all_day"):
        record[key] = new[key]
    if event.states_timezone:
        record["timezone"] = new["timezone"]
    known_places = (meeting.location_label, meeting.venue, meeting.online_url)
    if new["location"]["venue"] and event.location_text not in known_places:
        record["location"] = dict(new["location"])
    if new["online_url"]:
        record["online_url"] = new["online_url"]
    if event.states_description:
        _merge_description(record, new, meeting, warnings)
    if event.cancelled:
        record["status"] = MeetingStatus.CANCELLED.value
    elif meeting.status == MeetingStatus.CANCELLED:
        record["status"] = new["status"]
    if new["confidentiality"] == Confidentiality.RESTRICTED:
        record["confidentiality"] = Confidentiality.RESTRICTED.value
    record["participants"] = record["participants"] + _new_participants(
        meeting, new["participants"]
    )
    known_urls = {source["url"] for source in record["sources"]}
    record["sources"] = record["sources"] + [
        source for source in new["sources"] if source["url"] not in known_urls
    ]
    return record


def _merge_description(
    record: dict, new: dict, meeting: Meeting, warnings: list[str]
) -> None:
    """A short description replaces the summary; a long one fills empty notes only.

    The notes are the team's minutes: a long invitation text never replaces
    them.
    """
    if new["summary"]:
        record["summary"] = new["summary"]
    elif meeting.notes in ("", new["notes"]):
        record["notes"] = new["notes"]
    else:
        warnings.append(
            _(
                "its long description was not imported: the meeting's notes "
                "already hold other text."
            )
        )


def _new_participants(meeting: Meeting, rows: list[dict]) -> list[dict]:
    """The event's participants who are not yet among the meeting's."""
    person_ids = {row.person_id for row in meeting.participations if row.person_id}
    name_keys = {
        name_key(row.person.display_name)
        for row in meeting.participations
        if row.person is not None
    }
    added = []
    for row in rows:
        person = find_person(row["person"])
        if person is not None and person.id in person_ids:
            continue
        if name_key(row["person"]) in name_keys:
            continue
        added.append(row)
    return added[: max(0, MAXIMUM_ROWS - len(meeting.participations))]


def record_problems(record: dict) -> list[str]:
    """The JSON import's objections to a record, each naming the .ics property."""
    try:
        check_document({"meetings": [record]})
    except ImportFailed as failure:
        return [_in_file_terms(problem) for problem in failure.problems]
    return []


def _in_file_terms(problem: str) -> str:
    """ "meetings[0].title: Give…" -> "SUMMARY (title): Give…"."""
    problem = re.sub(r"^meetings\[\d+\][.:]\s*", "", problem)
    path, separator, message = problem.partition(": ")
    if not separator:
        return problem
    field_name = re.split(r"[.\[]", path, maxsplit=1)[0]
    property_name = PROPERTY_OF_FIELD.get(field_name)
    if property_name is None:
        return problem
    return f"{property_name} ({path}): {message}"


# Writing -------------------------------------------------------------------


def run_import(plan: ImportPlan) -> ImportSummary:
    """Write every record of a plan without problems, all or nothing.

    Raises ImportFailed (and writes nothing) when the plan has problems or
    the database refuses any part of it.
    """
    if plan.problems:
        raise ImportFailed(plan.problems)
    rows = plan.importable_rows
    try:
        return import_document(plan.document())
    except ImportFailed as failure:
        raise ImportFailed(
            [_with_event_label(problem, rows) for problem in failure.problems]
        ) from failure


def _with_event_label(problem: str, rows: list[PlannedEvent]) -> str:
    """Name the event instead of the document's "meetings[3]"."""
    match = re.match(r"^meetings\[(\d+)\]", problem)
    if match is None or int(match.group(1)) >= len(rows):
        return problem
    return event_message(rows[int(match.group(1))].event, _in_file_terms(problem))


# Showing -------------------------------------------------------------------


def record_when(record: dict) -> str:
    """A record's date and time as the meeting pages write them."""
    try:
        if record.get("all_day"):
            first = date.fromisoformat(record["start"])
            last = date.fromisoformat(record["end"]) if record.get("end") else first
            if last != first:
                return _(
                    "%(first)s – %(last)s (all day)",
                    first=format_date(first),
                    last=format_date(last),
                )
            return _("%(day)s (all day)", day=format_date(first))
        start = datetime.fromisoformat(record["start"])
        text = date_and_time(start, start)
        if record.get("end"):
            end = datetime.fromisoformat(record["end"])
            if end.date() == start.date():
                text += f"–{format_time(end)}"
            else:
                text += " – " + date_and_time(end, end)
        return _("%(when)s (%(zone)s)", when=text, zone=record["timezone"])
    except (TypeError, ValueError, KeyError):
        return f"{record.get('start')} – {record.get('end')}"
