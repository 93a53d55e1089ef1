"""Choosing the language: the switcher in the header and the account setting."""

from flask import abort, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from events_app.extensions import db
from events_app.language import bp
from events_app.language.choice import SESSION_KEY
from events_app.language.forms import AccountLanguageForm, LanguageSwitchForm


@bp.route("/language", methods=["POST"])
def switch_language():
    """Keep the chosen language for this browser (and the account, if signed in)."""
    from events_app.auth.routes import safe_next_url

    form = LanguageSwitchForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose one of the languages offered."))
    session[SESSION_KEY] = form.language.data
    if current_user.is_authenticated:
        current_user.language = form.language.data
        db.session.commit()
    refresh()
    return redirect(safe_next_url(form.next.data))


@bp.route("/account/language", methods=["POST"])
@login_required
def account_language():
    """Store the signed-in user's language; empty follows the browser again."""
    # Imported here: the auth blueprint imports this package's forms.
    from events_app.auth.routes import account_page

    form = AccountLanguageForm()
    if not form.validate_on_submit():
        return account_page(422, language_form=form)
    current_user.language = form.language.data or None
    if form.language.data:
        session[SESSION_KEY] = form.language.data
    else:
        session.pop(SESSION_KEY, None)
    db.session.commit()
    refresh()
    flash(_("Your language is saved."), "success")
    return redirect(url_for("auth.account") + "#language-setting")
