"""Form fields shared by several features."""

from flask_babel import gettext as _
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


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
