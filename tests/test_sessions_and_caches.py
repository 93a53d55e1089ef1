"""Sessions end for real, tokens stay revoked, caches keep no stale or private copy."""

import re
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from events_app.extensions import db
from events_app.models import DataVersion, FeedToken, User, UserGroup, UserSession
from events_app.models.meetings import utc_now
from tests.factories import TEST_PASSWORD, Factories


def sign_in(client, email: str, *, remember: bool = False):
    data = {"email": email, "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def signed_in_client(app, email: str, role: str):
    with app.app_context():
        Factories().user(email=email, role=role)
    client = app.test_client()
    sign_in(client, email)
    return client


def issue_feed(client) -> str:
    page = client.post(
        "/account/feed", data={"confirm": "yes"}, follow_redirects=True
    ).get_data(as_text=True)
    match = re.search(r'value="http://localhost(/feeds/[^"]+\.ics)"', page)
    assert match, page
    return match.group(1)


def event_titles(body: bytes) -> set[str]:
    return {str(item["SUMMARY"]) for item in Calendar.from_ical(body).walk("VEVENT")}


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def date_the_last_change(app, minutes_ago: int) -> None:
    """Pretend the data last changed a while ago (Last-Modified has whole seconds)."""
    with app.app_context():
        db.session.execute(
            update(DataVersion).values(
                changed_at=utc_now() - timedelta(minutes=minutes_ago)
            )
        )
        db.session.commit()


def conditional_headers(response) -> list[dict[str, str]]:
    """Each validator of a response, as a calendar client would send it back."""
    return [
        {"If-None-Match": response.headers["ETag"]},
        {"If-Modified-Since": response.headers["Last-Modified"]},
    ]


# Item 10: sign-out ends the session on the server.


def test_sign_out_makes_copied_session_and_remember_cookies_worthless(app, client):
    with app.app_context():
        Factories().user(email="editor@example.org", role="editor")
    sign_in(client, "editor@example.org", remember=True)
    copied = {
        "session": client.get_cookie("session").value,
        "remember_token": client.get_cookie("remember_token").value,
    }

    def with_copied(name: str):
        thief = app.test_client()
        thief.set_cookie(name, copied[name])
        return thief.get("/account")

    assert with_copied("session").status_code == 200
    assert with_copied("remember_token").status_code == 200

    client.post("/sign-out")

    for name in copied:
        response = with_copied(name)
        assert response.status_code == 302, name
        assert response.location.startswith("/sign-in")
    with app.app_context():
        assert db.session.scalars(select(UserSession)).all() == []


def test_sign_out_ends_only_this_sign_in(app, client):
    with app.app_context():
        Factories().user(email="editor@example.org", role="editor")
    sign_in(client, "editor@example.org")
    other_device = app.test_client()
    sign_in(other_device, "editor@example.org")

    client.post("/sign-out")

    assert client.get("/account").status_code == 302
    assert other_device.get("/account").status_code == 200


# Item 11: deactivation revokes feed tokens for good.


def test_reactivating_a_user_does_not_revive_their_private_feed(app, client):
    with app.app_context():
        Factories().meeting("Public talk")
    viewer = signed_in_client(app, "viewer@example.org", "viewer")
    feed = issue_feed(viewer)
    assert client.get(feed).status_code == 200
    admin = signed_in_client(app, "admin@example.org", "admin")
    viewer_id = user_id(app, "viewer@example.org")

    admin.post(f"/users/{viewer_id}", data={"role": "viewer"})
    assert client.get(feed).status_code == 404
    admin.post(f"/users/{viewer_id}", data={"role": "viewer", "active": "y"})

    assert client.get(feed).status_code == 404
    with app.app_context():
        assert all(
            token.revoked_at is not None
            for token in db.session.scalars(select(FeedToken))
        )
    # A new feed, made after reactivation, works.
    sign_in(viewer, "viewer@example.org")
    assert client.get(issue_feed(viewer)).status_code == 200


# Item 12: a restore never repeats a feed validator.


def test_feed_validators_never_repeat_across_a_restore(shared_app, tmp_path):
    app = shared_app
    client, runner = app.test_client(), app.test_cli_runner()
    with app.app_context():
        Factories().user(email="admin@example.org", role="admin")
        Factories().meeting("Kept meeting")
        dump = "backup.dump" if db.engine.url.get_backend_name() != "sqlite" else ""
    backup = tmp_path / (dump or "backup.sqlite")
    date_the_last_change(app, minutes_ago=2)
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with app.app_context():
        Factories().meeting("Meeting made after the backup")
    date_the_last_change(app, minutes_ago=1)
    before = client.get("/calendar.ics")
    assert "Meeting made after the backup" in event_titles(before.data)

    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output

    for headers in conditional_headers(before):
        after = client.get("/calendar.ics", headers=headers)
        assert after.status_code == 200, headers
        assert event_titles(after.data) == {"Kept meeting"}
    last_modified = datetime.strptime(
        after.headers["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT"
    )
    assert last_modified > datetime.strptime(
        before.headers["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT"
    )
    # The change counter catches up with the one the client saw: another calendar,
    # so the old ETag must still not match.
    with app.app_context():
        Factories().meeting("Meeting made after the restore")
    again = client.get("/calendar.ics", headers=conditional_headers(before)[0])
    assert again.status_code == 200
    assert "Meeting made after the restore" in event_titles(again.data)


# Item 13: a change of what a user may see changes their feed's validators.


def test_demotion_makes_a_cached_feed_stale(app, client):
    with app.app_context():
        Factories().meeting("Closed briefing", confidentiality="restricted")
    boss = signed_in_client(app, "boss@example.org", "admin")
    feed = issue_feed(boss)
    date_the_last_change(app, minutes_ago=1)
    before = client.get(feed)
    assert "Closed briefing" in event_titles(before.data)

    admin = signed_in_client(app, "admin@example.org", "admin")
    admin.post(
        f"/users/{user_id(app, 'boss@example.org')}",
        data={"role": "viewer", "active": "y"},
    )

    for headers in conditional_headers(before):
        after = client.get(feed, headers=headers)
        assert after.status_code == 200, headers
        assert "Closed briefing" not in event_titles(after.data)


def test_leaving_a_group_makes_a_cached_feed_stale(app, client):
    with app.app_context():
        member = Factories().user(email="viewer@example.org", role="viewer")
        group = UserGroup(name="Sanctions working group", members=[member])
        db.session.add(group)
        db.session.commit()
        group_id = group.id
        Factories().meeting(
            "Closed briefing", confidentiality="restricted", access_groups=[group]
        )
    viewer = app.test_client()
    sign_in(viewer, "viewer@example.org")
    feed = issue_feed(viewer)
    date_the_last_change(app, minutes_ago=1)
    before = client.get(feed)
    assert "Closed briefing" in event_titles(before.data)

    admin = signed_in_client(app, "admin@example.org", "admin")
    admin.post(f"/groups/{group_id}", data={"name": "Sanctions working group"})

    for headers in conditional_headers(before):
        after = client.get(feed, headers=headers)
        assert after.status_code == 200, headers
        assert "Closed briefing" not in event_titles(after.data)


# Item 15: private content stays out of shared caches.


@pytest.fixture
def restricted_meeting_id(app):
    with app.app_context():
        viewer = Factories().user(email="viewer@example.org", role="viewer")
        person = Factories().person("Hidden source")
        return (
            Factories()
            .meeting(
                "Closed briefing",
                confidentiality="restricted",
                access_users=[viewer],
                participants=[(person, None, "speaker")],
            )
            .id
        )


def test_pages_for_signed_in_users_are_never_stored(app, client, restricted_meeting_id):
    sign_in(client, "viewer@example.org")
    pages = [
        f"/meetings/{restricted_meeting_id}",
        f"/meetings/{restricted_meeting_id}.ics",
        "/meetings",
        "/meetings?q=Closed",
        "/meetings.csv",
        "/people",
        "/account",
        "/calendar.ics",
        "/no-such-page",
    ]
    for path in pages:
        response = client.get(path)
        assert response.cache_control.no_store, (path, response.headers)


def test_token_feeds_are_private_and_revalidated(app, client, restricted_meeting_id):
    viewer = app.test_client()
    sign_in(viewer, "viewer@example.org")
    feed = client.get(issue_feed(viewer))
    assert "Closed briefing" in event_titles(feed.data)
    assert feed.headers["Cache-Control"] == "private, no-cache"
    assert feed.headers["ETag"]
    cached = client.get(issue_feed(viewer))
    assert cached.headers["Cache-Control"] == "private, no-cache"


def test_public_answers_to_anonymous_visitors_stay_cacheable(client, make):
    make.user(email="admin@example.org", role="admin")
    make.meeting("Public talk")
    assert client.get("/calendar.ics").headers["Cache-Control"].startswith("public")
    assert "no-store" not in client.get("/meetings").headers.get("Cache-Control", "")
    stylesheet = client.get("/static/app.css")
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")
