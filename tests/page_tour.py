"""A tour of the main pages in Chromium, shared by the browser test and the screenshots.

`prepare_demo` signs up the first admin in the browser, loads the demo
meetings and makes one edit (so there is a revision to compare);
`main_pages` lists the pages a new user meets, by a short name. The browser
test (tests/test_browser_daily_use.py) checks each for sideways scrolling and
axe-core; `python -m tests.screenshots` photographs each into docs/screenshots/.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from events_app.models import Meeting, Organization, Person, Topic
from tests.live_server import serving
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _browser_missing_reason

ROOT = Path(__file__).resolve().parent.parent
# axe-core comes from npm (tests/browser/package.json, `make install-test`).
AXE_SCRIPT = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "a long enough password"
EDITED_TITLE = "Alliance for a Democratic Belarus: third meeting (Vilnius)"


def prepare_demo(page, app, base: str) -> dict[str, int]:
    """First run in the browser, the demo loaded, one meeting renamed: record ids."""
    page.goto(base + "/meetings")
    sign_up_first_admin(page, base)
    return load_demo(page, app, base)


def sign_up_first_admin(page, base: str) -> None:
    """Fill the first-run page (where the app sends everyone before any account)."""
    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", ADMIN_PASSWORD)
    page.fill("#confirm", ADMIN_PASSWORD)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(base + "/meetings")


def load_demo(page, app, base: str) -> dict[str, int]:
    """The demo meetings loaded and one renamed in the browser: record ids."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    ids = demo_ids(app)
    page.goto(f"{base}/meetings/{ids['meeting']}/edit")
    page.fill("#title", EDITED_TITLE)
    page.click("button[name=save]")
    page.wait_for_url(f"{base}/meetings/{ids['meeting']}")
    return ids


def demo_ids(app) -> dict[str, int]:
    """Ids of a demo meeting and of a person, organization and topic in it."""
    with app.app_context():
        meeting = db.session.scalar(
            select(Meeting).where(Meeting.title.like("%third meeting%"))
        )
        return {
            "meeting": meeting.id,
            "person": db.session.scalar(select(Person.id).order_by(Person.id)),
            "organization": db.session.scalar(
                select(Organization.id).order_by(Organization.id)
            ),
            "topic": db.session.scalar(select(Topic.id).order_by(Topic.id)),
        }


def main_pages(ids: dict[str, int]) -> dict[str, str]:
    """The pages to check and photograph: short name -> path."""
    meeting = ids["meeting"]
    return {
        "history": "/meetings",
        "history-filtered": f"/meetings?q=alliance&topic={ids['topic']}",
        "meeting": f"/meetings/{meeting}",
        "meeting-form": "/meetings/new",
        "meeting-edit": f"/meetings/{meeting}/edit",
        "revisions": f"/meetings/{meeting}/revisions",
        "revision-diff": f"/meetings/{meeting}/revisions/1",
        "meeting-delete": f"/meetings/{meeting}/delete",
        "people": "/people",
        "person": f"/people/{ids['person']}",
        "person-edit": f"/people/{ids['person']}/edit",
        "people-duplicates": "/people/duplicates",
        "people-merges": "/people/merges",
        "organizations": "/organizations",
        "organization": f"/organizations/{ids['organization']}",
        "topics": "/topics",
        "topic": f"/topics/{ids['topic']}",
        "topic-edit": f"/topics/{ids['topic']}/edit",
        "organization-edit": f"/organizations/{ids['organization']}/edit",
        "import-ics": "/import/ics",
        "account": "/account",
        "users": "/users",
        "user": "/users/1",
        "groups": "/groups",
        "trash": "/trash",
        "audit": "/audit",
        "history-charts": "/meetings/charts?from=2025-01-01&to=2025-12-31",
        "topic-charts": f"/topics/{ids['topic']}/charts?from=2025-01-01&to=2025-12-31",
        "not-met-lately": "/not-met-lately",
    }


def launch_chromium(playwright):
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; its violations (empty when the page passes).

    Injected through the DevTools protocol, so the pages' CSP (scripts from
    'self' only) stays as it is served.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text())
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling).

    Measured two frames on, so that layout.js has answered a resize (the
    header folds into its Menu button when its links do not fit).
    """
    return page.evaluate(
        """() => new Promise(resolve => requestAnimationFrame(() =>
            requestAnimationFrame(() => resolve(
                document.documentElement.scrollWidth - window.innerWidth))))"""
    )


def missing_tools() -> str | None:
    """Why the tour cannot run here, or None."""
    reason = _browser_missing_reason()
    if reason:
        return reason
    if not AXE_SCRIPT.exists():
        return f"axe-core not installed at {AXE_SCRIPT} (run `make install-test`)"
    return None


def required() -> bool:
    """Whether missing tools are a failure (CI) rather than a reason to skip."""
    return os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


@contextmanager
def live_app(request, database_file: Path) -> Iterator[tuple]:
    """(app, base URL, the session's Chromium): a new app on its own SQLite file,
    with CSRF on, served over HTTP. Skips (or fails, when required) without the tools.
    """
    reason = missing_tools()
    if reason:
        if required():
            pytest.fail(reason)
        pytest.skip(reason)
    browser = request.getfixturevalue("chromium")
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database_file}",
        WTF_CSRF_ENABLED=True,
    )
    with app.app_context():
        db.create_all()
    try:
        with serving(app) as base:
            yield app, base, browser
    finally:
        with app.app_context():
            db.engine.dispose()
