"""The words of a calendar file that people read, in its reader's language.

A calendar app fetching a feed has no browser session: a private feed is read
in its owner's language (the account's setting), else in the language the
calendar app asks for (Accept-Language), else in English; a public feed in
the language asked for. What stays the same in every language: property
names, UIDs, PRODID, and the meetings' events themselves (stored and shared,
see events_app/calendar/ical.py).
"""

from flask import Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _

from events_app.calendar.ical import CalendarWords
from events_app.language.choice import LANGUAGES, browser_language


def feed_language(owner=None) -> str:
    """The language of a feed read by a calendar app for `owner` (None: public)."""
    if owner is not None and owner.language in LANGUAGES:
        return owner.language
    return browser_language(request.accept_languages)


def language_follows_request(owner=None) -> bool:
    """Whether the feed's words depend on the request's Accept-Language."""
    return owner is None or owner.language not in LANGUAGES


def vary_by_language(response: Response, owner=None) -> None:
    """Tell caches that the words depend on Accept-Language, where they do."""
    if language_follows_request(owner):
        response.vary.add("Accept-Language")


def calendar_name(language: str) -> tuple[str, str | None]:
    """The calendar's name, and its language when the app wrote it (translated)."""
    configured = current_app.config["CALENDAR_NAME"]
    if configured:
        return configured, None
    with force_locale(language):
        return _("Meetings"), language


def meetings_feed_words(language: str, *, private: bool) -> CalendarWords:
    """The name and description of a meetings feed (public or private)."""
    name, name_language = calendar_name(language)
    with force_locale(language):
        if private:
            description = _(
                "The meetings you may see in the meeting records, narrowed by "
                "this subscription's filters. Each event links to its record."
            )
        else:
            description = _(
                "Public meetings from the meeting records. Each event links to "
                "its record."
            )
    return CalendarWords(name, description, name_language, language)


def single_meeting_words(language: str) -> CalendarWords:
    """The name of a one-meeting .ics file."""
    name, name_language = calendar_name(language)
    return CalendarWords(name, name_language=name_language)


def follow_ups_feed_words(language: str) -> CalendarWords:
    """The name and description of a follow-ups feed (always the app's words)."""
    name, _name_language = calendar_name(language)
    with force_locale(language):
        return CalendarWords(
            _("%(calendar)s: follow-ups", calendar=name),
            _(
                "Your open follow-ups with a due date, as all-day entries. Done "
                "and dropped ones leave the calendar."
            ),
            language,
            language,
        )
