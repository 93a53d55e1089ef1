"""The meeting form, the history view and the meeting page."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from events_app.extensions import db
from events_app.models import Meeting, Organization, Person, Topic
from tests.pages import without_request_specifics


def meeting_form_data(**overrides) -> dict:
    data = {
        "title": "Alliance for a Democratic Belarus: fourth meeting",
        "kind": "meeting",
        "status": "held",
        "confidentiality": "internal",
        "series": "Alliance for a Democratic Belarus",
        "series_number": "4",
        "start_date": "2025-07-10",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "12:30",
        "timezone": "Europe/Paris",
        "city": "Paris",
        "country": "France",
        "summary": "Follow-up meeting.",
        "notes": "Minutes **here**",
        "participants-0-person": "Kupreychyk",
        "participants-0-organization": "belpol",
        "participants-0-role": "speaker",
        "participants-0-attendance": "attended",
        "topics-0-topic": "Sanctions > Sanctions circumvention",
        "topics-0-note": "Transit through third countries.",
        "outcomes-0-text": "Share the sanctions report.",
        "outcomes-0-owner": "BELPOL",
        "outcomes-0-due": "2025-09-01",
        "outcomes-0-status": "open",
        "sources-0-url": "https://example.org/report",
        "sources-0-title": "Public report",
        # The answer to "show this meeting to more people?" (tests/test_meeting_form.py
        # covers the question itself, without this answer).
        "confirm_disclosure": "yes",
    }
    data.update(overrides)
    return data


def errors_in(response) -> list[str]:
    return re.findall(r'class="error"[^>]*>([^<]+)<', response.get_data(as_text=True))


@pytest.fixture
def kupreichyk(make):
    belpol = make.organization(
        "Belarusian Investigative Center", short_name="BELPOL", kind="ngo"
    )
    return make.person(
        "Matvei Kupreichyk",
        other_names="Kupreichyk\nKupreychyk\nKupreichik\nКупрейчык",
        organization=belpol,
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


class TestRecordingAMeeting:
    def test_new_form_renders_with_empty_rows(self, client, auth):
        auth.sign_in_as("editor")
        response = client.get("/meetings/new")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert page.count('data-row="participants"') == 3
        assert page.count('data-row="topics"') == 3
        assert 'name="add_rows" value="participants"' in page

    def test_create_reuses_people_by_other_name(self, app, client, auth, kupreichyk):
        auth.sign_in_as("editor")
        response = client.post("/meetings/new", data=meeting_form_data())
        assert response.status_code == 302
        with app.app_context():
            meeting = db.session.scalar(select(Meeting))
            assert response.location == f"/meetings/{meeting.id}"
            assert count(Person) == 1
            assert count(Organization) == 1
            row = meeting.participations[0]
            assert row.person.display_name == "Matvei Kupreichyk"
            assert row.organization.short_name == "BELPOL"
            assert meeting.meeting_topics[0].topic.path == (
                "Sanctions > Sanctions circumvention"
            )
            assert meeting.outcomes[0].owner_organization.short_name == "BELPOL"
            assert meeting.outcomes[0].due == date(2025, 9, 1)
            assert meeting.sources[0].url == "https://example.org/report"
            assert meeting.start_utc == datetime(2025, 7, 10, 8, 0)
            assert meeting.end_utc == datetime(2025, 7, 10, 10, 30)
            assert meeting.start_local_date == date(2025, 7, 10)
            assert meeting.revision == 1

    @pytest.mark.parametrize(
        "typed", ["kupreichyk", "KUPREICHYK", "Kupréichyk", "Kup reichyk", "Купрейчык"]
    )
    def test_name_matching_ignores_case_accents_and_spacing(
        self, app, client, auth, kupreichyk, typed
    ):
        auth.sign_in_as("editor")
        data = meeting_form_data(**{"participants-0-person": typed})
        assert client.post("/meetings/new", data=data).status_code == 302
        with app.app_context():
            assert count(Person) == 1

    def test_new_names_create_records_once(self, app, client, auth):
        auth.sign_in_as("editor")
        data = meeting_form_data(
            **{
                "participants-0-person": "Jane Doe",
                "participants-0-organization": "Example NGO",
                "participants-1-person": "jane  doe",
                "participants-1-organization": "EXAMPLE ngo",
                "participants-1-role": "observer",
                "participants-1-attendance": "absent",
                "topics-1-topic": "Sanctions",
                "outcomes-0-owner": "",
            }
        )
        assert client.post("/meetings/new", data=data).status_code == 302
        with app.app_context():
            assert count(Person) == 1
            assert count(Organization) == 1
            assert sorted(
                topic.path for topic in db.session.scalars(select(Topic))
            ) == [
                "Sanctions",
                "Sanctions > Sanctions circumvention",
            ]

    def test_all_day_meeting(self, app, client, auth):
        auth.sign_in_as("editor")
        data = meeting_form_data(
            all_day="y", start_time="", end_time="", end_date="2025-07-11"
        )
        assert client.post("/meetings/new", data=data).status_code == 302
        with app.app_context():
            meeting = db.session.scalar(select(Meeting))
            assert meeting.all_day
            assert meeting.start_utc == datetime(2025, 7, 9, 22, 0)
            assert meeting.end_utc == datetime(2025, 7, 11, 22, 0)
            assert meeting.last_date == date(2025, 7, 11)

    def test_edit_keeps_values_and_counts_revisions(self, app, client, auth):
        auth.sign_in_as("editor")
        client.post("/meetings/new", data=meeting_form_data())
        with app.app_context():
            meeting_id = db.session.scalar(select(Meeting.id))
        page = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
        assert 'value="Alliance for a Democratic Belarus: fourth meeting"' in page
        assert 'value="Kupreychyk"' in page
        assert 'value="2025-07-10"' in page and 'value="10:00"' in page
        client.post(
            f"/meetings/{meeting_id}/edit", data=meeting_form_data(revision="1")
        )
        with app.app_context():
            assert db.session.get(Meeting, meeting_id).revision == 1
        client.post(
            f"/meetings/{meeting_id}/edit",
            data=meeting_form_data(
                title="Renamed", revision="1", **{"participants-0-person": ""}
            ),
        )
        with app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            assert meeting.revision == 2
            assert meeting.title == "Renamed"
            assert meeting.participations[0].person is None
            assert meeting.participations[0].organization is not None

    def test_add_rows_without_javascript(self, client, auth):
        auth.sign_in_as("editor")
        data = meeting_form_data(add_rows="participants")
        response = client.post("/meetings/new", data=data)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert page.count('data-row="participants"') >= 4
        assert 'value="Kupreychyk"' in page
        assert errors_in(response) == []

    def test_delete_needs_confirmation_and_post(self, app, client, auth, make):
        meeting = make.meeting(confidentiality="internal")
        auth.sign_in_as("editor")
        page = client.get(f"/meetings/{meeting.id}/delete")
        assert page.status_code == 200
        assert "Delete this meeting?" in page.get_data(as_text=True)
        with app.app_context():
            assert count(Meeting) == 1
        response = client.post(f"/meetings/{meeting.id}/delete")
        assert response.status_code == 302
        with app.app_context():
            trashed = db.session.get(Meeting, meeting.id)
            assert trashed.deleted_at is not None
        assert client.get(f"/meetings/{meeting.id}").status_code == 404
        assert meeting.title not in client.get("/meetings").get_data(as_text=True)


VALIDATION_CASES = [
    ({"title": ""}, "Give the meeting a title."),
    ({"title": "x" * 301}, "Field cannot be longer than 300 characters."),
    ({"start_date": ""}, "Give the start date."),
    ({"start_date": "2025-02-30"}, "Not a valid date value."),
    ({"start_time": ""}, "Give the start time, or tick All day."),
    ({"end_time": "09:00"}, "The end must be after the start."),
    (
        {"end_date": "2025-07-09", "end_time": "15:00"},
        "The end must be after the start.",
    ),
    ({"end_date": "2025-07-11", "end_time": ""}, "Give the end time too"),
    ({"timezone": "Europe/Pariss"}, "Use an IANA time zone name"),
    ({"timezone": ""}, "Give the time zone."),
    ({"kind": "party"}, "Choose one of: meeting, briefing"),
    ({"status": "done"}, "Choose one of: planned, held"),
    ({"confidentiality": "secret"}, "Choose one of: public, internal, restricted"),
    ({"participants-0-role": "king"}, "Choose one of: chair"),
    ({"participants-0-attendance": "maybe"}, "Choose one of: attended"),
    (
        {
            "participants-0-person": "",
            "participants-0-organization": "",
            "participants-0-note": "Spoke first",
        },
        "Name a person or an organization.",
    ),
    ({"online_url": "javascript:alert(1)"}, "Enter a full web address"),
    ({"sources-0-url": "example.org"}, "Enter a full web address"),
    ({"sources-0-url": ""}, "Give the link this title belongs to."),
    ({"topics-0-topic": ""}, "Name the topic this note belongs to."),
    ({"outcomes-0-text": ""}, "Say what was agreed."),
    ({"outcomes-0-due": "soon"}, "Not a valid date value."),
    ({"series_number": "0"}, "Use a number from 1 to 100000."),
    ({"title": "Bad\x07title"}, "Remove the invisible control characters."),
    (
        {"start_date": "2025-03-30", "start_time": "02:30", "end_time": ""},
        "does not exist",
    ),
]


@pytest.mark.parametrize("overrides,message", VALIDATION_CASES)
def test_validation_messages_keep_input(app, client, auth, overrides, message):
    auth.sign_in_as("editor")
    response = client.post("/meetings/new", data=meeting_form_data(**overrides))
    assert response.status_code == 422
    assert any(message in error for error in errors_in(response)), errors_in(response)
    page = response.get_data(as_text=True)
    assert 'value="Paris"' in page
    with app.app_context():
        assert count(Meeting) == 0


def test_failed_edit_keeps_saved_meeting(app, client, auth):
    auth.sign_in_as("editor")
    client.post("/meetings/new", data=meeting_form_data())
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    response = client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(title="", city="Lyon", revision="1"),
    )
    assert response.status_code == 422
    assert 'value="Lyon"' in response.get_data(as_text=True)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.city == "Paris"
        assert meeting.revision == 1


class TestPermissions:
    @pytest.mark.parametrize("path", ["/meetings/new"])
    def test_anonymous_is_sent_to_sign_in(self, client, make, path):
        make.user(email="admin@example.org", role="admin")
        response = client.get(path)
        assert response.status_code == 302
        assert "/sign-in" in response.location

    def test_viewer_cannot_write(self, client, auth, make):
        meeting = make.meeting(confidentiality="internal")
        auth.sign_in_as("viewer")
        assert client.get("/meetings/new").status_code == 403
        assert client.post("/meetings/new", data=meeting_form_data()).status_code == 403
        assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
        assert client.post(f"/meetings/{meeting.id}/delete").status_code == 403
        assert client.get(f"/meetings/{meeting.id}").status_code == 200

    def test_editor_cannot_touch_restricted_meeting(self, client, auth, make):
        meeting = make.meeting(confidentiality="restricted")
        auth.sign_in_as("editor")
        for path in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/edit"):
            assert client.get(path).status_code == 404
        assert client.post(f"/meetings/{meeting.id}/delete").status_code == 404

    @pytest.mark.parametrize(
        "role,visible",
        [
            (None, {"Public talk"}),
            ("viewer", {"Public talk", "Internal call"}),
            ("editor", {"Public talk", "Internal call"}),
            ("admin", {"Public talk", "Internal call", "Closed briefing"}),
        ],
    )
    def test_history_and_pages_follow_visibility(
        self, client, auth, make, role, visible
    ):
        make.user(email="someone@example.org", role="admin")
        meetings = {
            "Public talk": make.meeting("Public talk", confidentiality="public"),
            "Internal call": make.meeting("Internal call", confidentiality="internal"),
            "Closed briefing": make.meeting(
                "Closed briefing", confidentiality="restricted"
            ),
        }
        if role:
            auth.sign_in_as(role)
        page = client.get("/meetings").get_data(as_text=True)
        for title, meeting in meetings.items():
            assert (title in page) == (title in visible)
            expected = 200 if title in visible else 404
            assert client.get(f"/meetings/{meeting.id}").status_code == expected
        assert f"{len(visible)} meeting" in page

    def test_missing_and_hidden_meetings_answer_alike(self, client, make):
        hidden = make.meeting(confidentiality="restricted")
        make.user(email="admin@example.org", role="admin")
        missing = client.get("/meetings/99999")
        concealed = client.get(f"/meetings/{hidden.id}")
        assert missing.status_code == concealed.status_code == 404
        assert without_request_specifics(
            missing.get_data(as_text=True).replace("99999", str(hidden.id))
        ) == without_request_specifics(concealed.get_data(as_text=True))


class TestHistory:
    @pytest.fixture
    def history(self, make, kupreichyk):
        make.user(email="admin@example.org", role="admin")
        sanctions = make.topic("Sanctions")
        circumvention = make.topic("Sanctions circumvention", parent=sanctions)
        migration = make.topic("Migration")
        belpol = kupreichyk.organization
        other = make.person("Anna Example")
        return {
            "paris": make.meeting(
                "Paris meeting",
                start_utc=datetime(2025, 3, 14, 9),
                end_utc=datetime(2025, 3, 14, 11),
                kind="meeting",
                status="held",
                series="Alliance",
                participants=[(kupreichyk, belpol, "speaker")],
                topics=[(circumvention, "Transit routes")],
                summary="Regional destabilisation",
            ),
            "call": make.meeting(
                "Rapporteur call",
                start_utc=datetime(2025, 5, 2, 13),
                end_utc=datetime(2025, 5, 2, 14),
                kind="call",
                status="planned",
                participants=[(other, None, "participant")],
                topics=[(migration, "")],
                notes="Discussed the *migration* crisis",
            ),
            "vilnius": make.meeting(
                "Vilnius conference",
                start_utc=datetime(2024, 11, 30, 23, 30),
                end_utc=None,
                timezone="Europe/Vilnius",
                kind="conference",
                status="cancelled",
                participants=[(kupreichyk, None, "observer")],
            ),
        }

    def titles(self, client, query: str) -> list[str]:
        page = client.get("/meetings" + query).get_data(as_text=True)
        return re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', page)

    def test_reverse_chronological_with_month_headings(self, client, history):
        page = client.get("/meetings").get_data(as_text=True)
        assert self.titles(client, "") == [
            "Rapporteur call",
            "Paris meeting",
            "Vilnius conference",
        ]
        assert "May 2025" in page and "March 2025" in page
        # 23:30 UTC on 30 November is 1 December in Vilnius.
        assert "December 2024" in page

    @pytest.mark.parametrize(
        "query,expected",
        [
            ("?kind=call", ["Rapporteur call"]),
            ("?status=cancelled", ["Vilnius conference"]),
            ("?q=destabilisation", ["Paris meeting"]),
            ("?q=MIGRATION+crisis", ["Rapporteur call"]),
            ("?q=nothing-like-this", []),
            ("?from=2025-01-01", ["Rapporteur call", "Paris meeting"]),
            ("?to=2024-12-01", ["Vilnius conference"]),
            ("?from=2024-12-01&to=2024-12-01", ["Vilnius conference"]),
            ("?series=alliance", ["Paris meeting"]),
        ],
    )
    def test_filters(self, client, history, query, expected):
        assert self.titles(client, query) == expected

    @pytest.mark.parametrize("query", ["СУСТРЭЧА", "сустрэча", "СУСТРЭЧА Ў вільні"])
    def test_search_ignores_case_in_every_script(self, client, make, query):
        make.user(email="admin@example.org", role="admin")
        make.meeting("Сустрэча ў Вільні", summary="Ädvocacy ÉTAPE")
        make.meeting("Other meeting")
        assert self.titles(client, "?q=" + query) == ["Сустрэча ў Вільні"]
        assert self.titles(client, "?q=ädvocacy+étape") == ["Сустрэча ў Вільні"]

    def test_person_organization_and_topic_filters(self, app, client, history):
        with app.app_context():
            person_id = db.session.scalar(
                select(Person.id).where(Person.display_name == "Matvei Kupreichyk")
            )
            organization_id = db.session.scalar(select(Organization.id))
            parent_id = db.session.scalar(
                select(Topic.id).where(Topic.name == "Sanctions")
            )
        assert self.titles(client, f"?person={person_id}") == [
            "Paris meeting",
            "Vilnius conference",
        ]
        assert self.titles(client, f"?organization={organization_id}") == [
            "Paris meeting"
        ]
        assert self.titles(client, f"?topic={parent_id}") == ["Paris meeting"]
        assert self.titles(client, f"?topic={parent_id}&kind=call") == []

    def test_bad_filters_are_reported_not_fatal(self, client, history):
        response = client.get("/meetings?from=yesterday&kind=party&person=abc")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "Use a date like 2025-03-14." in page
        assert "Unknown kind" in page
        assert "Unknown person." in page

    def test_filters_stay_in_pagination_links(self, client, make):
        make.user(email="admin@example.org", role="admin")
        for day in range(1, 8):
            make.meeting(
                f"Call {day}", start_utc=datetime(2025, 1, day, 9), kind="call"
            )
        page = client.get("/meetings?kind=call").get_data(as_text=True)
        assert "Page 1 of 2" in page
        assert "kind=call" in re.search(r'href="([^"]+)" rel="next"', page).group(1)
        second = client.get("/meetings?kind=call&page=2").get_data(as_text=True)
        assert "Call 2" in second and "Call 1" in second and "Call 7" not in second


class TestMeetingPage:
    def test_shows_everything(self, client, auth, make, kupreichyk):
        auth.sign_in_as("editor")
        client.post(
            "/meetings/new",
            data=meeting_form_data(
                notes="<script>alert(1)</script> **bold** [x](javascript:alert(1))"
            ),
        )
        page = client.get("/meetings/1").get_data(as_text=True)
        for text in (
            "Alliance for a Democratic Belarus: fourth meeting",
            "Thu 10 Jul 2025, 10:00–12:30 (Europe/Paris)",
            "Paris, France",
            "meeting no. 4",
            "Belarusian Investigative Center (BELPOL)",
            "Matvei Kupreichyk",
            "Speaker",
            "Sanctions &gt; Sanctions circumvention",
            "Transit through third countries.",
            "Share the sanctions report.",
            "Public report",
            "/meetings/1.ics",
            "<strong>bold</strong>",
        ):
            assert text in page, text
        assert "<script>alert(1)</script>" not in page
        assert 'href="javascript:' not in page


class TestDirectoryNamesOffered:
    """Filter fields and form datalists name only records the user may see."""

    @pytest.fixture
    def directory(self, make):
        make.user(email="admin@example.org", role="admin")
        secret_person = make.person("Secret Contact")
        secret_organization = make.organization("Hidden Ministry")
        secret_topic = make.topic("Covert Channel")
        public_person = make.person("Public Speaker")
        public_organization = make.organization("Open Institute")
        public_topic = make.topic("Sanctions")
        internal_person = make.person("Internal Insider")
        make.meeting(
            "Restricted dinner",
            confidentiality="restricted",
            participants=[(secret_person, secret_organization, "participant")],
            topics=[(secret_topic, "")],
        )
        make.meeting(
            "Public talk",
            confidentiality="public",
            participants=[(public_person, public_organization, "speaker")],
            topics=[(public_topic, "")],
        )
        make.meeting(
            "Internal call",
            confidentiality="internal",
            participants=[(internal_person, None, "participant")],
        )
        make.person("Newly Added")  # in no meeting yet

    @staticmethod
    def select_options(page: str, name: str) -> list[str]:
        select_html = re.search(
            rf'<select id="{name}" name="{name}">(.*?)</select>', page, re.S
        ).group(1)
        return re.findall(r"<option [^>]*>([^<]*)</option>", select_html)

    @staticmethod
    def datalist_options(page: str, list_id: str) -> list[str]:
        datalist = re.search(
            rf'<datalist id="{list_id}">(.*?)</datalist>', page, re.S
        ).group(1)
        return re.findall(r'<option value="([^"]*)">', datalist)

    @pytest.mark.parametrize(
        "role,people,organizations,topics",
        [
            (None, ["Anyone", "Public Speaker"], ["Any", "Open Institute"], None),
            (
                "viewer",
                ["Anyone", "Internal Insider", "Newly Added", "Public Speaker"],
                ["Any", "Open Institute"],
                None,
            ),
            (
                "admin",
                [
                    "Anyone",
                    "Internal Insider",
                    "Newly Added",
                    "Public Speaker",
                    "Secret Contact",
                ],
                ["Any", "Hidden Ministry", "Open Institute"],
                ["Any", "Covert Channel", "Sanctions"],
            ),
        ],
    )
    def test_filter_selects(
        self, client, auth, directory, role, people, organizations, topics
    ):
        """The filters are typed names now: each finds exactly the visible records."""
        if role:
            auth.sign_in_as(role)
        page = client.get("/meetings").get_data(as_text=True)
        assert '<select id="person"' not in page
        every = {
            "person": ["Internal Insider", "Newly Added", "Public Speaker"]
            + ["Secret Contact"],
            "organization": ["Hidden Ministry", "Open Institute"],
            "topic": ["Covert Channel", "Sanctions"],
        }
        visible = {
            "person": people[1:],
            "organization": organizations[1:],
            "topic": (topics or ["Any", "Sanctions"])[1:],
        }
        for argument, names in every.items():
            for name in names:
                response = client.get(f"/meetings?{argument}_name={name}")
                found = response.status_code == 302
                assert found == (name in visible[argument]), (argument, name)

    @pytest.mark.parametrize("role", ["editor", "admin"])
    def test_new_meeting_names_no_record(self, client, auth, directory, role):
        """The form lists no directory: each name field asks for suggestions."""
        auth.sign_in_as(role)
        page = client.get("/meetings/new").get_data(as_text=True)
        assert "<datalist" not in page
        for name in (
            "Internal Insider",
            "Newly Added",
            "Public Speaker",
            "Open Institute",
            "Sanctions",
            "Secret Contact",
            "Hidden Ministry",
            "Covert Channel",
        ):
            assert name not in page
        for field, addresses in (
            ("participants-0-person", "/people/suggest"),
            ("participants-0-organization", "/organizations/suggest"),
            ("topics-0-topic", "/topics/suggest"),
            ("outcomes-0-owner", "/people/suggest /organizations/suggest"),
        ):
            assert re.search(
                rf'<input[^>]*data-suggest="{addresses}"[^>]*id="{field}"', page
            ) or re.search(
                rf'<input[^>]*id="{field}"[^>]*data-suggest="{addresses}"', page
            ), field

    def test_suggestions_name_only_visible_records(self, client, auth, directory):
        """What the form's fields are offered follows the visibility rule."""
        auth.sign_in_as("editor")
        for address, typed, visible, hidden in (
            ("/people/suggest", "Secret Contact", False, "Secret Contact"),
            ("/people/suggest", "Public Speaker", True, "Public Speaker"),
            ("/organizations/suggest", "Hidden Ministry", False, "Hidden Ministry"),
            ("/organizations/suggest", "Open Institute", True, "Open Institute"),
            ("/topics/suggest", "Covert Channel", False, "Covert Channel"),
            ("/topics/suggest", "Sanctions", True, "Sanctions"),
        ):
            names = [
                found["name"]
                for found in client.get(address, query_string={"q": typed}).json
            ]
            assert (hidden in names) == visible, (address, typed)


def test_empty_filter_fields_are_dropped_from_the_address(client, make):
    make.user(email="admin@example.org", role="admin")
    response = client.get("/meetings?q=&from=&to=&person=&kind=call&status=")
    assert response.status_code == 302
    assert response.location == "/meetings?kind=call"
    paged = client.get("/meetings?q=&page=2")
    assert paged.location == "/meetings?page=2"
    kept = client.get("/meetings?from=yesterday&kind=")
    assert kept.status_code == 200
    assert "Use a date like 2025-03-14." in kept.get_data(as_text=True)
