"""Every page the app has, in Chromium, in each language (issue 11's "Done when").

The tour of tests/test_browser_daily_use.py walks the main pages (those the
README photographs and their neighbours); this walk takes the rest, and the
states a page is only in after an action: the first run (set-up page, empty
history), the meeting form with its errors, the disclosure confirmation, the
account with a private feed, the replace and subscribe pages, the delete
message with Undo, a trash with a meeting in it, a trashed meeting's address,
the purge, merge previews and records, the .ics import form and its preview,
the charts of a person and an organization, the month and week grids, the
follow-ups, the new-record forms, the 404 page and signing in with a wrong
password. Each is measured at 390, 360 and 1366 px: no sideways scrolling,
nothing for axe-core. Skipped like the other browser tests when the tools are
missing, unless REQUIRE_BROWSER_TESTS=1.
"""

import pytest

from events_app.extensions import db
from events_app.models import Meeting
from tests import page_tour
from tests.factories import Factories
from tests.test_browser_follow_ups import add_follow_ups

WIDTHS = {
    "390 px": page_tour.PHONE,
    "360 px": page_tour.NARROWEST,
    "1366 px": page_tour.DESKTOP,
}
SAVE = "#meeting-form .actions button[name=save]"
INVITATION = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Calendar//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:invitation-1@example.org\r\n"
    b"DTSTAMP:20250101T000000Z\r\nDTSTART:20250301T100000Z\r\n"
    b"DTEND:20250301T110000Z\r\n"
    b"SUMMARY:Consultation with the coordination council on the transit "
    b"of humanitarian goods through Lithuania\r\n"
    b"LOCATION:Vilnius\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class Walk:
    """Measures the page in the browser at each width; collects what fails."""

    def __init__(self, page, base: str, language: str):
        self.page = page
        self.base = base
        self.language = language
        self.problems: dict[str, object] = {}
        self.seen: list[str] = []

    def goto(self, name: str, path: str, status: int = 200) -> None:
        response = self.page.goto(self.base + path)
        assert response.status == status, (name, path, response.status)
        self.check(name)

    def check(self, name: str) -> None:
        """The page as it is now, at every width (it is not loaded again)."""
        assert self.page.evaluate("document.documentElement.lang") == self.language
        self.seen.append(name)
        for width, viewport in WIDTHS.items():
            self.page.set_viewport_size(viewport)
            overflow = page_tour.sideways_overflow(self.page)
            if overflow > 0:
                self.problems[f"{name} at {width}: scrolls sideways"] = overflow
            violations = page_tour.axe_violations(self.page)
            if violations:
                self.problems[f"{name} at {width}: axe"] = violations
        self.page.set_viewport_size(page_tour.DESKTOP)

    def submit(self, button: str) -> None:
        """Press the button and wait for the page it brings."""
        with self.page.expect_navigation():
            self.page.locator(button).first.click()


@pytest.fixture
def first_run(request, tmp_path):
    """A live app with no account yet and a Chromium page (no language chosen)."""
    with page_tour.live_app(request, tmp_path / "every_page.sqlite") as (
        app,
        base,
        browser,
    ):
        context = browser.new_context(
            viewport=page_tour.DESKTOP, timezone_id="Europe/Vilnius"
        )
        yield app, base, context.new_page()
        context.close()


@pytest.mark.parametrize("language", ["en", "be", "fr"])
def test_every_other_page_fits_and_passes_axe(first_run, language):
    app, base, page = first_run
    page.set_extra_http_headers({"Accept-Language": language})
    walk = Walk(page, base, language)

    walk.goto("first run: set-up", "/setup")
    page_tour.sign_up_first_admin(page, base)
    walk.check("first run: empty history")

    ids = page_tour.load_demo(page, app, base)
    add_follow_ups(app, ids)
    with app.app_context():
        make = Factories()
        people = [make.person("Ales Bialiatski").id, make.person("Ales Bialatski").id]
        organizations = [
            make.organization("Viasna Human Rights Centre").id,
            make.organization("Viasna Human Rights Center").id,
        ]
        other = db.session.scalar(
            Meeting.__table__.select()
            .with_only_columns(Meeting.id)
            .where(Meeting.id != ids["meeting"], Meeting.confidentiality != "public")
            .order_by(Meeting.id)
        )
    topic = ids["topic"]
    for name, path in {
        "home": "/",
        "history, a filter in error": "/meetings?from=2025-13-01",
        "history, nothing found": "/meetings?q=nothing-like-this-anywhere",
        "month": "/meetings?view=month&month=2025-03",
        "week": "/meetings?view=week&week=2025-W12",
        "follow-ups": "/follow-ups",
        "subscribe, no feed yet": f"/subscribe?topic={topic}",
        "person charts": f"/people/{ids['person']}/charts",
        "organization charts": f"/organizations/{ids['organization']}/charts",
        "organization duplicates": "/organizations/duplicates",
        "organization merges": "/organizations/merges",
        "person merge preview": f"/people/{people[0]}/merge/{people[1]}",
        "organization merge preview": (
            f"/organizations/{organizations[0]}/merge/{organizations[1]}"
        ),
        "new person": "/people/new",
        "new organization": "/organizations/new",
        "new topic": "/topics/new",
        "import": "/import/ics",
    }.items():
        walk.goto(name, path)
    walk.goto("not found", "/meetings/999999", status=404)

    # The meeting form with one error of each kind, then the disclosure question.
    page.goto(base + "/meetings/new")
    page.fill("#start_date", "2025-06-12")
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "13:00")
    page.fill("#participants-0-note", "a note with no name")
    page.fill("#sources-0-url", "javascript:alert(1)")
    walk.submit(SAVE)
    page.wait_for_selector("#error-summary")
    walk.check("meeting form with errors")
    page.goto(f"{base}/meetings/{other}/edit")
    page.select_option("#confidentiality", "public")
    walk.submit(SAVE)
    page.wait_for_selector("#disclosure")
    walk.check("making a meeting public: the question")

    # A private feed: the account showing it, the subscribe page, replacing it.
    page.goto(base + "/account")
    walk.submit("form[action$='/account/feed'] [type=submit]")
    walk.check("account with a new private feed")
    walk.goto("subscribe with a feed", f"/subscribe?topic={topic}")
    walk.goto("replace the feed: the question", "/account/feed/replace")

    # A group to edit.
    page.goto(base + "/groups")
    page.fill("#name", "Vilnius office")
    walk.submit("main form:has(#name) [type=submit]")
    walk.check("groups with one")
    walk.goto("group", "/groups/1")

    # Deleting: the question, the message with Undo, the trash, the purge.
    walk.goto("delete: the question", f"/meetings/{other}/delete")
    walk.submit("form[action$='/delete'] [type=submit]")
    walk.check("deleted: the message with Undo")
    walk.goto("trash with a meeting", "/trash")
    walk.goto("a trashed meeting's address", f"/meetings/{other}", status=404)
    walk.goto("purge: the question", f"/trash/{other}/purge")

    # Merging two people: the message, the merges list, the merge's record.
    page.goto(f"{base}/people/{people[0]}/merge/{people[1]}")
    walk.submit("form[action*='/merge/'] [type=submit]")
    walk.check("merged: the message")
    walk.goto("person merges with one", "/people/merges")
    walk.goto("a merge's record", "/merges/1")

    # Importing an invitation: the preview.
    page.goto(base + "/import/ics")
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "invitation.ics",
                "mimeType": "text/calendar",
                "buffer": INVITATION,
            }
        ],
    )
    walk.submit("form[action$='/import/ics'] [type=submit]")
    page.wait_for_selector("#confirm-import")
    walk.check("import preview")

    # Signed out: signing in, and a wrong password.
    page.context.clear_cookies()
    walk.goto("sign in", "/sign-in")
    page.fill("#email", page_tour.ADMIN_EMAIL)
    page.fill("#password", "not the password")
    walk.submit("main form [type=submit]")
    walk.check("sign in, wrong password")

    assert walk.problems == {}
