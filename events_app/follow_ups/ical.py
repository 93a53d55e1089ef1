"""Open follow-ups as all-day calendar events: a pure writer, no request access.

Each event's UID is its meeting's UID with the follow-up's row position, so
it stays the same event while the meeting is edited; SEQUENCE is the
meeting's revision, which grows with every save of it, so calendar apps take
any change (a new due date, new words) and nothing else. Done and dropped
follow-ups are simply not in the feed: calendar apps remove them.

The feed is written for one reader, in their language (the caller chooses it
with `force_locale`): its words ("Follow-up: …", "Owner: …") are translated
and SUMMARY and DESCRIPTION carry that LANGUAGE. UIDs and property names
never change with it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _

from events_app.calendar.ical import (
    CalendarWords,
    calendar_header,
    escape_text,
    fold_line,
)

SUMMARY_TEXT_LENGTH = 120


@dataclass(frozen=True)
class CalendarFollowUp:
    """What a follow-up's event is written from (loaded as plain values)."""

    position: int
    text: str
    due: date
    owner: str
    meeting_id: int
    meeting_uid: str
    meeting_title: str
    meeting_city: str
    meeting_revision: int
    meeting_updated_at: datetime


def follow_up_summary(follow_up: CalendarFollowUp) -> str:
    """ "Follow-up: send the sanctions report — from: Alliance meeting, Paris"."""
    first_line = " ".join(follow_up.text.split())
    if len(first_line) > SUMMARY_TEXT_LENGTH:
        first_line = first_line[: SUMMARY_TEXT_LENGTH - 1].rstrip() + "…"
    if follow_up.meeting_city:
        return _(
            "Follow-up: %(text)s — from: %(meeting)s, %(city)s",
            text=first_line,
            meeting=follow_up.meeting_title,
            city=follow_up.meeting_city,
        )
    return _(
        "Follow-up: %(text)s — from: %(meeting)s",
        text=first_line,
        meeting=follow_up.meeting_title,
    )


def follow_up_event(
    follow_up: CalendarFollowUp, meeting_url: str, language_parameter: str = ""
) -> bytes:
    """The folded VEVENT of one open follow-up, on its due date, all day.

    `language_parameter` (";LANGUAGE=fr") goes on SUMMARY and DESCRIPTION.
    """
    stamp = follow_up.meeting_updated_at.strftime("%Y%m%dT%H%M%SZ")
    description = follow_up.text
    if follow_up.owner:
        description += "\n\n" + _("Owner: %(owner)s", owner=follow_up.owner)
    description += "\n" + _("From: %(meeting)s", meeting=follow_up.meeting_title) + "\n"
    description += meeting_url
    text = (
        "BEGIN:VEVENT\r\n"
        f"SUMMARY{language_parameter}:{escape_text(follow_up_summary(follow_up))}"
        "\r\n"
        f"DTSTART;VALUE=DATE:{follow_up.due.strftime('%Y%m%d')}\r\n"
        f"DTEND;VALUE=DATE:{(follow_up.due + timedelta(days=1)).strftime('%Y%m%d')}"
        "\r\n"
        f"DTSTAMP:{stamp}\r\n"
        f"UID:{escape_text(f'follow-up-{follow_up.position}-{follow_up.meeting_uid}')}"
        "\r\n"
        f"SEQUENCE:{int(follow_up.meeting_revision)}\r\n"
        "CLASS:PRIVATE\r\n"
        f"DESCRIPTION{language_parameter}:{escape_text(description)}\r\n"
        f"LAST-MODIFIED:{stamp}\r\n"
        "TRANSP:TRANSPARENT\r\n"
        f"URL:{meeting_url}\r\n"
        "END:VEVENT\r\n"
    )
    return b"\r\n".join(fold_line(line) for line in text.encode().split(b"\r\n"))


def follow_ups_to_ical(
    follow_ups: list[CalendarFollowUp],
    *,
    calendar_name: str | CalendarWords,
    meeting_url,
) -> bytes:
    """A VCALENDAR of these follow-ups, in the current locale's words;
    `meeting_url(meeting_id)` links each."""
    language_parameter = f";LANGUAGE={get_locale() or 'en'}"
    return b"".join(
        [
            calendar_header(calendar_name),
            *(
                follow_up_event(
                    follow_up, meeting_url(follow_up.meeting_id), language_parameter
                )
                for follow_up in follow_ups
            ),
            b"END:VCALENDAR\r\n",
        ]
    )
