"""Words of the frame around every page: the app's name, and what the JavaScript says.

The scripts in events_app/static/ take their words from the page: base.html
writes `interface_words()` as JSON into <script id="interface-words">, and
interface_words.js hands them to the other scripts (English when absent).
"""

from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from events_app.language import bp
from events_app.language.formatting import current_locale

# Whole numbers that fall in each CLDR plural category of the app's languages
# (the first that Babel's rules put in a category stands for it).
_PLURAL_SAMPLES = (1, 2, 5, 0, 21, 22, 11, 100, 1_000_000)


@bp.app_template_global()
def app_name() -> str:
    """The product's name: the APP_NAME setting as set, else ours, translated."""
    return current_app.config.get("APP_NAME") or _("Meeting records")


def plural_forms(message) -> dict[str, str]:
    """A counted message as each CLDR plural category of the reader's language says it.

    `message(count)` gives the text for a count, with "{num}" where the count
    goes (passed as another placeholder than `num`, which ngettext fills with
    the count itself); the browser picks the category with Intl.PluralRules.
    """
    rule = current_locale().plural_form
    forms: dict[str, str] = {}
    for count in _PLURAL_SAMPLES:
        forms.setdefault(rule(count), message(count))
    forms.setdefault("other", message(_PLURAL_SAMPLES[-1]))
    return forms


@bp.app_template_global()
def interface_words() -> dict[str, str | dict[str, str]]:
    """The words the scripts show, by key, in the reader's language."""
    return _interface_words_in(current_locale())


@lru_cache(maxsize=16)
def _interface_words_in(locale) -> dict[str, str | dict[str, str]]:
    """Every page writes them, and Babel's plural rules are slow to apply:
    written once per locale (the request's catalog is that locale's)."""
    return {
        # copy_button.js
        "copied": _("Copied."),
        # meeting_form.js
        "at_most_rows": plural_forms(
            lambda count: ngettext(
                "At most %(rows)s row.", "At most %(rows)s rows.", count, rows="{num}"
            )
        ),
        # name_suggestions.js
        "suggestions": _("Suggestions"),
    }
