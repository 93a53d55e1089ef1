"""The small form each follow-up row carries to mark it done, dropped or open."""

from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired, Regexp

from events_app.input_rules import AppForm
from events_app.models.choices import OutcomeStatus


class MarkFollowUpForm(AppForm):
    """Which status to give, from which revision of the meeting, and where to return.

    `back` is the list's query string; it is parsed again as filters, never
    followed as a URL.
    """

    status = HiddenField(
        validators=[DataRequired(), AnyOf([status.value for status in OutcomeStatus])]
    )
    revision = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}$")])
    back = HiddenField()
