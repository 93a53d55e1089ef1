"""Selects whose options are written once (events_app/form_fields.py
OptionsKeptSelect): the same HTML as WTForms' own, in each reader's language,
with each field's own value chosen."""

from flask_babel import force_locale
from wtforms import Form
from wtforms.widgets import Select

from events_app.meetings.forms import ChoiceField
from events_app.models.choices import ParticipantRole, choices_of


class RoleForm(Form):
    role = ChoiceField(choices=choices_of(ParticipantRole), default="participant")


def drawn(data=None, *, widget=None) -> str:
    form = RoleForm(data=data)
    if widget is not None:
        return str(widget(form.role))
    return str(form.role())


def test_the_options_are_what_wtforms_writes(app):
    with app.test_request_context("/"):
        for value in (None, {"role": "chair"}, {"role": "observer"}):
            assert drawn(value) == drawn(value, widget=Select())


def test_each_field_has_its_own_value_chosen(app):
    with app.test_request_context("/"):
        assert 'selected value="chair"' in drawn({"role": "chair"})
        assert 'selected value="chair"' not in drawn({"role": "observer"})
        assert 'selected value="chair"' in drawn({"role": "chair"})


def test_the_options_follow_the_readers_language(app):
    with app.test_request_context("/"):
        english = drawn({"role": "chair"})
        with force_locale("fr"):
            french = drawn({"role": "chair"})
        assert ">Chair<" in english
        assert ">Chair<" not in french and ">Présidence<" in french
