"""Issue 11 in Chromium: every main page at phone and desktop widths.

At 390 px no page scrolls sideways; at both widths axe-core finds nothing;
the header is one line on a desktop and a Menu button on a phone; the
history's filters fold away on a phone and show as chips; a revision reads as
a diff; a deletion can be undone from its message. Skipped when Chromium,
Playwright or axe-core is missing, unless REQUIRE_BROWSER_TESTS=1 (as in CI).
"""

import pytest

from tests import page_tour


@pytest.fixture
def tour(request, tmp_path):
    """A live app on its own SQLite file and a Chromium page, the demo prepared."""
    with page_tour.live_app(request, tmp_path / "tour.sqlite") as (app, base, browser):
        context = browser.new_context(
            viewport=page_tour.DESKTOP, timezone_id="Europe/Vilnius"
        )
        page = context.new_page()
        ids = page_tour.prepare_demo(page, app, base)
        yield app, base, page, ids
        context.close()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_main_pages_fit_and_pass_axe(tour, width):
    app, base, page, ids = tour
    viewport = page_tour.PHONE if width == "phone" else page_tour.DESKTOP
    page.set_viewport_size(viewport)
    problems = {}
    for name, path in page_tour.main_pages(ids).items():
        response = page.goto(base + path)
        assert response.status == 200, (name, response.status)
        overflow = page_tour.sideways_overflow(page)
        if width == "phone" and overflow > 0:
            problems[f"{name}: scrolls sideways"] = f"{overflow}px"
        violations = page_tour.axe_violations(page)
        if violations:
            problems[f"{name}: axe"] = violations
    if width == "phone":
        # The narrowest phones in use: still no sideways scrolling.
        page.set_viewport_size(page_tour.NARROWEST)
        for name, path in page_tour.main_pages(ids).items():
            page.goto(base + path)
            overflow = page_tour.sideways_overflow(page)
            if overflow > 0:
                problems[f"{name}: scrolls sideways at 360 px"] = f"{overflow}px"
        # Signed out: the sign-in page.
        page.context.clear_cookies()
        page.set_viewport_size(viewport)
        page.goto(base + "/sign-in")
        assert page_tour.sideways_overflow(page) <= 0
        assert page_tour.axe_violations(page) == []
    assert problems == {}


def test_header_is_one_line_on_desktop_and_a_menu_on_a_phone(tour):
    app, base, page, ids = tour
    page.goto(base + "/meetings")
    bar = page.locator(".site-bar").bounding_box()
    assert bar["height"] < 60
    assert page.get_by_role("link", name="Audit").is_visible()
    assert not page.locator(".site-menu > summary").is_visible()

    page.set_viewport_size(page_tour.PHONE)
    page.goto(base + "/meetings")
    assert page.locator(".site-bar").bounding_box()["height"] < 70
    assert not page.get_by_role("link", name="Audit").is_visible()
    page.click(".site-menu > summary")
    assert page.get_by_role("link", name="Audit").is_visible()
    # A phone's address bar hiding on scroll resizes the window: the menu stays.
    page.evaluate("window.dispatchEvent(new Event('resize'))")
    assert page.get_by_role("link", name="Audit").is_visible()


def bar_height(page) -> float:
    return page.locator(".site-bar").bounding_box()["height"]


@pytest.mark.parametrize("language", ["en", "be", "fr"])
def test_header_never_wraps_nor_overflows_in_any_language(tour, language):
    """Belarusian and French names run longer, and the product name is a
    setting: the header stays one line at every width, folding into the Menu
    button when its links do not fit, never scrolling the page sideways."""
    app, base, page, ids = tour
    page.set_extra_http_headers({"Accept-Language": language})
    problems = {}
    for product in ("", "Belarus desk of the Coordination Council's secretariat"):
        app.config["APP_NAME"] = product
        for width in (1366, 1120, 390, 360):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(base + "/meetings")
            where = f"{width} px, name {product!r}"
            overflow = page_tour.sideways_overflow(page)  # layout.js has answered
            if overflow > 0:
                problems[f"{where}: scrolls sideways"] = overflow
            brand = page.locator(".site-bar .brand")
            box = brand.bounding_box()
            if box["height"] > 30 or bar_height(page) > 70:
                problems[f"{where}: header wraps"] = bar_height(page)
            summary = page.locator(".site-menu > summary")
            folded = summary.is_visible()
            first = summary if folded else page.locator(".site-nav a").first
            if abs(first.bounding_box()["y"] - box["y"]) > 12:
                problems[f"{where}: links below the name"] = True
            if not folded and brand.evaluate("b => b.scrollWidth > b.clientWidth"):
                problems[f"{where}: links in line cut the name short"] = True
            if folded:
                summary.click()
                if not page.locator(".site-nav a[href='/audit']").is_visible():
                    problems[f"{where}: the menu does not open"] = True
    assert problems == {}


def test_filters_fold_on_a_phone_and_show_as_chips(tour):
    app, base, page, ids = tour
    page.set_viewport_size(page_tour.PHONE)
    page.goto(f"{base}/meetings?q=alliance&topic={ids['topic']}")
    assert not page.locator("#q").is_visible()
    first = page.locator(".meeting-line").first.bounding_box()
    assert first["y"] < page_tour.PHONE["height"]
    chips = page.locator(".chip")
    assert chips.count() == 2
    page.get_by_role("link", name="Remove the filter Search: “alliance”").click()
    assert "q=" not in page.url and f"topic={ids['topic']}" in page.url
    page.click(".filter-panel > summary")
    assert page.locator("#q").is_visible()

    page.set_viewport_size(page_tour.DESKTOP)
    page.goto(base + "/meetings")
    assert page.locator("#q").is_visible()
    assert page.locator(".meeting-line").first.bounding_box()["y"] < 768


def test_revision_diff_reads_at_a_glance(tour):
    app, base, page, ids = tour
    page.goto(f"{base}/meetings/{ids['meeting']}/revisions")
    page.get_by_role("link", name="1", exact=True).click()
    assert page.locator(".diff ins", has_text="(Vilnius)").count() == 1
    assert page.get_by_role("heading", name="Title").count() == 1


def test_delete_then_undo_from_the_message(tour):
    app, base, page, ids = tour
    meeting_url = f"{base}/meetings/{ids['meeting']}"

    def delete():
        page.goto(meeting_url + "/delete")
        page.get_by_role("button", name="Delete the meeting").click()
        page.wait_for_url(base + "/meetings")
        assert page.locator(".flash", has_text="moved to the trash").count() == 1

    delete()
    # Its address now says where it is, with the way back (an admin here).
    assert page.goto(meeting_url).status == 404
    assert page.get_by_role("heading", name="This meeting is in the trash").count()
    assert page.get_by_role("link", name="Open the trash").count() == 1
    page.get_by_role("button", name="Restore it").click()
    page.wait_for_url(meeting_url)
    assert page.get_by_text("is back").count() == 1

    delete()
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url(meeting_url)
    assert page.get_by_role("heading", name=page_tour.EDITED_TITLE).count() == 1
