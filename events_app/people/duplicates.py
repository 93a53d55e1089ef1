"""Views for likely duplicates among people and organizations, and merging them.

Editors see the pairs among records they may see; merging follows the rule of
events_app/directory/merge.py (`merge_refusal`).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from events_app.auth.permissions import editor_required
from events_app.directory.merge import (
    KINDS,
    duplicate_pairs,
    mark_not_same,
    merge_or_404,
    merge_records,
    merges_for,
    plan_merge,
    records_to_merge_or_abort,
    undo_conflict,
    undo_merge,
)
from events_app.directory.names import OTHER_NAMES_MAX_COUNT
from events_app.directory.pages import record_url
from events_app.extensions import db
from events_app.people import bp
from events_app.visibility import is_visible_to, visible_record_or_404

# The address part of each kind: /people/…, /organizations/…
PLURAL = {"person": "people", "organization": "organizations"}


def _routes(path: str, endpoint: str, **options):
    """Register a view under /people/… and /organizations/… (kind passed as `kind`)."""

    def register(view):
        for kind, plural in PLURAL.items():
            bp.add_url_rule(
                f"/{plural}{path}",
                endpoint=f"{endpoint}_{kind}",
                view_func=view,
                defaults={"kind": kind},
                **options,
            )
        return view

    return register


@_routes("/duplicates", "duplicates")
@editor_required
def duplicates(kind: str):
    """Pairs of records likely to be one, best first, with the names that met."""
    pairs = duplicate_pairs(KINDS[kind], current_user)
    return render_template("people/duplicates.html", kind=kind, pairs=pairs)


@_routes("/<int:first_id>/not-same/<int:second_id>", "not_same", methods=["POST"])
@editor_required
def not_same(kind: str, first_id: int, second_id: int):
    """Stop listing a pair as likely duplicates."""
    model = KINDS[kind].model
    if first_id == second_id:
        abort(404)
    first = visible_record_or_404(current_user, model, first_id)
    second = visible_record_or_404(current_user, model, second_id)
    mark_not_same(KINDS[kind], first, second)
    db.session.commit()
    flash(
        _(
            "%(first)s and %(second)s are no longer listed.",
            first=first.label,
            second=second.label,
        ),
        "success",
    )
    return redirect(url_for(f"people.duplicates_{kind}"))


@_routes("/<int:kept_id>/merge/<int:removed_id>", "merge", methods=["GET", "POST"])
@editor_required
def merge(kind: str, kept_id: int, removed_id: int):
    """Preview a merge of the second record into the first (GET), then merge (POST)."""
    kept, removed = records_to_merge_or_abort(
        current_user, KINDS[kind], kept_id, removed_id
    )
    plan = plan_merge(KINDS[kind], kept, removed)
    if request.method != "POST" or plan.names_over_limit:
        # A merge past the limit of other names is refused, with the preview
        # saying why (a stale preview's button lands here too).
        return render_template(
            "people/merge_preview.html",
            kind=kind,
            plan=plan,
            other_names_limit=OTHER_NAMES_MAX_COUNT,
        ), (409 if request.method == "POST" else 200)
    removed_label = removed.label
    done = merge_records(plan)
    db.session.commit()
    flash(
        _("%(removed)s merged into %(kept)s.", removed=removed_label, kept=kept.label),
        "success",
    )
    return redirect(url_for("people.merge_record", merge_id=done.id))


def _undo_blocked(merge, kept) -> Markup | str | None:
    """Why the undo must wait, for the editor: another record holds the removed
    record's name now (named and linked only if the editor may see it)."""
    if merge.undone_at is not None:
        return None
    conflict = undo_conflict(merge, kept)
    if conflict is None:
        return None
    name, holder = conflict
    if not is_visible_to(current_user, holder):
        return _(
            "“%(name)s” is now the name of a record you may not see, so this "
            "merge cannot be undone yet; ask an administrator.",
            name=name,
        )
    return Markup(
        _(
            '“%(name)s” is now the name of <a href="%(url)s">%(label)s</a>: '
            "rename that record, or merge it into %(kept)s, then undo this merge."
        )
    ) % {
        "name": name,
        "url": record_url(holder),
        "label": holder.label,
        "kept": kept.label,
    }


@bp.route("/merges/<int:merge_id>")
@editor_required
def merge_record(merge_id: int):
    """What a merge did, with the button that undoes it."""
    record, kept = merge_or_404(current_user, merge_id)
    return render_template(
        "people/merge_record.html",
        merge=record,
        kept=kept,
        kept_url=record_url(kept),
        undo_blocked=_undo_blocked(record, kept),
    )


@bp.route("/merges/<int:merge_id>/undo", methods=["POST"], endpoint="undo_merge")
@editor_required
def undo(merge_id: int):
    """Undo a merge: both records and their links back as they were."""
    record, kept = merge_or_404(current_user, merge_id)
    if record.undone_at is not None:
        flash(_("This merge was already undone."), "warning")
        return redirect(url_for("people.merge_record", merge_id=merge_id))
    blocked = _undo_blocked(record, kept)
    if blocked is not None:
        flash(blocked, "error")
        return redirect(url_for("people.merge_record", merge_id=merge_id))
    restored = undo_merge(record, kept)
    db.session.commit()
    flash(_("Merge undone: %(name)s is back.", name=restored.label), "success")
    return redirect(record_url(restored))


@_routes("/merges", "merges")
@editor_required
def merges(kind: str):
    """Recent merges of records the editor may fully see, to review or undo."""
    return render_template(
        "people/merges.html", kind=kind, merges=merges_for(current_user, KINDS[kind])
    )
