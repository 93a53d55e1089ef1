"""Forms for signing in, first-run set-up and managing users."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from events_app.auth.accounts import password_problem
from events_app.models.choices import UserRole, choices_of


def _acceptable_password(form, field) -> None:
    problem = password_problem(field.data)
    if problem:
        raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")


class NewUserForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), _acceptable_password])
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
    )
    role = SelectField("Role", choices=choices_of(UserRole), default=UserRole.VIEWER)
    submit = SubmitField("Create user")


class FirstAdminForm(NewUserForm):
    role = None
    submit = SubmitField("Create admin account")


class UserRoleForm(FlaskForm):
    role = SelectField("Role", choices=choices_of(UserRole))
    active = BooleanField("Active")
    submit = SubmitField("Save")
