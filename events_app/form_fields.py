"""Form fields shared by several features."""

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from events_app.kept_figures import FigureStore
from events_app.language.formatting import current_locale


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        accepted = {str(self.coerce(choice[0])) for choice in self.choices}
        unknown = [
            str(value) for value in self.data or [] if str(value) not in accepted
        ]
        if unknown:
            raise ValidationError(_("Unknown: %(values)s.", values=", ".join(unknown)))


class OptionsKeptSelect(Select):
    """A select whose options are written once per choices, chosen value and language.

    A meeting's form draws the same few vocabularies (role, attendance, status)
    in every row: each option is escaped, its lazy label translated and its
    attributes sorted anew, some 60 times a page. Only fixed vocabularies are
    kept: choices whose labels are plain text or lazily translated messages,
    keyed by what they say, never by object identity.
    """

    _kept = FigureStore(size=512)

    def __call__(self, field, **kwargs):
        key = self._key(field)
        if key is None:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        for name in self.validation_attrs:
            if name not in kwargs and getattr(field.flags, name, False):
                kwargs[name] = getattr(field.flags, name)
        options = self._kept.get(key)
        if options is None:
            options = "".join(
                self.render_option(choice)
                for choice in field._iter_choices_normalized()
            )
            self._kept.put(key, options)
        return Markup(
            f"<select {html_params(name=field.name, **kwargs)}>{options}</select>"
        )

    def _key(self, field) -> tuple | None:
        if self.multiple or field.has_groups():
            return None
        try:
            hash(field.data)
        except TypeError:
            return None
        said = []
        for choice in field.choices or ():
            if not isinstance(choice, SelectChoice):
                choice = SelectChoice.from_input(choice)
            if choice.render_kw or choice.optgroup:
                return None
            value, label = choice.value, choice.label
            if isinstance(label, LazyString):
                label = (label._func, label._args, tuple(sorted(label._kwargs.items())))
            elif not isinstance(label, str):
                return None
            said.append((value, label))
        return (tuple(said), field.data, str(current_locale()))
