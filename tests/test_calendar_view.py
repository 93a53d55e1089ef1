"""The history as a month or week grid (issue 12, item 2): /meetings?view=month."""

import re
from datetime import date, datetime, timedelta

import pytest

from config import TestConfig
from events_app import create_app
from events_app.meetings import calendar_view
from events_app.meetings.calendar_view import BadPeriod, period_from_args
from tests.conftest import AuthActions
from tests.factories import Factories


def day_cell(page: str, day: str) -> str:
    """The HTML of one day of a grid, from its date label to the next day's."""
    start = page.index(f'<time datetime="{day}">')
    following = page.find("<time datetime=", start + 1)
    return page[start : following if following != -1 else len(page)]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_demo_month_shows_both_paris_meetings_on_their_day_at_paris_time(
    client, runner, auth: AuthActions
):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    auth.sign_in_as("admin")  # one demo meeting is restricted
    response = client.get("/meetings?view=month&month=2025-03")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h2 id="period-label">March 2025</h2>' in page
    assert "2 meetings in March 2025" in text_of(page)
    friday = text_of(day_cell(page, "2025-03-14"))
    saturday = text_of(day_cell(page, "2025-03-15"))
    assert "10:00 Paris time Alliance for a Democratic Belarus" in friday
    assert "15:00 Paris time Closed briefing at the French Ministry" in saturday
    assert "Alliance" not in saturday and "Closed briefing" not in friday
    # A real table, with its caption and column headers.
    assert "<caption" in page and page.count('<th scope="col">') == 7


def test_a_meeting_sits_on_its_local_day_and_names_its_zone_if_not_the_viewers(
    app, client, make: Factories
):
    app.config["DISPLAY_TIMEZONE"] = "Europe/Paris"
    make.user()
    # 23:30 in New York on 14 March is 04:30 UTC on the 15th.
    make.meeting(
        "Late call",
        start_utc=datetime(2025, 3, 15, 3, 30),
        end_utc=None,
        timezone="America/New_York",
    )
    make.meeting("Paris lunch", start_utc=datetime(2025, 3, 15, 11), end_utc=None)
    make.meeting(
        "Strategy day",
        start_utc=datetime(2025, 3, 16, 23),
        end_utc=datetime(2025, 3, 19, 23),
        all_day=True,
        timezone="Europe/Paris",
    )
    page = client.get("/meetings?view=month&month=2025-03").get_data(as_text=True)
    assert "23:30 New York time Late call" in text_of(day_cell(page, "2025-03-14"))
    saturday = text_of(day_cell(page, "2025-03-15"))
    assert "12:00 Paris lunch" in saturday and "Paris time" not in saturday
    sunday = text_of(day_cell(page, "2025-03-17"))
    assert "All day, until Wed 19 Mar 2025 Strategy day" in sunday


def test_cancelled_and_postponed_meetings_say_so_in_words(client, make: Factories):
    make.user()
    for day, status in ((3, "cancelled"), (4, "postponed"), (5, "held")):
        make.meeting(
            f"Meeting {status}", start_utc=datetime(2025, 3, day, 9), status=status
        )
    page = client.get("/meetings?view=week&week=2025-W10").get_data(as_text=True)
    assert "Cancelled Meeting cancelled" in text_of(day_cell(page, "2025-03-03"))
    assert "Postponed Meeting postponed" in text_of(day_cell(page, "2025-03-04"))
    held = text_of(day_cell(page, "2025-03-05"))
    assert "Meeting held" in held and "Held" not in held
    assert 'class="calendar-meeting is-cancelled"' in page
    assert page.count('href="/meetings/') >= 3


def test_the_grid_takes_the_lists_filters_and_keeps_them_everywhere(
    client, make: Factories
):
    make.user()
    sanctions = make.topic("Sanctions")
    media = make.topic("Media freedom")
    make.meeting(
        "On sanctions", start_utc=datetime(2025, 3, 10, 9), topics=[(sanctions, "")]
    )
    make.meeting("On media", start_utc=datetime(2025, 3, 11, 9), topics=[(media, "")])
    make.meeting(
        "Sanctions call off",
        start_utc=datetime(2025, 3, 12, 9),
        topics=[(sanctions, "")],
        status="cancelled",
    )
    path = f"/meetings?view=month&month=2025-03&topic={sanctions.id}"
    page = client.get(path).get_data(as_text=True)
    assert "On sanctions" in page and "Sanctions call off" in page
    assert "On media" not in page
    assert "2 meetings matching these filters in March 2025" in text_of(page)
    page = client.get(path + "&status=cancelled").get_data(as_text=True)
    assert "Sanctions call off" in page and "On sanctions" not in page
    page = client.get(
        "/meetings?view=month&month=2025-03&q=media&from=2025-03-11"
    ).get_data(as_text=True)
    assert "On media" in page and "On sanctions" not in page
    # The filter form sends view and month along; the redirect keeps them.
    page = client.get(path).get_data(as_text=True)
    assert '<input type="hidden" name="view" value="month">' in page
    assert '<input type="hidden" name="month" value="2025-03">' in page
    response = client.get(
        f"/meetings?q=&from=&to=&topic={sanctions.id}&kind=&status=&view=month"
        "&month=2025-03"
    )
    assert response.status_code == 302
    assert "view=month" in response.headers["Location"]
    assert "month=2025-03" in response.headers["Location"]
    # Switching views and moving keep the filters.
    for link in ("/meetings?topic=", "view=week&amp;week=2025-W09", "month=2025-02"):
        assert any(
            link in href and f"topic={sanctions.id}" in href
            for href in re.findall(r'href="([^"]+)"', page)
        ), link


def test_a_busy_day_shows_its_first_meetings_and_links_the_rest(
    client, make: Factories
):
    make.user()
    topic = make.topic("Sanctions")
    for hour in range(7):
        make.meeting(
            f"Busy {hour}",
            start_utc=datetime(2025, 3, 10, 8 + hour),
            topics=[(topic, "")],
        )
    page = client.get(f"/meetings?view=month&month=2025-03&topic={topic.id}").get_data(
        as_text=True
    )
    cell = day_cell(page, "2025-03-10")
    shown = calendar_view.SHOWN_PER_DAY["month"]
    assert cell.count("calendar-meeting") == shown
    assert f"Busy {shown - 1}" in cell and f"Busy {shown}" not in cell
    assert f"+{7 - shown} more" in text_of(cell)
    more = re.search(r'class="more" href="([^"]+)"', cell).group(1)
    assert "from=2025-03-10" in more and "to=2025-03-10" in more
    assert f"topic={topic.id}" in more and "view=" not in more
    listed = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert "7 meetings match these filters" in listed
    assert "7 meetings in March 2025" not in text_of(page)
    assert "7 meetings matching these filters in March 2025" in text_of(page)
    # The week has room for all seven.
    page = client.get("/meetings?view=week&week=2025-W11").get_data(as_text=True)
    assert day_cell(page, "2025-03-10").count("calendar-meeting") == 7


def test_previous_next_and_today(app, client, make: Factories):
    make.user()
    page = client.get("/meetings?view=month&month=2025-01").get_data(as_text=True)
    assert 'rel="prev" href="/meetings?view=month&amp;month=2024-12"' in page
    assert 'rel="next" href="/meetings?view=month&amp;month=2025-02"' in page
    assert '<a href="/meetings?view=month">Today</a>' in page
    page = client.get("/meetings?view=week&week=2025-W01").get_data(as_text=True)
    assert 'rel="prev" href="/meetings?view=week&amp;week=2024-W52"' in page
    assert 'rel="next" href="/meetings?view=week&amp;week=2025-W02"' in page
    # Without a period: the month holding today, today marked.
    today = datetime.now(calendar_view.viewer_zone()).date()
    page = client.get("/meetings?view=month").get_data(as_text=True)
    assert f'<h2 id="period-label">{today:%B %Y}</h2>' in page
    assert 'aria-current="date"' in page
    assert "Today" in text_of(day_cell(page, today.isoformat()))
    page = client.get("/meetings?view=week").get_data(as_text=True)
    assert f'<time datetime="{today.isoformat()}">' in page
    # The first and last months and weeks the app serves lead nowhere further.
    page = client.get("/meetings?view=month&month=1900-01").get_data(as_text=True)
    assert 'rel="prev"' not in page and "No earlier month" in page
    page = client.get("/meetings?view=month&month=2199-12").get_data(as_text=True)
    assert 'rel="next"' not in page and "No later month" in page
    page = client.get("/meetings?view=week&week=2199-W52").get_data(as_text=True)
    assert 'rel="next" href="/meetings?view=week&amp;week=2200-W01"' in page
    page = client.get("/meetings?view=week&week=2200-W01").get_data(as_text=True)
    assert 'rel="next"' not in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("view=month&month=2025-13", "Use a month like 2026-03"),
        ("view=month&month=2025-3", "Use a month like 2026-03"),
        ("view=month&month=March", "Use a month like 2026-03"),
        ("view=month&month=0000-01", "1900 to 2199"),
        ("view=month&month=1899-12", "1900 to 2199"),
        ("view=month&month=2200-01", "1900 to 2199"),
        ("view=month&month=99999999999999999999-01", "Use a month like 2026-03"),
        ("view=week&week=2025-W53", "2025 has no week 53"),
        ("view=week&week=2025-W00", "2025 has no week 0"),
        ("view=week&week=2025-11", "Use a week like 2026-W11"),
        ("view=week&week=1899-W52", "1900 to 2199"),
        ("view=week&week=2200-W02", "1900 to 2199"),
        ("view=week&week=9999-W52", "1900 to 2199"),
        ("view=calendar", "Unknown view"),
    ],
)
def test_bad_periods_answer_400_with_the_reason(
    client, make: Factories, query, message
):
    make.user()
    make.meeting("Coalition meeting")
    response = client.get(f"/meetings?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "Coalition meeting" not in page


def test_the_list_keeps_its_paging_and_counts(client, make: Factories):
    make.user()
    for day in range(1, 8):
        make.meeting(f"Meeting {day}", start_utc=datetime(2025, 3, day, 9))
    listed = client.get("/meetings").get_data(as_text=True)
    assert "7 meetings" in listed and "Page 1 of 2" in listed
    as_list = client.get("/meetings?view=list").get_data(as_text=True)

    def main_part(page: str) -> str:
        return page.split("<main")[1].split("</main>")[0]

    assert main_part(as_list).replace("view=list&amp;", "") == main_part(listed)
    assert (
        client.get("/meetings?page=2")
        .get_data(as_text=True)
        .count('class="meeting-line"')
        == 2
    )
    # The switch offers the grids from the list.
    assert '<a href="/meetings" aria-current="page">List</a>' in listed
    assert '<a href="/meetings?view=month">Month</a>' in listed


def test_an_unknown_display_zone_stops_the_app_at_start_up():
    with pytest.raises(ValueError, match="DISPLAY_TIMEZONE='Mars/Olympus'"):
        create_app(TestConfig, DISPLAY_TIMEZONE="Mars/Olympus")


def test_period_arguments():
    today = date(2026, 3, 11)
    month = period_from_args("month", {"month": "2026-02"}, today)
    assert (month.first, month.last, month.argument) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        "2026-02",
    )
    week = period_from_args("week", {"week": "2026-w11"}, today)
    assert (week.first, week.last, week.argument) == (
        date(2026, 3, 9),
        date(2026, 3, 15),
        "2026-W11",
    )
    assert week.label == "Week 11, 2026 (9–15 March 2026)"
    assert period_from_args("week", {}, today) == week
    assert week.switched(today).argument == "2026-03"
    assert month.switched(today).argument == "2026-W05"
    assert period_from_args("week", {"week": "2026-W01"}, today).first == date(
        2025, 12, 29
    )
    with pytest.raises(BadPeriod):
        period_from_args("month", {"month": "2026-00"}, today)
    assert period_from_args("month", {"month": "2024-02"}, today).last == date(
        2024, 2, 29
    )
    assert month.next.argument == "2026-03" and month.previous.argument == "2026-01"
    assert week.next.first == week.first + timedelta(days=7)


def day_classes(page: str, day: str) -> str:
    """The class of a day's cell (table cell or list item) in a grid."""
    start = page.index(f'<time datetime="{day}">')
    opening = page.rfind("<td", 0, start), page.rfind("<li class=", 0, start)
    tag = page[max(opening) : page.index(">", max(opening))]
    return re.search(r'class="([^"]*)"', tag).group(1)


def spanning_meetings(make: Factories) -> None:
    """A three-day all-day conference (17-19 March 2025), a night session
    from 22:00 to 02:00 (10-11 March) and a visit from 27 February to
    2 March, all at Paris time."""
    make.meeting(
        "Coalition conference",
        start_utc=datetime(2025, 3, 16, 23),
        end_utc=datetime(2025, 3, 19, 23),
        all_day=True,
    )
    make.meeting(
        "Night session",
        start_utc=datetime(2025, 3, 10, 21),
        end_utc=datetime(2025, 3, 11, 1),
    )
    make.meeting(
        "Study visit",
        start_utc=datetime(2025, 2, 27, 8),
        end_utc=datetime(2025, 3, 2, 16),
    )


def test_a_meeting_over_several_days_shows_on_each_of_them(app, client, make):
    app.config["DISPLAY_TIMEZONE"] = "Europe/Paris"
    make.user()
    spanning_meetings(make)
    page = client.get("/meetings?view=month&month=2025-03").get_data(as_text=True)
    cell = {day: text_of(day_cell(page, f"2025-03-{day:02d}")) for day in range(1, 32)}
    # The all-day conference: its first day, then "continues" to its last.
    assert "All day, until Wed 19 Mar 2025 Coalition conference" in cell[17]
    assert "Continues until Wed 19 Mar 2025 Coalition conference" in cell[18]
    assert "Continues, last day Coalition conference" in cell[19]
    # From 22:00 to 02:00 the next day, in the viewer's zone.
    assert "22:00, until Tue 11 Mar 2025 Night session" in cell[10]
    assert "Continues until 02:00 Night session" in cell[11]
    # Begun in February, it shows on the days of March it covers.
    assert "Continues until Sun 2 Mar 2025 Study visit" in cell[1]
    assert "Continues until 17:00 Study visit" in cell[2]
    for title, days in (
        ("Coalition conference", {17, 18, 19}),
        ("Night session", {10, 11}),
        ("Study visit", {1, 2}),
    ):
        assert {day for day in cell if title in cell[day]} == days, title
    for day in (1, 2, 10, 11, 17, 18, 19):
        # The phone's list shows the days with meetings (class has-meetings).
        assert "has-meetings" in day_classes(page, f"2025-03-{day:02d}"), day
    assert "no-meetings" in day_classes(page, "2025-03-20")
    assert page.count("calendar-meeting continues") == 5
    # The period counts meetings, not days.
    assert "3 meetings in March 2025" in text_of(page)
    page = client.get("/meetings?view=month&month=2025-02").get_data(as_text=True)
    assert "09:00, until Sun 2 Mar 2025 Study visit" in text_of(
        day_cell(page, "2025-02-27")
    )
    assert "Continues until Sun 2 Mar 2025 Study visit" in text_of(
        day_cell(page, "2025-02-28")
    )
    assert "1 meeting in February 2025" in text_of(page)


def test_the_week_shows_the_days_a_meeting_covers(app, client, make):
    app.config["DISPLAY_TIMEZONE"] = "Europe/Paris"
    make.user()
    spanning_meetings(make)
    page = client.get("/meetings?view=week&week=2025-W12").get_data(as_text=True)
    for day in (17, 18, 19):
        assert "Coalition conference" in day_cell(page, f"2025-03-{day:02d}")
        assert "has-meetings" in day_classes(page, f"2025-03-{day:02d}")
    assert "Coalition conference" not in day_cell(page, "2025-03-20")
    assert "1 meeting in Week 12, 2025" in text_of(page)
    # The week of 24 February holds the visit's first days; the next week
    # (3-9 March) none of it, and the one of 10 March the night session.
    page = client.get("/meetings?view=week&week=2025-W09").get_data(as_text=True)
    assert "Study visit" in day_cell(page, "2025-03-01")
    assert "Study visit" in day_cell(page, "2025-03-02")
    assert "1 meeting in Week 9, 2025" in text_of(page)
    page = client.get("/meetings?view=week&week=2025-W10").get_data(as_text=True)
    assert "Study visit" not in page and "No meetings in Week 10" in page
    page = client.get("/meetings?view=week&week=2025-W11").get_data(as_text=True)
    assert "Continues until 02:00 Night session" in text_of(
        day_cell(page, "2025-03-11")
    )


def test_a_continuing_meeting_counts_in_its_days_more(app, client, make):
    app.config["DISPLAY_TIMEZONE"] = "Europe/Paris"
    make.user()
    spanning_meetings(make)
    shown = calendar_view.SHOWN_PER_DAY["month"]
    for hour in range(shown):
        make.meeting(f"Side meeting {hour}", start_utc=datetime(2025, 3, 18, 8 + hour))
    page = client.get("/meetings?view=month&month=2025-03").get_data(as_text=True)
    cell = day_cell(page, "2025-03-18")
    # The conference began first, so it comes first; one side meeting waits.
    assert cell.count("calendar-meeting") == shown
    assert "Coalition conference" in cell and f"Side meeting {shown - 1}" not in cell
    assert "+1 more" in text_of(cell)
    assert f"{3 + shown} meetings in March 2025" in text_of(page)


def test_a_long_event_shows_on_its_first_day_with_a_note(app, client, make):
    app.config["DISPLAY_TIMEZONE"] = "Europe/Paris"
    make.user()
    longest = calendar_view.LONGEST_SPREAD_DAYS
    # Exactly the longest spread: on each of its days.
    make.meeting(
        "Exhibition",
        start_utc=datetime(2025, 2, 28, 23),
        end_utc=datetime(2025, 2, 28, 23) + timedelta(days=longest),
        all_day=True,
    )
    # One day longer: on its first day only, saying so.
    make.meeting(
        "Season of talks",
        start_utc=datetime(2025, 3, 4, 23),
        end_utc=datetime(2025, 3, 4, 23) + timedelta(days=longest + 1),
        all_day=True,
    )
    page = client.get("/meetings?view=month&month=2025-03").get_data(as_text=True)
    last = date(2025, 3, 1) + timedelta(days=longest - 1)
    assert "Exhibition" in day_cell(page, "2025-03-01")
    assert "Exhibition" in day_cell(page, last.isoformat())
    first = text_of(day_cell(page, "2025-03-05"))
    assert "All day, until Sat 5 Apr 2025" in first and "Season of talks" in first
    assert "shown on its first day only" in first
    assert "Season of talks" not in day_cell(page, "2025-03-06")
    assert "2 meetings in March 2025" in text_of(page)
    page = client.get("/meetings?view=month&month=2025-04").get_data(as_text=True)
    assert "Season of talks" not in page and "No meetings in April 2025" in page


def test_a_timed_meeting_ending_at_midnight_stays_on_its_day(app, client, make):
    app.config["DISPLAY_TIMEZONE"] = "Europe/Paris"
    make.user()
    make.meeting(
        "Evening debate",
        start_utc=datetime(2025, 3, 12, 20),
        end_utc=datetime(2025, 3, 12, 23),
    )
    page = client.get("/meetings?view=month&month=2025-03").get_data(as_text=True)
    assert "21:00 Evening debate" in text_of(day_cell(page, "2025-03-12"))
    assert "Evening debate" not in day_cell(page, "2025-03-13")
