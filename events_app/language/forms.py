"""The language choices: the switcher for everyone, the account's own setting."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from events_app.input_rules import AppForm
from events_app.language.choice import LANGUAGES


class LanguageSwitchForm(AppForm):
    """The header's switcher: one button per language, and the page to go back to."""

    language = SelectField(
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()]
    )
    next = HiddenField()


class AccountLanguageForm(AppForm):
    """The account's language; none means "follow my browser"."""

    language = SelectField(
        _l("Language of the interface"),
        choices=[
            SelectChoice("", _l("The browser's language")),
            *(SelectChoice(code, name) for code, name in LANGUAGES.items()),
        ],
    )
    submit = SubmitField(_l("Save language"))
