"""One range of dates (1900-01-01 .. 2199-12-31) on every door, and feeds that
survive a meeting stored outside it (issue 8, item 5)."""

import re
from datetime import date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from events_app.calendar import ical, timezones
from events_app.extensions import db
from events_app.interchange.meetings_io import ImportFailed, import_document
from events_app.models import Meeting
from tests.test_interchange import document_of, meeting_record
from tests.test_meetings import errors_in, meeting_form_data

MESSAGE = "Dates must be between 1 January 1900 and 31 December 2199."
# UTC+14: the first day's midnight is still 1899 in UTC.
EARLIEST_ZONE = "Pacific/Kiritimati"


def meeting_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Meeting.id)))


@pytest.mark.parametrize(
    "fields",
    [
        {"start_date": "0001-06-01"},
        {"start_date": "9999-12-31", "start_time": "23:00", "end_time": ""},
        {
            "start_date": "9999-12-31",
            "timezone": "America/Los_Angeles",
            "end_time": "23:30",
        },
        {"all_day": "y", "start_date": "9999-12-31", "end_time": ""},
        {"all_day": "y", "start_date": "2025-07-10", "end_date": "9999-12-31"},
        {"start_date": "1899-12-31"},
        {"end_date": "2200-01-01", "end_time": "10:00"},
        {"outcomes-0-due": "0001-06-01"},
    ],
)
def test_meeting_form_refuses_dates_outside_the_range(app, client, auth, fields):
    auth.sign_in_as("editor")
    response = client.post("/meetings/new", data=meeting_form_data(**fields))
    assert response.status_code == 422
    assert MESSAGE in errors_in(response)
    assert meeting_count(app) == 0


def test_meeting_form_accepts_the_first_and_last_days(app, client, auth):
    auth.sign_in_as("editor")
    for day in ("1900-01-01", "2199-12-31"):
        response = client.post(
            "/meetings/new",
            data=meeting_form_data(
                start_date=day,
                start_time="00:00",
                end_time="23:30",
                timezone=EARLIEST_ZONE,
            ),
        )
        assert response.status_code == 302, errors_in(response)
    assert meeting_count(app) == 2


@pytest.mark.parametrize(
    "record",
    [
        meeting_record(start="0001-06-01T10:00", end=None),
        meeting_record(start="9999-12-31T23:00", end=None, timezone="America/Denver"),
        meeting_record(start="9999-12-31", end="9999-12-31", all_day=True),
        meeting_record(start="2025-03-14T10:00", end="9999-12-31T10:00"),
    ],
)
def test_json_import_refuses_dates_outside_the_range(app, record):
    with app.app_context(), pytest.raises(ImportFailed) as failure:
        import_document(document_of(record))
    assert any(MESSAGE in problem for problem in failure.value.problems)
    assert meeting_count(app) == 0


@pytest.mark.parametrize(
    "query", ["from=0001-01-01", "to=9999-12-31", "from=1899-12-31&to=2200-01-01"]
)
def test_filters_outside_the_range_are_refused_with_the_message(client, make, query):
    make.user(email="admin@example.org", role="admin")
    history = client.get(f"/meetings?{query}")
    assert history.status_code == 200
    assert MESSAGE in errors_in(history)
    for path in ("/calendar.ics", "/meetings.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, path
        assert MESSAGE in response.get_data(as_text=True)


@pytest.fixture
def legacy_meetings(make):
    """A good meeting and three stored before the range was enforced."""
    make.user(email="admin@example.org", role="admin")
    good = make.meeting(title="Good meeting")
    bad = [
        make.meeting(
            title="Year one",
            start_utc=datetime(1, 6, 1, 9, 50),
            end_utc=datetime(1, 6, 1, 11, 0),
        ),
        make.meeting(
            title="Far future",
            start_utc=datetime(9993, 6, 1, 9, 0),
            end_utc=datetime(9993, 6, 1, 10, 0),
            timezone="America/New_York",
        ),
        make.meeting(
            title="Last day of 9999",
            start_utc=datetime(9999, 12, 31),
            end_utc=None,
            timezone="UTC",
            all_day=True,
        ),
    ]
    return good.id, [meeting.id for meeting in bad]


def test_a_meeting_stored_outside_the_range_does_not_break_feeds(
    client, auth, legacy_meetings
):
    good_id, bad_ids = legacy_meetings
    auth.sign_in_as("admin")
    public = client.get("/calendar.ics")
    assert public.status_code == 200
    (event,) = Calendar.from_ical(public.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Good meeting"
    for bad_id in bad_ids:
        single = client.get(f"/meetings/{bad_id}.ics")
        assert single.status_code == 409
        assert MESSAGE in single.get_data(as_text=True)
        assert client.get(f"/meetings/{bad_id}").status_code == 200
    assert client.get(f"/meetings/{good_id}.ics").status_code == 200
    assert client.get("/meetings").status_code == 200


def test_the_private_feed_skips_a_meeting_stored_outside_the_range(
    app, client, auth, legacy_meetings
):
    from events_app.auth.feed_tokens import issue_feed_token
    from events_app.models import User

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        token = issue_feed_token(admin)
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Good meeting"


def test_a_meeting_the_writer_cannot_handle_is_skipped_not_fatal(make, client):
    make.user(email="admin@example.org", role="admin")
    make.meeting(title="Good meeting")
    make.meeting(title="Zone gone", timezone="Europe/Paris")
    with client.application.app_context():
        db.session.execute(
            Meeting.__table__.update()
            .where(Meeting.title == "Zone gone")
            .values(timezone="Mars/Olympus_Mons")
        )
        db.session.commit()
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Good meeting"


def test_vtimezone_scan_stays_within_the_range(monkeypatch):
    scanned = []
    real_transitions = timezones._transitions

    def recording(zone, *, start, end, initial):
        scanned.append((start, end))
        return real_transitions(zone, start=start, end=end, initial=initial)

    monkeypatch.setattr(timezones, "_transitions", recording)
    timezones._zone_history.cache_clear()
    timezones.vtimezone_for("Asia/Tbilisi", date(3, 6, 1), date(9993, 6, 1))
    ((start, end),) = scanned
    assert start.year >= 1898 and end.year <= 2206


def test_feed_with_meetings_in_1900_and_2199_covers_only_those_years(
    client, make, monkeypatch
):
    make.user(email="admin@example.org", role="admin")
    make.meeting(
        title="First",
        start_utc=datetime(1900, 1, 1, 12),
        end_utc=datetime(1900, 1, 1, 13),
        timezone="Asia/Yerevan",
    )
    make.meeting(
        title="Last",
        start_utc=datetime(2199, 12, 31, 12),
        end_utc=datetime(2199, 12, 31, 13),
        timezone="Asia/Yerevan",
    )
    ical.vtimezone_ical.cache_clear()
    timezones._zone_history.cache_clear()
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    assert len(calendar.walk("VEVENT")) == 2
    (vtimezone,) = calendar.walk("VTIMEZONE")
    onsets = [observance["DTSTART"].dt for observance in vtimezone.subcomponents] + [
        rdate.dt
        for observance in vtimezone.subcomponents
        for rdates in (
            observance.get("RDATE")
            if isinstance(observance.get("RDATE"), list)
            else [observance.get("RDATE")]
        )
        if rdates is not None
        for rdate in rdates.dts
    ]
    assert min(onsets).year >= 1899 and max(onsets).year <= 2205


def test_date_inputs_offer_only_the_range(client, auth):
    auth.sign_in_as("editor")
    for path in ("/meetings/new", "/meetings"):
        page = client.get(path).get_data(as_text=True)
        for tag in re.findall(r'<input[^>]*type="date"[^>]*>', page):
            assert 'min="1900-01-01"' in tag and 'max="2199-12-31"' in tag, tag
