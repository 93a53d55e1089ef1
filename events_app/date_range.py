"""The dates the app serves: 1 January 1900 to 31 December 2199, on every door.

Every path that takes a date checks it here: the meeting form (and so the JSON
import and revision restores, which go through it), the .ics import and the
history and feed filters. Outside the range a date is a typo, and it breaks
things far from where it was typed: zone arithmetic overflows Python's
datetime near year 1 or 9999 (9999-12-31 in a zone behind UTC is in year
10000 in UTC), and a calendar feed's VTIMEZONE would cover every year between
its first and last meeting.

Meetings stored before the range was enforced may still lie outside it: the
calendar writer leaves such a meeting out of feeds (and logs it) instead of
failing the whole feed, and the meeting form refuses to save it again until
its dates are corrected.
"""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
OUT_OF_RANGE_MESSAGE = _l("Dates must be between 1 January 1900 and 31 December 2199.")
# The range on an <input type="date">, so browsers offer only these dates.
DATE_INPUT_LIMITS = {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
# A local date and its UTC instant differ by less than a day in every zone.
_ZONE_MARGIN = timedelta(days=1)


def day_in_range(day: date) -> bool:
    """Whether a date (or the date of a wall-clock datetime) is one the app serves."""
    if isinstance(day, datetime):
        day = day.date()
    return FIRST_DAY <= day <= LAST_DAY


def instant_in_range(moment_utc: datetime) -> bool:
    """Whether a stored naive-UTC instant can be a local time within the range."""
    return FIRST_DAY - _ZONE_MARGIN <= moment_utc.date() <= LAST_DAY + _ZONE_MARGIN


def clamp_to_range(day: date) -> date:
    """The nearest date within the range (for spans built from stored data)."""
    return min(max(day, FIRST_DAY), LAST_DAY)


DATE_FORMAT_MESSAGE = _l("Use a date like 2025-03-14.")


def query_date(raw: str | None) -> tuple[date | None, str | None]:
    """A date typed into a filter (YYYY-MM-DD): (the date, None) or (None, why not).

    An empty value is (None, None): no filter.
    """
    text = (raw or "").strip()
    if not text:
        return None, None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, str(DATE_FORMAT_MESSAGE)
    if not day_in_range(day):
        return None, str(OUT_OF_RANGE_MESSAGE)
    return day, None


def query_date_span(
    args, start_name: str = "from", end_name: str = "to"
) -> tuple[date | None, date | None, dict[str, str]]:
    """The `from`/`to` dates of a filter form, with a message per field in error.

    An end before the start is an error on the end field.
    """
    errors = {}
    start, problem = query_date(args.get(start_name))
    if problem:
        errors[start_name] = problem
    end, problem = query_date(args.get(end_name))
    if problem:
        errors[end_name] = problem
    if start and end and start > end:
        errors[end_name] = _("The end of the range is before its start.")
    return start, end, errors


def date_in_range(form, field) -> None:
    """Form validator: an empty field passes; a date outside the range is refused."""
    if field.data is not None and not day_in_range(field.data):
        raise ValidationError(str(OUT_OF_RANGE_MESSAGE))


def months_before(day: date, months: int) -> date:
    """The first day of the month `months` calendar months before `day`'s month.

    Feeds without a date filter start there (see `FEED_WINDOW_MONTHS`): a whole
    month, so a window moves, and feed validators change, once a month.
    """
    month_index = max(day.year * 12 + (day.month - 1) - months, FIRST_DAY.year * 12)
    return clamp_to_range(date(month_index // 12, month_index % 12 + 1, 1))
