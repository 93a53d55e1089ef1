"""What input is refused before it reaches the database, in one place for every door.

Two classes of input broke requests (500) or slipped raw into calendar files
and CSV: integers beyond what the database stores, and control characters.

- **Integers**: ids in URLs (`/meetings/<int:meeting_id>`) and numbers in query
  strings (`?page=`, `?topic=`) are accepted only from 1 to 2147483647, the
  range of a PostgreSQL `integer` column. The app replaces Werkzeug's `int`
  URL converter with `DatabaseIdConverter`, so every `<int:...>` route is
  bounded: a larger id answers 404 like a missing record. Query-string numbers
  go through `integer_arg` (an out-of-range value counts as absent) or
  `database_id` (for form values such as a chosen parent topic).
- **Control characters** (Unicode category Cc: U+0000–U+001F, U+007F–U+009F):
  PostgreSQL refuses NUL, and the others are invisible and would be written
  raw into .ics and CSV files. Tab, line feed and carriage return are accepted
  in multi-line fields (text areas) only. Every form refuses them through
  `AppForm`/`AppSubform` (a message next to the field, the input kept; the JSON
  and .ics imports check their records with the same forms), the path and
  query string of every request through `refuse_control_characters_in_url`
  (400; tab and line breaks pass there, as every query parser folds them),
  and the JSON import's directory records through `control_characters_in`.
"""

import re

from flask import Flask, abort, request
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import Form, PasswordField, StringField
from wtforms.validators import StopValidation
from wtforms.widgets import TextArea

# The largest value of a PostgreSQL `integer` (and of SQLite's ids in practice).
DATABASE_INTEGER_MAX = 2**31 - 1

# Searches use at most this many characters (a LIKE pattern of 100,000 fails
# on SQLite, and no one searches for a page of text).
MAXIMUM_SEARCH_LENGTH = 200

# C0 and C1 controls, and the invisible bidirectional overrides, embeddings and
# isolates that can make a name display as another (U+202A-U+202E,
# U+2066-U+2069). Line and paragraph separators only in multi-line text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_EXCEPT_LINE_BREAKS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
CONTROL_CHARACTERS_MESSAGE = _l("Remove the invisible control characters.")


def control_characters_in(text: str, multiline: bool = False) -> bool:
    """Whether text holds control characters (tab and line breaks allowed if multiline).

    "a\\x00b" and "a\\x1b[31m" have some; "two\\nlines" has some unless multiline.
    """
    pattern = _CONTROL_EXCEPT_LINE_BREAKS if multiline else _CONTROL
    return pattern.search(text) is not None


def database_id(value) -> int | None:
    """A positive integer the database can store, from text such as "42"; else None.

    "0", "-3", "²", "4.5" and "99999999999999999999" all give None.
    """
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= DATABASE_INTEGER_MAX else None


def integer_arg(name: str, default: int | None = None) -> int | None:
    """The query-string number `name`; `default` if absent, malformed or too big."""
    number = database_id(request.args.get(name))
    return default if number is None else number


class DatabaseIdConverter(IntegerConverter):
    """Werkzeug's `int` converter, bounded to ids the database can store."""

    def __init__(self, map, fixed_digits=0, min=1, max=DATABASE_INTEGER_MAX):
        super().__init__(map, fixed_digits, min, max)


def _refuse_control_characters(form, field) -> None:
    if isinstance(field.data, str) and control_characters_in(
        field.data, multiline=isinstance(field.widget, TextArea)
    ):
        # Stop here: later validators may look the value up in the database.
        raise StopValidation(str(CONTROL_CHARACTERS_MESSAGE))


class _InterfaceTranslations:
    """WTForms' own messages ("This field is required.") from the app's catalog.

    WTForms ships no Belarusian catalog, so its messages are translated with
    the app's others, in the request's language; they are listed for
    `make translations` in events_app/language/form_messages.py. WTForms fills
    their placeholders itself, after translating.
    """

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return get_translations().ungettext(singular, plural, count)


class _AppFormRules:
    """Form Meta of every form: the control-character check first on every text
    field, and WTForms' messages in the reader's language.

    Passwords are exempt from the check: they are never stored or shown, only hashed.
    """

    def get_translations(self, form) -> _InterfaceTranslations:
        return _InterfaceTranslations()

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            field.validators = [_refuse_control_characters, *field.validators]
        return field


class AppForm(FlaskForm):
    """The base of every form of the app (CSRF, and the input rules above)."""

    class Meta(_AppFormRules):
        pass


class AppSubform(Form):
    """The base of rows inside a form (FormField, FieldList), with the same rules."""

    class Meta(_AppFormRules):
        pass


def refuse_control_characters_in_url() -> None:
    """Answer 400 to a request whose path or query string holds control characters."""
    texts = [request.path]
    for key, values in request.args.lists():
        texts.append(key)
        texts.extend(values)
    # Tab and line breaks are whitespace to every parser of query values (and
    # `next=/%09/evil.example` must still get its safe redirect).
    if any(control_characters_in(text, multiline=True) for text in texts):
        abort(
            400,
            description=_(
                "The address holds invisible control characters "
                "(such as %00); remove them and try again."
            ),
        )


def init_app(app: Flask) -> None:
    """Bound every `<int:...>` route, and check every request's URL."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_control_characters_in_url)
