"""Input the database cannot store is refused at the door with a 4xx, never a 500.

Ids and page numbers beyond the database's integer range, control characters
in any text, malformed JSON files and oversized .ics imports (issue 8, items
16 to 19). `tests/test_hostile_routes.py` walks every route with such values.
"""

import json
import re

import pytest
from icalendar.cal.timezone import Timezone
from sqlalchemy import func, select

from events_app.calendar.ics_import import parse_ics
from events_app.extensions import db
from events_app.input_rules import control_characters_in, database_id
from events_app.models import AuditEvent, Meeting, Organization, Person, Topic
from tests.factories import TEST_PASSWORD
from tests.test_ics_import import event, ics, upload
from tests.test_meetings import errors_in, meeting_form_data

BEYOND_INTEGER = ("2147483648", "9223372036854775808", "99999999999999999999")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Item 16: integers ---------------------------------------------------------


@pytest.mark.parametrize("number", BEYOND_INTEGER)
@pytest.mark.parametrize(
    "path",
    [
        "/meetings/{}",
        "/meetings/{}.ics",
        "/meetings/{}/revisions/1",
        "/meetings/1/revisions/{}",
        "/people/{}",
        "/organizations/{}/edit",
        "/topics/{}",
        "/users/{}",
        "/groups/{}",
    ],
)
def test_ids_beyond_the_integer_range_are_not_found(client, auth, path, number):
    auth.sign_in_as("admin")
    assert client.get(path.format(number)).status_code == 404


def test_the_largest_id_is_still_routed(client, auth):
    auth.sign_in_as("admin")
    assert client.get("/meetings/2147483647").status_code == 404
    assert client.get("/meetings/0").status_code == 404


@pytest.mark.parametrize("number", BEYOND_INTEGER)
@pytest.mark.parametrize(
    "path", ["/meetings", "/people", "/organizations", "/topics", "/audit"]
)
def test_page_numbers_beyond_the_integer_range_show_the_first_page(
    client, auth, make, path, number
):
    auth.sign_in_as("admin")
    make.meeting(title="The only meeting")
    response = client.get(f"{path}?page={number}")
    assert response.status_code == 200
    if path == "/meetings":
        assert "The only meeting" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["person", "organization", "topic"])
def test_filter_ids_beyond_the_integer_range_are_a_clear_error(client, make, name):
    make.user()
    response = client.get(f"/meetings?{name}=9223372036854775808")
    assert response.status_code == 200
    assert f"Unknown {name}." in response.get_data(as_text=True)
    assert client.get(f"/calendar.ics?{name}=99999999999999999999").status_code == 400


def test_a_parent_topic_beyond_the_integer_range_is_refused(app, client, auth):
    auth.sign_in_as("editor")
    for parent in ("9223372036854775808", "²", "0"):
        response = client.post("/topics/new", data={"name": "X", "parent_id": parent})
        assert response.status_code in (200, 422)
    with app.app_context():
        assert count(Topic) == 0


def test_database_id_accepts_only_storable_ids():
    assert database_id("42") == 42
    assert database_id(" 2147483647 ") == 2147483647
    for value in ("0", "-3", "²", "٣", "4.5", "", None, "2147483648", "9" * 5000):
        assert database_id(value) is None


# Item 17: control characters -----------------------------------------------


def test_control_characters_in():
    assert control_characters_in("a\x00b")
    assert control_characters_in("a\x1b[31m")
    assert control_characters_in("a\x7fb") and control_characters_in("a\x85b")
    assert control_characters_in("two\nlines")
    assert not control_characters_in("two\r\nlines\tand tab", multiline=True)
    assert control_characters_in("nul\x00", multiline=True)
    assert not control_characters_in("Купрейчык – «ok»")
    # Bidirectional overrides and isolates make "evil\u202egnp.exe" read otherwise.
    for invisible in "\u202a\u202d\u202e\u2066\u2069":
        assert control_characters_in(f"name{invisible}x", multiline=True)
    assert control_characters_in("one\u2028two")
    assert not control_characters_in("one\u2028two", multiline=True)
    assert not control_characters_in("שלום עולם مرحبا \u200f")


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
def test_zone_names_that_are_no_place_are_refused(app, client, auth, zone):
    auth.sign_in_as("editor")
    response = client.post("/meetings/new", data=meeting_form_data(timezone=zone))
    assert response.status_code == 422
    assert any("IANA time zone" in error for error in errors_in(response))
    with app.app_context():
        assert count(Meeting) == 0


@pytest.mark.parametrize(
    "query",
    [
        "/meetings?q=%00",
        "/meetings?series=a%00b",
        "/meetings?person_name=a%00b",
        "/meetings.csv?q=%1b",
        "/calendar.ics?series=%00",
        "/people?q=%00",
        "/organizations?q=%00",
        "/topics?q=%07",
        "/audit?user=%00",
        "/audit?action=%00",
        "/meetings?%00=1",
        "/feeds/abc%00def.ics",
    ],
)
def test_control_characters_in_the_address_are_a_clear_400(client, auth, query):
    auth.sign_in_as("admin")
    response = client.get(query)
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x9b"])
@pytest.mark.parametrize(
    "path,data,model",
    [
        ("/meetings/new", None, Meeting),
        ("/people/new", {"display_name": "Name{}"}, Person),
        ("/organizations/new", {"name": "Name{}"}, Organization),
        ("/topics/new", {"name": "Name{}", "parent_id": ""}, Topic),
        ("/meetings/new", {"notes": "line{}"}, Meeting),
        ("/meetings/new", {"participants-0-note": "note{}"}, Meeting),
        ("/meetings/new", {"topics-0-note": "note{}"}, Meeting),
        ("/people/new", {"display_name": "Ok", "notes": "n{}"}, Person),
    ],
)
def test_control_characters_in_any_form_field_are_refused(
    app, client, auth, path, data, model, character
):
    auth.sign_in_as("editor")
    if data is None:
        data = meeting_form_data(title=f"Title{character}")
    elif path == "/meetings/new":
        field, value = next(iter(data.items()))
        data = meeting_form_data(**{field: value.format(character)})
    else:
        data = {key: value.format(character) for key, value in data.items()}
    response = client.post(path, data=data)
    assert response.status_code in (200, 422)
    assert any("control characters" in error for error in errors_in(response))
    with app.app_context():
        assert count(model) == 0


def test_line_breaks_are_accepted_in_text_areas_only(app, client, auth):
    auth.sign_in_as("editor")
    refused = client.post("/meetings/new", data=meeting_form_data(title="Two\nlines"))
    assert refused.status_code == 422
    accepted = client.post(
        "/meetings/new", data=meeting_form_data(notes="Two\r\nlines\tand a tab")
    )
    assert accepted.status_code == 302


def test_nul_in_the_sign_in_email_is_refused_without_a_login(app, client, make):
    make.user("viewer@example.org", "viewer")
    response = client.post(
        "/sign-in", data={"email": "viewer@example.org\x00", "password": "x"}
    )
    assert response.status_code == 200
    assert any("control characters" in error for error in errors_in(response))
    with app.app_context():
        assert all(
            "\x00" not in (event.actor_email or "")
            for event in db.session.scalars(select(AuditEvent))
        )


def test_control_characters_in_an_ics_import_are_refused(app, client, auth):
    auth.sign_in_as("editor")
    data = ics(
        event(summary="Bell\\, \x07ringing", DTSTART=":20250101T100000Z"),
        event(
            uid="evt-2@example.org",
            DTSTART=":20250102T100000Z",
            DESCRIPTION=":Escape \x1b[31m red",
        ),
    )
    response = upload(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("control characters") >= 2
    with app.app_context():
        assert count(Meeting) == 0


@pytest.mark.parametrize(
    "document,where",
    [
        (
            {
                "meetings": [
                    {
                        "title": "T",
                        "start": "2025-01-01T10:00",
                        "timezone": "UTC",
                        "notes": "nul\x00",
                    }
                ]
            },
            "meetings[0].notes",
        ),
        (
            {
                "meetings": [
                    {
                        "title": "T",
                        "start": "2025-01-01T10:00",
                        "timezone": "UTC",
                        "participants": [{"person": "P", "note": "\x1b"}],
                    }
                ]
            },
            "meetings[0].participants[0].note",
        ),
        ({"meetings": [], "people": [{"name": "P", "notes": "\x00"}]}, "people[0]"),
        (
            {"meetings": [], "people": [{"name": "P", "other_names": ["a\x00"]}]},
            "people[0].other_names",
        ),
    ],
)
def test_control_characters_in_a_json_import_are_refused(
    app, runner, tmp_path, document, where
):
    target = tmp_path / "import.json"
    target.write_text(json.dumps(document))
    result = runner.invoke(args=["import-meetings", str(target)])
    assert result.exit_code == 1
    assert where in result.output
    with app.app_context():
        assert count(Meeting) == 0 and count(Person) == 0


# Item 18: malformed JSON files on the command line -------------------------


@pytest.mark.parametrize(
    "content,message",
    [
        ('{"meetings": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"meetings": [{"series_number": ' + "9" * 5000 + "}]}", "too many digits"),
        ('{"meetings": [1e999999]}', "Nothing was imported"),
        (
            '{"meetings": [{"title": ' + '{"a": ' * 500 + "1" + "}" * 500 + "}]}",
            "Nothing was imported",
        ),
        ("[1, 2", "Cannot read"),
    ],
)
def test_malformed_json_gives_a_message_and_exit_1(runner, tmp_path, content, message):
    target = tmp_path / "bad.json"
    target.write_text(content)
    result = runner.invoke(args=["import-meetings", str(target)])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, RecursionError | ValueError | TypeError)


# Item 19: the .ics import's work is bounded --------------------------------


def many_events(number: int) -> bytes:
    return ics(
        *[
            event(
                uid=f"e{index}@example.org",
                summary=f"E{index}",
                DTSTART=":20250101T100000Z",
            )
            for index in range(number)
        ]
    )


def test_an_ics_file_with_too_many_events_is_refused_before_reading(
    app, client, auth, monkeypatch
):
    import events_app.calendar.ics_import as ics_import

    app.config["ICS_IMPORT_MAX_EVENTS"] = 20
    auth.sign_in_as("editor")

    def never(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(ics_import.Calendar, "from_ical", never)
    response = upload(client, many_events(21))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The file holds 21 events; at most 20 can be imported" in page
    assert len(response.data) < 100_000
    with app.app_context():
        assert count(Meeting) == 0


def test_the_default_limit_takes_a_thousand_events_and_refuses_more(app, client, auth):
    assert app.config["ICS_IMPORT_MAX_EVENTS"] == 1000
    auth.sign_in_as("editor")
    assert upload(client, many_events(1001)).status_code == 422
    response = upload(client, many_events(1000))
    assert response.status_code == 200
    # A preview row costs some hundred bytes; the file itself is carried along.
    assert len(response.data) < 1_000_000


def test_the_command_line_import_has_the_same_limit(app, runner, tmp_path):
    app.config["ICS_IMPORT_MAX_EVENTS"] = 5
    target = tmp_path / "many.ics"
    target.write_bytes(many_events(6))
    result = runner.invoke(args=["import-ics", str(target)])
    assert result.exit_code == 1
    assert "at most 5 can be imported" in result.output


def attendees(number: int, event_number: int = 1) -> str:
    return "\n".join(
        f"ATTENDEE;CN=Person {event_number}-{n}:mailto:p{event_number}-{n}@example.org"
        for n in range(number)
    )


def test_an_ics_file_with_too_many_attendees_is_refused_before_reading(
    app, client, auth, runner, tmp_path
):
    app.config["ICS_IMPORT_MAX_PARTICIPANTS"] = 30
    auth.sign_in_as("editor")
    events = [
        event(
            uid=f"evt-{number}@example.org",
            DTSTART=":20250301T100000Z",
            DTEND=":20250301T110000Z",
        )
        + "\n"
        + attendees(10, number)
        for number in range(4)
    ]
    response = upload(client, ics(*events))
    assert response.status_code == 422
    assert "names 40 attendees and organizers in all; at most 30" in (
        response.get_data(as_text=True)
    )
    target = tmp_path / "crowd.ics"
    target.write_bytes(ics(*events))
    result = runner.invoke(args=["import-ics", str(target)])
    assert result.exit_code == 1
    assert "at most 30 can be imported" in result.output
    assert upload(client, ics(*events[:3])).status_code == 200
    with app.app_context():
        assert count(Person) == 0


def self_made_zone(frequency: str) -> str:
    """A VTIMEZONE of the file's own, whose rules repeat at `frequency`."""
    return "\n".join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:Custom",
            "BEGIN:STANDARD",
            "DTSTART:19000101T000000",
            f"RRULE:FREQ={frequency};BYMONTH=10;BYDAY=-1SU"
            if frequency == "YEARLY"
            else f"RRULE:FREQ={frequency}",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:19000101T003000",
            f"RRULE:FREQ={frequency};BYMONTH=3;BYDAY=-1SU"
            if frequency == "YEARLY"
            else f"RRULE:FREQ={frequency}",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
        ]
    )


def in_self_made_zone(number: int) -> str:
    return event(
        uid=f"evt-{number}@example.org",
        DTSTART=";TZID=Custom:20250115T100000",
        DTEND=";TZID=Custom:20250115T110000",
    )


@pytest.mark.parametrize("frequency", ["SECONDLY", "MINUTELY", "HOURLY", "DAILY"])
def test_a_file_zone_that_changes_more_than_yearly_is_refused(frequency):
    """Building such a zone would list a transition every second, minute or hour."""
    parsed = parse_ics(ics(in_self_made_zone(1), vtimezones=self_made_zone(frequency)))
    (read,) = parsed.events
    assert read.record is None
    assert any("cannot be used" in problem for problem in read.problems)


def test_a_file_zone_is_built_once_per_file(monkeypatch):
    built = []
    original = Timezone.to_tz

    def counting(self, *args, **kwargs):
        built.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Timezone, "to_tz", counting)
    parsed = parse_ics(
        ics(
            *(in_self_made_zone(number) for number in range(20)),
            vtimezones=self_made_zone("YEARLY"),
        )
    )
    assert all(read.record for read in parsed.events)
    assert parsed.events[0].record["start"] == "2025-01-15T09:00"
    assert len(built) == 1


@pytest.mark.parametrize(
    "path, field",
    [
        ("/people/new", "display_name"),
        ("/people/new", "organization_name"),
        ("/organizations/new", "name"),
        ("/topics/new", "name"),
    ],
)
def test_overlong_names_are_refused_before_any_lookup(
    app, client, auth, make, path, field
):
    """A 100,000-character name is a message, not a LIKE pattern SQLite refuses.

    SQLite compiles the pattern only when a row is compared, so records must exist.
    """
    make.person("Someone", organization=make.organization("Somewhere"))
    make.topic("Something")
    auth.sign_in_as("editor")
    data = {"display_name": "Ok", "name": "Ok", field: "x" * 100_000}
    response = client.post(path, data=data)
    assert response.status_code in (200, 422)
    assert any("characters" in error for error in errors_in(response))


@pytest.mark.parametrize(
    "kind, query",
    [
        ("person", "person_id=1"),
        ("topic", "topic_id=1"),
        ("organization", "organization_id=1"),
        ("history", "_method=POST"),
        ("history", "_external=1&_scheme=javascript"),
        ("history", "_anchor=x"),
    ],
)
def test_query_names_that_links_cannot_carry_are_left_out(
    app, client, make, kind, query
):
    """Pagination links keep filters, not url_for's own arguments or path parts."""
    app.config["MEETINGS_PER_PAGE"] = 1
    app.config["DIRECTORY_PER_PAGE"] = 1
    organization = make.organization("Somewhere")
    person = make.person("Someone", organization=organization)
    topic = make.topic("Something")
    for number in range(3):
        make.meeting(
            title=f"Meeting {number}",
            participants=[(person, organization, "speaker")],
            topics=[(topic, "")],
        )
    make.user("viewer@example.org", "viewer")
    client.post(
        "/sign-in", data={"email": "viewer@example.org", "password": TEST_PASSWORD}
    )
    path = {
        "person": f"/people/{person.id}",
        "topic": f"/topics/{topic.id}",
        "organization": f"/organizations/{organization.id}",
        "history": "/meetings",
    }[kind]
    response = client.get(f"{path}?page=2&{query}")
    assert response.status_code == 200
    links = re.findall(r'href="([^"]*)" rel="(?:prev|next)"', response.get_data(True))
    assert links
    for link in links:
        assert link.startswith(path + "?")
        for name in re.findall(r"(\w+)=", query):
            assert name not in link
