"""The follow-ups list in Chromium at phone and desktop widths (issue 12).

No sideways scrolling at 360 and 390 px, nothing for axe-core at 390 and
1366 px, and marking one done from the list brings the same list back
without it. Skipped like tests/test_browser_daily_use.py when the tools are
missing, unless REQUIRE_BROWSER_TESTS=1.
"""

from datetime import date, timedelta

import pytest

from events_app.extensions import db
from events_app.models import Meeting, Outcome, Person
from tests import page_tour
from tests.test_browser_daily_use import tour  # noqa: F401  (the fixture)


def add_follow_ups(app, ids: dict[str, int]) -> None:
    with app.app_context():
        meeting = db.session.get(Meeting, ids["meeting"])
        person = db.session.get(Person, ids["person"])
        meeting.outcomes.append(
            Outcome(
                text="Send the sanctions report to the ministry, with the annexes "
                "on export controls and a summary of the hearings"
                "_and_a_very_long_unbroken_word_that_must_wrap",
                owner_person=person,
                due=date.today() - timedelta(days=7),
                position=len(meeting.outcomes),
            )
        )
        meeting.outcomes.append(
            Outcome(
                text="Share the briefing notes",
                due=date.today() + timedelta(days=7),
                position=len(meeting.outcomes),
            )
        )
        db.session.commit()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_follow_ups_list_fits_and_passes_axe(tour, width):  # noqa: F811
    app, base, page, ids = tour
    add_follow_ups(app, ids)
    viewport = page_tour.PHONE if width == "phone" else page_tour.DESKTOP
    page.set_viewport_size(viewport)
    paths = ["/follow-ups", "/follow-ups?overdue=1&status=any", "/meetings"]
    for path in paths:
        assert page.goto(base + path).status == 200
        if width == "phone":
            assert page_tour.sideways_overflow(page) <= 0, path
        assert page_tour.axe_violations(page) == [], path
    if width == "phone":
        page.set_viewport_size(page_tour.NARROWEST)
        for path in paths:
            page.goto(base + path)
            assert page_tour.sideways_overflow(page) <= 0, path


def test_mark_done_from_the_list_returns_to_the_same_list(tour):  # noqa: F811
    app, base, page, ids = tour
    add_follow_ups(app, ids)
    page.set_viewport_size(page_tour.PHONE)
    page.goto(f"{base}/follow-ups?person={ids['person']}")
    item = page.locator(".follow-up.overdue")
    assert item.count() == 1
    assert item.get_by_text("Overdue").count() == 1
    item.get_by_role("button", name="Mark done").click()
    page.wait_for_url(f"{base}/follow-ups?person={ids['person']}")
    assert page.locator(".flash", has_text="Marked done").count() == 1
    assert page.locator(".follow-up.overdue").count() == 0
