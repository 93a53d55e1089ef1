"""Admin pages: groups of users for access lists, and the audit trail."""

from datetime import datetime, time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from events_app.audit import readable_changes, record_event, shown_summary
from events_app.auth import bp
from events_app.auth.permissions import admin_required
from events_app.date_range import query_date_span
from events_app.extensions import db
from events_app.form_fields import CheckboxListField
from events_app.input_rules import AppForm, integer_arg
from events_app.models import AuditEvent, Meeting, User, UserGroup
from events_app.models.choices import label
from events_app.visibility import readable_meeting_clause


def member_choice_label(user: User) -> str:
    """A user among a group's possible members: "ana@example.org (editor)"."""
    if not user.active:
        return _("%(email)s (inactive)", email=user.email)
    return _("%(email)s (%(role)s)", email=user.email, role=label(user.role).lower())


class GroupForm(AppForm):
    name = StringField(
        lazy_pgettext("a group's", "Name"), validators=[DataRequired(), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    members = CheckboxListField(_l("Members"), coerce=int)

    def __init__(self, *args, group: UserGroup | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._group = group
        self.members.choices = [
            (user.id, member_choice_label(user))
            for user in db.session.scalars(select(User).order_by(User.email))
        ]

    def validate_name(self, field) -> None:
        field.data = " ".join((field.data or "").split())
        clash = db.session.scalar(
            select(UserGroup).where(func.lower(UserGroup.name) == field.data.lower())
        )
        if clash is not None and clash is not self._group:
            raise ValidationError(_("A group with this name exists already."))


def save_group(group: UserGroup, form: GroupForm, action: str) -> None:
    """Apply the form to the group and audit who is in it now."""
    group.name = form.name.data
    group.description = (form.description.data or "").strip()
    group.members = db.session.scalars(
        select(User).where(User.id.in_(form.members.data or []))
    ).all()
    db.session.add(group)
    db.session.flush()
    record_event(
        action,
        target_type="group",
        target_id=group.id,
        summary=group.name,
        details={"members": sorted(user.email for user in group.members)},
    )
    db.session.commit()


@bp.route("/groups", methods=["GET", "POST"])
@admin_required
def groups():
    """List groups and create a new one."""
    form = GroupForm()
    if form.validate_on_submit():
        save_group(UserGroup(), form, "group_created")
        flash(_("Group “%(name)s” created.", name=form.name.data), "success")
        return redirect(url_for("auth.groups"))
    all_groups = db.session.scalars(select(UserGroup).order_by(UserGroup.name)).all()
    return render_template("auth/groups.html", form=form, groups=all_groups)


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@admin_required
def edit_group(group_id: int):
    """Rename a group or change who is in it."""
    group = db.get_or_404(UserGroup, group_id)
    form = GroupForm(obj=group, group=group)
    if not form.is_submitted():
        form.members.data = [user.id for user in group.members]
    if form.validate_on_submit():
        save_group(group, form, "group_changed")
        flash(_("Group “%(name)s” saved.", name=group.name), "success")
        return redirect(url_for("auth.groups"))
    return render_template("auth/edit_group.html", form=form, group=group)


# Where the "On" column of the audit trail links to, by the event's target type.
TARGET_PAGES = {
    "meeting": ("meetings.show", "meeting_id"),
    "person": ("people.person", "person_id"),
    "organization": ("people.organization", "organization_id"),
    "topic": ("topics.show", "topic_id"),
}


# How the "On" column names a record of each target type, by its number.
TARGET_NAMES = {
    "person": _l("person %(number)s"),
    "organization": _l("organization %(number)s"),
    "topic": _l("topic %(number)s"),
    "user": _l("user %(number)s"),
    "group": _l("group %(number)s"),
}


def target_name(event: AuditEvent) -> str:
    """The record an audit event is about, as "person 12" in the reader's language."""
    number = "" if event.target_id is None else event.target_id
    name = TARGET_NAMES.get(event.target_type)
    if name is None:
        return f"{event.target_type} {number}"
    return str(name) % {"number": number}


def target_url(event: AuditEvent) -> str | None:
    """The page of the record an audit event is about, if it has one."""
    if event.target_type not in TARGET_PAGES or event.target_id is None:
        return None
    endpoint, id_argument = TARGET_PAGES[event.target_type]
    return url_for(endpoint, **{id_argument: event.target_id})


def meeting_titles_for(user, events: list[AuditEvent]) -> dict[int, str]:
    """Titles of the meetings these events are about, for those the user may read.

    Read through the visibility rule (trashed meetings included, as the trail
    tells of deletions); a meeting the user may not read, or purged since, is
    missing from the result and the page names it by number only.
    """
    meeting_ids = {
        event.target_id
        for event in events
        if event.target_type == "meeting" and event.target_id is not None
    }
    if not meeting_ids:
        return {}
    return dict(
        db.session.execute(
            select(Meeting.id, Meeting.title).where(
                Meeting.id.in_(meeting_ids), readable_meeting_clause(user)
            )
        ).all()
    )


@bp.get("/audit")
@admin_required
def audit_trail():
    """The latest audit events, newest first, narrowed by kind, user and UTC dates."""
    action = request.args.get("action", "").strip()[:50]
    email = request.args.get("user", "").strip().lower()[:254]
    first_day, last_day, date_errors = query_date_span(request.args)
    statement = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action == action)
    if email:
        statement = statement.where(AuditEvent.actor_email == email)
    if first_day and "from" not in date_errors:
        statement = statement.where(
            AuditEvent.occurred_at >= datetime.combine(first_day, time.min)
        )
    if last_day and "to" not in date_errors:
        statement = statement.where(
            AuditEvent.occurred_at
            < datetime.combine(last_day + timedelta(days=1), time.min)
        )
    page = db.paginate(
        statement,
        page=integer_arg("page", 1),
        per_page=100,
        max_per_page=100,
        error_out=False,
    )
    actions = db.session.scalars(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).all()
    return render_template(
        "auth/audit.html",
        page=page,
        actions=actions,
        action=action,
        email=email,
        date_errors=date_errors,
        target_url=target_url,
        target_name=target_name,
        meeting_titles=meeting_titles_for(current_user, page.items),
        readable_changes=readable_changes,
        shown_summary=shown_summary,
    )
