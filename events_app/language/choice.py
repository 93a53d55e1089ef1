"""Which language each request is answered in.

The order: a signed-in user's own choice (account page), then the choice made
with the switcher in this browser (kept in the session), then the browser's
Accept-Language, then English.
"""

from flask import Flask, g, has_request_context, request, session
from flask_babel import get_locale, get_translations, refresh
from flask_login import current_user

from events_app.extensions import babel

LANGUAGES = {"en": "English", "be": "Беларуская", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
# A browser set to Russian or Ukrainian is read as asking for Belarusian: the
# app's staff read it more easily than English (README, "Languages").
NEAREST_LANGUAGE = {"ru": "be", "uk": "be"}
SESSION_KEY = "language"


def browser_language(accept_languages) -> str:
    """The first language of the browser's list (best first) that the app speaks."""
    for value, _quality in accept_languages:
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if primary in LANGUAGES:
            return primary
        if primary in NEAREST_LANGUAGE:
            return NEAREST_LANGUAGE[primary]
    return DEFAULT_LANGUAGE


def chosen_language() -> str:
    """The language of this request (Flask-Babel's locale selector)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    in_session = session.get(SESSION_KEY)
    if in_session in LANGUAGES:
        return in_session
    return browser_language(request.accept_languages)


def current_translations():
    """The catalog of this request's language, found once per locale.

    Flask-Babel looks it up through several context proxies on every call, and
    a page makes hundreds (each label, each date): templates ask here instead.
    Kept with the locale object it was found for, so `force_locale` is obeyed.
    """
    locale = get_locale()
    found = getattr(g, "_translations_of_locale", None)
    if found is not None and found[0] is locale:
        return found[1]
    translations = get_translations()
    g._translations_of_locale = (locale, translations)
    return translations


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=chosen_language)
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: current_translations().ugettext(message),
        ngettext=lambda singular, plural, count: current_translations().ungettext(
            singular, plural, count
        ),
        pgettext=lambda context, message: current_translations().upgettext(
            context, message
        ),
        npgettext=lambda context, singular, plural, count: (
            current_translations().unpgettext(context, singular, plural, count)
        ),
        newstyle=True,
    )
    # Flask-Babel keeps the locale on `g`, which outlives a request where an
    # app context was already open (tests, CLI commands serving requests):
    # choose afresh for every request.
    app.before_request(refresh)
