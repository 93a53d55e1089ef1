"""Subscription feeds: filters, private tokens, caching and change tracking."""

import gc
import re
from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from events_app.calendar import feed_loading
from events_app.calendar import routes as calendar_routes
from events_app.calendar.feed_loading import garbage_collection_paused
from events_app.extensions import db
from events_app.models import FeedToken, Meeting, Person
from tests.statements import statements_sent
from tests.test_meetings import meeting_form_data


def event_titles(body: bytes) -> set[str]:
    return {str(item["SUMMARY"]) for item in Calendar.from_ical(body).walk("VEVENT")}


def events_by_title(body: bytes) -> dict:
    return {
        str(item["SUMMARY"]): item for item in Calendar.from_ical(body).walk("VEVENT")
    }


@pytest.fixture
def meetings(make):
    make.user(email="admin@example.org", role="admin")
    sanctions = make.topic("Sanctions")
    circumvention = make.topic("Sanctions circumvention", parent=sanctions)
    person = make.person("Matvei Kupreichyk")
    return {
        "public_sanctions": make.meeting(
            "Public sanctions talk",
            confidentiality="public",
            kind="conference",
            series="Alliance",
            topics=[(circumvention, "")],
            participants=[(person, None, "speaker")],
        ),
        "public_other": make.meeting(
            "Public other talk",
            confidentiality="public",
            kind="call",
            start_utc=datetime(2025, 5, 1, 9),
            end_utc=datetime(2025, 5, 1, 10),
        ),
        "internal": make.meeting(
            "Internal sanctions call",
            confidentiality="internal",
            topics=[(sanctions, "")],
        ),
        "restricted": make.meeting(
            "Closed ministry briefing",
            confidentiality="restricted",
            topics=[(sanctions, "")],
        ),
        "ids": {"topic": sanctions.id, "person": person.id},
    }


class TestPublicFeed:
    def test_filters_match_the_history_view(self, client, meetings):
        ids = meetings["ids"]
        for query, expected in [
            (f"?topic={ids['topic']}", {"Public sanctions talk"}),
            (f"?person={ids['person']}", {"Public sanctions talk"}),
            ("?kind=call", {"Public other talk"}),
            ("?series=Alliance", {"Public sanctions talk"}),
            ("?q=other", {"Public other talk"}),
            ("", {"Public sanctions talk", "Public other talk"}),
        ]:
            feed = event_titles(client.get("/calendar.ics" + query).data)
            history = set(
                re.findall(
                    r'<a href="/meetings/\d+">([^<]+)</a>',
                    client.get("/meetings" + query).get_data(as_text=True),
                )
            )
            assert feed == expected == history, query

    def test_bad_filter_is_a_clear_400(self, client, meetings):
        response = client.get("/calendar.ics?from=yesterday")
        assert response.status_code == 400
        assert "Use a date like 2025-03-14." in response.get_data(as_text=True)

    def test_never_carries_internal_or_restricted(self, client, auth, meetings):
        auth.sign_in_as("admin")
        body = client.get("/calendar.ics").data
        assert b"Internal sanctions call" not in body
        assert b"Closed ministry briefing" not in body

    def test_headers_and_same_body_whatever_accept(self, client, meetings):
        first = client.get("/calendar.ics", headers={"Accept": "text/html"})
        second = client.get("/calendar.ics", headers={"Accept": "application/json"})
        assert first.status_code == second.status_code == 200
        assert first.data == second.data
        assert first.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert first.headers["Cache-Control"].startswith("public")
        assert not first.headers["ETag"].startswith("W/")
        assert first.headers["Last-Modified"]

    def test_conditional_requests_get_304_without_building(
        self, app, client, meetings, monkeypatch
    ):
        first = client.get(f"/calendar.ics?topic={meetings['ids']['topic']}")

        def must_not_build(*args, **kwargs):
            raise AssertionError("the calendar was built for a 304")

        monkeypatch.setattr(calendar_routes, "meetings_to_ical", must_not_build)
        with statements_sent(app) as statements:
            cached = client.get(
                f"/calendar.ics?topic={meetings['ids']['topic']}",
                headers={"If-None-Match": first.headers["ETag"]},
            )
            since = client.get(
                f"/calendar.ics?topic={meetings['ids']['topic']}",
                headers={"If-Modified-Since": first.headers["Last-Modified"]},
            )
        assert cached.status_code == since.status_code == 304
        assert cached.data == b"" and since.data == b""
        assert cached.headers["ETag"] == first.headers["ETag"]
        assert len(statements) <= 4, statements

    def test_etag_differs_per_filter_and_changes_with_data(self, app, client, meetings):
        everything = client.get("/calendar.ics").headers["ETag"]
        filtered = client.get("/calendar.ics?kind=call").headers["ETag"]
        assert everything != filtered
        meetings["public_other"].title = "Renamed talk"
        db.session.commit()
        after = client.get("/calendar.ics")
        assert after.headers["ETag"] != everything
        assert "Renamed talk" in event_titles(after.data)
        stale = client.get("/calendar.ics", headers={"If-None-Match": everything})
        assert stale.status_code == 200


class TestPrivateFeeds:
    def issue(self, client) -> str:
        page = client.post(
            "/account/feed", data={"confirm": "yes"}, follow_redirects=True
        ).get_data(as_text=True)
        match = re.search(r'value="(http://localhost/feeds/[^"]+\.ics)"', page)
        assert match, page
        return match.group(1).removeprefix("http://localhost")

    def test_viewer_feed_carries_what_the_viewer_may_see(
        self, app, client, auth, meetings
    ):
        auth.sign_in_as("viewer")
        path = self.issue(client)
        auth.sign_out()
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"].startswith("private")
        assert event_titles(response.data) == {
            "Public sanctions talk",
            "Public other talk",
            "Internal sanctions call",
        }
        filtered = client.get(f"{path}?topic={meetings['ids']['topic']}")
        assert event_titles(filtered.data) == {
            "Public sanctions talk",
            "Internal sanctions call",
        }

    def test_admin_feed_marks_restricted_confidential(self, client, auth, meetings):
        auth.sign_in_as("admin")
        path = self.issue(client)
        events = events_by_title(client.get(path).data)
        assert str(events["Closed ministry briefing"]["CLASS"]) == "CONFIDENTIAL"
        assert str(events["Public other talk"]["CLASS"]) == "PUBLIC"

    def test_token_is_stored_only_as_a_hash(self, app, client, auth, meetings):
        auth.sign_in_as("viewer")
        path = self.issue(client)
        token = path.removeprefix("/feeds/").removesuffix(".ics")
        assert len(token) >= 40
        with app.app_context():
            stored = db.session.scalars(select(FeedToken.token_hash)).all()
        assert stored and token not in stored
        # A reload shows the same address for a few minutes, then never again.
        assert token in client.get("/account").get_data(as_text=True)
        with client.session_transaction() as browser_session:
            shown = dict(browser_session["new_private_feed"])
            browser_session["new_private_feed"] = {**shown, "at": shown["at"] - 601}
        page = client.get("/account").get_data(as_text=True)
        assert token not in page
        assert "You have a private feed" in page
        assert "<title>Your account · Meeting records</title>" in page

    def test_revoked_and_replaced_tokens_answer_404_at_once(
        self, client, auth, meetings
    ):
        auth.sign_in_as("viewer")
        old = self.issue(client)
        assert client.get(old).status_code == 200
        new = self.issue(client)
        assert client.get(old).status_code == 404
        assert client.get(new).status_code == 200
        client.post("/account/feed/revoke")
        assert client.get(new).status_code == 404
        assert client.get("/feeds/not-a-token.ics").status_code == 404

    def test_deactivated_user_feed_stops(self, app, client, auth, meetings):
        auth.sign_in_as("viewer")
        path = self.issue(client)
        from events_app.models import User

        user = db.session.scalar(select(User).where(User.role == "viewer"))
        user.active = False
        db.session.commit()
        assert client.get(path).status_code == 404

    def test_feed_setup_needs_sign_in_and_post(self, client, meetings):
        assert client.get("/account/feed").status_code == 405
        response = client.post("/account/feed")
        assert response.status_code == 302 and "/sign-in" in response.location


class TestChangesReachCalendars:
    def test_sequence_grows_on_significant_changes_only(self, app, client, auth):
        auth.sign_in_as("admin")
        client.post("/meetings/new", data=meeting_form_data(confidentiality="public"))
        with app.app_context():
            meeting_id = db.session.scalar(select(Meeting.id))

        def current():
            body = client.get(f"/meetings/{meeting_id}.ics").data
            (item,) = Calendar.from_ical(body).walk("VEVENT")
            return int(item["SEQUENCE"]), str(item["UID"])

        sequence, uid = current()
        assert sequence == 0
        client.post(
            f"/meetings/{meeting_id}/edit",
            data=meeting_form_data(notes="More notes", revision="1"),
        )
        assert current() == (0, uid)
        client.post(
            f"/meetings/{meeting_id}/edit",
            data=meeting_form_data(
                notes="More notes", start_time="11:00", revision="2"
            ),
        )
        assert current() == (1, uid)
        client.post(
            f"/meetings/{meeting_id}/edit",
            data=meeting_form_data(
                notes="More notes", start_time="11:00", city="Lyon", revision="3"
            ),
        )
        assert current() == (2, uid)
        with app.app_context():
            assert db.session.get(Meeting, meeting_id).revision == 4

    def test_cancelled_stays_deleted_disappears(self, app, client, auth):
        auth.sign_in_as("admin")
        client.post("/meetings/new", data=meeting_form_data(confidentiality="public"))
        with app.app_context():
            meeting_id = db.session.scalar(select(Meeting.id))
        client.post(
            f"/meetings/{meeting_id}/edit",
            data=meeting_form_data(
                confidentiality="public", status="cancelled", revision="1"
            ),
        )
        events = events_by_title(client.get("/calendar.ics").data)
        (item,) = events.values()
        assert str(item["STATUS"]) == "CANCELLED"
        assert int(item["SEQUENCE"]) == 1
        client.post(f"/meetings/{meeting_id}/delete")
        assert event_titles(client.get("/calendar.ics").data) == set()


class TestSubscribeLinks:
    def test_history_and_meeting_pages_offer_subscriptions(self, client, meetings):
        page = client.get("/meetings?kind=call").get_data(as_text=True)
        assert 'href="webcal://localhost/calendar.ics?kind=call"' in page
        assert (
            "calendar.google.com/calendar/render?cid=webcal%3A%2F%2Flocalhost" in page
        )
        assert 'value="http://localhost/calendar.ics?kind=call"' in page
        meeting_page = client.get(f"/meetings/{meetings['public_other'].id}").get_data(
            as_text=True
        )
        assert f"webcal://localhost/meetings/{meetings['public_other'].id}.ics" in (
            meeting_page
        )
        assert "action=TEMPLATE" in meeting_page


def test_person_organization_and_topic_pages_link_their_feeds(client, meetings):
    ids = meetings["ids"]
    for path, query in (
        (f"/people/{ids['person']}", f"person={ids['person']}"),
        (f"/topics/{ids['topic']}", f"topic={ids['topic']}"),
    ):
        page = client.get(path).get_data(as_text=True)
        assert f'href="webcal://localhost/calendar.ics?{query}"' in page, path
        assert f'value="http://localhost/calendar.ics?{query}"' in page, path
        assert "calendar.google.com/calendar/render?cid=" in page, path


def test_reused_events_follow_renamed_people(client, meetings):
    before = client.get("/calendar.ics").data.replace(b"\r\n ", b"")
    assert b"Matvei Kupreichyk" in before
    person = db.session.get(Person, meetings["ids"]["person"])
    person.display_name = "Matsvei Kupreichyk"
    db.session.commit()
    after = client.get("/calendar.ics").data.replace(b"\r\n ", b"")
    assert b"Matsvei Kupreichyk" in after and b"Matvei Kupreichyk" not in after


def test_feed_build_pauses_the_cycle_collector_and_restores_it(
    client, meetings, monkeypatch
):
    collector_during_build = []
    build_events = feed_loading.meetings_to_ical

    def watching_build(*args, **kwargs):
        collector_during_build.append(gc.isenabled())
        return build_events(*args, **kwargs)

    monkeypatch.setattr(feed_loading, "meetings_to_ical", watching_build)
    assert gc.isenabled()
    assert client.get("/calendar.ics").status_code == 200
    # A build may assemble the feed twice (from the stored events unchecked,
    # then checked): the collector is off each time.
    assert collector_during_build and not any(collector_during_build)
    assert gc.isenabled()


def test_collector_comes_back_after_a_failed_build_and_stays_off_if_it_was():
    with pytest.raises(RuntimeError), garbage_collection_paused():
        assert not gc.isenabled()
        raise RuntimeError("database went away")
    assert gc.isenabled()
    gc.disable()
    try:
        with garbage_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_builds_share_one_pause():
    first, second = garbage_collection_paused(), garbage_collection_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled(), "the second build is still running"
    second.__exit__(None, None, None)
    assert gc.isenabled()
