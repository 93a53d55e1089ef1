"""WTForms' and Flask-WTF's own messages, in the app's catalog.

WTForms ships no Belarusian translation, so every form takes its messages
from the app's catalog (`events_app.input_rules.AppForm`'s Meta). The messages
below are the ones its validators and fields can show; they are listed here
only so that `make translations` collects them. Keep them identical to the
texts in wtforms/validators.py and wtforms/fields/*.py (a message that differs
is simply shown in English).

Flask-WTF refuses a request without a valid CSRF token with a 400 and an
English reason; `CSRF_REASONS` translates those on the error page.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

WTFORMS_MESSAGES = (
    # DataRequired, InputRequired
    _l("This field is required."),
    # Length
    lazy_ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    lazy_ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    ),
    _l("Field must be between %(min)d and %(max)d characters long."),
    # NumberRange
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    # DateRange
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    # EqualTo, Regexp, Email, URL, AnyOf, NoneOf
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    # SelectField, RadioField, SelectMultipleField
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
    # IntegerField, DecimalField, FloatField, date and time fields
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    # WTForms' own CSRF (forms with meta csrf); Flask-WTF's are below
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
)

# Flask-WTF's reasons for refusing a form (flask_wtf/csrf.py), by their English text.
CSRF_REASONS = {
    "The CSRF token is missing.": _l("The CSRF token is missing."),
    "The CSRF session token is missing.": _l("The CSRF session token is missing."),
    "The CSRF token has expired.": _l("The CSRF token has expired."),
    "The CSRF token is invalid.": _l("The CSRF token is invalid."),
    "The CSRF tokens do not match.": _l("The CSRF tokens do not match."),
    "The referrer header is missing.": _l("The referrer header is missing."),
    "The referrer does not match the host.": _l(
        "The referrer does not match the host."
    ),
}
