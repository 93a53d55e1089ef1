"""Forms for signing in, first-run set-up, managing users and changing a password."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from events_app.auth.accounts import (
    MAXIMUM_EMAIL_LENGTH,
    MAXIMUM_PASSWORD_LENGTH,
    email_problem,
    normalise_email,
    password_problem,
)
from events_app.directory.forms import collapse_spaces
from events_app.input_rules import AppForm
from events_app.models.choices import UserRole, choices_of


def _acceptable_password(form, field) -> None:
    problem = password_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _acceptable_email(form, field) -> None:
    problem = email_problem(normalise_email(field.data))
    if problem:
        raise ValidationError(problem)


class SignInForm(AppForm):
    """E-mail and password; errors never say which of the two was wrong."""

    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Length(max=MAXIMUM_EMAIL_LENGTH)]
    )
    # The upper bound keeps anyone from making the server hash megabytes.
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAXIMUM_PASSWORD_LENGTH)],
    )
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


def display_name_field() -> StringField:
    """The name other users see instead of the e-mail address."""
    return StringField(
        _l("Name"),
        filters=[collapse_spaces],
        validators=[Length(max=200)],
        description=_l(
            "Shown to other users instead of the e-mail address "
            "(the part before @ if left empty)."
        ),
    )


class NewUserForm(AppForm):
    """An admin creates an account for someone else."""

    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(),
            Length(max=MAXIMUM_EMAIL_LENGTH),
            _acceptable_email,
        ],
    )
    display_name = display_name_field()
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), _acceptable_password]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )
    role = SelectField(
        _l("Role"), choices=choices_of(UserRole), default=UserRole.VIEWER
    )
    submit = SubmitField(_l("Create user"))


class FirstAdminForm(NewUserForm):
    """The first account, always an admin, so there is no role to choose."""

    role = None
    submit = SubmitField(_l("Create admin account"))


class UserRoleForm(AppForm):
    """An admin changes someone's name or role, or (de)activates them."""

    display_name = display_name_field()
    role = SelectField(_l("Role"), choices=choices_of(UserRole))
    active = BooleanField(_l("Active (may sign in)"))
    submit = SubmitField(_l("Save"))


class DisplayNameForm(AppForm):
    """A user changes the name others see."""

    display_name = display_name_field()
    submit = SubmitField(_l("Save name"))


class ChangePasswordForm(AppForm):
    """The signed-in user replaces their own password."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAXIMUM_PASSWORD_LENGTH)],
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), _acceptable_password]
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            DataRequired(),
            EqualTo("new_password", _l("The passwords differ.")),
        ],
    )
    submit = SubmitField(_l("Change password"))


class DirectoryPersonForm(AppForm):
    """Which directory person an account is (events_app/auth/directory_person.py).

    The typed name and the id are resolved like the history's person filter;
    the fields here only carry them and the CSRF token.
    """

    person_name = StringField(_l("You in the directory"), validators=[Length(max=200)])
    person = HiddenField()
    submit = SubmitField(_l("Save"))
