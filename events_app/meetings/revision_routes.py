"""A meeting's revisions (view, compare, restore) and the admins' trash."""

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from events_app.auth.permissions import (
    admin_required,
    editor_required,
    sign_in_required,
)
from events_app.extensions import db
from events_app.interchange.json_format import meeting_to_record
from events_app.meetings import bp
from events_app.meetings.operations import (
    ChangedMeanwhile,
    MarkedRecordLinked,
    MeetingSaveError,
    form_for_record,
    purge_meeting,
    record_changes,
    restore_from_trash,
    save_meeting,
    saved_revision,
    with_user_names,
)
from events_app.meetings.revision_diff import (
    describe_changes,
    field_label,
    record_value,
    revision_action,
)
from events_app.meetings.routes import may_undo_delete
from events_app.models import Meeting, MeetingRevision
from events_app.visibility import (
    may_see_revision,
    trashed_meeting_readable_by,
    visible_meeting_or_404,
)

bp.add_app_template_filter(field_label)
bp.add_app_template_filter(revision_action)
bp.add_app_template_global(record_value)


def revisions_of(meeting: Meeting, user) -> list[MeetingRevision]:
    """The meeting's saved revisions that `user` may see, newest first."""
    return [
        revision
        for revision in db.session.scalars(
            select(MeetingRevision)
            .where(MeetingRevision.meeting_id == meeting.id)
            .order_by(MeetingRevision.revision.desc(), MeetingRevision.id.desc())
        )
        if may_see_revision(user, revision)
    ]


def revision_or_404(meeting: Meeting, number: int) -> MeetingRevision:
    """A revision the current user may see; 404 if it is hidden or missing."""
    revision = saved_revision(meeting, number)
    if revision is None or not may_see_revision(current_user, revision):
        abort(404)
    return revision


@bp.get("/meetings/<int:meeting_id>/revisions")
@sign_in_required
def revisions(meeting_id: int):
    """The revisions of a meeting the user may see: who, when, which fields changed.

    Each lists the fields changed since the previous revision shown, so a
    hidden revision between them gives nothing away.
    """
    meeting = visible_meeting_or_404(current_user, meeting_id)
    saved = revisions_of(meeting, current_user)
    changes = {}
    for index, newer in enumerate(saved):
        older = saved[index + 1] if index + 1 < len(saved) else None
        changes[newer.id] = sorted(
            record_changes(older.snapshot if older else None, newer.snapshot)
        )
    return render_template(
        "meetings/revisions.html", meeting=meeting, revisions=saved, changes=changes
    )


@bp.get("/meetings/<int:meeting_id>/revisions/<int:number>")
@sign_in_required
def revision(meeting_id: int, number: int):
    """One earlier revision, next to how the meeting is saved now."""
    meeting = visible_meeting_or_404(current_user, meeting_id)
    earlier = revision_or_404(meeting, number)
    differences = describe_changes(
        with_user_names(record_changes(earlier.snapshot, meeting_to_record(meeting)))
    )
    return render_template(
        "meetings/revision.html",
        meeting=meeting,
        revision=earlier,
        differences=differences,
    )


@bp.post("/meetings/<int:meeting_id>/revisions/<int:number>/restore")
@editor_required
def restore_revision(meeting_id: int, number: int):
    """Make an earlier revision the current one (itself a new, audited revision)."""
    meeting = visible_meeting_or_404(current_user, meeting_id)
    earlier = revision_or_404(meeting, number)
    form = form_for_record(earlier.snapshot)
    if not form.validate():
        flash(
            _(
                "That revision no longer passes today's checks; edit the meeting "
                "instead."
            ),
            "error",
        )
        return redirect(
            url_for("meetings.revision", meeting_id=meeting.id, number=number)
        )
    try:
        save_meeting(meeting, form, action="restored")
    except (ChangedMeanwhile, MeetingSaveError, MarkedRecordLinked) as error:
        message = (
            _(
                "Someone else changed the meeting at the same moment; nothing was "
                "restored. Check the saved meeting, then restore again."
            )
            if isinstance(error, ChangedMeanwhile)
            else _("Nothing was restored: %(reason)s", reason=str(error))
            if isinstance(error, MarkedRecordLinked)
            else str(error)
        )
        flash(message, "error")
        return redirect(
            url_for("meetings.revision", meeting_id=meeting_id, number=number)
        )
    flash(
        _(
            "Revision %(number)s restored as revision %(revision)s.",
            number=number,
            revision=meeting.revision,
        ),
        "success",
    )
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def trashed_meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is None:
        abort(404)
    return meeting


@bp.get("/trash")
@admin_required
def trash():
    """Meetings moved to the trash, newest deletion first (admins only)."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.deleted_at.is_not(None))
        .order_by(Meeting.deleted_at.desc())
    ).all()
    return render_template("meetings/trash.html", meetings=meetings)


@bp.post("/trash/<int:meeting_id>/restore")
@admin_required
def untrash(meeting_id: int):
    """Bring a meeting back from the trash."""
    meeting = trashed_meeting_or_404(meeting_id)
    restore_from_trash(meeting)
    flash(_("“%(title)s” is back.", title=meeting.title), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/undo-delete")
@editor_required
def undo_delete(meeting_id: int):
    """Put back a meeting just moved to the trash (the Undo in the deletion message).

    Anyone but its deleter (or an admin) gets the 404 of a missing meeting.
    """
    meeting = trashed_meeting_readable_by(current_user, meeting_id)
    if meeting is None or not may_undo_delete(meeting):
        abort(404)
    session.pop("undo_delete", None)
    restore_from_trash(meeting)
    flash(_("“%(title)s” is back.", title=meeting.title), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/trash/<int:meeting_id>/purge", methods=["GET", "POST"])
@admin_required
def purge(meeting_id: int):
    """Ask (GET), then remove a trashed meeting for good (POST)."""
    meeting = trashed_meeting_or_404(meeting_id)
    if request.method == "POST":
        title = meeting.title
        purge_meeting(meeting)
        flash(_("“%(title)s” is removed for good.", title=title), "success")
        return redirect(url_for("meetings.trash"))
    return render_template("meetings/purge.html", meeting=meeting)
