"""People and organizations: indexes, history pages, edit forms and leaks."""

import html
import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from events_app.extensions import db
from events_app.models import Organization, Outcome, Person
from tests.factories import Factories
from tests.pages import without_request_specifics

PUBLIC_DAY = "Fri 14 Mar 2025"
INTERNAL_DAY = "Thu 1 May 2025"
RESTRICTED_DAY = "Fri 20 Jun 2025"


@pytest.fixture
def world(app):
    """A small directory and three meetings of Matvei Kupreichyk, one per level.

    Built in its own app context, so every request below starts from a clean
    session exactly as in production.
    """
    with app.app_context():
        make = Factories()
        make.user()  # an account exists, so pages are not diverted to first-run set-up
        center = make.organization(
            "Belarusian Investigative Center",
            short_name="BIC",
            kind="ngo",
            country="Lithuania",
            other_names="Belarusian Investigation Centre",
        )
        ministry = make.organization("Hidden Ministry", kind="government")
        kupreichyk = make.person(
            "Matvei Kupreichyk",
            other_names="Kupreychyk\nКупрейчык",
            organization=center,
            title="Investigator",
            notes="Works on **sanctions** evasion.",
        )
        colleague = make.person("Public Colleague")
        insider = make.person("Internal Insider")
        secret_contact = make.person("Secret Contact")
        sanctions = make.topic("Sanctions")
        covert = make.topic("Covert Channel")
        make.meeting(
            title="Public briefing",
            start_utc=datetime(2025, 3, 14, 9, 0),
            end_utc=datetime(2025, 3, 14, 10, 0),
            confidentiality="public",
            status="held",
            participants=[
                (kupreichyk, center, "speaker"),
                (colleague, None, "participant"),
            ],
            topics=[(sanctions, "Asset freezes")],
        )
        make.meeting(
            title="Internal strategy call",
            start_utc=datetime(2025, 5, 1, 9, 0),
            end_utc=datetime(2025, 5, 1, 10, 0),
            confidentiality="internal",
            status="held",
            participants=[
                (kupreichyk, None, "participant"),
                (insider, None, "participant"),
            ],
        )
        make.meeting(
            title="Restricted dinner",
            start_utc=datetime(2025, 6, 20, 18, 0),
            end_utc=datetime(2025, 6, 20, 21, 0),
            confidentiality="restricted",
            status="held",
            participants=[
                (kupreichyk, ministry, "chair"),
                (secret_contact, ministry, "participant"),
            ],
            topics=[(covert, "Names of sources")],
        )
        return SimpleNamespace(
            center=center.id,
            ministry=ministry.id,
            kupreichyk=kupreichyk.id,
            colleague=colleague.id,
            insider=insider.id,
            secret_contact=secret_contact.id,
        )


def text_of(response) -> str:
    return response.get_data(as_text=True)


def table_row(page: str, name: str) -> str:
    """The <tr> of an index table that mentions `name`."""
    match = re.search(
        rf"<tr>(?:(?!</tr>).)*{re.escape(name)}(?:(?!</tr>).)*</tr>", page, re.S
    )
    assert match, f"no row for {name}"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def errors_in(response) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", error))
        for error in re.findall(
            r'<p class="error"[^>]*>(.*?)</p>', text_of(response), re.S
        )
    ]


def count_people() -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


# --- indexes -----------------------------------------------------------------


class TestPeopleIndex:
    def test_lists_people_alphabetically(self, client, auth, world):
        auth.sign_in_as("admin")
        response = client.get("/people")
        assert response.status_code == 200
        page = text_of(response)
        names = [
            "Internal Insider",
            "Matvei Kupreichyk",
            "Public Colleague",
            "Secret Contact",
        ]
        positions = [page.index(name) for name in names]
        assert positions == sorted(positions)

    def test_anonymous_counts_only_public_meetings(self, client, world):
        page = text_of(client.get("/people"))
        assert cells(table_row(page, "Matvei Kupreichyk"))[2:] == ["1", PUBLIC_DAY]
        assert "Public Colleague" in page
        # Seen only in internal or restricted meetings: not listed at all.
        assert "Internal Insider" not in page and "Secret Contact" not in page
        assert RESTRICTED_DAY not in page and INTERNAL_DAY not in page

    def test_viewer_counts_internal_meetings(self, client, auth, world):
        auth.sign_in_as("viewer")
        page = text_of(client.get("/people"))
        assert cells(table_row(page, "Matvei Kupreichyk"))[2:] == ["2", INTERNAL_DAY]
        assert cells(table_row(page, "Internal Insider"))[2:] == ["1", INTERNAL_DAY]
        assert "Secret Contact" not in page

    def test_admin_counts_every_meeting(self, client, auth, world):
        auth.sign_in_as("admin")
        page = text_of(client.get("/people"))
        assert cells(table_row(page, "Matvei Kupreichyk"))[2:] == ["3", RESTRICTED_DAY]
        assert cells(table_row(page, "Secret Contact"))[2:] == ["1", RESTRICTED_DAY]

    def test_shows_usual_organization(self, client, world):
        row = table_row(text_of(client.get("/people")), "Matvei Kupreichyk")
        assert "Belarusian Investigative Center (BIC)" in row
        assert f"/organizations/{world.center}" in row

    @pytest.mark.parametrize(
        "query",
        ["Kupreychyk", "KUPREICHYK", "kupréichyk", "Купрейчык", "matvei kupr", "atvei"],
    )
    def test_filter_matches_any_name_ignoring_case_and_accents(
        self, client, world, query
    ):
        page = text_of(client.get("/people", query_string={"q": query}))
        assert "Matvei Kupreichyk" in page
        assert "Public Colleague" not in page
        assert "Secret Contact" not in page

    def test_filter_substring_of_display_name(self, client, world):
        page = text_of(client.get("/people", query_string={"q": "colleag"}))
        assert "Public Colleague" in page
        assert "Matvei Kupreichyk" not in page

    def test_filter_without_match(self, client, world):
        page = text_of(client.get("/people", query_string={"q": "Nobody Known"}))
        assert "Nobody matches “Nobody Known”." in page
        assert "<table>" not in page

    def test_paginates(self, app, client, auth, world):
        app.config["DIRECTORY_PER_PAGE"] = 2
        auth.sign_in_as("admin")
        first = text_of(client.get("/people"))
        assert "Internal Insider" in first and "Matvei Kupreichyk" in first
        assert "Public Colleague" not in first
        assert "Page 1 of 2" in first and "Next →" in first
        second = text_of(client.get("/people?page=2"))
        assert "Public Colleague" in second and "Secret Contact" in second
        assert "Internal Insider" not in second
        assert "← Previous" in second

    def test_add_button_only_for_editors(self, client, auth, world):
        assert "/people/new" not in text_of(client.get("/people"))
        auth.sign_in_as("viewer")
        assert "/people/new" not in text_of(client.get("/people"))
        auth.sign_out()
        auth.sign_in_as("editor")
        assert "/people/new" in text_of(client.get("/people"))


class TestOrganizationsIndex:
    def test_lists_with_kind_country_and_counts(self, client, world):
        response = client.get("/organizations")
        assert response.status_code == 200
        page = text_of(response)
        assert cells(table_row(page, "Belarusian Investigative Center")) == [
            "Belarusian Investigative Center (BIC)",
            "NGO",
            "Lithuania",
            "1",
            PUBLIC_DAY,
        ]
        assert "Hidden Ministry" not in page

    def test_admin_sees_restricted_counts(self, client, auth, world):
        auth.sign_in_as("admin")
        page = text_of(client.get("/organizations"))
        assert cells(table_row(page, "Hidden Ministry"))[1:] == [
            "Government",
            "",
            "1",
            RESTRICTED_DAY,
        ]
        assert page.index("Belarusian Investigative") < page.index("Hidden Ministry")

    @pytest.mark.parametrize("query", ["bic", "investigation centre", "INVESTIGATIVE"])
    def test_filter_by_short_and_other_names(self, client, world, query):
        page = text_of(client.get("/organizations", query_string={"q": query}))
        assert "Belarusian Investigative Center" in page
        assert "Hidden Ministry" not in page


# --- history pages -------------------------------------------------------------


class TestPersonPage:
    def test_shows_directory_details(self, client, world):
        response = client.get(f"/people/{world.kupreichyk}")
        assert response.status_code == 200
        page = text_of(response)
        assert "<h1>Matvei Kupreichyk</h1>" in page
        assert "Kupreychyk; Купрейчык" in page
        assert "Investigator" in page
        assert "<strong>sanctions</strong>" in page
        assert f'href="/organizations/{world.center}"' in page
        assert f'href="/meetings?person={world.kupreichyk}"' in page

    def test_anonymous_sees_only_the_public_meeting(self, client, world):
        page = text_of(client.get(f"/people/{world.kupreichyk}"))
        assert "Public briefing" in page
        assert "Internal strategy call" not in page
        assert "Restricted dinner" not in page
        assert re.search(r'class="last-met">\s*' + PUBLIC_DAY, page)
        assert RESTRICTED_DAY not in page and INTERNAL_DAY not in page
        # Co-participants and topics of the public meeting...
        assert "Public Colleague" in page
        assert "Sanctions" in page
        assert "Speaker" in page
        # ...and nothing from the hidden ones, not even the organization represented.
        for hidden in (
            "Secret Contact",
            "Hidden Ministry",
            "Covert Channel",
            "Internal Insider",
        ):
            assert hidden not in page

    def test_viewer_also_sees_internal_meeting(self, client, auth, world):
        auth.sign_in_as("viewer")
        page = text_of(client.get(f"/people/{world.kupreichyk}"))
        assert "Internal strategy call" in page and "Internal Insider" in page
        assert re.search(r'class="last-met">\s*' + INTERNAL_DAY, page)
        assert "Restricted dinner" not in page and "Secret Contact" not in page

    def test_admin_sees_everything_newest_first(self, client, auth, world):
        auth.sign_in_as("admin")
        page = text_of(client.get(f"/people/{world.kupreichyk}"))
        positions = [
            page.index(title)
            for title in (
                "Restricted dinner",
                "Internal strategy call",
                "Public briefing",
            )
        ]
        assert positions == sorted(positions)
        assert re.search(r'class="last-met">\s*' + RESTRICTED_DAY, page)
        for shown in ("Secret Contact", "Hidden Ministry", "Covert Channel", "Chair"):
            assert shown in page

    def test_person_only_in_restricted_meeting_is_hidden_like_a_missing_one(
        self, client, world
    ):
        hidden = client.get(f"/people/{world.secret_contact}")
        missing = client.get("/people/9999")
        assert hidden.status_code == missing.status_code == 404
        assert without_request_specifics(
            text_of(missing).replace("9999", str(world.secret_contact))
        ) == without_request_specifics(text_of(hidden))
        assert "Secret Contact" not in text_of(hidden)

    def test_internal_meeting_needs_sign_in(self, client, auth, world):
        anonymous = client.get(f"/people/{world.insider}")
        assert anonymous.status_code == 404
        assert "Internal strategy call" not in text_of(anonymous)
        assert "Matvei Kupreichyk" not in text_of(anonymous)
        auth.sign_in_as("viewer")
        signed_in = text_of(client.get(f"/people/{world.insider}"))
        assert "Internal strategy call" in signed_in
        assert "Matvei Kupreichyk" in signed_in

    def test_meeting_list_is_paginated(self, app, client, auth, world):
        app.config["MEETINGS_PER_PAGE"] = 1
        auth.sign_in_as("admin")
        first = text_of(client.get(f"/people/{world.kupreichyk}"))
        assert "Restricted dinner" in first and "Public briefing" not in first
        assert "Page 1 of 3" in first
        third = text_of(client.get(f"/people/{world.kupreichyk}?page=3"))
        assert "Public briefing" in third and "Restricted dinner" not in third
        # The summary still covers every visible meeting.
        assert "Secret Contact" in third

    def test_missing_person_is_404(self, client, world):
        assert client.get("/people/9999").status_code == 404

    def test_edit_link_only_for_editors(self, client, auth, world):
        edit_url = f"/people/{world.kupreichyk}/edit"
        assert edit_url not in text_of(client.get(f"/people/{world.kupreichyk}"))
        auth.sign_in_as("editor")
        assert edit_url in text_of(client.get(f"/people/{world.kupreichyk}"))


class TestOrganizationPage:
    def test_shows_details_members_and_representatives(self, client, world):
        response = client.get(f"/organizations/{world.center}")
        assert response.status_code == 200
        page = text_of(response)
        assert "Belarusian Investigative Center" in page
        assert "BIC" in page and "NGO" in page and "Lithuania" in page
        assert "Belarusian Investigation Centre" in page
        assert (
            f'href="/people/{world.kupreichyk}"' in page
        )  # usual member and representative
        assert "Public briefing" in page
        assert "Speaker" in page
        assert "Public Colleague" in page  # met there
        assert re.search(r'class="last-met">\s*' + PUBLIC_DAY, page)
        assert f'href="/meetings?organization={world.center}"' in page

    def test_organization_only_in_restricted_meeting_is_hidden_like_a_missing_one(
        self, client, auth, world
    ):
        hidden = client.get(f"/organizations/{world.ministry}")
        missing = client.get("/organizations/9999")
        assert hidden.status_code == missing.status_code == 404
        assert without_request_specifics(
            text_of(missing).replace("9999", str(world.ministry))
        ) == without_request_specifics(text_of(hidden))
        assert "Hidden Ministry" not in text_of(hidden)
        auth.sign_in_as("viewer")
        assert client.get(f"/organizations/{world.ministry}").status_code == 404

    def test_admin_sees_who_represented_it(self, client, auth, world):
        auth.sign_in_as("admin")
        page = text_of(client.get(f"/organizations/{world.ministry}"))
        assert "Restricted dinner" in page
        assert "Secret Contact" in page and "Matvei Kupreichyk" in page
        assert "Covert Channel" in page
        assert re.search(r'class="last-met">\s*' + RESTRICTED_DAY, page)

    def test_missing_organization_is_404(self, client, world):
        assert client.get("/organizations/9999").status_code == 404


# --- who may see which directory record ------------------------------------------

HIDDEN_FROM = [None, "viewer", "editor"]


def sign_in(auth, role: str | None) -> None:
    if role:
        auth.sign_in_as(role)


class TestRecordsOfRestrictedMeetings:
    """Secret Contact and Hidden Ministry appear only in the restricted dinner."""

    @pytest.mark.parametrize("role", HIDDEN_FROM)
    def test_absent_from_indexes_and_search(self, client, auth, world, role):
        sign_in(auth, role)
        people = text_of(client.get("/people"))
        assert "Matvei Kupreichyk" in people
        assert "Secret Contact" not in people
        found = text_of(client.get("/people", query_string={"q": "secret"}))
        assert "Nobody matches “secret”." in found
        assert "Secret Contact" not in found
        organizations = text_of(client.get("/organizations"))
        assert "Belarusian Investigative Center" in organizations
        assert "Hidden Ministry" not in organizations
        found = text_of(client.get("/organizations", query_string={"q": "ministry"}))
        assert "No organization matches “ministry”." in found

    @pytest.mark.parametrize("role", HIDDEN_FROM)
    def test_pages_answer_404(self, client, auth, world, role):
        sign_in(auth, role)
        assert client.get(f"/people/{world.secret_contact}").status_code == 404
        assert client.get(f"/organizations/{world.ministry}").status_code == 404

    def test_editor_cannot_open_or_save_their_edit_forms(
        self, app, client, auth, world
    ):
        auth.sign_in_as("editor")
        for url, data in [
            (f"/people/{world.secret_contact}/edit", person_data()),
            (f"/organizations/{world.ministry}/edit", organization_data()),
        ]:
            assert client.get(url).status_code == 404
            assert client.post(url, data=data).status_code == 404
        with app.app_context():
            assert db.session.get(Person, world.secret_contact).display_name == (
                "Secret Contact"
            )
            assert db.session.get(Organization, world.ministry).name == (
                "Hidden Ministry"
            )

    def test_admin_sees_them_everywhere(self, client, auth, world):
        auth.sign_in_as("admin")
        assert "Secret Contact" in text_of(client.get("/people?q=secret"))
        assert "Hidden Ministry" in text_of(client.get("/organizations?q=ministry"))
        for url in (
            f"/people/{world.secret_contact}",
            f"/organizations/{world.ministry}",
            f"/people/{world.secret_contact}/edit",
            f"/organizations/{world.ministry}/edit",
        ):
            assert client.get(url).status_code == 200, url

    def test_person_form_neither_offers_nor_accepts_a_hidden_organization(
        self, client, auth, world
    ):
        auth.sign_in_as("editor")
        response = client.post(
            "/people/new", data=person_data(organization_name="Hidden Ministry")
        )
        assert response.status_code == 200
        assert "No organization named “Hidden Ministry”; create it first." in (
            errors_in(response)
        )

    def test_name_of_a_hidden_person_is_refused_without_naming_or_linking_it(
        self, app, client, auth, world
    ):
        auth.sign_in_as("editor")
        response = client.post(
            "/people/new", data=person_data(display_name="secret contact")
        )
        assert response.status_code == 200
        assert (
            "“secret contact” is already used by a record you may not see; "
            "ask an administrator." in errors_in(response)
        )
        assert f"/people/{world.secret_contact}" not in text_of(response)
        with app.app_context():
            assert count_people() == 4


class TestRecordsOfInternalMeetings:
    def test_hidden_from_anonymous_visitors(self, client, world):
        assert "Internal Insider" not in text_of(client.get("/people"))
        assert "Internal Insider" not in text_of(client.get("/people?q=insider"))
        assert client.get(f"/people/{world.insider}").status_code == 404

    def test_shown_to_signed_in_viewers(self, client, auth, world):
        auth.sign_in_as("viewer")
        assert "Internal Insider" in text_of(client.get("/people?q=insider"))
        assert client.get(f"/people/{world.insider}").status_code == 200


class TestFreshRecordsInNoMeeting:
    @pytest.fixture
    def fresh(self, app, world):
        with app.app_context():
            make = Factories()
            return SimpleNamespace(
                person=make.person("Newly Added").id,
                organization=make.organization("Newly Founded").id,
            )

    def test_hidden_from_anonymous_visitors(self, client, world, fresh):
        assert "Newly Added" not in text_of(client.get("/people"))
        assert "Newly Founded" not in text_of(client.get("/organizations"))
        assert client.get(f"/people/{fresh.person}").status_code == 404
        assert client.get(f"/organizations/{fresh.organization}").status_code == 404

    @pytest.mark.parametrize("role", ["viewer", "editor"])
    def test_shown_to_signed_in_users(self, client, auth, world, fresh, role):
        auth.sign_in_as(role)
        assert "Newly Added" in text_of(client.get("/people"))
        assert "Newly Founded" in text_of(client.get("/organizations"))
        assert client.get(f"/people/{fresh.person}").status_code == 200
        assert client.get(f"/organizations/{fresh.organization}").status_code == 200


def test_usual_organization_of_a_visible_person_is_visible_one_level_only(
    app, client, world
):
    """The ministry becomes visible through a public member, not through a secret one.

    Its page then lists the public member but never the secret one.
    """
    with app.app_context():
        db.session.get(Person, world.secret_contact).organization_id = world.ministry
        db.session.commit()
    assert client.get(f"/organizations/{world.ministry}").status_code == 404

    with app.app_context():
        db.session.get(Person, world.colleague).organization_id = world.ministry
        db.session.commit()
    response = client.get(f"/organizations/{world.ministry}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Public Colleague" in page
    assert "Secret Contact" not in page and "Restricted dinner" not in page
    assert "Hidden Ministry" in text_of(client.get("/organizations"))
    # The ministry's visibility does not in turn reveal its other members.
    assert client.get(f"/people/{world.secret_contact}").status_code == 404


def test_outcome_owners_follow_their_meeting(app, client, auth, world):
    """Owning an outcome links a record to the meeting as much as taking part."""
    with app.app_context():
        make = Factories()
        owner = make.person("Outcome Owner")
        owning_organization = make.organization("Outcome Organization")
        restricted = make.meeting("Restricted follow-up", confidentiality="restricted")
        restricted.outcomes.append(
            Outcome(
                text="Follow up",
                owner_person=owner,
                owner_organization=owning_organization,
            )
        )
        db.session.commit()
        ids = (owner.id, owning_organization.id)
    auth.sign_in_as("viewer")
    assert client.get(f"/people/{ids[0]}").status_code == 404
    assert client.get(f"/organizations/{ids[1]}").status_code == 404
    assert "Outcome Owner" not in text_of(client.get("/people"))


# --- permissions ---------------------------------------------------------------

EDIT_URLS = [
    "/people/new",
    "/people/{kupreichyk}/edit",
    "/organizations/new",
    "/organizations/{center}/edit",
]


@pytest.mark.parametrize("template", EDIT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in(client, world, template, method):
    url = template.format(**vars(world))
    response = getattr(client, method)(url, data={"display_name": "X", "name": "X"})
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("template", EDIT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_viewer_is_refused(client, auth, world, template, method):
    auth.sign_in_as("viewer")
    url = template.format(**vars(world))
    response = getattr(client, method)(url, data={"display_name": "X", "name": "X"})
    assert response.status_code == 403


def test_viewer_post_changes_nothing(app, client, auth, world):
    auth.sign_in_as("viewer")
    client.post(f"/people/{world.kupreichyk}/edit", data={"display_name": "Renamed"})
    with app.app_context():
        assert (
            db.session.get(Person, world.kupreichyk).display_name == "Matvei Kupreichyk"
        )


@pytest.mark.parametrize("template", EDIT_URLS)
def test_editor_gets_the_forms(client, auth, world, template):
    auth.sign_in_as("editor")
    assert client.get(template.format(**vars(world))).status_code == 200


def test_edit_of_missing_record_is_404(client, auth, world):
    auth.sign_in_as("editor")
    assert client.get("/people/9999/edit").status_code == 404
    assert client.get("/organizations/9999/edit").status_code == 404


# --- the person form -----------------------------------------------------------


def person_data(**overrides) -> dict:
    data = {
        "display_name": "Anna Nowak",
        "other_names": "Ania Nowak\n\nAnna  Novak",
        "organization_name": "",
        "title": "Researcher",
        "notes": "Met at *the forum*.",
    }
    data.update(overrides)
    return data


class TestPersonForm:
    def test_new_form_suggests_organizations_as_typed(self, client, auth, world):
        """No list of every organization: the field asks as the name is typed."""
        auth.sign_in_as("editor")
        page = text_of(client.get("/people/new"))
        assert "<datalist" not in page
        assert 'data-suggest="/organizations/suggest"' in page
        assert "Belarusian Investigative Center" not in page
        assert "Hidden Ministry" not in page
        found = client.get("/organizations/suggest", query_string={"q": "Belarusian"})
        assert "Belarusian Investigative Center" in [
            suggestion["name"] for suggestion in found.json
        ]
        # Only organizations the editor may see are offered.
        hidden = client.get("/organizations/suggest", query_string={"q": "Hidden"})
        assert "Hidden Ministry" not in [
            suggestion["name"] for suggestion in hidden.json
        ]

    def test_creates_a_person_resolving_the_organization(
        self, app, client, auth, world
    ):
        auth.sign_in_as("editor")
        response = client.post("/people/new", data=person_data(organization_name="bic"))
        assert response.status_code == 302
        with app.app_context():
            person = db.session.scalar(
                select(Person).where(Person.display_name == "Anna Nowak")
            )
            assert response.headers["Location"].endswith(f"/people/{person.id}")
            assert person.organization_id == world.center
            assert person.other_names == "Ania Nowak\nAnna Novak"
            assert "|annanovak|" in person.name_keys
            assert "|annanowak|" in person.name_keys
            assert person.title == "Researcher"
        # The new other name is searchable at once.
        page = text_of(client.get("/people", query_string={"q": "novák"}))
        assert "Anna Nowak" in page

    def test_name_is_required(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post("/people/new", data=person_data(display_name="   "))
        assert response.status_code == 200
        assert "Enter the person's name." in errors_in(response)
        with app.app_context():
            assert count_people() == 4

    def test_length_limits(self, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            "/people/new",
            data=person_data(
                display_name="A" * 201, other_names="B" * 201, title="C" * 201
            ),
        )
        errors = errors_in(response)
        assert "Field cannot be longer than 200 characters." in errors
        assert any("at most 200 characters" in error for error in errors)
        assert errors.count("Field cannot be longer than 200 characters.") == 2

    def test_error_is_shown_next_to_its_field(self, client, auth, world):
        auth.sign_in_as("editor")
        page = text_of(client.post("/people/new", data=person_data(display_name="")))
        assert 'aria-describedby="display_name-error"' in page
        assert '<p class="error" id="display_name-error">Enter the person' in page

    @pytest.mark.parametrize(
        "fields",
        [
            {"display_name": "matvei KUPREICHYK"},
            {"display_name": "Kupreychyk"},
            {"display_name": "Someone New", "other_names": "Old alias\nКупрейчык"},
        ],
    )
    def test_refuses_a_duplicate_and_links_to_it(
        self, app, client, auth, world, fields
    ):
        auth.sign_in_as("editor")
        response = client.post("/people/new", data=person_data(**fields))
        assert response.status_code == 200
        page = text_of(response)
        assert "is already recorded as" in page
        assert f'<a href="/people/{world.kupreichyk}">Matvei Kupreichyk</a>' in page
        with app.app_context():
            assert count_people() == 4

    def test_unknown_organization_must_be_created_first(self, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            "/people/new", data=person_data(organization_name="Nowhere Org")
        )
        assert response.status_code == 200
        assert "No organization named “Nowhere Org”; create it first." in errors_in(
            response
        )
        assert 'href="/organizations/new?name=Nowhere+Org"' in text_of(response)

    def test_misspelt_organization_names_the_likely_one(self, client, auth, world):
        """Without scripts nothing is suggested while typing: the save does."""
        auth.sign_in_as("editor")
        response = client.post(
            "/people/new",
            data=person_data(organization_name="Belarusian Investigativ Centre"),
        )
        assert response.status_code == 200
        assert (
            "No organization named “Belarusian Investigativ Centre”. Did you mean "
            "“Belarusian Investigative Center”? Type its name as written, or "
            "create it first."
        ) in errors_in(response)
        # A hidden organization is never named, however close the spelling.
        response = client.post(
            "/people/new", data=person_data(organization_name="Hiden Ministry")
        )
        assert "Hidden Ministry" not in text_of(response)
        assert "No organization named “Hiden Ministry”; create it first." in (
            errors_in(response)
        )

    def test_edit_form_is_prefilled(self, client, auth, world):
        auth.sign_in_as("editor")
        page = text_of(client.get(f"/people/{world.kupreichyk}/edit"))
        assert 'value="Matvei Kupreichyk"' in page
        assert 'value="Belarusian Investigative Center"' in page
        assert "Kupreychyk\nКупрейчык" in page

    def test_edit_keeps_own_names_and_refreshes_keys(self, app, client, auth, world):
        with app.app_context():
            # In no meeting yet: every signed-in user may see it.
            institute_id = Factories().organization("Open Institute").id
        auth.sign_in_as("editor")
        response = client.post(
            f"/people/{world.kupreichyk}/edit",
            data=person_data(
                display_name="Matvei Kupreichyk",
                other_names="Kupreychyk\nMatsvei Kupreichyk",
                organization_name="Open Institute",
                title="Head of investigations",
            ),
        )
        assert response.status_code == 302
        with app.app_context():
            person = db.session.get(Person, world.kupreichyk)
            assert person.organization_id == institute_id
            assert person.title == "Head of investigations"
            assert "|matsveikupreichyk|" in person.name_keys
            assert "|купрейчык|" not in person.name_keys

    def test_edit_cannot_take_another_persons_name(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            f"/people/{world.colleague}/edit",
            data=person_data(display_name="Kupreychyk"),
        )
        assert response.status_code == 200
        assert "is already recorded as" in text_of(response)
        with app.app_context():
            assert (
                db.session.get(Person, world.colleague).display_name
                == "Public Colleague"
            )

    def test_clearing_the_organization(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            f"/people/{world.kupreichyk}/edit",
            data=person_data(
                display_name="Matvei Kupreichyk", other_names="Kupreychyk"
            ),
        )
        assert response.status_code == 302
        with app.app_context():
            assert db.session.get(Person, world.kupreichyk).organization_id is None


# --- the organization form -------------------------------------------------------


def organization_data(**overrides) -> dict:
    data = {
        "name": "Viasna Human Rights Centre",
        "short_name": "Viasna",
        "kind": "ngo",
        "country": "Belarus",
        "other_names": "Вясна\nSpring 96",
    }
    data.update(overrides)
    return data


class TestOrganizationForm:
    def test_creates_an_organization(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post("/organizations/new", data=organization_data())
        assert response.status_code == 302
        with app.app_context():
            organization = db.session.scalar(
                select(Organization).where(Organization.short_name == "Viasna")
            )
            assert response.headers["Location"].endswith(
                f"/organizations/{organization.id}"
            )
            assert organization.kind == "ngo"
            assert organization.other_names == "Вясна\nSpring 96"
            assert (
                "|вясна|" in organization.name_keys
                and "|viasna|" in organization.name_keys
            )

    def test_kind_choices_come_from_the_vocabulary(self, client, auth, world):
        auth.sign_in_as("editor")
        page = text_of(client.get("/organizations/new"))
        for value in (
            "ngo",
            "government",
            "intergovernmental",
            "coalition",
            "media",
            "other",
        ):
            assert f'<option value="{value}"' in page or f'value="{value}"' in page
        response = client.post(
            "/organizations/new", data=organization_data(kind="club")
        )
        assert response.status_code == 200
        assert "Not a valid choice." in errors_in(response)

    def test_name_required_and_limits(self, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            "/organizations/new",
            data=organization_data(name="", short_name="S" * 51, country="C" * 101),
        )
        errors = errors_in(response)
        assert "Enter the organization's name." in errors
        assert "Field cannot be longer than 50 characters." in errors
        assert "Field cannot be longer than 100 characters." in errors

    @pytest.mark.parametrize(
        "fields",
        [
            {"name": "BELARUSIAN investigative center"},
            {"name": "Belarusian Investigation Centre"},
            {"name": "Another", "other_names": "Belarusian Investigative Center"},
        ],
    )
    def test_refuses_a_duplicate(self, app, client, auth, world, fields):
        auth.sign_in_as("editor")
        response = client.post("/organizations/new", data=organization_data(**fields))
        assert response.status_code == 200
        page = text_of(response)
        assert "is already recorded as" in page
        assert f'href="/organizations/{world.center}"' in page
        with app.app_context():
            assert (
                db.session.scalar(select(func.count()).select_from(Organization)) == 2
            )

    def test_name_can_be_prefilled_from_the_person_form_link(self, client, auth, world):
        auth.sign_in_as("editor")
        page = text_of(client.get("/organizations/new?name=Nowhere+Org"))
        assert 'value="Nowhere Org"' in page

    def test_edit_saves_and_refreshes_keys(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            f"/organizations/{world.center}/edit",
            data=organization_data(
                name="Belarusian Investigative Center",
                short_name="BIC",
                other_names="BelPol",
                kind="media",
            ),
        )
        assert response.status_code == 302
        with app.app_context():
            organization = db.session.get(Organization, world.center)
            assert organization.kind == "media"
            assert "|belpol|" in organization.name_keys
            assert "|belarusianinvestigationcentre|" not in organization.name_keys


def test_last_met_ignores_future_and_cancelled_meetings(app, client, world):
    with app.app_context():
        make = Factories()
        kupreichyk = db.session.get(Person, world.kupreichyk)
        for title, start, status in [
            ("Cancelled talk", datetime(2025, 4, 2, 9, 0), "cancelled"),
            ("Future talk", datetime(2999, 1, 1, 9, 0), "planned"),
        ]:
            make.meeting(
                title=title,
                start_utc=start,
                end_utc=None,
                status=status,
                participants=[(kupreichyk, None, "participant")],
            )
    page = text_of(client.get(f"/people/{world.kupreichyk}"))
    assert "Cancelled talk" in page and "Future talk" in page
    assert re.search(r'class="last-met">\s*' + PUBLIC_DAY, page)
    row = table_row(text_of(client.get("/people")), "Matvei Kupreichyk")
    assert cells(row)[2:] == ["3", PUBLIC_DAY]
