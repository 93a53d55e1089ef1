"""Error pages that say what happened without revealing anything restricted."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from events_app.language.form_messages import CSRF_REASONS

# The statuses the app answers with, named as Werkzeug names them in English.
STATUS_NAMES = {
    400: _l("Bad Request"),
    401: _l("Unauthorized"),
    403: _l("Forbidden"),
    404: _l("Not Found"),
    405: _l("Method Not Allowed"),
    409: _l("Conflict"),
    410: _l("Gone"),
    413: _l("Request Entity Too Large"),
    414: _l("Request URI Too Large"),
    415: _l("Unsupported Media Type"),
    422: _l("Unprocessable Entity"),
    429: _l("Too Many Requests"),
    431: _l("Request Header Fields Too Large"),
    500: _l("Internal Server Error"),
    502: _l("Bad Gateway"),
    503: _l("Service Unavailable"),
    504: _l("Gateway Timeout"),
}

# What the page says when the view gave no reason of its own. 404 and 403 say
# only this, whatever the view's reason: they must not tell what exists.
EXPLANATIONS = {
    400: _l("The request could not be understood."),
    403: _l("Your account may not do this. Ask an admin if you need it."),
    404: _l("There is nothing here, or you may not see it."),
    405: _l("This address does not take this kind of request."),
    413: _l("What was sent is too large."),
    429: _l("Too many requests at once. Wait a little, then try again."),
    500: _l(
        "Something went wrong on the server. Try again; if it happens again, "
        "tell an admin."
    ),
    503: _l("The service is unavailable for a moment. Try again later."),
}
GENERAL_EXPLANATION = _l("The request could not be completed.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def status_name(error: HTTPException) -> str:
    """The status's name in the reader's language (Werkzeug's English otherwise)."""
    name = STATUS_NAMES.get(error.code)
    return str(name) if name is not None else error.name


def reason_given(error: HTTPException) -> str | None:
    """The view's own reason for the error (translated where it was raised), if any.

    Flask-WTF's CSRF reasons are English; they are translated here.
    """
    if error.description == type(error).description or not error.description:
        return None
    if isinstance(error, CSRFError):
        reason = CSRF_REASONS.get(error.description)
        return str(reason) if reason is not None else error.description
    return error.description


def explanation(error: HTTPException) -> str:
    """The sentence under the error's heading."""
    general = str(EXPLANATIONS.get(error.code, GENERAL_EXPLANATION))
    reason = reason_given(error)
    if error.code in (403, 404) or reason is None:
        return general
    if error.code == 400:
        return _("%(general)s %(reason)s", general=general, reason=reason)
    return reason


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Render a plain page (or JSON for API clients) for any HTTP error."""
        if wants_json():
            body = {"error": error.name, "status": error.code}
            return jsonify(body), error.code
        return (
            render_template(
                "errors/error.html",
                error=error,
                name=status_name(error),
                explanation=explanation(error),
            ),
            error.code,
        )
