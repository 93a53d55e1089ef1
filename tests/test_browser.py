"""The README's "Done when" walk, in Debian's Chromium driven by Playwright.

Skipped when Chromium is missing, unless REQUIRE_BROWSER_TESTS=1 (as in CI),
where a missing browser is a failure.
"""

import shutil
from pathlib import Path

import pytest
from icalendar import Calendar

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from tests.live_server import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture
def live_server(tmp_path):
    """The app on a random local port with its own SQLite file, served from a thread."""
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'browser.sqlite'}",
        WTF_CSRF_ENABLED=True,
        MEETINGS_PER_PAGE=25,
    )
    with app.app_context():
        db.create_all()
    with serving(app) as base_url:
        yield app, base_url
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(chromium):
    """A page of its own in the session's Chromium (tests/conftest.py)."""
    context = chromium.new_context(accept_downloads=True, timezone_id="Europe/Paris")
    yield context.new_page()
    context.close()


def test_newcomer_walk(live_server, page, tmp_path):
    app, base = live_server

    # A new installation leads its first visitor to create the admin account.
    page.goto(base + "/meetings")
    assert page.url.endswith("/setup")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "a long enough password")
    page.fill("#confirm", "a long enough password")
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(base + "/meetings")

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    page.reload()
    assert page.get_by_text("Alliance for a Democratic Belarus: third meeting").count()

    # Record a third meeting; the participant is typed in another spelling.
    page.goto(base + "/meetings/new")
    assert page.input_value("#timezone") == "Europe/Paris"
    page.fill("#title", "Alliance for a Democratic Belarus: fourth meeting")
    page.fill("#start_date", "2025-06-12")
    page.fill("#start_time", "10:00")
    page.fill("#end_time", "12:00")
    page.fill("#city", "Paris")
    page.fill("#participants-0-person", "Kupreychyk")
    page.fill("#participants-0-organization", "BELPOL")
    page.select_option("#participants-0-role", "speaker")
    page.fill("#topics-0-topic", "Sanctions > Sanctions circumvention")
    page.fill("#topics-0-note", "Transit of goods through Belarus.")
    rows_before = page.locator("[data-row=participants]").count()
    page.click("button[name=add_rows][value=participants]")
    assert page.locator("[data-row=participants]").count() == rows_before + 1
    assert page.input_value("#participants-0-person") == "Kupreychyk"
    page.click("button[name=save]")
    page.wait_for_url(lambda url: "/meetings/" in url and "/new" not in url)
    assert page.get_by_text("Meeting saved.").count()
    meeting_url = page.url
    assert page.get_by_role("link", name="Matvei Kupreichyk").count()

    # Find it in the history filtered by topic.
    page.goto(base + "/meetings")
    topic_field = page.locator("#topic_name")
    topic_field.press_sequentially("circumvention", delay=20)
    page.get_by_role("option", name="Sanctions > Sanctions circumvention").click()
    page.click("form.filters button[type=submit]")
    assert "topic=" in page.url
    assert topic_field.input_value() == "Sanctions > Sanctions circumvention"
    titles = page.locator(".meeting-line > a").all_inner_texts()
    assert "Alliance for a Democratic Belarus: fourth meeting" in titles
    assert "Alliance for a Democratic Belarus: third meeting" not in titles

    # His person page lists both his public appearances.
    page.goto(meeting_url)
    page.get_by_role("link", name="Matvei Kupreichyk").first.click()
    assert "/people/" in page.url
    body = page.inner_text("main")
    assert "Alliance for a Democratic Belarus: fourth meeting" in body
    assert "Alliance for a Democratic Belarus: third meeting" in body

    # The .ics download carries the right local time.
    page.goto(meeting_url)
    with page.expect_download() as download_info:
        page.click("text=Add to calendar (.ics)")
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".ics"
    calendar = Calendar.from_ical(path.read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    start = event.decoded("DTSTART")
    assert start.isoformat() == "2025-06-12T10:00:00+02:00"
    assert str(event["SUMMARY"]) == "Alliance for a Democratic Belarus: fourth meeting"
