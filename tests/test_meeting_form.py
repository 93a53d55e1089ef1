"""The meeting form filled quickly and safely (issue 11, items 6-10)."""

import re

from sqlalchemy import func, select

from events_app.extensions import db
from events_app.meetings.timezone_places import zone_named, zones_matching
from events_app.models import Meeting
from tests.test_meetings import errors_in, meeting_form_data


def meeting_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Meeting))


def row_count(page: str, group: str) -> int:
    return len(re.findall(rf'data-row="{group}"', page))


def with_every_kind_of_error() -> dict:
    """One deliberate error of each kind, as the issue's walk made them."""
    return meeting_form_data(
        title="",
        start_time="14:00",
        end_time="13:00",
        **{
            "participants-1-note": "a note without a name",
            "participants-2-person": "Someone",
            "sources-0-url": "javascript:alert(1)",
        },
    )


class TestOnePassValidation:
    def test_every_error_at_once_with_a_summary_linking_to_each_field(
        self, app, client, auth
    ):
        auth.sign_in_as("editor")
        response = client.post("/meetings/new", data=with_every_kind_of_error())
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        errors = errors_in(response)
        assert "Give the meeting a title." in errors
        assert "The end must be after the start." in errors
        assert "Name a person or an organization." in errors
        assert any("full web address" in error for error in errors)
        summary = page.split('id="error-summary"')[1].split("</section>")[0]
        assert 'role="alert"' in page.split('id="error-summary"')[0][-80:] + summary
        assert 'tabindex="-1"' in page.split('id="error-summary"')[1][:80]
        for field_id in ("title", "end_time", "participants-1-person", "sources-0-url"):
            assert f'href="#{field_id}"' in summary, field_id
        assert "Participant 2: Person" in summary
        assert meeting_count(app) == 0

    def test_start_time_and_other_errors_together(self, app, client, auth):
        auth.sign_in_as("editor")
        response = client.post(
            "/meetings/new", data=meeting_form_data(title="", start_time="")
        )
        errors = errors_in(response)
        assert "Give the meeting a title." in errors
        assert "Give the start time, or tick All day." in errors

    def test_errors_are_tied_to_their_fields(self, app, client, auth):
        auth.sign_in_as("editor")
        page = client.post("/meetings/new", data=meeting_form_data(title="")).get_data(
            as_text=True
        )
        title_input = re.search(r"<input[^>]*id=\"title\"[^>]*>", page).group(0)
        assert 'aria-invalid="true"' in title_input
        assert 'aria-describedby="title-error"' in title_input
        assert 'id="title-error"' in page

    def test_a_failed_save_keeps_exactly_the_rows_posted(self, app, client, auth):
        auth.sign_in_as("editor")
        data = meeting_form_data(title="")
        for index, name in enumerate(["Anna", "Boris", "Chen"]):
            data[f"participants-{index}-person"] = name
            data[f"participants-{index}-role"] = "participant"
            data[f"participants-{index}-attendance"] = "attended"
        first = client.post("/meetings/new", data=data).get_data(as_text=True)
        assert row_count(first, "participants") == 3
        assert row_count(first, "topics") == 1
        second = client.post("/meetings/new", data=data).get_data(as_text=True)
        assert row_count(second, "participants") == 3

    def test_a_new_form_still_offers_empty_rows(self, app, client, auth):
        auth.sign_in_as("editor")
        page = client.get("/meetings/new").get_data(as_text=True)
        assert row_count(page, "participants") == 3


class TestFormShape:
    def test_enter_presses_save_not_add_rows(self, app, client, auth):
        """Implicit submission uses the form's first submit button."""
        auth.sign_in_as("editor")
        page = client.get("/meetings/new").get_data(as_text=True)
        form = page.split('id="meeting-form"')[1]
        first_button = re.search(r"<button[^>]*>", form).group(0)
        assert "implicit-submit" in first_button and "add_rows" not in first_button

    def test_required_fields_are_marked(self, app, client, auth):
        auth.sign_in_as("editor")
        page = client.get("/meetings/new").get_data(as_text=True)
        for field_id in ("title", "start_date", "start_time", "timezone"):
            tag = re.search(rf"<input[^>]*id=\"{field_id}\"[^>]*>", page).group(0)
            assert 'aria-required="true"' in tag, field_id
            label = re.search(rf'<label for="{field_id}">(.*?)</label>', page).group(1)
            assert "required-mark" in label, field_id
        assert 'data-shown-for-confidentiality="restricted"' in page
        assert 'class="field time-of-day' in page


class TestTimeZoneByPlace:
    def test_city_and_country_names_find_the_zone(self):
        assert zone_named("Vilnius") == "Europe/Vilnius"
        assert zone_named("paris") == "Europe/Paris"
        assert zone_named("France") == "Europe/Paris"
        assert zone_named("Europe/Paris") == "Europe/Paris"
        assert zone_named("Atlantis") is None
        assert zones_matching("Vilnius")[0].label == "Vilnius, Lithuania"

    def test_a_near_name_is_asked_about(self, app, client, auth):
        auth.sign_in_as("editor")
        response = client.post(
            "/meetings/new", data=meeting_form_data(timezone="Vilni")
        )
        assert "Did you mean Europe/Vilnius (Vilnius, Lithuania)?" in errors_in(
            response
        )

    def test_the_form_takes_a_city_or_country(self, app, client, auth):
        auth.sign_in_as("editor")
        response = client.post(
            "/meetings/new", data=meeting_form_data(timezone="Vilnius")
        )
        assert response.status_code == 302
        with app.app_context():
            assert db.session.scalar(select(Meeting.timezone)) == "Europe/Vilnius"

    def test_a_country_with_several_zones_lists_them(self, app, client, auth):
        auth.sign_in_as("editor")
        response = client.post(
            "/meetings/new", data=meeting_form_data(timezone="Russia")
        )
        assert response.status_code == 422
        (message,) = [e for e in errors_in(response) if "Several time zones" in e]
        assert "(Anadyr, Russia)" in message

    def test_suggest_endpoint(self, app, client, auth):
        auth.sign_in_as("editor")
        answer = client.get("/timezones/suggest?q=France").get_json()
        assert answer[0]["name"] == "Europe/Paris"
        assert "France" in answer[0]["matched"]
        auth.sign_out()
        assert client.get("/timezones/suggest?q=France").status_code in (302, 401, 403)


class TestDisclosureAsksFirst:
    def test_making_a_meeting_public_asks_and_keeps_the_input(
        self, app, client, auth, make
    ):
        auth.sign_in_as("admin")
        meeting = make.meeting("Quiet talk", confidentiality="internal")
        data = meeting_form_data(
            title="Quiet talk, edited", confidentiality="public", revision="1"
        )
        del data["confirm_disclosure"]
        data["revision"] = str(meeting.revision)
        response = client.post(f"/meetings/{meeting.id}/edit", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Making this meeting public shows it" in page
        assert "anyone, without signing in" in page
        assert 'name="confirm_disclosure" value="yes"' in page
        assert 'value="Quiet talk, edited"' in page
        db.session.expire_all()
        assert db.session.get(Meeting, meeting.id).confidentiality == "internal"
        data["confirm_disclosure"] = "yes"
        assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
        db.session.expire_all()
        assert db.session.get(Meeting, meeting.id).confidentiality == "public"

    def test_taking_people_off_the_access_list_asks(self, app, client, auth, make):
        auth.sign_in_as("admin")
        listed = make.user(email="listed@example.org", role="viewer")
        meeting = make.meeting("Closed talk", confidentiality="restricted")
        meeting.access_users.append(listed)
        db.session.commit()
        data = meeting_form_data(title="Closed talk", confidentiality="restricted")
        del data["confirm_disclosure"]
        data["revision"] = str(meeting.revision)
        page = client.post(f"/meetings/{meeting.id}/edit", data=data).get_data(
            as_text=True
        )
        assert "off the access list" in page
        assert listed.name in page

    def test_a_save_that_discloses_nothing_does_not_ask(self, app, client, auth):
        auth.sign_in_as("editor")
        data = meeting_form_data(confidentiality="internal")
        del data["confirm_disclosure"]
        assert client.post("/meetings/new", data=data).status_code == 302
