"""The .ics import page: upload, preview (writes nothing), confirm (all or nothing)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from events_app.auth.permissions import editor_required
from events_app.calendar import bp
from events_app.calendar.ics_import import (
    IcsFileError,
    parse_ics,
    plan_import,
    run_import,
)
from events_app.calendar.import_forms import (
    IcsConfirmForm,
    IcsUploadForm,
    too_large_message,
)
from events_app.interchange.meetings_io import ImportFailed
from events_app.language.formatting import format_number
from events_app.meetings.forms import known_timezones

IMPORT_ENDPOINTS = frozenset({"calendar.import_ics", "calendar.confirm_import_ics"})


@bp.route("/import/ics", methods=["GET", "POST"])
@editor_required
def import_ics():
    """The upload form (GET), and the preview of an uploaded file (POST).

    The preview only reads: it shows what importing would do, and carries the
    file on to the confirmation.
    """
    form = IcsUploadForm()
    if request.method == "GET":
        form.default_timezone.data = current_app.config["ICS_IMPORT_DEFAULT_TIMEZONE"]
        return render_import_page(form)
    if not form.validate_on_submit():
        too_large = too_large_message() in form.file.errors
        return render_import_page(form, status=413 if too_large else 422)
    return render_preview(form.file_content(), form.default_timezone.data, form)


@bp.post("/import/ics/confirm")
@editor_required
def confirm_import_ics():
    """Import the previewed file: read and check it again, then write all or nothing."""
    confirm_form = IcsConfirmForm()
    upload_form = IcsUploadForm(formdata=None)
    upload_form.default_timezone.data = current_app.config[
        "ICS_IMPORT_DEFAULT_TIMEZONE"
    ]
    if not confirm_form.validate_on_submit():
        problems = [
            message for messages in confirm_form.errors.values() for message in messages
        ]
        return render_import_page(upload_form, file_problems=problems, status=422)
    content = confirm_form.file_content()
    zone = confirm_form.default_timezone.data
    upload_form.default_timezone.data = zone
    try:
        plan = plan_import(read_ics(content, zone), current_user)
    except IcsFileError as error:
        return render_import_page(upload_form, file_problems=error.problems, status=422)
    if plan.problems or not plan.has_changes:
        # Something changed since the preview (or the form was tampered with).
        return render_preview(content, zone, upload_form)
    try:
        summary = run_import(plan)
    except ImportFailed as failure:
        return render_import_page(
            upload_form, plan=plan, file_problems=failure.problems, status=422
        )
    flash(
        ngettext(
            "Imported %(num)d meeting: %(new)s new, %(updated)s updated; "
            "%(unchanged)s unchanged.",
            "Imported %(num)d meetings: %(new)s new, %(updated)s updated; "
            "%(unchanged)s unchanged.",
            len(summary.created) + len(summary.updated),
            new=format_number(len(summary.created)),
            updated=format_number(len(summary.updated)),
            unchanged=format_number(len(summary.unchanged)),
        ),
        "success",
    )
    return redirect(url_for("meetings.index"))


def render_preview(content: bytes, zone: str, upload_form: IcsUploadForm):
    """The preview of a file: every event with what importing it would do."""
    try:
        plan = plan_import(read_ics(content, zone), current_user)
    except IcsFileError as error:
        return render_import_page(upload_form, file_problems=error.problems, status=422)
    confirm_form = None
    if not plan.problems and plan.has_changes:
        confirm_form = IcsConfirmForm.carrying(content, zone)
    return render_import_page(
        upload_form,
        plan=plan,
        confirm_form=confirm_form,
        status=422 if plan.problems else 200,
    )


def read_ics(content: bytes, zone: str):
    """The file's events, read with this app's limits (IcsFileError if unreadable)."""
    return parse_ics(
        content,
        default_timezone=zone,
        max_events=current_app.config["ICS_IMPORT_MAX_EVENTS"],
        max_participants=current_app.config["ICS_IMPORT_MAX_PARTICIPANTS"],
    )


def render_import_page(
    form: IcsUploadForm,
    *,
    plan=None,
    confirm_form: IcsConfirmForm | None = None,
    file_problems: list[str] | None = None,
    status: int = 200,
):
    """The import page: problems, the preview if there is one, and the upload form."""
    return (
        render_template(
            "calendar/import_ics.html",
            form=form,
            plan=plan,
            confirm_form=confirm_form,
            file_problems=file_problems or [],
            timezone_names=sorted(known_timezones()),
        ),
        status,
    )


@bp.errorhandler(RequestEntityTooLarge)
def request_too_large(error: RequestEntityTooLarge):
    """A request over MAX_CONTENT_LENGTH: on the import page, say so there."""
    editor = current_user.is_authenticated and current_user.can_edit
    if request.endpoint not in IMPORT_ENDPOINTS or not editor:
        return render_template("errors/error.html", error=error), 413
    form = IcsUploadForm(formdata=None)
    form.default_timezone.data = current_app.config["ICS_IMPORT_DEFAULT_TIMEZONE"]
    return render_import_page(form, file_problems=[too_large_message()], status=413)
