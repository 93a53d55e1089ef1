"""Subscriptions that work when pasted into a calendar app (issue 11, items 1-4).

Calendar apps carry no browser session: every feed or .ics address the pages
offer must answer them, the public feed is offered only where it answers, and
the private feed's address is shown with post/redirect/get.
"""

import re

import pytest
from flask import g, has_app_context
from sqlalchemy import select

from events_app.extensions import db
from events_app.models import FeedToken
from tests import test_feeds
from tests.test_feeds import event_titles

meetings = test_feeds.meetings  # the same fixture: four meetings, one per level

FEED_ADDRESS = re.compile(r'value="http://localhost(/feeds/[^"]+\.ics[^"]*)"')


def shown_address(page: str) -> str:
    match = FEED_ADDRESS.search(page)
    assert match, page
    return match.group(1).replace("&amp;", "&")


def fetch_without_session(app, path: str):
    """GET as a calendar app does: a new client with no cookies.

    The `make` fixture keeps an app context open, which requests reuse, so the
    user signed in by an earlier request is forgotten first, and the anonymous
    visitor forgotten after.
    """
    if has_app_context():
        g.pop("_login_user", None)
    response = app.test_client().get(path)
    if has_app_context():
        g.pop("_login_user", None)
    return response


def live_tokens(app) -> int:
    with app.app_context():
        return len(
            db.session.scalars(
                select(FeedToken).where(FeedToken.revoked_at.is_(None))
            ).all()
        )


@pytest.fixture
def members_only(app):
    app.config["ANONYMOUS_ACCESS"] = False
    return app


class TestOfferedFeedsWork:
    def test_public_feed_not_offered_when_anonymous_access_is_off(
        self, members_only, app, client, auth, meetings
    ):
        auth.sign_in_as("viewer")
        topic = meetings["ids"]["topic"]
        for path in ("/meetings", f"/topics/{topic}"):
            page = client.get(path).get_data(as_text=True)
            assert "/calendar.ics" not in page, path
            assert "Subscribe to these meetings" in page, path
        assert fetch_without_session(app, "/calendar.ics").status_code == 404

    def test_public_feed_offered_when_anonymous_access_is_on(
        self, client, auth, meetings
    ):
        page = client.get("/meetings").get_data(as_text=True)
        assert "/calendar.ics" in page
        assert "Subscribe to these meetings" not in page  # no account: no button

    def test_subscribe_from_a_topic_page_in_one_click(
        self, members_only, app, client, auth, meetings
    ):
        auth.sign_in_as("viewer")
        topic = meetings["ids"]["topic"]
        assert live_tokens(app) == 0
        response = client.post("/subscribe", data={"topic": topic})
        assert response.status_code == 302
        assert response.location == f"/subscribe?topic={topic}"
        page = client.get(response.location).get_data(as_text=True)
        assert "topic Sanctions" in page
        address = shown_address(page)
        assert f"topic={topic}" in address
        assert live_tokens(app) == 1
        # A second click and a reload reuse the feed, never replace it.
        client.post("/subscribe", data={"topic": topic})
        assert shown_address(client.get(f"/subscribe?topic={topic}").data.decode())
        assert live_tokens(app) == 1
        auth.sign_out()
        feed = fetch_without_session(app, address)
        assert feed.status_code == 200
        assert feed.content_type.startswith("text/calendar")
        assert event_titles(feed.data) == {
            "Public sanctions talk",
            "Internal sanctions call",
        }

    def test_subscription_keys_stop_with_the_feed(
        self, members_only, app, client, auth, meetings
    ):
        auth.sign_in_as("viewer")
        client.post("/subscribe", data={})
        address = shown_address(client.get("/subscribe").get_data(as_text=True))
        assert fetch_without_session(app, address).status_code == 200
        client.post("/account/feed", data={"confirm": "yes"})
        assert fetch_without_session(app, address).status_code == 404
        client.post("/subscribe", data={})
        address = shown_address(client.get("/subscribe").get_data(as_text=True))
        client.post("/account/feed/revoke")
        assert fetch_without_session(app, address).status_code == 404

    def test_forged_or_other_keys_are_refused(self, app, client, auth, meetings):
        auth.sign_in_as("viewer")
        client.post("/subscribe", data={})
        address = shown_address(client.get("/subscribe").get_data(as_text=True))
        token_id, mac = address.removeprefix("/feeds/").removesuffix(".ics").split(".")
        forged = f"/feeds/{token_id}.{'0' * 64}.ics"
        other_row = f"/feeds/{int(token_id) + 1}.{mac}.ics"
        for path in (forged, other_row):
            assert fetch_without_session(app, path).status_code == 404

    def test_meeting_link_to_copy_works_without_a_session(
        self, members_only, app, client, auth, meetings
    ):
        auth.sign_in_as("viewer")
        meeting_id = meetings["internal"].id
        page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
        assert f'/meetings/{meeting_id}.ics"' not in page.split('id="calendar"')[1]
        assert "Get a link for calendar apps" in page
        response = client.post("/subscribe", data={"meeting": meeting_id})
        assert response.location == f"/meetings/{meeting_id}#calendar"
        page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
        address = shown_address(page)
        assert address.endswith(f"/meetings/{meeting_id}.ics")
        single = fetch_without_session(app, address)
        assert single.status_code == 200
        assert single.content_type.startswith("text/calendar")
        assert event_titles(single.data) == {"Internal sanctions call"}
        # The key reads only what its owner may see.
        hidden = address.replace(
            f"/meetings/{meeting_id}.ics", f"/meetings/{meetings['restricted'].id}.ics"
        )
        assert fetch_without_session(app, hidden).status_code == 404

    def test_public_meeting_link_is_the_plain_one_with_anonymous_access(
        self, client, meetings
    ):
        meeting_id = meetings["public_other"].id
        page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
        # The plain address, not a key:
        assert f'value="http://localhost/meetings/{meeting_id}.ics"' in page
        assert client.get(f"/meetings/{meeting_id}.ics").status_code == 200


# Every address a page offers a calendar app: links and the fields to copy.
OFFERED_CALENDAR_ADDRESS = re.compile(
    r'(?:href|value)="((?:webcal|https?)://localhost/[^"]*\.ics[^"]*|/[^"]*\.ics[^"]*)"'
)


def test_every_calendar_address_offered_works_without_a_session(
    members_only, app, client, auth, meetings
):
    """Whatever .ics or webcal address a page offers (a feed, a meeting's file,
    the follow-ups) a calendar app can fetch: it carries no browser session."""
    auth.sign_in_as("viewer")
    client.post("/account/feed")
    ids = meetings["ids"]
    meeting = meetings["internal"].id
    pages = [
        "/meetings",
        "/meetings?view=month&month=2025-03",
        "/meetings?view=week&week=2025-W12",
        f"/meetings/{meeting}",
        f"/meetings/{meeting}/revisions",
        "/follow-ups",
        "/account",
        "/subscribe",
        f"/subscribe?topic={ids['topic']}",
        f"/topics/{ids['topic']}",
        f"/people/{ids['person']}",
    ]
    offered = {}
    for path in pages:
        page = client.get(path).get_data(as_text=True)
        for address in OFFERED_CALENDAR_ADDRESS.findall(page):
            offered.setdefault(address.replace("&amp;", "&"), path)
    assert any(f"/meetings/{meeting}.ics" in address for address in offered)
    auth.sign_out()
    failing = {}
    for address, path in offered.items():
        local = re.sub(r"^(webcal|https?)://localhost", "", address)
        response = fetch_without_session(app, local)
        if response.status_code != 200 or not response.content_type.startswith(
            "text/calendar"
        ):
            failing[address] = (path, response.status_code)
    assert failing == {}


def test_a_meetings_file_without_a_feed_is_a_download(
    members_only, client, auth, meetings
):
    """With no private feed yet, the meeting's file is for the browser to save
    (it needs the session); the page offers the link for calendar apps beside it."""
    auth.sign_in_as("viewer")
    meeting = meetings["internal"].id
    page = client.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert f'href="/meetings/{meeting}.ics" download' in page
    assert "Get a link for calendar apps" in page


class TestPrivateFeedAddressIsKept:
    def test_create_redirects_and_reload_shows_the_same_address(
        self, app, client, auth, meetings
    ):
        auth.sign_in_as("viewer")
        response = client.post("/account/feed")
        assert response.status_code == 302
        assert response.location == "/account#private-feed"
        first = shown_address(client.get("/account").get_data(as_text=True))
        second = shown_address(client.get("/account").get_data(as_text=True))
        assert first == second
        assert live_tokens(app) == 1
        assert fetch_without_session(app, first).status_code == 200

    def test_replacing_a_working_address_asks_first(self, app, client, auth, meetings):
        auth.sign_in_as("viewer")
        client.post("/account/feed")
        address = shown_address(client.get("/account").get_data(as_text=True))
        response = client.post("/account/feed")
        assert response.location == "/account/feed/replace"
        assert fetch_without_session(app, address).status_code == 200
        page = client.get(response.location).get_data(as_text=True)
        assert "stops receiving meetings" in page
        assert 'name="confirm" value="yes"' in page
        client.post("/account/feed", data={"confirm": "yes"})
        assert fetch_without_session(app, address).status_code == 404
        assert shown_address(client.get("/account").get_data(as_text=True)) != address

    def test_account_page_states_the_password_length(self, client, auth):
        auth.sign_in_as("viewer")
        client.post("/account/feed")
        page = client.get("/account").get_data(as_text=True)
        assert "At least characters" not in page
        assert re.search(r"At least \d+ characters", page)
