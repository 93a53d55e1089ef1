"""Role checks for views: viewers read, editors also write, admins also manage users."""

from functools import wraps

from flask import abort
from flask_login import current_user

from events_app.extensions import login_manager


def sign_in_required(view):
    """Only signed-in users may run the view; anonymous visitors are sent to sign in.

    For pages that show who did what (the revision history), which even with
    ANONYMOUS_ACCESS stay among staff.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped


def editor_required(view):
    """Only editors and admins may run the view.

    Anonymous visitors are sent to sign in; signed-in viewers get 403.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.can_edit:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    """Only admins may run the view; anonymous visitors are sent to sign in."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
