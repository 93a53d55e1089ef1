"""Photograph the main pages at phone and desktop widths into docs/screenshots/.

Run with `make screenshots` (or `.venv/bin/python -m tests.screenshots`): serves
the app on a scratch SQLite file with the demo meetings, walks the same pages
as tests/test_browser_daily_use.py in Debian's Chromium and saves each page's
first screen as docs/screenshots/<page>-<width>.png. The README shows them.
"""

import sys
import tempfile
from pathlib import Path

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from tests import page_tour
from tests.live_server import serving

OUTPUT = page_tour.ROOT / "docs" / "screenshots"
# The pages photographed (names from page_tour.main_pages), in README order.
PHOTOGRAPHED = (
    "history",
    "history-filtered",
    "meeting",
    "meeting-form",
    "revision-diff",
    "person",
    "topic",
    "audit",
)
WIDTHS = {"390": page_tour.PHONE, "1366": page_tour.DESKTOP}


def take_screenshots(output: Path = OUTPUT) -> list[Path]:
    """Save the screenshots; the paths written."""
    from playwright.sync_api import sync_playwright

    output.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(
            TestConfig,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(scratch) / 'screens.sqlite'}",
            WTF_CSRF_ENABLED=True,
        )
        with app.app_context():
            db.create_all()
        with serving(app) as base, sync_playwright() as playwright:
            browser = page_tour.launch_chromium(playwright)
            context = browser.new_context(
                viewport=page_tour.DESKTOP, timezone_id="Europe/Vilnius"
            )
            page = context.new_page()
            pages = page_tour.main_pages(page_tour.prepare_demo(page, app, base))
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                for name in PHOTOGRAPHED:
                    page.goto(base + pages[name])
                    path = output / f"{name}-{width}.png"
                    page.screenshot(path=str(path))
                    written.append(path)
                page.goto(base + pages["history"])
                if page.locator(".site-menu > summary").is_visible():
                    page.click(".site-menu > summary")
                    path = output / f"menu-open-{width}.png"
                    page.screenshot(path=str(path))
                    written.append(path)
            context.close()
            browser.close()
        with app.app_context():
            db.engine.dispose()
    return written


if __name__ == "__main__":
    reason = page_tour.missing_tools()
    if reason:
        sys.exit(reason)
    for path in take_screenshots():
        print(path.relative_to(page_tour.ROOT))
