"""Issue 11's walk at phone and desktop widths, in Chromium driven by Playwright:
recording a meeting with one error of each kind, making it public, subscribing
from a topic page and keeping the private feed address across a reload.

The deployment is the default one (ANONYMOUS_ACCESS off), so every feed address
is fetched as a calendar app would: a plain HTTP client with no cookies.
"""

import re
import urllib.request

import pytest
from sqlalchemy import select

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from events_app.models import Meeting, Topic
from tests.live_server import serving

WIDTHS = {"phone": (390, 844), "desktop": (1366, 768)}


@pytest.fixture
def members_only_server(tmp_path):
    """The app with its default visibility (sign-in required) on a local port."""
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'browser.sqlite'}",
        WTF_CSRF_ENABLED=True,
        ANONYMOUS_ACCESS=False,
    )
    with app.app_context():
        db.create_all()
    with serving(app) as base_url:
        yield app, base_url
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=sorted(WIDTHS))
def sized_page(request, chromium):
    width, height = WIDTHS[request.param]
    context = chromium.new_context(
        viewport={"width": width, "height": height}, timezone_id="Europe/Vilnius"
    )
    yield context.new_page()
    context.close()


def fetch_like_a_calendar_app(address: str):
    """GET with no cookies, no session: what a calendar app does."""
    with urllib.request.urlopen(address, timeout=10) as response:  # noqa: S310
        return response.status, response.headers["Content-Type"], response.read()


def test_daily_use_walk(members_only_server, sized_page):
    app, base = members_only_server
    page = sized_page
    page.goto(base + "/setup")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "a long enough password")
    page.fill("#confirm", "a long enough password")
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(base + "/meetings")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    # A new meeting starts in the browser's zone; the access list and the
    # times show only when they apply.
    page.goto(base + "/meetings/new")
    assert page.input_value("#timezone") == "Europe/Vilnius"
    assert page.locator("#access").is_hidden()
    page.select_option("#confidentiality", "restricted")
    assert page.locator("#access").is_visible()
    page.select_option("#confidentiality", "internal")
    page.check("#all_day")
    assert page.locator("#start_time").is_hidden()
    page.uncheck("#all_day")
    assert page.locator("#start_time").is_visible()

    # One deliberate error of each kind; Enter in a field saves, adding no row.
    rows = page.locator("[data-row=participants]").count()
    page.fill("#timezone", "Vilnius")
    page.fill("#start_date", "2025-06-12")
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "13:00")
    page.fill("#participants-0-person", "Matvei Kupreichyk")
    page.fill("#participants-1-note", "a note with no name")
    page.fill("#sources-0-url", "javascript:alert(1)")
    page.fill("#city", "Vilnius")
    page.press("#city", "Enter")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary = page.inner_text("#error-summary")
    for message in (
        "Give the meeting a title.",
        "The end must be after the start.",
        "Name a person or an organization.",
        "full web address",
    ):
        assert message in summary
    assert page.locator("[data-row=participants]").count() == rows
    assert page.input_value("#timezone") == "Europe/Vilnius"
    page.click("#error-summary a[href='#title']")
    assert page.evaluate("document.activeElement.id") == "title"

    # Corrected, it saves.
    page.fill("#title", "Meeting in Vilnius")
    page.fill("#end_time", "16:00")
    page.fill("#participants-1-note", "")
    page.fill("#sources-0-url", "https://example.org/report")
    page.click(".actions button[name=save]")
    page.wait_for_url(lambda url: "/edit" not in url and "/new" not in url)
    assert page.get_by_text("Meeting saved.").count()
    meeting_url = page.url.split("#")[0]  # the summary link's #title stays on

    # Making it public asks first, saying to whom it becomes visible.
    page.goto(meeting_url + "/edit")
    page.select_option("#confidentiality", "public")
    page.click(".actions button[name=save]")
    page.wait_for_selector("#disclosure")
    assert "Making this meeting public shows it" in page.inner_text("#disclosure")
    assert page.evaluate("document.activeElement.id") == "disclosure"
    with app.app_context():
        saved = db.session.scalar(select(Meeting).where(Meeting.title.like("%Vilnius")))
        assert saved.confidentiality == "internal"
    page.click("#disclosure button[name=confirm_disclosure]")
    page.wait_for_url(lambda url: url.split("#")[0] == meeting_url)
    assert page.get_by_text("Meeting saved.").count()

    # Subscribe from a topic page; a calendar app with no cookies gets the feed.
    with app.app_context():
        topic_id = db.session.scalar(select(Topic.id).where(Topic.name == "Sanctions"))
    page.goto(f"{base}/topics/{topic_id}")
    page.click("text=Subscribe to these meetings")
    page.wait_for_url(lambda url: "/subscribe?topic=" in url)
    address = page.input_value("#feed-address")
    assert f"topic={topic_id}" in address
    status, content_type, body = fetch_like_a_calendar_app(address)
    assert status == 200 and content_type.startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in body

    # The account page: a new address needs confirming, then survives a reload.
    page.goto(base + "/account")
    assert re.search(r"At least \d+ characters\.", page.inner_text("main"))
    page.click("text=Make a new private feed address")
    page.wait_for_url(base + "/account/feed/replace")
    page.click("text=Replace the address")
    page.wait_for_url(lambda url: url.startswith(base + "/account"))
    assert page.locator("#new-feed-address").is_visible()
    assert page.locator("button.copy-button").first.is_visible()
    new_address = page.input_value("#new-feed-address")
    page.reload()
    assert page.input_value("#new-feed-address") == new_address
    status, content_type, _ = fetch_like_a_calendar_app(new_address)
    assert status == 200 and content_type.startswith("text/calendar")
    # The replaced feed's keys stopped with it.
    with pytest.raises(urllib.error.HTTPError) as stopped:
        fetch_like_a_calendar_app(address)
    assert stopped.value.code == 404
