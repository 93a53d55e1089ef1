"""Alphabetical order of names in the interface language: CLDR's, through ICU.

Names are Belarusian, Russian, French and English, in Cyrillic and Latin
letters alike. Each language orders them as its readers expect (CLDR's
collation, the one ICU implements): case and accents count only to break ties
(É sorts with E, ё with е), і comes after и and ў after у, and the other
script comes after one's own: Cyrillic first in Belarusian, Latin first in
English and French (whose CLDR order is the root one, as English's is).

So there are two orders (`ORDERINGS`), and each person, organization and topic
stores its name's ICU sort key for both (`sort_key_<ordering>` columns, kept by
events_app/directory/name_order.py). A sort key is bytes that compare as the
names do, so both databases order the rows identically by plain byte order
(BLOB on SQLite, bytea on PostgreSQL), through an index, with no collation of
their own involved.

Sort keys belong to one ICU version: requirements.txt pins the ICU wheel, and
`flask --app events_app reindex` recomputes every stored key after a change.
"""

from functools import cache

import icu
from flask import has_app_context
from flask_babel import get_locale

# Each order, by the ICU locale whose collation it is ("" for CLDR's root).
ORDERINGS = {"latin_first": "", "cyrillic_first": "be"}
# The order of each interface language (events_app/language/choice.py).
LANGUAGE_ORDERING = {"en": "latin_first", "fr": "latin_first", "be": "cyrillic_first"}
DEFAULT_ORDERING = "latin_first"


@cache
def collator(ordering: str) -> icu.Collator:
    """The ICU collator of an order (read-only, so shared by every request)."""
    return icu.Collator.createInstance(icu.Locale(ORDERINGS[ordering]))


def sort_key(text: str | None, ordering: str) -> bytes:
    """The bytes that order `text` among others in `ordering` (byte by byte)."""
    return bytes(collator(ordering).getSortKey(text or ""))


def current_ordering() -> str:
    """The order of the request's interface language (English outside requests)."""
    locale = get_locale() if has_app_context() else None
    language = locale.language if locale is not None else ""
    return LANGUAGE_ORDERING.get(language, DEFAULT_ORDERING)


def collation_key(text: str | None) -> bytes:
    """Sort key of `text` in the interface language (`sorted(key=collation_key)`)."""
    return sort_key(text, current_ordering())
