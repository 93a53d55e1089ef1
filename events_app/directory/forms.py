"""Form pieces shared by the person, organization and topic forms."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from markupsafe import Markup
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from events_app.directory.did_you_mean import add_other_name, question_about
from events_app.directory.lookup import name_taken_message
from events_app.directory.names import NAME_MAX_LENGTH, name_key, split_other_names
from events_app.directory.pages import record_url
from events_app.visibility import is_visible_to


def collapse_spaces(value):
    """Field filter: trim and collapse runs of white space in a one-line input."""
    return " ".join(value.split()) if isinstance(value, str) else value


def name_field(label, required_message) -> StringField:
    """The required one-line name field each directory form starts with."""
    return StringField(
        label,
        filters=[collapse_spaces],
        validators=[DataRequired(required_message), Length(max=NAME_MAX_LENGTH)],
    )


def name_choice_fields() -> tuple[StringField, BooleanField]:
    """The answer to a "did you mean" question: the choice, and keep the spelling.

    See events_app/directory/did_you_mean.py; the page renders them by hand
    (radio buttons and a checkbox, in templates/_macros.html).
    """
    return (
        StringField(filters=[collapse_spaces], validators=[Length(max=40)]),
        BooleanField(_l("Keep the typed spelling as another name")),
    )


class AsksBeforeCreating:
    """Mixin of the person and organization forms: "did you mean" before adding.

    `NAME_FIELD` names the record's name field and `MODEL` its model.
    """

    NAME_FIELD = "name"
    MODEL = None
    name_choice, name_keep_spelling = name_choice_fields()

    def name_question(self, user):
        """The question the typed name raises for a new record, or None."""
        return question_about(
            self[self.NAME_FIELD].data, self.name_choice.data, user, (self.MODEL,)
        )

    # One-line fields (name, label) a chosen existing record takes when it has
    # none; and the value a field has when nothing was chosen in it.
    FILLABLE: tuple[tuple[str, object], ...] = ()
    DEFAULTS: dict[str, str] = {}

    def apply_where_free(self, record) -> tuple[list[str], list[str]]:
        """Apply what else was typed to the existing `record` chosen instead.

        Fields the record leaves empty are filled, typed other names are added
        (within the rules of `add_other_name`); a field where the record already
        has a different value is left alone. Answers (what was applied, what was
        not and why), in words, for the person who typed it.
        """
        applied: list[str] = []
        not_applied: list[str] = []
        for field_name, label in self.FILLABLE:
            typed = self[field_name].data or ""
            current = getattr(record, field_name) or ""
            if not typed or typed in (current, self.DEFAULTS.get(field_name)):
                continue
            if not current or current == self.DEFAULTS.get(field_name):
                setattr(record, field_name, typed)
                applied.append(
                    _("%(field)s “%(value)s”", field=str(label).lower(), value=typed)
                )
            else:
                not_applied.append(
                    _(
                        "%(field)s “%(value)s” (it has “%(current)s”)",
                        field=label,
                        value=typed,
                        current=current,
                    )
                )
        known = {name_key(name) for name in split_other_names(record.other_names)}
        for name in split_other_names(self.other_names.data):
            if name_key(name) in known:
                continue
            if add_other_name(record, name):
                applied.append(_("other name “%(name)s”", name=name))
            else:
                not_applied.append(
                    _("other name “%(name)s” (used or over the limit)", name=name)
                )
        if self.restricted.data and not record.restricted:
            not_applied.append(_("the Restricted mark"))
        self.apply_more_where_free(record, applied, not_applied)
        record.refresh_name_keys()
        return applied, not_applied

    def apply_more_where_free(self, record, applied, not_applied) -> None:
        """Fields of one kind of record that `apply_where_free` cannot treat alike."""


# "Name" of a person is their name (as a user's); that of an organization or a
# topic, a word some languages keep apart (Belarusian: назва, not імя).
THING_NAME_LABEL = lazy_pgettext("of an organization or topic", "Name")


def restricted_field() -> BooleanField:
    """The mark that keeps a record hidden outside the meetings it appears in."""
    return BooleanField(
        # The context keeps it apart from the meetings' level "Restricted".
        lazy_pgettext("the mark of a directory record", "Restricted"),
        description=_l(
            "Shown only to those who may see a meeting it appears in, "
            "never as a free directory entry. Set for records first recorded in a "
            "restricted meeting; clear it only if the record itself is not secret."
        ),
    )


def taken_name_message(name: str, existing) -> Markup | str:
    """Form error for a name that the record `existing` already uses.

    A record the editor may see is linked, so it can be edited instead. One they
    may not see is neither named nor linked: names must stay unique, but its other
    names, and where it appears, stay hidden.
    """
    if is_visible_to(current_user, existing):
        return name_taken_message(name, existing.label, record_url(existing))
    return _(
        "“%(name)s” is already used by a record you may not see; ask an administrator.",
        name=name,
    )
