"""View helpers shared by the people, organization and topic pages.

Their indexes, history pages and edit forms work alike; the pieces that would
otherwise be written three times live here.
"""

from collections.abc import Callable

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from events_app.directory.did_you_mean import NEW, add_other_name
from events_app.directory.likeness import likely_matches
from events_app.extensions import db
from events_app.input_rules import MAXIMUM_SEARCH_LENGTH, integer_arg
from events_app.models import Organization, Person, Topic
from events_app.topic_tree import visible_path
from events_app.visibility import (
    topics_among,
    visible_records_for,
    visible_topic_ids_for,
)

# Suggestions answered for one ?q= (a dropdown's worth).
SUGGESTIONS_LIMIT = 10

# Endpoint and id argument of each directory record's own page.
RECORD_PAGES = {
    Person: ("people.person", "person_id"),
    Organization: ("people.organization", "organization_id"),
    Topic: ("topics.show", "topic_id"),
}


def record_url(record) -> str:
    """The address of a person's, organization's or topic's page."""
    endpoint, id_argument = RECORD_PAGES[type(record)]
    return url_for(endpoint, **{id_argument: record.id})


def page_number() -> int:
    """The ?page= argument; 1 when absent or not a page number."""
    return integer_arg("page", 1)


def search_text() -> str:
    """The ?q= argument, trimmed and cut to the longest search (as the history's)."""
    return request.args.get("q", "", type=str).strip()[:MAXIMUM_SEARCH_LENGTH]


def index_page(listing_for: Callable, template: str):
    """An index page: the listing of what the viewer may see matching ?q=, paged."""
    text = search_text()
    listing = listing_for(current_user, text, page_number())
    return render_template(template, listing=listing, q=text)


def form_page(form, record, template: str, name_of: Callable[..., str], **context):
    """Save a valid submitted form onto `record` and go to its page; else show the form.

    `record` is new (not yet in the database) for an "add" page; `name_of(record)`
    names it in the confirmation message. A form that asks "did you mean"
    (events_app/directory/forms.py, AsksBeforeCreating) asks before adding.
    """
    if not form.validate_on_submit():
        return render_template(template, form=form, **context)
    is_new = record.id is None
    if is_new and hasattr(form, "name_question"):
        question = form.name_question(current_user)
        if question is not None and not question.decided:
            flash(str(NAME_TO_CONFIRM), "error")
            page = render_template(template, form=form, question=question, **context)
            return page, 422
        if question is not None and question.chosen != NEW:
            return chose_existing_record(form, question)
    form.apply_to(record)
    if is_new:
        db.session.add(record)
    db.session.commit()
    if is_new:
        flash(_("%(name)s added.", name=name_of(record)), "success")
    else:
        flash(_("%(name)s saved.", name=name_of(record)), "success")
    return redirect(record_url(record))


NAME_TO_CONFIRM = _l(
    "This name looks like a record already in the directory. Choose it or a new "
    "one below; nothing was saved yet."
)


def chose_existing_record(form, question):
    """The "did you mean" answer was an existing record: complete that one instead.

    The typed spelling becomes one of its other names if the box stayed ticked,
    and the rest of the form fills what the record leaves empty
    (`apply_where_free`); what differs from the record is not applied but
    listed, so nothing typed is lost from sight.
    """
    existing = question.chosen
    applied, not_applied = form.apply_where_free(existing)
    if form.name_keep_spelling.data and add_other_name(existing, question.typed):
        applied.insert(0, _("other name “%(name)s”", name=question.typed))
    db.session.commit()
    if applied:
        done = _(
            "No new record: “%(typed)s” is %(name)s; added %(items)s.",
            typed=question.typed,
            name=existing.label,
            items="; ".join(applied),
        )
    else:
        done = _(
            "No new record: “%(typed)s” is %(name)s; nothing new to add.",
            typed=question.typed,
            name=existing.label,
        )
    flash(done, "success")
    if not_applied:
        flash(
            _(
                "Not applied, as %(name)s has these already or they cannot be "
                "added here (edit the record to change them): %(items)s.",
                name=existing.label,
                items="; ".join(not_applied),
            ),
            "warning",
        )
    return redirect(record_url(existing))


def suggested_name(record, visible_topic_ids: set[int] | None = None) -> str:
    """The name a form field takes for a record: a topic's path through the
    topics the viewer may see (`visible_topic_ids`), else its own name."""
    if isinstance(record, Topic):
        return visible_path(record, visible_topic_ids)
    return record.display_name if isinstance(record, Person) else record.name


def suggestions_response(model) -> Response:
    """JSON suggestions, best first, for a name being typed as ?q= (any spelling).

    Only records the viewer may see are considered, so a hidden record is never
    suggested nor counted; an empty ?q= answers [].
    """
    text = search_text()
    if not text:
        return jsonify([])
    visible_topic_ids = visible_topic_ids_for(current_user) if model is Topic else None
    matches = likely_matches(
        model,
        text,
        among=topics_among(visible_topic_ids)
        if model is Topic
        else visible_records_for(current_user, model),
        limit=SUGGESTIONS_LIMIT,
        typing=True,
    )
    return jsonify(
        [
            {
                "id": match.record.id,
                "name": suggested_name(match.record, visible_topic_ids),
                "matched": match.matched,
                "score": round(match.score, 2),
                "url": record_url(match.record),
            }
            for match in matches
        ]
    )
