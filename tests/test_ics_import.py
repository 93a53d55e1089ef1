""".ics import: reading invitations and exported calendars, preview, write, safety.

The files below imitate what real programs send: a ministry invitation with its
own VTIMEZONE (Lightning/Google style), an Outlook/Exchange invitation with a
Windows zone name, UTC and floating times, all-day events, cancellations.
"""

import base64
import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from events_app.calendar.ics_import import (
    HASHED_UID_PREFIX,
    IcsFileError,
    iana_zone,
    parse_ics,
    plan_import,
)
from events_app.extensions import db
from events_app.models import Meeting, MeetingTopic, Outcome, Person
from events_app.visibility import OPERATOR

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CARRIED_CONTENT = re.compile(r'name="confirm-content"[^>]*value="([^"]*)"')
CONFIRM_CSRF_TOKEN = re.compile(r'name="confirm-csrf_token"[^>]*value="([^"]+)"')

PARIS_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Paris
X-LIC-LOCATION:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""

MINISTRY_INVITATION = f"""BEGIN:VCALENDAR
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
VERSION:2.0
METHOD:REQUEST
{PARIS_VTIMEZONE}
BEGIN:VEVENT
UID:7c1f0e2a-5b1d-4f4e-9c57-ministry@diplomatie.gouv.fr
DTSTAMP:20250301T090000Z
CREATED:20250301T090000Z
SUMMARY:Consultations sur la Biélorussie – société civile
DTSTART;TZID=Europe/Paris:20250314T100000
DTEND;TZID=Europe/Paris:20250314T123000
LOCATION:Ministère de l'Europe et des Affaires étrangères\\, 37 Quai d'Orsay
DESCRIPTION:Ordre du jour :\\n1. Sanctions\\n2. Prisonniers politiques\\n\\nMerc
 i de confirmer votre présence.
ORGANIZER;CN=Claire Martin:mailto:claire.martin@diplomatie.gouv.fr
ATTENDEE;CN=Matvei Kupreichyk;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSV
 P=TRUE:mailto:m.kupreichyk@example.org
ATTENDEE;CN="Salle Quai d'Orsay 2";CUTYPE=ROOM:mailto:salle2@diplomatie.gouv.fr
ATTENDEE;ROLE=OPT-PARTICIPANT:mailto:no-name@example.org
ATTENDEE;CN=anna@example.org:mailto:anna@example.org
CLASS:PUBLIC
STATUS:CONFIRMED
SEQUENCE:0
URL:https://www.diplomatie.gouv.fr/fr/belarus
END:VEVENT
END:VCALENDAR
"""

OUTLOOK_INVITATION = """BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:Romance Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ORGANIZER;CN=Jean Dupont:mailto:jean.dupont@example.fr
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Jean Dupont:mai
 lto:jean.dupont@example.fr
ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED;CN=Ambassador Smith:mailto:smith@example.org
DESCRIPTION;LANGUAGE=en-US:Teams call on the sanctions package.\\n
UID:040000008200E00074C5B7101A82E0080000000010F6B1E5B390DB0100000000000000001000000029A4A5B2D2C4D84A9B7F
SUMMARY;LANGUAGE=en-US:Sanctions working group
DTSTART;TZID=Romance Standard Time:20250610T100000
DTEND;TZID=Romance Standard Time:20250610T110000
CLASS:PRIVATE
PRIORITY:5
DTSTAMP:20250601T080000Z
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=en-US:https://teams.microsoft.com/l/meetup-join/19%3ameeting
X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE
END:VEVENT
END:VCALENDAR
"""


def ics(*events: str, header: str = "", vtimezones: str = "") -> bytes:
    """A calendar around these VEVENT bodies, with CRLF line ends as RFC 5545 wants."""
    parts = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    if header:
        parts.append(header)
    if vtimezones:
        parts.append(vtimezones)
    for body in events:
        parts += ["BEGIN:VEVENT", body.strip(), "END:VEVENT"]
    parts.append("END:VCALENDAR")
    return crlf("\n".join(parts) + "\n")


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def event(uid="evt-1@example.org", summary="Coalition meeting", **extra) -> str:
    lines = [f"UID:{uid}", f"SUMMARY:{summary}", "DTSTAMP:20250101T000000Z"]
    lines += [f"{name.replace('_', '-')}{value}" for name, value in extra.items()]
    return "\n".join(lines)


def read(data: bytes, **options):
    """The single event of a file, read at a fixed 'now'."""
    parsed = parse_ics(data, now=NOW, **options)
    assert len(parsed.events) == 1
    return parsed.events[0]


def upload(client, data: bytes, zone: str = "UTC", name: str = "invite.ics"):
    return client.post(
        "/import/ics",
        data={"file": (io.BytesIO(data), name), "default_timezone": zone},
        content_type="multipart/form-data",
    )


def confirm(client, preview_page: str, zone: str = "UTC"):
    match = CARRIED_CONTENT.search(preview_page)
    assert match, "the preview has no confirmation form"
    return client.post(
        "/import/ics/confirm",
        data={"confirm-content": match.group(1), "confirm-default_timezone": zone},
    )


def meeting_count() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def meeting_by_uid(uid: str) -> Meeting:
    return db.session.scalar(select(Meeting).where(Meeting.uid == uid))


# Reading: times and zones ---------------------------------------------------


def test_ministry_invitation_with_its_own_vtimezone():
    read_event = read(crlf(MINISTRY_INVITATION))
    record = read_event.record

    assert read_event.problems == [] and read_event.warnings == []
    assert record["uid"] == "7c1f0e2a-5b1d-4f4e-9c57-ministry@diplomatie.gouv.fr"
    assert record["title"] == "Consultations sur la Biélorussie – société civile"
    assert (record["start"], record["end"]) == ("2025-03-14T10:00", "2025-03-14T12:30")
    assert record["timezone"] == "Europe/Paris" and record["all_day"] is False
    assert record["location"]["venue"] == (
        "Ministère de l'Europe et des Affaires étrangères, 37 Quai d'Orsay"
    )
    assert record["summary"] == (
        "Ordre du jour :\n1. Sanctions\n2. Prisonniers politiques\n\n"
        "Merci de confirmer votre présence."
    )
    assert record["sources"] == [
        {"url": "https://www.diplomatie.gouv.fr/fr/belarus", "title": None}
    ]
    # Past and confirmed: held. Someone else's PUBLIC is not ours to publish.
    assert record["status"] == "held"
    assert record["confidentiality"] == "internal"
    # Organizer hosts; the room, the nameless attendee and the one named by
    # an e-mail address are left out: no address is kept anywhere.
    assert [
        (row["person"], row["role"], row["attendance"])
        for row in record["participants"]
    ] == [
        ("Claire Martin", "host", "unknown"),
        ("Matvei Kupreichyk", "participant", "unknown"),
    ]
    assert "@" not in repr(record).replace(record["uid"], "")


def test_outlook_windows_zone_name_maps_to_iana():
    read_event = read(crlf(OUTLOOK_INVITATION))
    record = read_event.record

    assert record["timezone"] == "Europe/Paris"
    assert (record["start"], record["end"]) == ("2025-06-10T10:00", "2025-06-10T11:00")
    assert record["online_url"].startswith("https://teams.microsoft.com/")
    assert record["location"]["venue"] == ""
    assert record["confidentiality"] == "internal"  # CLASS:PRIVATE
    assert record["status"] == "planned"  # after NOW
    # The organizer is also an attendee: listed once, as host; ROLE=CHAIR chairs.
    assert [(row["person"], row["role"]) for row in record["participants"]] == [
        ("Jean Dupont", "host"),
        ("Ambassador Smith", "chair"),
    ]
    assert record["summary"] == "Teams call on the sanctions package."


@pytest.mark.parametrize(
    ("tzid", "expected"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("Romance Standard Time", "Europe/Paris"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Belarus Standard Time", "Europe/Minsk"),
        ("/freeassociation.sourceforge.net/Europe/Vilnius", "Europe/Vilnius"),
        ("/citadel.org/20190101_1/America/New_York", "America/New_York"),
        ("Customized Time Zone", None),
    ],
)
def test_tzid_names_map_to_iana_zones(tzid, expected):
    assert iana_zone(tzid) == expected


def test_utc_times_stay_utc():
    record = read(
        ics(event(DTSTART=":20250310T090000Z", DTEND=":20250310T103000Z"))
    ).record
    assert record["timezone"] == "UTC"
    assert (record["start"], record["end"]) == ("2025-03-10T09:00", "2025-03-10T10:30")


def test_end_in_another_zone_is_converted_to_the_start_zone():
    record = read(
        ics(
            event(
                DTSTART=";TZID=Europe/Vilnius:20250310T090000",
                DTEND=":20250310T090000Z",
            )
        )
    ).record
    assert record["timezone"] == "Europe/Vilnius"
    assert record["end"] == "2025-03-10T11:00"


def test_all_day_multi_day_event_keeps_its_last_day():
    record = read(
        ics(event(DTSTART=";VALUE=DATE:20250310", DTEND=";VALUE=DATE:20250313"))
    ).record
    assert record["all_day"] is True
    assert (record["start"], record["end"]) == ("2025-03-10", "2025-03-12")


def test_all_day_event_without_end_or_with_duration():
    one_day = read(ics(event(DTSTART=";VALUE=DATE:20250310"))).record
    assert (one_day["start"], one_day["end"]) == ("2025-03-10", "2025-03-10")
    three_days = read(
        ics(event(DTSTART=";VALUE=DATE:20250310", DURATION=":P3D"))
    ).record
    assert three_days["end"] == "2025-03-12"


def test_duration_instead_of_dtend():
    record = read(
        ics(event(DTSTART=";TZID=Europe/Paris:20250314T100000", DURATION=":PT1H30M"))
    ).record
    assert record["end"] == "2025-03-14T11:30"


def test_duration_in_hours_is_elapsed_time_across_a_clock_change():
    # Paris skips 02:00-03:00 on 30 March 2025: two hours after 01:30 is 04:30.
    record = read(
        ics(event(DTSTART=";TZID=Europe/Paris:20250330T013000", DURATION=":PT2H"))
    ).record
    assert record["end"] == "2025-03-30T04:30"


def test_event_without_length_has_no_end():
    record = read(
        ics(event(DTSTART=":20250310T090000Z", DTEND=":20250310T090000Z"))
    ).record
    assert record["end"] is None


def test_floating_times_use_the_files_zone_or_the_default_with_a_warning():
    body = event(DTSTART=":20250310T090000", DTEND=":20250310T100000")
    read_event = read(ics(body), default_timezone="Europe/Warsaw")
    assert read_event.record["timezone"] == "Europe/Warsaw"
    assert read_event.record["start"] == "2025-03-10T09:00"
    assert "no time zone" in read_event.warnings[0]

    with_file_zone = read(ics(body, header="X-WR-TIMEZONE:Europe/Minsk"))
    assert with_file_zone.record["timezone"] == "Europe/Minsk"


def test_unknown_zone_defined_in_the_file_is_converted_to_utc():
    vtimezone = PARIS_VTIMEZONE.replace(
        "TZID:Europe/Paris", "TZID:Customized Time Zone"
    )
    read_event = read(
        ics(
            event(DTSTART=";TZID=Customized Time Zone:20250314T100000"),
            vtimezones=vtimezone,
        )
    )
    assert read_event.record["timezone"] == "UTC"
    assert read_event.record["start"] == "2025-03-14T09:00"
    assert "Customized Time Zone" in read_event.warnings[0]


def test_unknown_zone_not_defined_in_the_file_is_a_problem():
    read_event = read(ics(event(DTSTART=";TZID=Mars/Olympus:20250314T100000")))
    assert read_event.record is None
    assert read_event.problems == [
        "its time zone “Mars/Olympus” is not a known zone name and the file "
        "does not define it (no VTIMEZONE)."
    ]


# Reading: status, class, text, UIDs ----------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"STATUS": ":CANCELLED"}, "cancelled"),
        ({"STATUS": ":TENTATIVE"}, "planned"),
        ({"STATUS": ":CONFIRMED"}, "held"),
        ({}, "held"),
    ],
)
def test_status_of_a_past_event(extra, expected):
    body = event(DTSTART=":20250310T090000Z", **extra)
    assert read(ics(body)).record["status"] == expected


def test_future_event_is_planned_and_cancel_method_cancels():
    body = event(DTSTART=":20300310T090000Z")
    assert read(ics(body)).record["status"] == "planned"
    assert read(ics(body, header="METHOD:CANCEL")).record["status"] == "cancelled"


@pytest.mark.parametrize(
    ("class_line", "expected"),
    [
        ({"CLASS": ":PUBLIC"}, "internal"),
        ({"CLASS": ":PRIVATE"}, "internal"),
        ({"CLASS": ":CONFIDENTIAL"}, "restricted"),
        ({}, "internal"),
    ],
)
def test_class_maps_to_confidentiality_never_public(class_line, expected):
    body = event(DTSTART=":20250310T090000Z", **class_line)
    assert read(ics(body)).record["confidentiality"] == expected


def test_cyrillic_summary_and_escaped_text():
    read_event = read(
        ics(
            event(
                summary="Встреча с МИД\\, Минск\\; санкции",
                DTSTART=":20250310T090000Z",
            )
        )
    )
    assert read_event.record["title"] == "Встреча с МИД, Минск; санкции"
    assert read_event.label == "Event 1 “Встреча с МИД, Минск; санкции”"


def test_long_description_goes_to_the_notes():
    text = "Agenda item. " * 500
    read_event = read(ics(event(DTSTART=":20250310T090000Z", DESCRIPTION=":" + text)))
    assert read_event.record["summary"] == ""
    assert read_event.record["notes"] == text.strip()
    assert "notes" in read_event.warnings[0]


def test_overlong_uid_is_hashed_the_same_way_every_time():
    uid = "040000008200E00074C5B7101A82E008" + "0" * 150
    first = read(ics(event(uid=uid, DTSTART=":20250310T090000Z"))).record["uid"]
    again = read(ics(event(uid=uid, DTSTART=":20250310T090000Z"))).record["uid"]
    assert first == again
    assert first.startswith(HASHED_UID_PREFIX) and len(first) <= 120


def test_repeating_events_are_skipped_with_a_reason():
    parsed = parse_ics(
        ics(
            event(uid="weekly", DTSTART=":20250310T090000Z", RRULE=":FREQ=WEEKLY"),
            event(
                uid="weekly",
                DTSTART=":20250318T090000Z",
                RECURRENCE_ID=":20250317T090000Z",
            ),
            event(uid="once", DTSTART=":20250310T090000Z"),
        ),
        now=NOW,
    )
    assert [bool(item.skipped) for item in parsed.events] == [True, True, False]
    assert "repeating event" in parsed.events[0].skipped


# Reading: bad files ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (
            b"<html><body>Not a calendar</body></html>",
            "must begin with BEGIN:VCALENDAR",
        ),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            "no events (no VEVENT)",
        ),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "damaged"),
        (
            b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n",
            "answer to an invitation",
        ),
    ],
)
def test_unreadable_files_say_why(data, message):
    with pytest.raises(IcsFileError) as raised:
        parse_ics(data)
    assert message in raised.value.problems[0]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (event(), "it has no start (DTSTART)."),
        (
            event(DTSTART=":2025-13-45"),
            "DTSTART “2025-13-45” is not a valid date or time.",
        ),
        (
            event(DTSTART=":20250310T090000Z", DTEND=":20251310T090000Z"),
            "DTEND “20251310T090000Z” is not a valid date or time.",
        ),
        (
            event(DTSTART=";VALUE=DATE:20250310", DTEND=":20250311T090000Z"),
            "DTSTART is a date only but DTEND has a time.",
        ),
        (
            "SUMMARY:Coalition meeting\nDTSTART:20250310T090000Z",
            "it has no UID, so it could not be updated later.",
        ),
    ],
)
def test_bad_events_name_the_problem(body, problem):
    read_event = read(ics(body))
    assert read_event.record is None
    assert read_event.problems == [problem]


def test_dates_outside_the_recorded_years_are_problems():
    far = read(ics(event(DTSTART=":99991231T230000Z", DURATION=":P10D")))
    assert far.problems == [
        "DTSTART is in the year 9999. "
        "Dates must be between 1 January 1900 and 31 December 2199."
    ]
    long = read(ics(event(DTSTART=":20250310T090000Z", DURATION=":P100000D")))
    assert long.problems == [
        "The end is in the year 2298. "
        "Dates must be between 1 January 1900 and 31 December 2199."
    ]


def mangled_versions(text: str):
    """The file cut after each line, and with each line's value made nonsense."""
    lines = text.strip().split("\n")
    for cut in range(1, len(lines)):
        yield crlf("\n".join(lines[:cut]) + "\n")
    for index, line in enumerate(lines):
        if ":" in line and not line.startswith(("BEGIN", "END", " ")):
            name = line.split(":", 1)[0]
            for nonsense in ("", "\x00\x01", "20251399T999999", "-P1D", "x" * 500):
                broken = [*lines[:index], f"{name}:{nonsense}", *lines[index + 1 :]]
                yield crlf("\n".join(broken) + "\n")


def test_no_damaged_file_makes_the_import_fail_unexpectedly(app):
    """Damage anywhere gives a file error or event problems, never a crash."""
    outcomes = set()
    with app.app_context():
        for data in mangled_versions(MINISTRY_INVITATION):
            try:
                plan = plan_import(parse_ics(data, now=NOW), OPERATOR)
            except IcsFileError as error:
                assert error.problems
                outcomes.add("file error")
                continue
            outcomes.add("problems" if plan.problems else "readable")
            assert meeting_count() == 0
    assert outcomes == {"file error", "problems", "readable"}


# Planning and writing (database) -------------------------------------------


def test_plan_validates_with_the_meeting_form_and_names_the_property(app):
    with app.app_context():
        plan = plan_import(
            parse_ics(
                ics(
                    event(summary="", DTSTART=":20250310T090000Z"),
                    event(
                        uid="evt-2",
                        summary="Backwards",
                        DTSTART=":20250310T090000Z",
                        DTEND=":20250310T080000Z",
                    ),
                ),
                now=NOW,
            ),
            OPERATOR,
        )
    assert plan.problems == [
        "Event 1 (no title): SUMMARY (title): Give the meeting a title.",
        "Event 2 “Backwards”: DTEND (end): The end must be after the start.",
    ]
    assert [row.action for row in plan.rows] == ["invalid", "invalid"]


def test_same_uid_twice_in_a_file_is_a_problem(app):
    with app.app_context():
        plan = plan_import(
            parse_ics(
                ics(
                    event(DTSTART=":20250310T090000Z"),
                    event(summary="Again", DTSTART=":20250311T090000Z"),
                ),
                now=NOW,
            ),
            OPERATOR,
        )
    assert plan.problems == [
        "Event 2 “Again”: it has the same UID as event 1; "
        "only one of them can be imported."
    ]


class TestPage:
    def test_upload_page_for_editors(self, client, auth):
        auth.sign_in_as("editor")
        page = client.get("/import/ics").get_data(as_text=True)
        assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
        assert 'value="UTC"' in page

    def test_preview_shows_the_events_and_writes_nothing(self, app, client, auth):
        auth.sign_in_as("editor")
        response = upload(client, crlf(MINISTRY_INVITATION))
        page = response.get_data(as_text=True)

        assert response.status_code == 200
        assert "Consultations sur la Biélorussie – société civile" in page
        assert "Fri 14 Mar 2025, 10:00–12:30 (Europe/Paris)" in page
        assert "1 new, 0 updated, 0 unchanged" in page
        assert "Nothing has been saved yet." in page
        assert "Import 1 meeting" in page
        with app.app_context():
            assert meeting_count() == 0
            assert db.session.scalar(select(func.count(Person.id))) == 0

    def test_confirm_imports_with_time_zone_place_and_people(self, app, client, auth):
        auth.sign_in_as("editor")
        preview = upload(client, crlf(MINISTRY_INVITATION)).get_data(as_text=True)
        response = confirm(client, preview)

        assert response.status_code == 302
        assert response.headers["Location"] == "/meetings"
        follow = client.get("/meetings").get_data(as_text=True)
        assert "Imported 1 meeting: 1 new, 0 updated; 0 unchanged." in follow
        with app.app_context():
            meeting = meeting_by_uid(
                "7c1f0e2a-5b1d-4f4e-9c57-ministry@diplomatie.gouv.fr"
            )
            assert meeting.timezone == "Europe/Paris"
            assert meeting.start_utc == datetime(2025, 3, 14, 9, 0)
            assert meeting.end_utc == datetime(2025, 3, 14, 11, 30)
            assert meeting.venue.startswith("Ministère de l'Europe")
            assert meeting.confidentiality == "internal"
            assert meeting.status == "held"
            assert [row.url for row in meeting.sources] == [
                "https://www.diplomatie.gouv.fr/fr/belarus"
            ]
            names = [row.person.display_name for row in meeting.participations]
            assert names == ["Claire Martin", "Matvei Kupreichyk"]
            people = db.session.scalars(select(Person.display_name)).all()
            assert not any("@" in name for name in people)

    def test_outlook_invitation_imports_in_paris_summer_time(self, app, client, auth):
        auth.sign_in_as("editor")
        preview = upload(client, crlf(OUTLOOK_INVITATION)).get_data(as_text=True)
        assert confirm(client, preview).status_code == 302
        with app.app_context():
            meeting = db.session.scalar(select(Meeting))
            assert meeting.timezone == "Europe/Paris"
            assert meeting.start_utc == datetime(2025, 6, 10, 8, 0)
            assert meeting.online_url.startswith("https://teams.microsoft.com/")

    def test_all_day_cancelled_and_cyrillic_events_import(self, app, client, auth):
        auth.sign_in_as("editor")
        data = ics(
            event(
                uid="conference",
                summary="Конференция в Вильнюсе",
                DTSTART=";VALUE=DATE:20250310",
                DTEND=";VALUE=DATE:20250313",
            ),
            event(uid="cancelled", DTSTART=":20250312T090000Z", STATUS=":CANCELLED"),
            header="X-WR-TIMEZONE:Europe/Vilnius",
        )
        preview = upload(client, data).get_data(as_text=True)
        assert "Конференция в Вильнюсе" in preview
        assert "Mon 10 Mar 2025 – Wed 12 Mar 2025 (all day)" in preview
        assert confirm(client, preview).status_code == 302
        with app.app_context():
            conference = meeting_by_uid("conference")
            assert conference.all_day and conference.timezone == "Europe/Vilnius"
            assert conference.last_date == date(2025, 3, 12)
            assert conference.start_utc == datetime(2025, 3, 9, 22, 0)
            assert meeting_by_uid("cancelled").status == "cancelled"

    def test_reimport_updates_instead_of_duplicating(self, app, client, auth, make):
        auth.sign_in_as("editor")
        first = ics(
            event(
                DTSTART=";TZID=Europe/Paris:20250314T100000",
                DTEND=";TZID=Europe/Paris:20250314T110000",
                LOCATION=":Room 1",
            )
        )
        preview = upload(client, first).get_data(as_text=True)
        assert confirm(client, preview).status_code == 302
        with app.app_context():
            topic = make.topic("Sanctions")
            meeting = meeting_by_uid("evt-1@example.org")
            # The team records what happened; a re-sent invitation keeps it.
            meeting.meeting_topics.append(MeetingTopic(topic=topic, note="Discussed"))
            meeting.outcomes.append(Outcome(text="Send the report", position=0))
            meeting.notes = "Our minutes"
            db.session.commit()

        same = upload(client, first).get_data(as_text=True)
        assert "0 new, 0 updated, 1 unchanged" in same
        assert "Nothing to import" in same
        assert 'name="confirm-content"' not in same

        moved = ics(
            event(
                DTSTART=";TZID=Europe/Paris:20250314T140000",
                DTEND=";TZID=Europe/Paris:20250314T150000",
                LOCATION=":Room 2",
                STATUS=":CANCELLED",
            )
        )
        preview = upload(client, moved).get_data(as_text=True)
        assert "0 new, 1 updated, 0 unchanged" in preview
        assert "start, end, status, location" in preview
        assert confirm(client, preview).status_code == 302
        with app.app_context():
            assert meeting_count() == 1
            meeting = meeting_by_uid("evt-1@example.org")
            assert meeting.start_utc == datetime(2025, 3, 14, 13, 0)
            assert meeting.venue == "Room 2" and meeting.status == "cancelled"
            assert [row.topic.name for row in meeting.meeting_topics] == ["Sanctions"]
            assert [row.text for row in meeting.outcomes] == ["Send the report"]
            assert meeting.notes == "Our minutes"

    def test_a_bad_event_imports_nothing(self, app, client, auth):
        auth.sign_in_as("editor")
        data = ics(
            event(uid="good", DTSTART=":20250310T090000Z"),
            event(uid="bad", summary="Без даты"),
        )
        response = upload(client, data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Event 2 “Без даты”: it has no start (DTSTART)." in page
        assert 'name="confirm-content"' not in page
        with app.app_context():
            assert meeting_count() == 0

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"GIF89a garbage", "This is not an iCalendar (.ics) file"),
            (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "The file holds no events"),
            (
                ics(event(DTSTART=":2025-13-45")),
                "Event 1 “Coalition meeting”: DTSTART “2025-13-45” is not a valid",
            ),
        ],
    )
    def test_bad_files_give_clear_messages(self, app, client, auth, data, message):
        auth.sign_in_as("editor")
        response = upload(client, data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        with app.app_context():
            assert meeting_count() == 0

    def test_missing_file_and_bad_zone_are_form_errors(self, client, auth):
        auth.sign_in_as("editor")
        response = client.post(
            "/import/ics",
            data={"default_timezone": "Mars/Olympus"},
            content_type="multipart/form-data",
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Choose an .ics file to import." in page
        assert "Use an IANA time zone name" in page

    def test_too_large_file_is_refused_with_a_message(self, app, client, auth):
        auth.sign_in_as("editor")
        app.config["ICS_IMPORT_MAX_BYTES"] = 1024
        response = upload(client, ics(event(DESCRIPTION=":" + "x" * 2000)))
        assert response.status_code == 413
        assert "The file is larger than 1 KB." in response.get_data(as_text=True)

    def test_request_over_the_app_limit_answers_413_on_the_page(
        self, app, client, auth
    ):
        auth.sign_in_as("editor")
        app.config["MAX_CONTENT_LENGTH"] = 2048
        response = upload(client, b"x" * 4096)
        page = response.get_data(as_text=True)
        assert response.status_code == 413
        assert "<h1>Import an .ics file</h1>" in page
        assert "The file is larger than 2 MB." in page

    def test_tampered_confirmation_writes_nothing(self, app, client, auth):
        auth.sign_in_as("editor")
        response = client.post(
            "/import/ics/confirm",
            data={
                "confirm-content": "not base64 at all!",
                "confirm-default_timezone": "UTC",
            },
        )
        assert response.status_code == 422
        assert "upload it again" in response.get_data(as_text=True)
        bad_file = base64.b64encode(ics(event(summary="No start"))).decode()
        response = client.post(
            "/import/ics/confirm",
            data={"confirm-content": bad_file, "confirm-default_timezone": "UTC"},
        )
        assert response.status_code == 422
        assert "it has no start (DTSTART)" in response.get_data(as_text=True)
        with app.app_context():
            assert meeting_count() == 0


class TestSafety:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/import/ics"),
            ("post", "/import/ics"),
            ("post", "/import/ics/confirm"),
        ],
    )
    def test_anonymous_is_sent_to_sign_in(self, client, make, method, path):
        make.user()  # with no account at all, every page leads to the set-up
        response = getattr(client, method)(path)
        assert response.status_code == 302
        assert "/sign-in" in response.location

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/import/ics"),
            ("post", "/import/ics"),
            ("post", "/import/ics/confirm"),
        ],
    )
    def test_viewers_are_forbidden(self, app, client, auth, method, path):
        auth.sign_in_as("viewer")
        content = base64.b64encode(ics(event(DTSTART=":20250310T090000Z"))).decode()
        response = getattr(client, method)(
            path, data={"confirm-content": content, "confirm-default_timezone": "UTC"}
        )
        assert response.status_code == 403
        with app.app_context():
            assert meeting_count() == 0

    def test_index_links_to_the_import_for_editors_only(self, client, auth):
        assert "/import/ics" not in client.get("/meetings").get_data(as_text=True)
        auth.sign_in_as("viewer")
        assert "/import/ics" not in client.get("/meetings").get_data(as_text=True)
        auth.sign_out()
        auth.sign_in_as("editor")
        assert "/import/ics" in client.get("/meetings").get_data(as_text=True)

    def test_uid_of_a_hidden_meeting_is_refused_without_its_title(
        self, app, client, auth, make
    ):
        with app.app_context():
            make.meeting(
                title="Secret channel with the ministry",
                uid="secret-uid@example.org",
                confidentiality="restricted",
            )
        auth.sign_in_as("editor")
        data = ics(event(uid="secret-uid@example.org", DTSTART=":20250310T090000Z"))
        response = upload(client, data)
        page = response.get_data(as_text=True)

        assert response.status_code == 422
        assert "an existing meeting has this UID that you cannot update." in page
        assert "Secret channel" not in page
        content = base64.b64encode(data).decode()
        response = client.post(
            "/import/ics/confirm",
            data={"confirm-content": content, "confirm-default_timezone": "UTC"},
        )
        assert response.status_code == 422
        with app.app_context():
            meeting = meeting_by_uid("secret-uid@example.org")
            assert meeting.title == "Secret channel with the ministry"
            assert meeting_count() == 1

    def test_admins_may_update_restricted_meetings(self, app, client, auth, make):
        with app.app_context():
            make.meeting(
                title="Secret channel",
                uid="secret-uid@example.org",
                confidentiality="restricted",
            )
        auth.sign_in_as("admin")
        data = ics(
            event(
                uid="secret-uid@example.org",
                summary="Secret channel, moved",
                DTSTART=":20250310T090000Z",
            )
        )
        preview = upload(client, data).get_data(as_text=True)
        assert "0 new, 1 updated" in preview
        assert confirm(client, preview).status_code == 302
        with app.app_context():
            meeting = meeting_by_uid("secret-uid@example.org")
            assert meeting.title == "Secret channel, moved"
            assert meeting.confidentiality == "restricted"

    def test_confidential_event_raises_an_existing_meetings_level(
        self, app, client, auth, make
    ):
        with app.app_context():
            make.meeting(uid="evt-1@example.org", confidentiality="public")
        auth.sign_in_as("admin")
        data = ics(event(DTSTART=":20250310T090000Z", CLASS=":CONFIDENTIAL"))
        preview = upload(client, data).get_data(as_text=True)
        assert confirm(client, preview).status_code == 302
        with app.app_context():
            assert meeting_by_uid("evt-1@example.org").confidentiality == "restricted"


@pytest.fixture
def csrf_client(app, database_kind):
    from config import TestConfig
    from events_app import create_app
    from tests.conftest import database_url
    from tests.factories import TEST_PASSWORD, Factories

    checked_app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url(database_kind),
        WTF_CSRF_ENABLED=True,
    )
    with checked_app.app_context():
        db.create_all()
        Factories().user(email="editor@example.org", role="editor")
    client = checked_app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    client.post(
        "/sign-in",
        data={
            "email": "editor@example.org",
            "password": TEST_PASSWORD,
            "csrf_token": CSRF_TOKEN.search(page).group(1),
        },
    )
    yield checked_app, client
    with checked_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_upload_and_confirmation_carry_csrf_tokens(csrf_client):
    checked_app, client = csrf_client
    page = client.get("/import/ics").get_data(as_text=True)
    token = CSRF_TOKEN.search(page).group(1)
    data = ics(event(DTSTART=":20250310T090000Z"))

    without_token = client.post(
        "/import/ics",
        data={"file": (io.BytesIO(data), "a.ics"), "default_timezone": "UTC"},
        content_type="multipart/form-data",
    )
    assert without_token.status_code == 400

    preview = client.post(
        "/import/ics",
        data={
            "file": (io.BytesIO(data), "a.ics"),
            "default_timezone": "UTC",
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    confirm_form = preview[preview.index('id="confirm-import"') :]
    assert CONFIRM_CSRF_TOKEN.search(confirm_form)
    content = CARRIED_CONTENT.search(confirm_form).group(1)
    assert (
        client.post(
            "/import/ics/confirm",
            data={"confirm-content": content, "confirm-default_timezone": "UTC"},
        ).status_code
        == 400
    )
    response = client.post(
        "/import/ics/confirm",
        data={
            "confirm-content": content,
            "confirm-default_timezone": "UTC",
            "confirm-csrf_token": CONFIRM_CSRF_TOKEN.search(confirm_form).group(1),
        },
    )
    assert response.status_code == 302
    with checked_app.app_context():
        assert meeting_count() == 1


# Round trip: our own .ics back in -------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start_utc", "end_utc"),
    [
        ("Europe/Paris", datetime(2025, 3, 14, 9, 0), datetime(2025, 3, 14, 11, 30)),
        ("America/New_York", datetime(2025, 11, 2, 5, 30), datetime(2025, 11, 2, 7, 0)),
        ("UTC", datetime(2025, 6, 1, 8, 0), None),
    ],
)
def test_own_export_imports_to_the_same_meeting(
    app, client, auth, make, zone, start_utc, end_utc
):
    with app.app_context():
        meeting = make.meeting(
            title="Круглый стол: санкции",
            timezone=zone,
            start_utc=start_utc,
            end_utc=end_utc,
            venue="Maison de l'Europe",
            city="Paris",
            country="France",
            confidentiality="internal",
        )
        meeting_id = meeting.id
        before = (
            meeting.local_start.replace(tzinfo=None),
            meeting.local_end.replace(tzinfo=None) if end_utc else None,
            meeting.timezone,
            meeting.title,
            meeting.location_label,
        )
    auth.sign_in_as("editor")
    exported = client.get(f"/meetings/{meeting_id}.ics").data
    with app.app_context():
        db.session.delete(db.session.get(Meeting, meeting_id))
        db.session.commit()

    preview = upload(client, exported).get_data(as_text=True)
    assert "1 new" in preview
    assert confirm(client, preview).status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        after = (
            meeting.local_start.replace(tzinfo=None),
            meeting.local_end.replace(tzinfo=None) if meeting.end_utc else None,
            meeting.timezone,
            meeting.title,
            meeting.location_label,
        )
        # Our export gives a timed meeting without end one hour.
        if end_utc is None:
            assert after[1] == after[0].replace(hour=after[0].hour + 1)
            after = (after[0], None, *after[2:])
        assert after == before


def test_own_all_day_export_keeps_its_days(app, client, auth, make):
    with app.app_context():
        meeting = make.meeting(
            title="Study visit",
            timezone="UTC",
            all_day=True,
            start_utc=datetime(2025, 4, 7),
            end_utc=datetime(2025, 4, 10),
        )
        meeting_id = meeting.id
    auth.sign_in_as("editor")
    exported = client.get(f"/meetings/{meeting_id}.ics").data
    with app.app_context():
        db.session.delete(db.session.get(Meeting, meeting_id))
        db.session.commit()
    preview = upload(client, exported).get_data(as_text=True)
    assert confirm(client, preview).status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert meeting.all_day
        assert (meeting.start_date, meeting.last_date) == (
            date(2025, 4, 7),
            date(2025, 4, 9),
        )


# Command line ---------------------------------------------------------------


def test_cli_dry_run_then_import(app, runner, tmp_path):
    path = tmp_path / "invite.ics"
    path.write_bytes(crlf(MINISTRY_INVITATION))

    dry = runner.invoke(args=["import-ics", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "new       Event 1 “Consultations sur la Biélorussie" in dry.output
    assert "Dry run: nothing was written." in dry.output
    with app.app_context():
        assert meeting_count() == 0

    result = runner.invoke(args=["import-ics", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 new and 0 updated meeting(s)" in result.output
    again = runner.invoke(args=["import-ics", str(path)])
    assert "unchanged Event 1" in again.output
    assert "Nothing to change." in again.output
    with app.app_context():
        assert meeting_count() == 1


def test_cli_problems_exit_non_zero_and_write_nothing(app, runner, tmp_path):
    path = tmp_path / "broken.ics"
    path.write_bytes(
        ics(
            event(uid="good", DTSTART=":20250310T090000Z"),
            event(uid="bad", summary="Broken", DTSTART=":20251340"),
        )
    )
    result = runner.invoke(args=["import-ics", str(path)])
    assert result.exit_code == 1
    assert "Nothing was imported." in result.output
    assert "Event 2 “Broken”: DTSTART “20251340” is not a valid date" in result.output
    with app.app_context():
        assert meeting_count() == 0

    garbage = tmp_path / "garbage.ics"
    garbage.write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(args=["import-ics", str(garbage)])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output

    zone = runner.invoke(
        args=["import-ics", str(path), "--default-timezone", "Nowhere"]
    )
    assert zone.exit_code == 1 and "Unknown time zone" in zone.output


def test_cli_sees_every_meeting(app, runner, tmp_path, make):
    with app.app_context():
        make.meeting(uid="secret-uid@example.org", confidentiality="restricted")
    path = tmp_path / "update.ics"
    path.write_bytes(
        ics(
            event(
                uid="secret-uid@example.org",
                summary="Renamed",
                DTSTART=":20250310T090000Z",
            )
        )
    )
    result = runner.invoke(args=["import-ics", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert meeting_by_uid("secret-uid@example.org").title == "Renamed"
