"""Dates, times and numbers in the reader's language (Babel, CLDR data).

Meetings are shown at their own local time with their own time zone, never
converted to the reader's, so these take times as they are and format them
in the request's locale.
"""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import get_locale

from events_app.language.choice import DEFAULT_LANGUAGE, current_translations

DAY_PATTERN = "EEE d MMM y"
TIME_PATTERN = "HH:mm"


def _(message: str, **values) -> str:
    """gettext through the request's catalog found once (a page calls these often)."""
    text = current_translations().ugettext(message)
    return text % values if values else text


def pgettext(context: str, message: str) -> str:
    return current_translations().upgettext(context, message)


def current_locale() -> Locale:
    return get_locale() or Locale.parse(DEFAULT_LANGUAGE)


# Babel formats a day in about 10 µs, and a page shows the same days and times
# many times over (a history page: about 25 meetings, each several times):
# remembered per locale, pattern and value, a few thousand of each.
@lru_cache(maxsize=4096)
def _formatted_day(day: date, pattern: str, locale: Locale) -> str:
    return babel_dates.format_date(day, pattern, locale=locale)


@lru_cache(maxsize=4096)
def _formatted_time(at: time, pattern: str, locale: Locale) -> str:
    return babel_dates.format_time(at, pattern, locale=locale)


def format_date(value: date | datetime | None, pattern: str = DAY_PATTERN) -> str:
    """A day as "Tue 13 May 2025" / "аў 13 мая 2025" / "mar. 13 mai 2025"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _formatted_day(value, pattern, current_locale())


def format_time(value: datetime | time | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.time()
    return _formatted_time(value, TIME_PATTERN, current_locale())


def format_number(value: int | float | None) -> str:
    """A count with the locale's digit grouping (1,234 / 1 234)."""
    if value is None:
        return ""
    return _formatted_number(value, current_locale())


@lru_cache(maxsize=4096)
def _formatted_number(value: int | float, locale: Locale) -> str:
    return babel_numbers.format_decimal(value, locale=locale)


def month_name(day: date, width: str = "wide") -> str:
    """A month's name standing alone, as a heading ("March 2025" / "сакавік 2025")."""
    pattern = "LLLL y" if width == "wide" else "LLL y"
    if isinstance(day, datetime):
        day = day.date()
    return _formatted_day(day.replace(day=1), pattern, current_locale())


def weekday_names(width: str = "abbreviated") -> list[str]:
    """The names of the days, Monday first (index 0 is Monday, as date.weekday())."""
    names = babel_dates.get_day_names(width, "stand-alone", locale=current_locale())
    return [names[index] for index in range(7)]


def first_weekday() -> int:
    """The locale's first day of the week, 0 for Monday as date.weekday()."""
    return current_locale().first_week_day


def zone_city(timezone: str) -> str:
    """The time zone's exemplar city in the reader's language ("Paris", "Парыж")."""
    return _zone_city(timezone, current_locale())


@lru_cache(maxsize=1024)
def _zone_city(timezone: str, locale: Locale) -> str:
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError):
        return timezone
    return babel_dates.get_timezone_location(zone, locale=locale, return_city=True)


def zone_label(timezone: str) -> str:
    """The time zone as each language names it: "Europe/Paris" or "heure de Paris".

    Which of the two a language uses is its translators' choice, made by
    translating the word "identifier" (as GNOME's "default:LTR" chooses a
    direction): "city" names the zone by its city in that language.
    """
    style = pgettext(
        "How a meeting's time zone is named: 'identifier' (Europe/Paris) or "
        "'city' (the message '%(city)s time'). Translate as one of these two words.",
        "identifier",
    )
    if style == "city":
        return _("%(city)s time", city=zone_city(timezone))
    return timezone


def date_and_time(day: date | datetime, at: datetime | time) -> str:
    return _("%(date)s, %(time)s", date=format_date(day), time=format_time(at))


def meeting_when(meeting) -> str:
    """Human date and time of a meeting in its own time zone, with the zone named.

    The zone is named as the reader's language chooses (see `zone_label`).
    """
    start = meeting.local_start
    if meeting.all_day:
        last = meeting.last_date
        if last != start.date():
            return _(
                "%(first)s – %(last)s (all day)",
                first=format_date(start),
                last=format_date(last),
            )
        return _("%(day)s (all day)", day=format_date(start))
    text = date_and_time(start, start)
    end = meeting.local_end
    if end is not None:
        if end.date() == start.date():
            text += "–" + format_time(end)
        else:
            text += " – " + date_and_time(end, end)
    return _("%(when)s (%(zone)s)", when=text, zone=zone_label(meeting.timezone))
