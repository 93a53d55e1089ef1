"""Calendar files: wire format, content, time zones and who may see what.

Every file is parsed back with icalendar and with vobject. Time-zone checks
compute UTC instants from the VTIMEZONE rules in the file itself (as a client
without a tz database does) and compare them with Python's zoneinfo.
"""

import bisect
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateutil.rrule
import pytest
import vobject
from icalendar import Calendar, vRecur

from events_app.calendar.filenames import ascii_slug, ics_filename
from events_app.calendar.ical import meetings_to_ical
from events_app.calendar.timezones import vtimezone_for
from events_app.extensions import db
from events_app.models import Outcome

BASE_URL = "https://events.example.org"
CALENDAR_MIME = "text/calendar; charset=utf-8"
TRICKY_TEXT = 'Санкции; визы, back\\slash "кавычки"'


# Helpers -------------------------------------------------------------------


def meeting_url(meeting) -> str:
    return f"{BASE_URL}/meetings/{meeting.id}"


def build(*meetings, calendar_name="Meetings") -> bytes:
    """The pure builder's output for these meetings."""
    return meetings_to_ical(
        meetings, calendar_name=calendar_name, meeting_url=meeting_url
    )


def unfold(body: bytes) -> str:
    """The content lines with RFC 5545 folding undone."""
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def content_lines(body: bytes) -> list[str]:
    return unfold(body).split("\r\n")


def parse(body: bytes):
    """The calendar parsed by icalendar and by vobject (both must accept it)."""
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    return Calendar.from_ical(body), vobject.readOne(body.decode("utf-8"))


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def vobject_events_by_uid(component) -> dict:
    return {event.uid.value: event for event in getattr(component, "vevent_list", [])}


def local_wall_time(zone_name: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone_name))


def naive_utc(aware: datetime) -> datetime:
    return aware.astimezone(UTC).replace(tzinfo=None)


def vtimezone_onsets(vtimezone, horizon: datetime) -> list[tuple[datetime, timedelta]]:
    """(UTC instant, offset from then on) for every onset the VTIMEZONE defines.

    RFC 5545 3.6.5: each STANDARD/DAYLIGHT observance starts at its DTSTART
    and at each RRULE/RDATE occurrence (local time in TZOFFSETFROM, RRULE
    UNTIL in UTC) and sets TZOFFSETTO. Only the file's own rules are used.
    """
    onsets: list[tuple[datetime, timedelta]] = []
    for observance in vtimezone.subcomponents:
        offset_from = observance["TZOFFSETFROM"].td
        offset_to = observance["TZOFFSETTO"].td
        first = observance["DTSTART"].dt
        assert first.tzinfo is None, "VTIMEZONE DTSTART must be a local time"
        local_onsets = {first}
        rdates = observance.get("RDATE", [])
        for rdate_line in rdates if isinstance(rdates, list) else [rdates]:
            local_onsets.update(period.dt for period in rdate_line.dts)
        if "RRULE" in observance:
            rule = dict(observance["RRULE"])
            until = rule.pop("UNTIL", None)
            if isinstance(until, list):
                (until,) = until
            text = vRecur(rule).to_ical().decode()
            for onset in dateutil.rrule.rrulestr(text, dtstart=first):
                if onset > horizon:
                    break
                if until is not None and onset - offset_from > naive_utc(until):
                    break
                local_onsets.add(onset)
        onsets.extend((onset - offset_from, offset_to) for onset in local_onsets)
    return sorted(onsets)


def instant_from_onsets(onsets, wall_time: datetime) -> datetime:
    """The UTC instant of a wall time: the one offset in force at wall time - offset."""
    instants = []
    for offset in {offset for _, offset in onsets}:
        instant = wall_time - offset
        in_force = bisect.bisect_right(onsets, (instant, timedelta.max))
        if in_force and onsets[in_force - 1][1] == offset:
            instants.append(instant)
    assert len(instants) == 1, f"{wall_time} is not one instant: {instants}"
    return instants[0].replace(tzinfo=UTC)


def instant_from_vtimezone_rules(vtimezone, wall_time: datetime) -> datetime:
    """UTC instant of a wall-clock time, from the VTIMEZONE's own observances only."""
    onsets = vtimezone_onsets(vtimezone, horizon=wall_time + timedelta(days=800))
    return instant_from_onsets(onsets, wall_time)


def offset_at(zone: ZoneInfo, day: date, days_later: int = 0) -> timedelta:
    moment = datetime(day.year, day.month, day.day, tzinfo=zone)
    return (moment + timedelta(days=days_later)).utcoffset()


def is_one_instant(wall_time: datetime, zone: ZoneInfo) -> bool:
    """False for wall times a change skips (gap) or repeats (fold)."""
    earlier = wall_time.replace(tzinfo=zone, fold=0)
    later = wall_time.replace(tzinfo=zone, fold=1)
    round_trip = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return earlier.utcoffset() == later.utcoffset() and round_trip == wall_time


def vtimezone_named(calendar: Calendar, tzid: str):
    matching = [tz for tz in calendar.timezones if tz.tz_name == tzid]
    assert len(matching) == 1
    return matching[0]


@pytest.fixture(autouse=True)
def site_has_an_account(request):
    """With no account at all every page leads to first-run set-up."""
    if "client" in request.fixturenames:
        request.getfixturevalue("make").user(email="owner@example.org", role="admin")


# Wire format ---------------------------------------------------------------


def test_feed_headers_and_calendar_properties(app, client, make):
    app.config["CALENDAR_NAME"] = "Встречи коалиции"
    make.meeting(title="Public meeting")

    response = client.get("/calendar.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == CALENDAR_MIME
    assert "Content-Disposition" not in response.headers
    lines = content_lines(response.data)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert "PRODID:-//events_app//Meeting records//EN" in lines
    assert "NAME:Встречи коалиции" in lines
    assert "X-WR-CALNAME:Встречи коалиции" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    calendar, vcalendar = parse(response.data)
    assert calendar.calendar_name == "Встречи коалиции"
    assert calendar.refresh_interval == timedelta(hours=1)
    assert vcalendar.x_wr_calname.value == "Встречи коалиции"


def test_output_is_utf8_crlf_without_bom_and_folded_at_75_octets(client, make):
    long_text = ("Обсуждение санкций и визовых ограничений — «итоги»; " * 12).strip()
    make.meeting(title=long_text[:290], summary=long_text + "\n" + long_text)

    body = client.get("/calendar.ics").data

    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert body.count(b"\n") == body.count(b"\r\n")
    assert b"\r\r" not in body
    physical_lines = body.split(b"\r\n")[:-1]
    assert any(line.startswith(b" ") for line in physical_lines), "nothing folded"
    for line in physical_lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a multi-byte character
    calendar, vcalendar = parse(body)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == long_text[:290]
    assert vcalendar.vevent.summary.value == long_text[:290]
    assert str(event["DESCRIPTION"]).startswith(long_text + "\n" + long_text)


def test_text_escaping_round_trips_exactly(make, client):
    topic = make.topic(name="Визы, транзит; и \\ прочее")
    summary = f"Первая строка; вторая, с \\ обратной чертой\nНовая строка {TRICKY_TEXT}"
    make.meeting(
        title=TRICKY_TEXT,
        summary=summary,
        venue="Дом 5, офис 3",
        city="Вильнюс",
        topics=[(topic, "")],
    )

    body = client.get("/calendar.ics").data

    unfolded = unfold(body)
    assert 'SUMMARY:Санкции\\; визы\\, back\\\\slash "кавычки"\r\n' in unfolded
    assert "LOCATION:Дом 5\\, офис 3\\, Вильнюс\r\n" in unfolded
    assert "CATEGORIES:Визы\\, транзит\\; и \\\\ прочее\r\n" in unfolded
    assert "обратной чертой\\nНовая строка" in unfolded
    calendar, vcalendar = parse(body)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == TRICKY_TEXT
    assert str(event["LOCATION"]) == "Дом 5, офис 3, Вильнюс"
    assert str(event["DESCRIPTION"]).startswith(summary + "\n\n")
    assert event.categories == ["Визы, транзит; и \\ прочее"]
    vevent = vcalendar.vevent
    assert vevent.summary.value == TRICKY_TEXT
    assert vevent.location.value == "Дом 5, офис 3, Вильнюс"
    assert vevent.description.value.startswith(summary + "\n\n")


# Event content -------------------------------------------------------------


def test_event_properties_come_from_the_meeting(app, client, make):
    app.config["PUBLIC_BASE_URL"] = BASE_URL
    meeting = make.meeting(
        title="Coalition meeting",
        start_utc=datetime(2025, 3, 14, 9, 0),
        end_utc=datetime(2025, 3, 14, 11, 0),
        timezone="Europe/Paris",
        venue="Maison de l'Europe",
        city="Paris",
        country="France",
        created_at=datetime(2025, 1, 2, 8, 30, 0),
        updated_at=datetime(2025, 2, 3, 4, 5, 6),
        revision=3,
        sequence=2,
    )
    meeting_id, uid = meeting.id, meeting.uid

    lines = content_lines(client.get(f"/meetings/{meeting_id}.ics").data)

    for expected in (
        f"UID:{uid}",
        "DTSTAMP:20250203T040506Z",
        "LAST-MODIFIED:20250203T040506Z",
        "CREATED:20250102T083000Z",
        "DTSTART;TZID=Europe/Paris:20250314T100000",
        "DTEND;TZID=Europe/Paris:20250314T120000",
        "SUMMARY:Coalition meeting",
        "LOCATION:Maison de l'Europe\\, Paris\\, France",
        f"URL:{BASE_URL}/meetings/{meeting_id}",
        "STATUS:CONFIRMED",
        "SEQUENCE:2",
        "CLASS:PUBLIC",
    ):
        assert expected in lines
    assert uid.endswith("@events-app") and "Coalition" not in uid


def test_links_use_the_request_host_without_public_base_url(client, make):
    meeting_id = make.meeting().id

    lines = content_lines(client.get("/calendar.ics").data)

    assert f"URL:http://localhost/meetings/{meeting_id}" in lines


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("planned", "CONFIRMED"),
        ("held", "CONFIRMED"),
        ("cancelled", "CANCELLED"),
        ("postponed", "TENTATIVE"),
    ],
)
def test_status_maps_to_event_status(make, status, expected):
    calendar, vcalendar = parse(build(make.meeting(status=status)))

    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == expected
    assert vcalendar.vevent.status.value == expected


@pytest.mark.parametrize(
    ("confidentiality", "expected"),
    [("public", "PUBLIC"), ("internal", "PRIVATE"), ("restricted", "CONFIDENTIAL")],
)
def test_confidentiality_maps_to_event_class(make, confidentiality, expected):
    body = build(make.meeting(confidentiality=confidentiality))

    assert f"CLASS:{expected}" in content_lines(body)


def test_online_meeting_location_is_its_link(make):
    meeting = make.meeting(online_url="https://meet.example.org/abc")

    calendar, _ = parse(build(meeting))

    assert str(calendar.walk("VEVENT")[0]["LOCATION"]) == "https://meet.example.org/abc"


def test_description_groups_participants_and_lists_topics_outcomes_link(make):
    center = make.organization(name="Belarusian Investigative Center")
    ministry = make.organization(name="Ministry of Foreign Affairs", short_name="MFA")
    chair = make.person(display_name="Matvei Kupreichyk")
    speaker = make.person(display_name="Анна Ковальчук")
    colleague = make.person(display_name="Jonas Petraitis")
    guest = make.person(display_name="Independent Expert")
    sanctions = make.topic(name="Sanctions")
    circumvention = make.topic(name="Circumvention", parent=sanctions)
    meeting = make.meeting(
        summary="Agreed to share evidence.",
        notes="INTERNAL NOTE never exported",
        participants=[
            (speaker, center, "speaker"),
            (colleague, ministry, "participant"),
            (chair, center, "chair"),
            (None, ministry, "host"),
            (guest, None, "observer"),
        ],
        topics=[
            (circumvention, "Routes via third countries.\nSecond line."),
            (sanctions, ""),
        ],
    )
    meeting.outcomes.append(
        Outcome(
            text="Send the dossier",
            owner_person=chair,
            due=date(2025, 4, 1),
            position=0,
        )
    )

    db.session.commit()

    calendar, vcalendar = parse(build(meeting))

    description = str(calendar.walk("VEVENT")[0]["DESCRIPTION"])
    assert description == "\n".join(
        [
            "Agreed to share evidence.",
            "",
            "Participants:",
            "Belarusian Investigative Center",
            "  Chair: Matvei Kupreichyk",
            "  Speaker: Анна Ковальчук",
            "Ministry of Foreign Affairs (MFA)",
            "  Host: (the organization)",
            "  Participant: Jonas Petraitis",
            "Other participants",
            "  Observer: Independent Expert",
            "",
            "Topics:",
            "- Sanctions > Circumvention: Routes via third countries.",
            "  Second line.",
            "- Sanctions",
            "",
            "Outcomes:",
            "- Send the dossier (owner: Matvei Kupreichyk; due 2025-04-01; open)",
            "",
            f"Meeting record: {BASE_URL}/meetings/{meeting.id}",
        ]
    )
    assert vcalendar.vevent.description.value == description
    assert calendar.walk("VEVENT")[0].categories == ["Circumvention", "Sanctions"]


def test_timed_meeting_without_end_lasts_one_hour(make):
    meeting = make.meeting(
        start_utc=datetime(2025, 3, 30, 0, 30),  # 01:30 CET, DST starts at 02:00
        end_utc=None,
        timezone="Europe/Paris",
    )

    calendar, vcalendar = parse(build(meeting))

    lines = content_lines(build(meeting))
    assert "DTSTART;TZID=Europe/Paris:20250330T013000" in lines
    assert "DTEND;TZID=Europe/Paris:20250330T033000" in lines  # one real hour
    event = calendar.walk("VEVENT")[0]
    duration = event["DTEND"].dt.astimezone(UTC) - event["DTSTART"].dt.astimezone(UTC)
    assert duration == timedelta(hours=1)
    vevent = vcalendar.vevent
    assert vevent.dtend.value.astimezone(UTC) - vevent.dtstart.value.astimezone(
        UTC
    ) == timedelta(hours=1)


def test_all_day_meeting_uses_dates_with_exclusive_end(make):
    # 1-3 May in Minsk: stored as local midnights of 1 May and 4 May.
    meeting = make.meeting(
        all_day=True,
        start_utc=datetime(2025, 4, 30, 21, 0),
        end_utc=datetime(2025, 5, 3, 21, 0),
        timezone="Europe/Minsk",
    )

    body = build(meeting)

    lines = content_lines(body)
    assert "DTSTART;VALUE=DATE:20250501" in lines
    assert "DTEND;VALUE=DATE:20250504" in lines
    assert "BEGIN:VTIMEZONE" not in lines
    calendar, vcalendar = parse(body)
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].dt == date(2025, 5, 1)
    assert event["DTEND"].dt == date(2025, 5, 4)
    assert vcalendar.vevent.dtstart.value == date(2025, 5, 1)
    assert vcalendar.vevent.dtend.value == date(2025, 5, 4)


def test_utc_meeting_uses_z_times_and_no_vtimezone(make):
    meeting = make.meeting(
        start_utc=datetime(2025, 6, 1, 9, 0),
        end_utc=datetime(2025, 6, 1, 10, 0),
        timezone="UTC",
    )

    lines = content_lines(build(meeting))

    assert "DTSTART:20250601T090000Z" in lines
    assert "DTEND:20250601T100000Z" in lines
    assert "BEGIN:VTIMEZONE" not in lines
    assert not any("TZID" in line for line in lines)


# Time zones ----------------------------------------------------------------

ZONES = ["Europe/Paris", "Europe/Minsk", "America/New_York"]


def meetings_around_the_year(make, zone_name: str) -> list:
    """Noon meetings in winter and summer, this year and five years ahead."""
    this_year = date.today().year
    meetings = []
    for year in (this_year, this_year + 5):
        for month in (1, 7):
            start = local_wall_time(zone_name, year, month, 15, 12, 0)
            meetings.append(
                make.meeting(
                    title=f"{zone_name} {year}-{month}",
                    start_utc=naive_utc(start),
                    end_utc=naive_utc(start + timedelta(hours=2)),
                    timezone=zone_name,
                )
            )
    return meetings


@pytest.mark.parametrize("zone_name", ZONES)
def test_vtimezone_rules_give_zoneinfo_instants(client, make, zone_name):
    meetings = meetings_around_the_year(make, zone_name)
    expected = {
        meeting.uid: (meeting.start_utc.replace(tzinfo=UTC), meeting.id)
        for meeting in meetings
    }

    downloads = [client.get("/calendar.ics").data] + [
        client.get(f"/meetings/{meeting_id}.ics").data
        for _, meeting_id in expected.values()
    ]

    for body in downloads:
        calendar, vcalendar = parse(body)
        vtimezone = vtimezone_named(calendar, zone_name)
        (vobject_zone,) = vcalendar.vtimezone_list
        file_rules = vobject_zone.gettzinfo()  # dateutil tzical built from the file
        assert not isinstance(file_rules, ZoneInfo)
        vevents = vobject_events_by_uid(vcalendar)
        for uid, event in events_by_uid(calendar).items():
            assert event["DTSTART"].params["TZID"] == zone_name
            wall_time = event["DTSTART"].dt.replace(tzinfo=None)
            instant = expected[uid][0]
            assert instant_from_vtimezone_rules(vtimezone, wall_time) == instant
            vobject_wall_time = vevents[uid].dtstart.value.replace(tzinfo=None)
            assert vobject_wall_time == wall_time
            assert wall_time.replace(tzinfo=file_rules).astimezone(UTC) == instant


def test_exactly_one_vtimezone_per_tzid(make):
    meetings = [
        make.meeting(start_utc=datetime(2025, 1, 10, 9), timezone="Europe/Paris"),
        make.meeting(start_utc=datetime(2030, 7, 10, 9), timezone="Europe/Paris"),
        make.meeting(start_utc=datetime(2025, 3, 1, 15), timezone="America/New_York"),
        make.meeting(start_utc=datetime(2025, 3, 2, 9), timezone="Europe/Minsk"),
        make.meeting(start_utc=datetime(2025, 3, 3, 9), timezone="UTC"),
    ]

    body = build(*meetings)

    calendar, vcalendar = parse(body)
    tzids = [timezone.tz_name for timezone in calendar.timezones]
    assert sorted(tzids) == ["America/New_York", "Europe/Minsk", "Europe/Paris"]
    assert unfold(body).count("BEGIN:VTIMEZONE") == 3
    assert calendar.get_missing_tzids() == set()
    assert len(vcalendar.vtimezone_list) == 3
    # The VTIMEZONEs come before the events that use them.
    assert unfold(body).rindex("END:VTIMEZONE") < unfold(body).index("BEGIN:VEVENT")


@pytest.mark.parametrize("zone_name", ["Europe/Paris", "America/New_York"])
def test_vtimezone_has_the_shape_outlook_understands(make, zone_name):
    """Outlook ignores RDATE: one STANDARD and one DAYLIGHT with a yearly RRULE."""
    meeting = make.meeting(start_utc=datetime(2026, 5, 5, 9), timezone=zone_name)

    calendar, _ = parse(build(meeting))

    vtimezone = vtimezone_named(calendar, zone_name)
    assert [sub.name for sub in vtimezone.subcomponents].count("STANDARD") == 1
    assert [sub.name for sub in vtimezone.subcomponents].count("DAYLIGHT") == 1
    for observance in vtimezone.subcomponents:
        assert "RDATE" not in observance
        rule = observance["RRULE"]
        assert rule["FREQ"] == ["YEARLY"] and "UNTIL" not in rule


@pytest.mark.parametrize(
    ("zone_name", "first_day", "last_day"),
    [
        ("Europe/Paris", date(1990, 1, 1), date(2001, 12, 31)),  # 1996 rule change
        ("America/New_York", date(2004, 1, 1), date(2010, 12, 31)),  # 2007 change
        ("Africa/Casablanca", date(2025, 1, 1), date(2030, 12, 31)),  # irregular
        ("Europe/Minsk", date(2009, 1, 1), date(2013, 12, 31)),  # DST abolished
    ],
)
def test_vtimezone_rules_follow_rule_changes(zone_name, first_day, last_day):
    vtimezone = vtimezone_for(zone_name, first_day, last_day)
    onsets = vtimezone_onsets(vtimezone, horizon=datetime(last_day.year + 2, 1, 1))
    zone = ZoneInfo(zone_name)

    checked_near_transitions = 0
    day = first_day
    while day <= last_day:
        changes_today = offset_at(zone, day) != offset_at(zone, day, days_later=1)
        hours = range(24) if changes_today else (0, 12)
        for hour in hours:
            wall_time = datetime(day.year, day.month, day.day, hour, 30)
            if not is_one_instant(wall_time, zone):
                continue  # skipped or repeated by the change: no single answer
            expected = wall_time.replace(tzinfo=zone).astimezone(UTC)
            assert instant_from_onsets(onsets, wall_time) == expected, wall_time
            checked_near_transitions += changes_today
        day += timedelta(days=1)
    assert checked_near_transitions > 0


def test_vtimezone_is_the_same_for_the_same_range():
    first = vtimezone_for("Europe/Paris", date(2025, 1, 1), date(2026, 1, 1))
    second = vtimezone_for("Europe/Paris", date(2025, 1, 1), date(2026, 1, 1))

    assert first is not second
    assert first.to_ical() == second.to_ical()


# Determinism ---------------------------------------------------------------


def test_repeated_downloads_are_byte_identical(client, make):
    meeting_id = make.meeting(timezone="America/New_York").id
    make.meeting(title="Second", all_day=True, start_utc=datetime(2025, 5, 1))

    first_feed = client.get("/calendar.ics")
    second_feed = client.get("/calendar.ics")
    first_single = client.get(f"/meetings/{meeting_id}.ics")
    second_single = client.get(f"/meetings/{meeting_id}.ics")

    assert first_feed.data == second_feed.data
    assert first_single.data == second_single.data
    not_modified = client.get(
        "/calendar.ics", headers={"If-None-Match": first_feed.headers["ETag"]}
    )
    assert not_modified.status_code == 304


def test_an_edit_changes_the_feed(client, make):

    meeting = make.meeting(title="Before")
    before = client.get("/calendar.ics").data
    meeting.title = "After"
    meeting.revision = 2
    meeting.sequence = 1
    meeting.updated_at = datetime(2030, 1, 1)
    db.session.commit()

    after = client.get("/calendar.ics").data

    assert after != before
    lines = content_lines(after)
    assert "SUMMARY:After" in lines and "SEQUENCE:1" in lines
    assert "DTSTAMP:20300101T000000Z" in lines


# Visibility ----------------------------------------------------------------


def meetings_of_every_level(make) -> dict[str, tuple[int, str]]:
    """confidentiality -> (meeting id, uid), each with a title only it uses."""
    return {
        level: (meeting.id, meeting.uid)
        for level in ("public", "internal", "restricted")
        for meeting in [
            make.meeting(title=f"Title-{level}-only", confidentiality=level)
        ]
    }


@pytest.mark.parametrize("signed_in_as", [None, "viewer", "admin"])
def test_feed_shows_public_meetings_only(client, make, auth, signed_in_as):
    meetings = meetings_of_every_level(make)
    if signed_in_as:
        auth.sign_in_as(signed_in_as)

    body = client.get("/calendar.ics").data

    calendar, vcalendar = parse(body)
    assert set(events_by_uid(calendar)) == {meetings["public"][1]}
    assert set(vobject_events_by_uid(vcalendar)) == {meetings["public"][1]}
    text = unfold(body)
    assert "Title-public-only" in text
    for level in ("internal", "restricted"):
        meeting_id, uid = meetings[level]
        assert f"Title-{level}-only" not in text
        assert uid not in text
        assert f"/meetings/{meeting_id}" not in text


def test_empty_feed_is_a_valid_calendar(client, make):
    make.meeting(confidentiality="internal")

    body = client.get("/calendar.ics").data

    calendar, _ = parse(body)
    assert calendar.walk("VEVENT") == []
    assert body.endswith(b"END:VCALENDAR\r\n")


@pytest.mark.parametrize(
    ("signed_in_as", "confidentiality", "status"),
    [
        (None, "public", 200),
        (None, "internal", 404),
        (None, "restricted", 404),
        ("viewer", "internal", 200),
        ("viewer", "restricted", 404),
        ("editor", "internal", 200),
        ("editor", "restricted", 404),
        ("admin", "restricted", 200),
    ],
)
def test_meeting_download_follows_visibility(
    client, make, auth, signed_in_as, confidentiality, status
):
    meetings = meetings_of_every_level(make)
    if signed_in_as:
        auth.sign_in_as(signed_in_as)
    meeting_id, uid = meetings[confidentiality]

    response = client.get(f"/meetings/{meeting_id}.ics")

    assert response.status_code == status
    if status == 200:
        assert response.headers["Content-Type"] == CALENDAR_MIME
        calendar, _ = parse(response.data)
        assert set(events_by_uid(calendar)) == {uid}
    else:
        assert uid.encode() not in response.data
        assert f"Title-{confidentiality}".encode() not in response.data
        assert response.headers["Content-Type"] != CALENDAR_MIME


def test_hidden_and_missing_meetings_answer_alike(client, make):
    meetings = meetings_of_every_level(make)

    hidden_id = meetings["restricted"][0]
    hidden = client.get(f"/meetings/{hidden_id}.ics")
    missing = client.get("/meetings/999999.ics")

    assert hidden.status_code == missing.status_code == 404
    # The error page may echo the requested path; otherwise they are the same.
    assert hidden.data.replace(f"/{hidden_id}.".encode(), b"/ID.") == (
        missing.data.replace(b"/999999.", b"/ID.")
    )


# Download names ------------------------------------------------------------


def test_meeting_download_is_an_attachment_with_an_ascii_name(client, make):
    meeting_id = make.meeting(title="Встреча по санкциям: ЕС & США, 2025").id

    response = client.get(f"/meetings/{meeting_id}.ics")

    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="vstrecha-po-sanktsiyam-es-ssha-2025.ics"'
    )
    assert disposition.isascii()


def test_meeting_without_an_ascii_spelling_gets_a_numbered_name(client, make):
    meeting_id = make.meeting(title="会议 ★").id

    response = client.get(f"/meetings/{meeting_id}.ics")

    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="meeting-{meeting_id}.ics"'
    )


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café Zürich — Q&A", "cafe-zurich-q-a"),
        ("Сустрэча ў Вільні", "sustrecha-w-vilni"),
        ('a/b\\c"d', "a-b-c-d"),
        ("x" * 200, "x" * 80),
    ],
)
def test_ascii_slug(title, slug):
    assert ascii_slug(title) == slug
    assert re.fullmatch(r"[a-z0-9-]*", ascii_slug(title))
    assert ics_filename(title, fallback="meeting-1") == f"{slug}.ics"
