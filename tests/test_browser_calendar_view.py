"""The month and week grids in Chromium at 390 px and 1366 px (issue 12, item 2).

A table of weeks on a desktop; on a phone, a list of the days that have
meetings, plus today; no sideways scrolling down to 360 px; no axe-core
violation; the grid works with JavaScript off. Skipped when Chromium,
Playwright or axe-core is missing, unless REQUIRE_BROWSER_TESTS=1.
"""

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from events_app.meetings.calendar_view import today_in, viewer_zone
from tests import page_tour
from tests.factories import Factories

DEMO_MONTH = "/meetings?view=month&month=2025-03"


@pytest.fixture
def tour(request, tmp_path):
    """A live app with the demo, a busy day, a cancelled meeting and one today."""
    with page_tour.live_app(request, tmp_path / "calendar.sqlite") as (
        app,
        base,
        browser,
    ):
        context = browser.new_context(
            viewport=page_tour.DESKTOP, timezone_id="Europe/Vilnius"
        )
        page = context.new_page()
        page_tour.prepare_demo(page, app, base)
        with app.app_context():
            make = Factories()
            for number in range(7):
                make.meeting(
                    f"Working group session {number} with a rather long title",
                    start_utc=datetime(2025, 3, 20, 7) + timedelta(hours=number),
                    timezone="America/Argentina/Buenos_Aires",
                )
            make.meeting(
                "Called-off visit",
                start_utc=datetime(2025, 3, 3, 9),
                status="cancelled",
            )
            # All day from 29 April to 2 May 2025 (Paris): over two months.
            make.meeting(
                "Spring assembly",
                start_utc=datetime(2025, 4, 28, 22),
                end_utc=datetime(2025, 5, 2, 22),
                all_day=True,
            )
            today = today_in(viewer_zone())
            make.meeting(
                "Meeting today", start_utc=datetime.combine(today, datetime.min.time())
            )
        yield base, page, browser
        context.close()


def grid_pages() -> dict[str, str]:
    return {
        "month": DEMO_MONTH,
        "week": "/meetings?view=week&week=2025-W12",
        "this month": "/meetings?view=month",
        "filtered month": DEMO_MONTH + "&status=held",
        "month with a meeting begun before": "/meetings?view=month&month=2025-05",
        "bad month": "/meetings?view=month&month=2025-13",
    }


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_grids_fit_and_pass_axe(tour, width):
    base, page, browser = tour
    page.set_viewport_size(page_tour.PHONE if width == "phone" else page_tour.DESKTOP)
    problems = {}
    for name, path in grid_pages().items():
        response = page.goto(base + path)
        expected = 400 if name == "bad month" else 200
        assert response.status == expected, (name, response.status)
        overflow = page_tour.sideways_overflow(page)
        if overflow > 0:
            problems[f"{name}: scrolls sideways"] = f"{overflow}px"
        violations = page_tour.axe_violations(page)
        if violations:
            problems[f"{name}: axe"] = violations
    if width == "phone":
        page.set_viewport_size(page_tour.NARROWEST)
        for name, path in grid_pages().items():
            page.goto(base + path)
            overflow = page_tour.sideways_overflow(page)
            if overflow > 0:
                problems[f"{name}: scrolls sideways at 360 px"] = f"{overflow}px"
    assert problems == {}


def test_a_desktop_shows_the_month_as_a_table(tour):
    base, page, browser = tour
    page.goto(base + DEMO_MONTH)
    table = page.get_by_role("table", name="Meetings in March 2025, a week a row")
    assert table.is_visible()
    assert page.get_by_role("columnheader").count() == 7
    assert table.locator("tbody tr").count() == 6  # 24 Feb to 6 Apr
    friday = page.locator("td", has=page.locator('time[datetime="2025-03-14"]'))
    assert "10:00 Paris time" in friday.inner_text()
    # The cells of a week sit side by side.
    monday = page.locator("td", has=page.locator('time[datetime="2025-03-10"]'))
    assert friday.bounding_box()["y"] == monday.bounding_box()["y"]
    busy = page.locator("td", has=page.locator('time[datetime="2025-03-20"]'))
    assert busy.get_by_role("link", name="+3 more on Thu 20 Mar 2025").is_visible()
    cancelled = page.get_by_role("link", name="Called-off visit")
    assert "line-through" in cancelled.evaluate(
        "element => getComputedStyle(element).textDecorationLine"
    )


def test_a_phone_lists_only_the_days_with_meetings_and_today(tour):
    base, page, browser = tour
    page.set_viewport_size(page_tour.PHONE)
    page.goto(base + DEMO_MONTH)
    assert not page.get_by_role("columnheader").first.is_visible()
    shown = [
        cell.locator("time").get_attribute("datetime")
        for cell in page.locator("table.month-grid td").all()
        if cell.is_visible()
    ]
    assert shown == ["2025-03-03", "2025-03-14", "2025-03-15", "2025-03-20"]
    first = page.locator('time[datetime="2025-03-14"]')
    assert "Friday 14 March" in first.inner_text()
    # The days follow one another down the page.
    boxes = [
        page.locator("td", has=page.locator(f'time[datetime="{day}"]')).bounding_box()
        for day in shown
    ]
    assert all(above["y"] < below["y"] for above, below in pairwise(boxes))
    page.goto(base + "/meetings?view=month")
    today = page.locator('td[aria-current="date"]')
    assert today.is_visible() and "today" in today.inner_text().lower()


def test_a_phone_lists_each_day_a_meeting_covers(tour):
    base, page, browser = tour
    page.set_viewport_size(page_tour.PHONE)
    page.goto(base + "/meetings?view=month&month=2025-05")
    shown = [
        cell.locator("time").get_attribute("datetime")
        for cell in page.locator("table.month-grid td").all()
        if cell.is_visible()
    ]
    assert shown == ["2025-05-01", "2025-05-02"]
    first = page.locator("td", has=page.locator('time[datetime="2025-05-01"]'))
    assert "Continues until Fri 2 May 2025" in first.inner_text()
    last = page.locator("td", has=page.locator('time[datetime="2025-05-02"]'))
    assert "Continues, last day" in last.inner_text()
    page.goto(base + "/meetings?view=week&week=2025-W18")
    days = [
        item.locator("time").get_attribute("datetime")
        for item in page.locator("ol.week-grid > li").all()
        if item.is_visible()
    ]
    assert days == ["2025-04-29", "2025-04-30", "2025-05-01", "2025-05-02"]


def test_links_are_reached_by_keyboard_in_order(tour):
    base, page, browser = tour
    page.goto(base + DEMO_MONTH)
    page.get_by_role("link", name="Today").focus()
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert reached[0].endswith("April 2025 →")
    assert reached[1] == "Called-off visit"
    assert reached[2] == page_tour.EDITED_TITLE
    assert reached[3] == "Closed briefing at the French Ministry of Foreign Affairs"
    assert reached[4].startswith("Working group session 0")


def test_the_grid_works_without_javascript(tour):
    base, page, browser = tour
    context = browser.new_context(viewport=page_tour.PHONE, java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.goto(base + DEMO_MONTH)
    plain.get_by_role("link", name="Week").click()
    assert "view=week&week=2025-W09" in plain.url
    plain.get_by_role("link", name="Next week: Week 10, 2025 →").click()
    assert "week=2025-W10" in plain.url
    # The click returns once the next page is committed, not loaded: wait for it.
    plain.get_by_role("link", name="Called-off visit").wait_for(state="visible")
    context.close()
