"""Meetings as CSV for spreadsheets, safe against formula injection."""

import csv
import io
from collections.abc import Callable, Iterable

from flask_babel import pgettext

from events_app.models import Meeting


def column_headers() -> list[str]:
    """The header row in the reader's language, in the columns' order.

    English keeps the field names ("title", "series_number") that scripts
    reading the export rely on.
    """
    return [
        pgettext("meetings CSV column", "title"),
        pgettext("meetings CSV column", "kind"),
        pgettext("meetings CSV column", "status"),
        pgettext("meetings CSV column", "confidentiality"),
        pgettext("meetings CSV column", "start"),
        pgettext("meetings CSV column", "end"),
        pgettext("meetings CSV column", "timezone"),
        pgettext("meetings CSV column", "all_day"),
        pgettext("meetings CSV column", "series"),
        pgettext("meetings CSV column", "series_number"),
        pgettext("meetings CSV column", "venue"),
        pgettext("meetings CSV column", "city"),
        pgettext("meetings CSV column", "country"),
        pgettext("meetings CSV column", "online_url"),
        pgettext("meetings CSV column", "participants"),
        pgettext("meetings CSV column", "topics"),
        pgettext("meetings CSV column", "outcomes"),
        pgettext("meetings CSV column", "summary"),
        pgettext("meetings CSV column", "url"),
    ]


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value) -> str:
    """Text a spreadsheet shows as text: a leading =, +, -, @ or control is defused.

    `=HYPERLINK(...)` typed into a title must not become a live formula when an
    export is opened in Excel or LibreOffice, so such cells get a leading quote.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _participant_text(meeting: Meeting) -> str:
    parts = []
    for row in meeting.participations:
        who = row.person.display_name if row.person else ""
        organization = row.organization.name if row.organization else ""
        name = (
            f"{who} ({organization})" if who and organization else who or organization
        )
        parts.append(f"{name}: {row.role}")
    return "; ".join(parts)


def meetings_to_csv(meetings: Iterable[Meeting], meeting_url: Callable) -> str:
    """One row per meeting, local times in each meeting's own zone."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(column_headers())
    for meeting in meetings:
        end = meeting.local_end
        time_format = "%Y-%m-%d" if meeting.all_day else "%Y-%m-%d %H:%M"
        row = [
            meeting.title,
            meeting.kind,
            meeting.status,
            meeting.confidentiality,
            meeting.local_start.strftime(time_format),
            end.strftime(time_format) if end is not None else "",
            meeting.timezone,
            "yes" if meeting.all_day else "no",
            meeting.series,
            meeting.series_number if meeting.series_number is not None else "",
            meeting.venue,
            meeting.city,
            meeting.country,
            meeting.online_url,
            _participant_text(meeting),
            "; ".join(row.path for row in meeting.meeting_topics),
            "; ".join(outcome.text for outcome in meeting.outcomes),
            meeting.summary,
            meeting_url(meeting),
        ]
        writer.writerow([spreadsheet_safe(value) for value in row])
    return output.getvalue()
