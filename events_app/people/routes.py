"""Views for people and organizations: indexes, history pages and edit forms."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from events_app.auth.permissions import editor_required
from events_app.extensions import db
from events_app.models import Organization, Person
from events_app.people import bp
from events_app.people.forms import OrganizationForm, PersonForm
from events_app.people.history import (
    organization_history,
    organizations_listing,
    people_listing,
    person_history,
)


def _search_text() -> str:
    return request.args.get("q", "", type=str).strip()


def _page_number() -> int:
    return max(request.args.get("page", 1, type=int), 1)


def _organization_names() -> list[str]:
    """Names offered by the "usual organization" datalist."""
    return list(
        db.session.scalars(
            select(Organization.name).order_by(func.lower(Organization.name))
        )
    )


@bp.route("/people")
def people_index():
    """People A–Z, filtered by ?q=, with the meetings the viewer may see."""
    text = _search_text()
    listing = people_listing(current_user, text, _page_number())
    return render_template("people/people_index.html", listing=listing, q=text)


@bp.route("/organizations")
def organizations_index():
    """Organizations A–Z, filtered by ?q=, with the meetings the viewer may see."""
    text = _search_text()
    listing = organizations_listing(current_user, text, _page_number())
    return render_template("people/organizations_index.html", listing=listing, q=text)


@bp.route("/people/<int:person_id>")
def person(person_id: int):
    """A person's entry and the history of their meetings visible to the viewer."""
    record = db.get_or_404(Person, person_id)
    history = person_history(record, current_user, _page_number())
    return render_template("people/person.html", history=history, person=record)


@bp.route("/organizations/<int:organization_id>")
def organization(organization_id: int):
    """An organization's entry and the history of its meetings visible to the viewer."""
    record = db.get_or_404(Organization, organization_id)
    history = organization_history(record, current_user, _page_number())
    return render_template(
        "people/organization.html", history=history, organization=record
    )


@bp.route("/people/new", methods=["GET", "POST"])
@editor_required
def new_person():
    """Add a person to the directory."""
    form = PersonForm(data={"display_name": request.args.get("name", "")})
    if form.validate_on_submit():
        record = Person()
        form.apply_to(record)
        db.session.add(record)
        db.session.commit()
        flash(f"{record.display_name} added.", "success")
        return redirect(url_for("people.person", person_id=record.id))
    return render_template(
        "people/person_form.html",
        form=form,
        person=None,
        organization_names=_organization_names(),
    )


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_person(person_id: int):
    """Change a person's directory entry."""
    record = db.get_or_404(Person, person_id)
    form = PersonForm(record=record)
    if form.validate_on_submit():
        form.apply_to(record)
        db.session.commit()
        flash(f"{record.display_name} saved.", "success")
        return redirect(url_for("people.person", person_id=record.id))
    return render_template(
        "people/person_form.html",
        form=form,
        person=record,
        organization_names=_organization_names(),
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@editor_required
def new_organization():
    """Add an organization to the directory."""
    form = OrganizationForm(data={"name": request.args.get("name", "")})
    if form.validate_on_submit():
        record = Organization()
        form.apply_to(record)
        db.session.add(record)
        db.session.commit()
        flash(f"{record.name} added.", "success")
        return redirect(url_for("people.organization", organization_id=record.id))
    return render_template(
        "people/organization_form.html", form=form, organization=None
    )


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_organization(organization_id: int):
    """Change an organization's directory entry."""
    record = db.get_or_404(Organization, organization_id)
    form = OrganizationForm(record=record)
    if form.validate_on_submit():
        form.apply_to(record)
        db.session.commit()
        flash(f"{record.name} saved.", "success")
        return redirect(url_for("people.organization", organization_id=record.id))
    return render_template(
        "people/organization_form.html", form=form, organization=record
    )
