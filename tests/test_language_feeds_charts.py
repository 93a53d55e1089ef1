"""Calendar files and charts in the reader's language (issue 13, items 5 and 4).

Feeds carry their name, description and the follow-ups' summaries in the
owner's language (or the calendar app's Accept-Language), with RFC 5545
LANGUAGE; property names, UIDs, PRODID and the meetings' stored events stay the
same in every language. Charts and "not met lately" use the locale's month
names and plural forms.
"""

import re
from datetime import date, timedelta

import pytest
from babel import dates as babel_dates
from icalendar import Calendar

from events_app.auth.feed_tokens import issue_feed_token
from events_app.extensions import db
from events_app.models import Outcome
from events_app.models.meetings import utc_now
from tests.factories import Factories

TODAY = date.today()
BELARUSIAN_MONTHS = [
    "студзень",
    "люты",
    "сакавік",
    "красавік",
    "май",
    "чэрвень",
    "ліпень",
    "жнівень",
    "верасень",
    "кастрычнік",
    "лістапад",
    "снежань",
]
SHORT_NAMES = {
    babel_dates.format_date(date(2025, month, 1), "LLL", locale="be")
    for month in range(1, 13)
}


def unfolded(response) -> str:
    return response.get_data(as_text=True).replace("\r\n ", "")


def property_names(body: str) -> list[str]:
    """Each content line's property name, without its parameters."""
    return [re.split(r"[;:]", line, maxsplit=1)[0] for line in body.split("\r\n")]


def uids(body: str) -> list[str]:
    return re.findall(r"^UID:(.*)$", body, re.M)


def set_language(user, language):
    user.language = language
    db.session.commit()


@pytest.fixture
def owner(app, make: Factories):
    """An editor with a private feed, and a public meeting with a follow-up."""
    user = make.user()
    person = make.person("Matvei Kupreichyk")
    meeting = make.meeting(
        title="Alliance meeting",
        city="Paris",
        participants=[(person, None, "speaker")],
    )
    db.session.add(
        Outcome(
            meeting_id=meeting.id,
            text="Send the sanctions report",
            position=0,
            owner_person=person,
            due=TODAY + timedelta(days=7),
        )
    )
    db.session.commit()
    return user


def test_a_french_owners_private_feed_is_named_in_french(client, owner):
    token = issue_feed_token(owner)
    english = unfolded(client.get(f"/feeds/{token}.ics"))
    set_language(owner, "fr")
    response = client.get(f"/feeds/{token}.ics")
    french = unfolded(response)
    assert "NAME;LANGUAGE=fr:Réunions\r\n" in french
    assert "X-WR-CALNAME;LANGUAGE=fr:Réunions\r\n" in french
    assert "X-WR-CALDESC;LANGUAGE=fr:Les réunions que vous pouvez voir" in french
    assert "X-WR-CALNAME;LANGUAGE=en:Meetings\r\n" in english
    assert Calendar.from_ical(french).calendar_name == "Réunions"
    # Only the calendar's own words change: the same properties, UIDs, PRODID
    # and events (stored and shared by every language).
    assert property_names(french) == property_names(english)
    assert uids(french) == uids(english)
    assert "PRODID:-//events_app//Meeting records//EN" in french
    assert french.split("BEGIN:VEVENT", 1)[1] == english.split("BEGIN:VEVENT", 1)[1]
    assert "Participants:" in french
    # The owner's language wins over the calendar app's, and moves the ETag.
    etag = response.headers["ETag"]
    again = client.get(f"/feeds/{token}.ics", headers={"Accept-Language": "be"})
    assert "X-WR-CALNAME;LANGUAGE=fr:Réunions" in unfolded(again)
    assert again.headers["ETag"] == etag
    set_language(owner, "be")
    belarusian = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
    assert belarusian.status_code == 200
    assert "X-WR-CALNAME;LANGUAGE=be:Сустрэчы" in unfolded(belarusian)


def test_without_a_stored_language_the_calendar_apps_language_is_used(
    app, client, owner
):
    token = issue_feed_token(owner)
    response = client.get(f"/feeds/{token}.ics", headers={"Accept-Language": "fr"})
    assert "X-WR-CALNAME;LANGUAGE=fr:Réunions" in unfolded(response)
    assert "Accept-Language" in response.headers["Vary"]
    english = client.get(f"/feeds/{token}.ics", headers={"Accept-Language": "de"})
    assert "X-WR-CALNAME;LANGUAGE=en:Meetings" in unfolded(english)
    assert english.headers["ETag"] != response.headers["ETag"]
    app.config["ANONYMOUS_ACCESS"] = True
    public = client.get("/calendar.ics", headers={"Accept-Language": "be"})
    assert "X-WR-CALNAME;LANGUAGE=be:Сустрэчы" in unfolded(public)
    assert "X-WR-CALDESC;LANGUAGE=be:Публічныя сустрэчы" in unfolded(public)
    assert "Accept-Language" in public.headers["Vary"]


def test_an_operators_calendar_name_is_kept_as_it_is(app, client, owner):
    app.config["CALENDAR_NAME"] = "Coalition"
    set_language(owner, "fr")
    token = issue_feed_token(owner)
    body = unfolded(client.get(f"/feeds/{token}.ics"))
    assert "\r\nX-WR-CALNAME:Coalition\r\n" in body
    assert "X-WR-CALDESC;LANGUAGE=fr:" in body
    follow_ups = unfolded(client.get(f"/feeds/{token}/follow-ups.ics"))
    assert "X-WR-CALNAME;LANGUAGE=fr:Coalition : suivis" in follow_ups


def test_a_belarusian_users_follow_ups_feed_has_belarusian_summaries(client, owner):
    token = issue_feed_token(owner)
    english = unfolded(client.get(f"/feeds/{token}/follow-ups.ics"))
    set_language(owner, "be")
    response = client.get(f"/feeds/{token}/follow-ups.ics")
    body = unfolded(response)
    assert (
        "SUMMARY;LANGUAGE=be:Даручэнне: Send the sanctions report — з сустрэчы: "
        "Alliance meeting\\, Paris" in body
    )
    assert "DESCRIPTION;LANGUAGE=be:Send the sanctions report\\n\\nАдказны: " in body
    assert "X-WR-CALNAME;LANGUAGE=be:Сустрэчы: даручэнні" in body
    assert "SUMMARY;LANGUAGE=en:Follow-up: Send the sanctions report" in english
    assert uids(body) == uids(english) and uids(body)
    assert property_names(body) == property_names(english)
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("Даручэнне: ")
    assert event["SUMMARY"].params["LANGUAGE"] == "be"


def test_a_meeting_download_is_named_in_the_pages_language(client, owner):
    meeting_id = db.session.scalar(db.select(Outcome.meeting_id))
    client.post(
        "/sign-in", data={"email": owner.email, "password": "correct horse battery"}
    )
    set_language(owner, "fr")
    body = unfolded(client.get(f"/meetings/{meeting_id}.ics"))
    assert "X-WR-CALNAME;LANGUAGE=fr:Réunions" in body
    assert "X-WR-CALDESC" not in body


# Charts and "not met lately" ------------------------------------------------


def sign_in(client, who):
    response = client.post(
        "/sign-in",
        data={"email": f"{who}@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 302


@pytest.fixture
def met_people(app, make: Factories):
    """Twenty-one people last met 100 days ago; a viewer who reads Belarusian."""
    viewer = make.user(email="viewer@example.org", role="viewer")
    set_language(viewer, "be")
    start = utc_now().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(
        days=100
    )
    organization = make.organization("Embassy")
    people = [make.person(f"Person {number:02d}") for number in range(21)]
    for index, person in enumerate(people):
        make.meeting(
            title=f"Meeting {index}",
            start_utc=start - timedelta(days=index),
            end_utc=start - timedelta(days=index) + timedelta(hours=1),
            timezone="UTC",
            participants=[(person, organization, "speaker")],
        )
    return people


def test_charts_render_in_belarusian_with_month_names(client, met_people):
    sign_in(client, "viewer")
    page = client.get("/meetings/charts?by=organization").get_data(as_text=True)
    assert '<html lang="be"' in page
    assert "Сустрэчы па месяцах, паводле арганізацый" in page
    # Month names in the table (with the plain month for machines) and on the
    # axis, as Babel names them in Belarusian ("сакавік 2025", "сак 2025").
    month = TODAY.replace(day=1)
    wide = babel_dates.format_date(month, "LLLL y", locale="be")
    assert wide.split()[0] in BELARUSIAN_MONTHS
    assert f'<time datetime="{month:%Y-%m}">{wide}</time>' in page
    axis = re.findall(r"<text [^>]*>([^<]*)</text>", page)
    assert any(label.split()[0] in SHORT_NAMES for label in axis)
    assert "100 дзён" in axis  # days since the last meeting, in its plural form
    for english in ("Meetings per month", "The numbers as a table", "People met most"):
        assert english not in page
    # The CSV keeps plain months, its headers in the reader's language.
    csv = client.get("/meetings/charts.csv?chart=per-month&by=organization").get_data(
        as_text=True
    )
    assert csv.splitlines()[0].startswith("Месяц,Сустрэчы")
    assert csv.splitlines()[-1].startswith(f"{month:%Y-%m},")


def test_charts_are_kept_per_language(app, client, met_people):
    sign_in(client, "viewer")
    path = "/meetings/charts?from=2025-01-01&to=2025-03-31"
    assert "сакавік 2025" in client.get(path).get_data(as_text=True)
    # The same charts, kept from the page above, asked for in French.
    client.post("/language", data={"language": "fr", "next": path})
    french = client.get(path).get_data(as_text=True)
    assert "mars 2025" in french and "Réunions par mois, par sujet" in french
    assert "сакавік" not in french


@pytest.mark.parametrize(
    "months, phrase",
    [
        (1, "больш за 1 месяц таму"),
        (2, "больш за 2 месяцы таму"),
        (5, "больш за 5 месяцаў таму"),
        (21, "больш за 21 месяц таму"),
    ],
)
def test_not_met_lately_in_belarusian_uses_its_plural_forms(
    client, met_people, months, phrase
):
    sign_in(client, "viewer")
    page = client.get(f"/not-met-lately?records=people&months={months}").get_data(
        as_text=True
    )
    assert "Даўно не сустракаліся" in page
    assert phrase in page


@pytest.mark.parametrize(
    "count, words",
    [(1, "1 асоба."), (2, "2 асобы."), (5, "5 асоб."), (21, "21 асоба.")],
)
def test_not_met_lately_counts_people_in_belarusian(
    client, make, met_people, count, words
):
    sign_in(client, "viewer")
    # Those listed are the `count` met longest ago: the others meet today.
    now = utc_now().replace(microsecond=0) - timedelta(hours=2)
    for person in met_people[: len(met_people) - count]:
        make.meeting(
            title=f"Recent meeting with {person.display_name}",
            start_utc=now,
            end_utc=now + timedelta(hours=1),
            timezone="UTC",
            participants=[(person, None, "speaker")],
        )
    page = client.get("/not-met-lately?records=people&months=1").get_data(as_text=True)
    counted = re.search(r'id="not-met-count">([^<]*)<', page)[1]
    assert counted == words
    assert "organization" not in counted and "people" not in counted
