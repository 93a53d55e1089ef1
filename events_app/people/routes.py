"""Views for people and organizations: indexes, history pages and edit forms.

A person or organization the viewer may not see answers 404 on every page,
exactly like one that does not exist.
"""

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from events_app.auth.permissions import editor_required
from events_app.directory.pages import (
    form_page,
    index_page,
    page_number,
    suggestions_response,
)
from events_app.extensions import db
from events_app.follow_ups.queries import follow_ups_of
from events_app.models import Organization, Person
from events_app.people import bp
from events_app.people.forms import OrganizationForm, PersonForm
from events_app.people.history import (
    organization_history,
    organizations_listing,
    people_listing,
    person_history,
)
from events_app.visibility import visible_record_or_404


@bp.route("/people")
def people_index():
    """People A–Z, filtered by ?q=, with the meetings the viewer may see."""
    return index_page(people_listing, "people/people_index.html")


@bp.route("/organizations")
def organizations_index():
    """Organizations A–Z, filtered by ?q=, with the meetings the viewer may see."""
    return index_page(organizations_listing, "people/organizations_index.html")


@bp.route("/people/suggest")
@login_required
def people_suggest():
    """JSON: people the viewer may see whose name is likely the one typed as ?q=."""
    return suggestions_response(Person)


@bp.route("/organizations/suggest")
@login_required
def organizations_suggest():
    """JSON: organizations the viewer may see likely named as ?q=."""
    return suggestions_response(Organization)


def _shown_record_or_404(history, model, record_id: int, *options):
    """The record whose `history` was found (None: the viewer may not see it)."""
    record = None
    if history is not None:
        record = db.session.get(model, record_id, options=options)
    if record is None:
        abort(404)
    return record


@bp.route("/people/<int:person_id>")
def person(person_id: int):
    """A person's entry and the history of their meetings visible to the viewer."""
    history = person_history(current_user, person_id, page_number())
    record = _shown_record_or_404(
        history, Person, person_id, joinedload(Person.organization)
    )
    return render_template(
        "people/person.html",
        history=history,
        person=record,
        record_follow_ups=follow_ups_of(current_user, record),
    )


@bp.route("/organizations/<int:organization_id>")
def organization(organization_id: int):
    """An organization's entry and the history of its meetings visible to the viewer."""
    history = organization_history(current_user, organization_id, page_number())
    record = _shown_record_or_404(history, Organization, organization_id)
    return render_template(
        "people/organization.html",
        history=history,
        organization=record,
        record_follow_ups=follow_ups_of(current_user, record),
    )


def _person_form_page(form: PersonForm, record: Person, shown: Person | None):
    return form_page(
        form,
        record,
        "people/person_form.html",
        name_of=lambda saved: saved.display_name,
        person=shown,
    )


def _organization_form_page(
    form: OrganizationForm, record: Organization, shown: Organization | None
):
    return form_page(
        form,
        record,
        "people/organization_form.html",
        name_of=lambda saved: saved.name,
        organization=shown,
    )


@bp.route("/people/new", methods=["GET", "POST"])
@editor_required
def new_person():
    """Add a person to the directory."""
    form = PersonForm(data={"display_name": request.args.get("name", "")})
    return _person_form_page(form, Person(), shown=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_person(person_id: int):
    """Change a person's directory entry (only one the editor may see)."""
    record = visible_record_or_404(current_user, Person, person_id)
    return _person_form_page(PersonForm(record=record), record, shown=record)


@bp.route("/organizations/new", methods=["GET", "POST"])
@editor_required
def new_organization():
    """Add an organization to the directory."""
    form = OrganizationForm(data={"name": request.args.get("name", "")})
    return _organization_form_page(form, Organization(), shown=None)


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_organization(organization_id: int):
    """Change an organization's directory entry (only one the editor may see)."""
    record = visible_record_or_404(current_user, Organization, organization_id)
    return _organization_form_page(
        OrganizationForm(record=record), record, shown=record
    )
