"""Filters and globals shared by every template."""

from datetime import date, datetime

from flask import Flask, request, url_for

from events_app.date_range import DATE_INPUT_LIMITS
from events_app.directory.did_you_mean import choice_value, other_names_shown
from events_app.directory.pages import record_url
from events_app.markdown import render_markdown
from events_app.models.choices import label


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%a %d %b %Y}".replace(" 0", " ")


def format_time(value: datetime | None) -> str:
    return "" if value is None else f"{value:%H:%M}"


def meeting_when(meeting) -> str:
    """Human date and time of a meeting in its own time zone."""
    start = meeting.local_start
    if meeting.all_day:
        last = meeting.last_date
        if last != start.date():
            return f"{format_date(start)} – {format_date(last)} (all day)"
        return f"{format_date(start)} (all day)"
    text = f"{format_date(start)}, {format_time(start)}"
    end = meeting.local_end
    if end is not None:
        if end.date() == start.date():
            text += f"–{format_time(end)}"
        else:
            text += f" – {format_date(end)}, {format_time(end)}"
    return f"{text} ({meeting.timezone})"


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (None removes one).

    Query arguments that `url_for` would read as its own (`_external`,
    `_anchor`, …) or that name a part of the path (`person_id`) are left out:
    they are nobody's filter, and would otherwise break or redirect the links.
    """
    view_args = request.view_args or {}
    args = {
        key: values
        for key, values in request.args.to_dict(flat=False).items()
        if not key.startswith("_") and key not in view_args
    }
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint, **view_args, **args)


def url_without(names: tuple[str, ...]) -> str:
    """The current URL without the named query arguments (a filter chip's ×)."""
    return url_with(**dict.fromkeys(names))


def plural(count: int, singular: str, plural_form: str) -> str:
    """The sentence for `count` in the right number, `%(num)d` replaced by it.

    Takes ngettext's arguments, so wrapping it for translation later is a
    rename: plural(n, "%(num)d meeting", "%(num)d meetings").
    """
    return (singular if count == 1 else plural_form) % {"num": count}


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["choice_value"] = choice_value
    app.jinja_env.filters["record_url"] = record_url
    app.jinja_env.filters["other_record_names"] = other_names_shown
    app.jinja_env.globals["meeting_when"] = meeting_when
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["url_without"] = url_without
    app.jinja_env.globals["plural"] = plural
    app.jinja_env.globals["date_input_limits"] = DATE_INPUT_LIMITS
