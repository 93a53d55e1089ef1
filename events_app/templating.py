"""Filters and globals shared by every template."""

from flask import Flask, request, url_for
from flask_babel import get_locale

from events_app.date_range import DATE_INPUT_LIMITS
from events_app.directory.did_you_mean import choice_value, other_names_shown
from events_app.directory.pages import record_url
from events_app.language.choice import LANGUAGES, chosen_language
from events_app.language.formatting import (
    format_date,
    format_number,
    format_time,
    meeting_when,
)
from events_app.markdown import render_markdown
from events_app.models.choices import label


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


class IdUrls:
    """Links to many records of one kind: `url_for` once, then one string join
    per id. A record page links 150 records; each `url_for` through the router
    cost about as much as the rest of its list item."""

    _PLACEHOLDER = 918273645

    def __init__(self, endpoint: str, id_arg: str):
        built = url_for(endpoint, **{id_arg: self._PLACEHOLDER})
        self.prefix, _, self.suffix = built.rpartition(str(self._PLACEHOLDER))

    def __call__(self, record_id: int) -> str:
        return f"{self.prefix}{int(record_id)}{self.suffix}"


def url_without(names: tuple[str, ...]) -> str:
    """The current URL without the named query arguments (a filter chip's ×)."""
    return url_with(**dict.fromkeys(names))


def current_language() -> str:
    """The language this page is written in (its `lang` attribute)."""
    locale = get_locale()
    return locale.language if locale else chosen_language()


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["choice_value"] = choice_value
    app.jinja_env.filters["record_url"] = record_url
    app.jinja_env.filters["other_record_names"] = other_names_shown
    app.jinja_env.globals["meeting_when"] = meeting_when
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["id_urls"] = IdUrls
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["url_without"] = url_without
    app.jinja_env.globals["date_input_limits"] = DATE_INPUT_LIMITS
