"""Views for signing in and out, first-run set-up and the users page."""

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from events_app.audit import record_event
from events_app.auth import bp
from events_app.auth.accounts import (
    MINIMUM_PASSWORD_LENGTH,
    AccountError,
    authenticate,
    change_password,
    create_user,
    has_any_user,
    normalise_email,
    rename_user,
    update_user,
)
from events_app.auth.directory_person import (
    link_person_from_form,
    linked_person_for,
    person_field_for,
)
from events_app.auth.forms import (
    ChangePasswordForm,
    DirectoryPersonForm,
    DisplayNameForm,
    FirstAdminForm,
    NewUserForm,
    SignInForm,
    UserRoleForm,
)
from events_app.auth.permissions import admin_required
from events_app.auth.rate_limit import (
    FAILED_SIGN_IN,
    SignInRefused,
    admit_sign_in_attempt,
    forget_sign_in_attempt,
)
from events_app.auth.sessions import end_session, start_session
from events_app.extensions import db, login_manager
from events_app.language.forms import AccountLanguageForm
from events_app.models import User
from events_app.models.choices import UserRole, label

login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Please sign in to see this page.")
# Flask-Login flashes the message; the session keeps text, not a lazy string.
login_manager.localize_callback = str
login_manager.login_message_category = "info"


@bp.app_context_processor
def password_rules() -> dict:
    """Let templates state the password rule the forms enforce.

    App-wide: the account page is also rendered by other blueprints' views.
    """
    return {"minimum_password_length": MINIMUM_PASSWORD_LENGTH}


def safe_next_url(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    fallback = url_for("meetings.index")
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    # Browsers read "\\" as "/" and drop tabs and newlines, so "/\\evil.example" or
    # "/\t/evil.example" would turn into "//evil.example", another site.
    if "\\" in target or any(not character.isprintable() for character in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


@bp.before_app_request
def send_first_visitor_to_set_up():
    """While no account exists, every page leads to creating the first admin."""
    if current_app.extensions.get("events_app.has_user"):
        return None
    if request.endpoint in ("auth.set_up", "static", "favicon", None):
        return None
    if has_any_user():
        current_app.extensions["events_app.has_user"] = True
        return None
    return redirect(url_for("auth.set_up"))


OPEN_ENDPOINTS = {
    "auth.sign_in",
    "auth.set_up",
    "static",
    "favicon",
    "calendar.private_feed",
    "calendar.private_meeting_ics",
    "follow_ups.private_feed",
}


@bp.before_app_request
def require_sign_in_unless_anonymous_access():
    """Unless the deployment lets anonymous visitors see public meetings, sign in first.

    The public feed then answers 404 (a calendar app cannot sign in); private
    token feeds keep working, since the token is their credential.
    """
    if current_app.config.get("ANONYMOUS_ACCESS") or current_user.is_authenticated:
        return None
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    if request.endpoint == "calendar.feed":
        abort(404)
    return login_manager.unauthorized()


@bp.route("/setup", methods=["GET", "POST"])
def set_up():
    """Create the first admin account; this page exists only while there is no user."""
    if has_any_user():
        abort(404)
    form = FirstAdminForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                form.email.data,
                form.password.data,
                UserRole.ADMIN,
                form.display_name.data,
            )
        except AccountError as error:
            form.email.errors.append(str(error))
        else:
            start_session(user)
            flash(_("Welcome. Your admin account is ready."), "success")
            return redirect(url_for("meetings.index"))
    return render_template("auth/setup.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")))
    form = SignInForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        try:
            attempt_id = admit_sign_in_attempt(email)
        except SignInRefused as refusal:
            form.password.errors.append(str(refusal))
            return render_template("auth/sign_in.html", form=form), 429
        user = authenticate(email, form.password.data)
        if user is None:
            # One message for unknown, deactivated and wrong-password alike, so
            # the form does not reveal which addresses have an account. The
            # attempt's row stays: it counts as a failure.
            record_event(FAILED_SIGN_IN, actor_email=email, summary="Failed sign-in")
            db.session.commit()
            form.password.errors.append(_("Wrong e-mail or password."))
        else:
            forget_sign_in_attempt(attempt_id)
            record_event("sign_in", actor=user, summary="Signed in")
            start_session(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """Sign out (a POST, so a link elsewhere cannot sign anyone out)."""
    if current_user.is_authenticated:
        record_event("sign_out", summary="Signed out")
    end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("meetings.index"))


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """List users and create new ones."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                form.email.data,
                form.password.data,
                form.role.data,
                form.display_name.data,
            )
        except AccountError as error:
            form.email.errors.append(str(error))
        else:
            flash(
                _(
                    "User %(email)s created as %(role)s.",
                    email=user.email,
                    role=label(user.role).lower(),
                ),
                "success",
            )
            return redirect(url_for("auth.users"))
    all_users = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("auth/users.html", form=form, users=all_users)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    """Change a user's role or deactivate them."""
    user = db.get_or_404(User, user_id)
    form = UserRoleForm(obj=user)
    if form.validate_on_submit():
        try:
            update_user(user, form.role.data, form.active.data, form.display_name.data)
        except AccountError as error:
            db.session.rollback()
            form.role.errors.append(str(error))
        else:
            flash(_("User %(email)s updated.", email=user.email), "success")
            return redirect(url_for("auth.users"))
    return edit_user_page(user, form)


def edit_user_page(user: User, form, status: int = 200, person_field=None):
    """The user edit page; `person_field` may carry a name that linked nobody."""
    return render_template(
        "auth/edit_user.html",
        form=form,
        user=user,
        person_form=DirectoryPersonForm(formdata=None),
        person_field=person_field or person_field_for(user),
        person_action=url_for("auth.user_person", user_id=user.id),
    ), status


@bp.route("/users/<int:user_id>/person", methods=["POST"])
@admin_required
def user_person(user_id: int):
    """Link a user to their directory person (among the people they may see)."""
    user = db.get_or_404(User, user_id)
    form = DirectoryPersonForm()
    if not form.validate_on_submit():
        abort(400, description=_("This request was not the directory person form."))
    shown = link_person_from_form(user, request.form)
    if shown.unresolved:
        return edit_user_page(user, UserRoleForm(formdata=None, obj=user), 422, shown)
    flash(_("User %(email)s: directory person saved.", email=user.email), "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.route("/account")
@login_required
def account():
    """The signed-in user's own page."""
    return account_page()


def account_page(status: int = 200, **context):
    """The account page; `context` may carry a form with errors or a new feed."""
    context.setdefault("form", ChangePasswordForm(formdata=None))
    context.setdefault("name_form", DisplayNameForm(formdata=None, obj=current_user))
    context.setdefault("person_form", DirectoryPersonForm(formdata=None))
    context.setdefault("person_field", person_field_for(current_user))
    context.setdefault("person_action", url_for("auth.account_person"))
    context.setdefault("linked_person", linked_person_for(current_user))
    context.setdefault(
        "language_form",
        AccountLanguageForm(formdata=None, language=current_user.language or ""),
    )
    return render_template("auth/account.html", **context), status


@bp.route("/account/name", methods=["POST"])
@login_required
def account_name():
    """Change the name other users see for the signed-in user."""
    form = DisplayNameForm()
    if not form.validate_on_submit():
        return account_page(422, name_form=form)
    rename_user(current_user._get_current_object(), form.display_name.data)
    flash(_("Your name is saved."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/person", methods=["POST"])
@login_required
def account_person():
    """Say which directory person the signed-in user is (or no one)."""
    form = DirectoryPersonForm()
    if not form.validate_on_submit():
        return account_page(422, person_form=form)
    shown = link_person_from_form(current_user._get_current_object(), request.form)
    if shown.unresolved:
        return account_page(422, person_field=shown)
    flash(
        _("Your directory person is saved.")
        if shown.text
        else _("No directory person now."),
        "success",
    )
    return redirect(url_for("auth.account") + "#directory-person")


@bp.route("/account/password", methods=["POST"])
@login_required
def account_password():
    """Change the signed-in user's password (current password required)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(
                current_user._get_current_object(),
                form.current_password.data,
                form.new_password.data,
            )
        except AccountError as error:
            db.session.rollback()
            form.current_password.errors.append(str(error))
        else:
            # The password change ended every session; keep this one going.
            start_session(current_user._get_current_object())
            flash(
                _("Your password is changed. Other sessions are signed out."),
                "success",
            )
            return redirect(url_for("auth.account"))
    return account_page(422 if form.is_submitted() else 200, form=form)
