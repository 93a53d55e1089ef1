"""The language switch in Chromium, as a new user meets it (issue 13).

A browser whose language is French sees the app in French from the sign-in
page on; the user switches to Belarusian on the account page, and the
history, the meeting form with its error messages and the calendar view all
follow, with no English left on them (text and what scripts add). Skipped
like the other browser tests when the tools are missing, unless
REQUIRE_BROWSER_TESTS=1.
"""

from datetime import date, datetime

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext

from tests import page_tour
from tests.factories import TEST_PASSWORD, Factories
from tests.test_browser_daily_use import tour  # noqa: F401  (the fixture)
from tests.test_translations import texts_of, unmarked_english


def translated(app, language: str, message: str) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message)


@pytest.fixture
def french_browser(request, tmp_path):
    """A live app with an editor and a Cyrillic meeting, and a French Chromium page."""
    with page_tour.live_app(request, tmp_path / "languages.sqlite") as (
        app,
        base,
        browser,
    ):
        with app.app_context():
            Factories().user("editor@example.org", "editor")
            today = date.today()
            Factories().meeting(
                title="Сустрэча кааліцыі",
                start_utc=datetime(today.year, today.month, 3, 9, 0),
                end_utc=datetime(today.year, today.month, 3, 11, 0),
            )
        context = browser.new_context(
            viewport=page_tour.DESKTOP,
            locale="fr-FR",
            extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"},
        )
        page = context.new_page()
        yield app, base, page
        context.close()


def page_language(page) -> str:
    return page.evaluate("document.documentElement.lang")


def english_on(page) -> set[str]:
    texts, _joined = texts_of(page.content())
    return unmarked_english(texts)


def test_french_browser_then_belarusian_account(french_browser):
    app, base, page = french_browser
    page.goto(base + "/meetings")
    assert page_language(page) == "fr"
    page.goto(base + "/sign-in")
    assert page_language(page) == "fr"
    page.fill("#email", "editor@example.org")
    page.fill("#password", TEST_PASSWORD)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)

    page.goto(base + "/meetings")
    assert page_language(page) == "fr"
    meetings_in_french = translated(app, "fr", "Meetings")
    assert meetings_in_french != "Meetings"
    assert page.locator("nav.site-nav").get_by_text(meetings_in_french).count() >= 1

    page.goto(base + "/account")
    page.select_option("#language", "be")
    page.locator("form[action$='/account/language'] [type=submit]").click()
    page.wait_for_url(lambda url: "/account" in url)
    assert page_language(page) == "be"

    page.goto(base + "/meetings")
    assert page_language(page) == "be"
    assert (
        page.locator("nav.site-nav")
        .get_by_text(translated(app, "be", "Meetings"))
        .count()
        >= 1
    )
    assert english_on(page) == set()

    page.goto(base + "/meetings/new")
    page.locator("button[name=save]").click()
    page.wait_for_load_state()
    assert page_language(page) == "be"
    assert page.locator(".error, [role=alert]").count() >= 1
    assert english_on(page) == set()

    page.goto(base + "/meetings?view=month")
    assert page_language(page) == "be"
    month_heading = format_date(date.today(), "LLLL y", locale="be")
    assert month_heading in page.content()
    assert english_on(page) == set()


def test_visitor_switches_language_in_the_footer(french_browser):
    app, base, page = french_browser
    page.goto(base + "/sign-in")
    assert page_language(page) == "fr"
    page.locator("footer .language-switch button[lang=be]").click()
    page.wait_for_url(lambda url: "/sign-in" in url)
    assert page_language(page) == "be"
    page.goto(base + "/meetings")
    assert page_language(page) == "be"


@pytest.mark.parametrize("language", ["be", "fr"])
def test_main_pages_fit_a_phone_in_each_language(tour, language):  # noqa: F811
    """Belarusian and French words run longer than English: no page of the tour
    scrolls sideways at 360 px nor at 1366 px, and axe-core finds nothing, in
    either language."""
    app, base, page, ids = tour
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size(page_tour.NARROWEST)
    problems = {}
    for name, path in page_tour.main_pages(ids).items():
        response = page.goto(base + path)
        assert response.status == 200, (name, response.status)
        assert page_language(page) == language
        overflow = page_tour.sideways_overflow(page)
        if overflow > 0:
            problems[f"{name}: scrolls sideways"] = f"{overflow}px"
        violations = page_tour.axe_violations(page)
        if violations:
            problems[f"{name}: axe"] = violations
        # And on a desktop, where the header's links stand in line.
        page.set_viewport_size(page_tour.DESKTOP)
        overflow = page_tour.sideways_overflow(page)
        if overflow > 0:
            problems[f"{name}: scrolls sideways at 1366 px"] = f"{overflow}px"
        page.set_viewport_size(page_tour.NARROWEST)
    assert problems == {}
