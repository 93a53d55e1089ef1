"""The history and its month and week grids in Belarusian and French (issue 13):
plural forms, grouped numbers, the locale's month and day names, and weeks
that start on the locale's first day."""

import re
from datetime import date, datetime, timedelta

import pytest
from babel import Locale
from babel.numbers import format_decimal

from events_app import capped_pages
from events_app.language import formatting
from events_app.meetings.calendar_view import period_containing, period_from_args
from tests.factories import Factories

BELARUSIAN = {"Accept-Language": "be"}
FRENCH = {"Accept-Language": "fr"}


def spaced(text: str) -> str:
    """Runs of ASCII white space as one space; no-break spaces are kept."""
    return re.sub(r"[ \t\n]+", " ", text).strip()


def result_count(page: str) -> str:
    start = page.index('id="result-count">') + len('id="result-count">')
    return spaced(page[start : page.index("</p>", start)])


def text_of(html: str) -> str:
    return spaced(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def twenty_one_days(make: Factories):
    """A meeting on each of 1 to 21 March 2025."""
    make.user()
    for day in range(1, 22):
        make.meeting(
            f"Meeting {day}", start_utc=datetime(2025, 3, day, 9), end_utc=None
        )


@pytest.mark.parametrize(
    ("last_day", "belarusian", "french"),
    [
        (
            1,
            "1 сустрэча адпавядае гэтым фільтрам.",
            "1 réunion correspond à ces filtres.",
        ),
        (
            2,
            "2 сустрэчы адпавядаюць гэтым фільтрам.",
            "2 réunions correspondent à ces filtres.",
        ),
        (
            5,
            "5 сустрэч адпавядаюць гэтым фільтрам.",
            "5 réunions correspondent à ces filtres.",
        ),
        (
            21,
            "21 сустрэча адпавядае гэтым фільтрам.",
            "21 réunions correspondent à ces filtres.",
        ),
    ],
)
def test_the_count_takes_each_languages_plural_form(
    client, twenty_one_days, last_day, belarusian, french
):
    url = f"/meetings?from=2025-03-01&to=2025-03-{last_day:02d}"
    assert result_count(client.get(url, headers=BELARUSIAN).get_data(True)) == (
        belarusian
    )
    assert result_count(client.get(url, headers=FRENCH).get_data(True)) == french


def test_the_unfiltered_count_and_the_months_in_belarusian(client, twenty_one_days):
    page = client.get("/meetings", headers=BELARUSIAN).get_data(as_text=True)
    assert result_count(page) == "21 сустрэча."
    # The month heading stands alone (nominative), as a calendar names it.
    assert '<h2 class="month">сакавік 2025</h2>' in page
    french = client.get("/meetings", headers=FRENCH).get_data(as_text=True)
    assert result_count(french) == "21 réunions."
    assert '<h2 class="month">mars 2025</h2>' in french


def test_more_than_the_cap_groups_its_digits_as_the_language_does(
    client, make: Factories, monkeypatch
):
    make.user()
    make.meeting("Coalition meeting")
    monkeypatch.setattr(capped_pages, "COUNTED_AT_MOST", 12_345)
    monkeypatch.setattr(capped_pages, "count_at_most", lambda statement, limit: 12_346)
    belarusian = client.get("/meetings", headers=BELARUSIAN).get_data(as_text=True)
    assert result_count(belarusian) == (
        f"Больш за {format_decimal(12_345, locale='be')} сустрэч."
    )
    french = client.get("/meetings", headers=FRENCH).get_data(as_text=True)
    assert result_count(french) == (
        f"Plus de {format_decimal(12_345, locale='fr')} réunions."
    )
    english = client.get("/meetings").get_data(as_text=True)
    assert result_count(english) == "More than 12,345 meetings."


def test_directory_offers_and_chips_are_translated(client, make: Factories):
    make.user()
    person = make.person("Matvei Kupreichyk")
    for day in (3, 4):
        make.meeting(
            f"Meeting {day}",
            start_utc=datetime(2025, 3, day, 9),
            participants=[(person, None, "speaker")],
        )
    page = client.get("/meetings?q=Kupreichyk", headers=BELARUSIAN).get_data(True)
    offers = re.search(r'id="directory-offers">(.*?)</ul>', page, re.S).group(1)
    assert "Matvei Kupreichyk</a>: 2 сустрэчы" in offers
    assert "Пошук: «Kupreichyk»" in page
    assert "Фільтры (1 актыўны)" in page
    french = client.get(
        f"/meetings?person={person.id}&from=2025-03-01", headers=FRENCH
    ).get_data(as_text=True)
    assert "Personne\u202f: Matvei Kupreichyk" in french
    assert "Du sam. 1 mars 2025" in french
    assert "Filtres (2 actifs)" in french


def test_the_month_view_names_months_and_days_in_the_language(client, make: Factories):
    make.user()
    make.meeting("Coalition meeting", start_utc=datetime(2026, 3, 16, 9), end_utc=None)
    french = client.get("/meetings?view=month&month=2026-03", headers=FRENCH)
    page = french.get_data(as_text=True)
    assert '<h2 id="period-label">mars 2026</h2>' in page
    headings = re.findall(r'<th scope="col"><abbr title="([^"]+)">([^<]+)</abbr>', page)
    assert headings[0] == ("lundi", "lun.") and headings[6] == ("dimanche", "dim.")
    assert "1 réunion — mars 2026." in text_of(page)
    assert "lundi 16 mars" in text_of(page)
    assert "Mois précédent\u202f: février 2026" in text_of(page)

    belarusian = client.get("/meetings?view=month&month=2026-03", headers=BELARUSIAN)
    page = belarusian.get_data(as_text=True)
    assert '<h2 id="period-label">сакавік 2026</h2>' in page
    headings = re.findall(r'<th scope="col"><abbr title="([^"]+)">([^<]+)</abbr>', page)
    assert [short for _, short in headings] == [
        "пн",
        "аў",
        "ср",
        "чц",
        "пт",
        "сб",
        "нд",
    ]
    assert headings[0][0] == "панядзелак"
    assert "1 сустрэча за сакавік 2026." in text_of(page)
    # A day in the grid: its month in the genitive ("16 сакавіка").
    assert "панядзелак 16 сакавіка" in text_of(page)


def test_the_week_view_labels_its_week_in_the_language(client, make: Factories):
    make.user()
    page = client.get("/meetings?view=week&week=2026-W12", headers=BELARUSIAN)
    text = text_of(page.get_data(as_text=True))
    assert "Тыдзень 12, 2026 (16–22 сакавіка 2026)" in text
    assert "За Тыдзень 12, 2026 (16–22 сакавіка 2026) сустрэч няма." in text
    page = client.get("/meetings?view=week&week=2026-W14", headers=FRENCH)
    text = text_of(page.get_data(as_text=True))
    assert "Semaine 14 de 2026 (30 mars – 5 avril 2026)" in text
    assert "Semaine suivante\u202f: Semaine 15 de 2026" in text


def test_a_bad_period_is_explained_in_the_language(client, make: Factories):
    make.user()
    response = client.get("/meetings?view=week&week=2025-W53", headers=FRENCH)
    assert response.status_code == 400
    assert "L’année 2025 n’a pas de semaine 53." in response.get_data(as_text=True)
    response = client.get("/meetings?view=month&month=2025-13", headers=BELARUSIAN)
    assert response.status_code == 400
    assert "Пазначце месяц у выглядзе 2026-03" in response.get_data(as_text=True)


@pytest.fixture
def sunday_first(monkeypatch):
    """A language whose weeks start on Sunday (US English, as Babel has it)."""
    monkeypatch.setattr(formatting, "current_locale", lambda: Locale.parse("en_US"))


def test_weeks_start_on_the_languages_first_day(sunday_first):
    today = date(2026, 3, 18)
    week = period_from_args("week", {"week": "2026-W12"}, today)
    # The seven days from Sunday holding ISO week 12's Monday, still named W12.
    assert (week.first, week.last) == (date(2026, 3, 15), date(2026, 3, 21))
    assert week.argument == "2026-W12"
    assert week.label == "Week 12, 2026 (15–21 March 2026)"
    assert period_containing("week", date(2026, 3, 15)) == week
    assert period_containing("week", date(2026, 3, 21)) == week
    assert week.previous.argument == "2026-W11" and week.next.argument == "2026-W13"
    assert period_from_args("week", {}, today) == week


def test_the_grids_start_on_the_languages_first_day(
    client, make: Factories, sunday_first
):
    make.user()
    make.meeting("Sunday call", start_utc=datetime(2026, 3, 15, 12), end_utc=None)
    page = client.get("/meetings?view=week&week=2026-W12").get_data(as_text=True)
    days = re.findall(r'<time datetime="([0-9-]+)">', page)
    assert days[0] == "2026-03-15" and days[-1] == "2026-03-21"
    assert "Sunday call" in page
    month = client.get("/meetings?view=month&month=2026-03").get_data(as_text=True)
    headings = re.findall(r'<th scope="col"><abbr title="([^"]+)">', month)
    assert headings[0] == "Sunday" and headings[-1] == "Saturday"
    # 1 March 2026 is a Sunday: the first row starts on it, no day of February.
    first_row = month.split("<tbody>")[1].split("</tr>")[0]
    assert 'class="outside"' not in first_row
    assert '<time datetime="2026-03-01">' in first_row


def test_the_languages_of_the_app_all_start_weeks_on_monday(client, make: Factories):
    make.user()
    for headers in ({}, FRENCH, BELARUSIAN):
        page = client.get("/meetings?view=week&week=2026-W12", headers=headers)
        days = re.findall(r'<time datetime="([0-9-]+)">', page.get_data(as_text=True))
        assert days[0] == "2026-03-16"
    assert period_containing("week", date(2026, 3, 22)).first == date(2026, 3, 16)
    assert period_containing("week", date(2026, 3, 22)).last - timedelta(days=6) == (
        date(2026, 3, 16)
    )
