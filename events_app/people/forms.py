"""Forms for creating and editing people and organizations."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from events_app.directory.did_you_mean import MAXIMUM_SUGGESTIONS
from events_app.directory.forms import (
    NAME_MAX_LENGTH,
    THING_NAME_LABEL,
    AsksBeforeCreating,
    collapse_spaces,
    name_field,
    restricted_field,
    taken_name_message,
)
from events_app.directory.likeness import likely_matches
from events_app.directory.lookup import find_name_conflict, records_named
from events_app.directory.names import (
    OTHER_NAMES_MAX_COUNT,
    name_key,
    split_other_names,
)
from events_app.directory.restricted_marks import marked_organization_message
from events_app.input_rules import AppForm
from events_app.language.formatting import format_number
from events_app.models import Organization, Person
from events_app.models.choices import OrganizationKind, choices_of
from events_app.visibility import visible_organizations_for

NOTES_MAX_LENGTH = 20_000
# "Title" is also a meeting's: the context tells the translators which.
TITLE_LABEL = lazy_pgettext("a person's position", "Title")


def other_names_problem(text: str | None) -> str | None:
    """Why an "other names" list (one per line) is unacceptable; None if fine."""
    names = split_other_names(text)
    if len(names) > OTHER_NAMES_MAX_COUNT:
        return _(
            "Give at most %(limit)s other names.",
            limit=format_number(OTHER_NAMES_MAX_COUNT),
        )
    for name in names:
        if len(name) > NAME_MAX_LENGTH:
            return _(
                "Each other name must be at most %(limit)s characters; "
                "“%(name)s…” is longer.",
                limit=format_number(NAME_MAX_LENGTH),
                name=name[:40],
            )
    return None


def tidy_other_names(text: str | None) -> str:
    """The stored form of an "other names" list: one name per line, no repeats."""
    return "\n".join(split_other_names(text))


def refuse_taken_names(model, names: list[str], record) -> None:
    """Raise a validation error if another `model` record already has one of `names`."""
    conflict = find_name_conflict(model, names, exclude_id=getattr(record, "id", None))
    if conflict is not None:
        raise ValidationError(taken_name_message(*conflict))


def refuse_bad_other_names(model, text: str | None, record) -> None:
    """Refuse an "other names" list too long, or with a name another record has."""
    problem = other_names_problem(text)
    if problem:
        raise ValidationError(problem)
    refuse_taken_names(model, split_other_names(text), record)


def unknown_organization_message(typed: str) -> Markup:
    """ "No organization named …", with the likely ones the editor may see.

    Without scripts nothing is suggested while typing, so the names likely
    meant are given here, to be typed as they are written.
    """
    likely = likely_matches(
        Organization,
        typed,
        among=visible_organizations_for(current_user),
        limit=MAXIMUM_SUGGESTIONS,
    )
    # The values go in through Markup's %, which escapes them.
    values = {
        "name": typed,
        "url": url_for("people.new_organization", name=typed),
        "names": "; ".join(f"“{match.record.name}”" for match in likely),
    }
    if likely:
        return (
            Markup(
                _(
                    "No organization named “%(name)s”. Did you mean %(names)s? "
                    'Type its name as written, or <a href="%(url)s">create '
                    "it first</a>."
                )
            )
            % values
        )
    return (
        Markup(
            _(
                "No organization named “%(name)s”; "
                '<a href="%(url)s">create it first</a>.'
            )
        )
        % values
    )


class PersonForm(AsksBeforeCreating, AppForm):
    """A person's directory entry; `record` is the person being edited, if any."""

    NAME_FIELD = "display_name"
    MODEL = Person
    FILLABLE = (("title", TITLE_LABEL),)

    display_name = name_field(_l("Name"), _l("Enter the person's name."))
    other_names = TextAreaField(_l("Other names"))
    organization_name = StringField(
        _l("Usual organization"),
        filters=[collapse_spaces],
        validators=[Length(max=200)],
    )
    title = StringField(
        _l("Title or position"), filters=[collapse_spaces], validators=[Length(max=200)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=NOTES_MAX_LENGTH)])
    restricted = restricted_field()
    submit = SubmitField(_l("Save person"))

    def __init__(self, *args, record: Person | None = None, **kwargs):
        super().__init__(*args, obj=record, **kwargs)
        self.record = record
        self.resolved_organization: Organization | None = None
        if record is not None and not self.is_submitted() and record.organization:
            self.organization_name.data = record.organization.name

    def validate_display_name(self, field) -> None:
        """Refuse a name that another person already has."""
        refuse_taken_names(Person, [field.data], self.record)

    def validate_other_names(self, field) -> None:
        """Check the list's size and lengths, and that no other person has them."""
        refuse_bad_other_names(Person, field.data, self.record)

    def validate_organization_name(self, field) -> None:
        """Resolve the typed name to one organization the editor may see.

        A marked organization may be the usual one only of a marked person (see
        events_app/restricted_marks.py).
        """
        if not field.data:
            self.resolved_organization = None
            return
        matches = records_named(
            Organization, field.data, among=visible_organizations_for(current_user)
        )
        exact = [
            match for match in matches if name_key(match.name) == name_key(field.data)
        ]
        if len(exact) == 1:
            self.resolved_organization = exact[0]
        elif len(matches) == 1:
            self.resolved_organization = matches[0]
        elif not matches:
            raise ValidationError(unknown_organization_message(field.data))
        else:
            raise ValidationError(
                _(
                    "Several organizations are called “%(name)s” (%(labels)s); "
                    "type the full name of the one you mean.",
                    name=field.data,
                    labels="; ".join(match.label for match in matches),
                )
            )
        if self.resolved_organization.restricted and not self.restricted.data:
            raise ValidationError(
                marked_organization_message(self.resolved_organization)
            )

    def apply_more_where_free(self, record: Person, applied, not_applied) -> None:
        """The usual organization when the person has none; typed notes appended.

        A marked organization goes only to a marked person (restricted_marks).
        """
        typed = self.resolved_organization
        if typed is not None and typed != record.organization:
            if record.organization is None and (
                record.restricted or not typed.restricted
            ):
                record.organization = typed
                applied.append(_("usual organization “%(name)s”", name=typed.name))
            else:
                not_applied.append(_("Usual organization “%(name)s”", name=typed.name))
        notes = (self.notes.data or "").strip()
        if notes and notes not in (record.notes or ""):
            record.notes = "\n\n".join(text for text in (record.notes, notes) if text)
            applied.append(_("the notes (appended)"))

    def apply_to(self, person: Person) -> None:
        """Copy the validated data onto the person and refresh its searchable names."""
        person.display_name = self.display_name.data
        person.other_names = tidy_other_names(self.other_names.data)
        person.organization = self.resolved_organization
        person.title = self.title.data or ""
        person.notes = self.notes.data or ""
        person.restricted = self.restricted.data
        person.refresh_name_keys()


class OrganizationForm(AsksBeforeCreating, AppForm):
    """An organization's directory entry; `record` is the one being edited, if any."""

    MODEL = Organization
    FILLABLE = (
        ("short_name", _l("Short name")),
        ("kind", _l("Kind")),
        ("country", _l("Country")),
    )
    DEFAULTS = {"kind": OrganizationKind.OTHER.value}

    name = name_field(THING_NAME_LABEL, _l("Enter the organization's name."))
    short_name = StringField(
        _l("Short name"), filters=[collapse_spaces], validators=[Length(max=50)]
    )
    kind = SelectField(
        _l("Kind"),
        choices=choices_of(OrganizationKind),
        default=OrganizationKind.OTHER.value,
    )
    country = StringField(
        _l("Country"), filters=[collapse_spaces], validators=[Length(max=100)]
    )
    other_names = TextAreaField(_l("Other names"))
    restricted = restricted_field()
    submit = SubmitField(_l("Save organization"))

    def __init__(self, *args, record: Organization | None = None, **kwargs):
        super().__init__(*args, obj=record, **kwargs)
        self.record = record

    def validate_name(self, field) -> None:
        """Refuse a name that another organization already has."""
        refuse_taken_names(Organization, [field.data], self.record)

    def validate_other_names(self, field) -> None:
        """Check size and lengths, and that no other organization has these names."""
        refuse_bad_other_names(Organization, field.data, self.record)

    def apply_to(self, organization: Organization) -> None:
        """Copy the validated data onto the organization; refresh its name keys."""
        organization.name = self.name.data
        organization.short_name = self.short_name.data or ""
        organization.kind = self.kind.data
        organization.country = self.country.data or ""
        organization.other_names = tidy_other_names(self.other_names.data)
        organization.restricted = self.restricted.data
        organization.refresh_name_keys()
