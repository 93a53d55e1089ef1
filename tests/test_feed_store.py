"""Feeds at any size: the default window, and written events stored in the database.

A stored event is reused only while its fingerprint is the meeting's: every
kind of change below must serve exactly what a build from nothing serves.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import delete, func, select

from config import TestConfig
from events_app import create_app
from events_app.auth.feed_tokens import issue_feed_token
from events_app.calendar import event_store
from events_app.calendar import routes as calendar_routes
from events_app.date_range import months_before
from events_app.directory.merge import PERSON, merge_records, plan_merge
from events_app.extensions import db
from events_app.meetings.operations import (
    move_to_trash,
    purge_meeting,
    restore_from_trash,
)
from events_app.models import (
    Meeting,
    Organization,
    Outcome,
    Person,
    StoredEvent,
    Topic,
    User,
)
from events_app.models.meetings import utc_now
from tests.factories import Factories


def served(client, path="/calendar.ics") -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.data
    return response.data


def unfolded(body: bytes) -> str:
    return body.decode().replace("\r\n ", "")


def titles(body: bytes) -> set[str]:
    return {str(item["SUMMARY"]) for item in Calendar.from_ical(body).walk("VEVENT")}


def stored_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StoredEvent))


def built_from_nothing(app, client) -> bytes:
    """The feed with every stored event removed first: what a first build writes."""
    with app.app_context():
        db.session.execute(delete(StoredEvent))
        db.session.commit()
    return served(client)


def assert_fresh(app, client, *, shows: str, hides: str) -> None:
    """The feed (from stored events) shows the change, as a build from nothing does."""
    body = served(client)
    assert shows in unfolded(body)
    assert hides not in unfolded(body)
    assert body == built_from_nothing(app, client)


@pytest.fixture
def stored_feed(app, client, make):
    """A public meeting with a person, organization, nested topic and outcome."""
    make.user(email="admin@example.org", role="admin")
    organization = make.organization(
        "Belarusian Investigative Center", short_name="BIC"
    )
    person = make.person("Matvei Kupreichyk")
    parent = make.topic("Sanctions")
    child = make.topic("Circumvention", parent=parent)
    meeting = make.meeting(
        "Coalition call",
        participants=[(person, organization, "participant")],
        topics=[(child, "Routes through third countries")],
    )
    meeting.outcomes.append(
        Outcome(text="Send the letter", owner_person=person, position=0)
    )
    db.session.commit()
    make.meeting("Other call", start_utc=datetime(2025, 4, 1, 9))
    first = served(client)
    assert stored_count(app) == 2
    return {"meeting_id": meeting.id, "person_id": person.id, "first": first}


def test_a_second_build_reuses_every_stored_event(
    app, client, stored_feed, monkeypatch
):
    def never(*args):
        raise AssertionError("an event was written again")

    monkeypatch.setattr(event_store, "write_event", never)
    assert served(client) == stored_feed["first"]


def test_a_rebuild_at_the_same_data_version_checks_nothing_again(
    app, client, stored_feed, monkeypatch
):
    """Once a build found every stored event current, builds at the same data
    version reuse them without loading or digesting what they show; the next
    change checks them again."""

    def never(*args):
        raise AssertionError("checked again")

    with monkeypatch.context() as patched:
        patched.setattr(event_store, "event_fingerprint", never)
        assert served(client) == stored_feed["first"]
        assert served(client, "/calendar.ics?kind=") == stored_feed["first"]
    with app.app_context():
        db.session.get(Person, stored_feed["person_id"]).display_name = "M. Kuprejczyk"
        db.session.commit()
    checked = []
    fingerprint = event_store.event_fingerprint
    monkeypatch.setattr(
        event_store,
        "event_fingerprint",
        lambda *args: checked.append(args) or fingerprint(*args),
    )
    assert "M. Kuprejczyk" in unfolded(served(client))
    assert len(checked) == 2


def test_an_event_rewritten_after_the_check_is_checked_again(app, client, stored_feed):
    """A build that read older data as a commit landed may store an old event
    after another build checked the feed: the stored fingerprints in the
    record of that check keep it from being served unchecked."""
    served(client)
    with app.app_context():
        event = db.session.get(StoredEvent, stored_feed["meeting_id"])
        event.text = event.text.replace(b"Coalition call", b"Old title")
        event.fingerprint = "0" * 32
        db.session.commit()
    assert served(client) == stored_feed["first"]


def test_renaming_a_participant_serves_the_new_name(app, client, stored_feed):
    with app.app_context():
        db.session.get(Person, stored_feed["person_id"]).display_name = "Matvei K."
        db.session.commit()
    assert_fresh(app, client, shows="Matvei K.", hides="Matvei Kupreichyk")


def test_renaming_an_organization_serves_the_new_label(app, client, make, stored_feed):
    with app.app_context():
        organization = db.session.scalar(select(Organization))
        organization.short_name = "BIC-2"
        db.session.commit()
    assert_fresh(app, client, shows="(BIC-2)", hides="(BIC)")


def test_renaming_a_parent_topic_serves_the_new_path(app, client, stored_feed):
    with app.app_context():
        db.session.scalar(
            select(Topic).where(Topic.name == "Sanctions")
        ).name = "Export controls"
        db.session.commit()
    assert_fresh(
        app,
        client,
        shows="Export controls > Circumvention",
        hides="Sanctions > Circumvention",
    )


def test_an_edit_of_a_related_row_alone_serves_the_new_text(app, client, stored_feed):
    with app.app_context():
        db.session.scalar(select(Outcome)).text = "Send the revised letter"
        db.session.commit()
    assert_fresh(app, client, shows="Send the revised letter", hides="Send the letter")


def test_a_meeting_edit_serves_the_new_title(app, client, stored_feed):
    with app.app_context():
        meeting = db.session.get(Meeting, stored_feed["meeting_id"])
        meeting.title = "Coalition call (moved)"
        meeting.sequence += 1
        db.session.commit()
    body = served(client)
    assert "Coalition call (moved)" in titles(body)
    assert body == built_from_nothing(app, client)


def test_a_merge_serves_the_kept_name(app, client, make, stored_feed):
    kept = make.person("Matvei Kupreychyk")
    with app.app_context():
        kept = db.session.get(Person, kept.id)
        removed = db.session.get(Person, stored_feed["person_id"])
        merge_records(plan_merge(PERSON, kept, removed))
        db.session.commit()
    assert_fresh(app, client, shows="Matvei Kupreychyk", hides="Matvei Kupreichyk")


def test_trash_and_restore_from_the_trash(app, client, stored_feed):
    with app.app_context():
        move_to_trash(db.session.get(Meeting, stored_feed["meeting_id"]))
    assert "Coalition call" not in titles(served(client))
    with app.app_context():
        restore_from_trash(db.session.get(Meeting, stored_feed["meeting_id"]))
    body = served(client)
    assert body == stored_feed["first"]
    assert body == built_from_nothing(app, client)


def test_a_purged_meeting_takes_its_stored_event_with_it(app, client, stored_feed):
    with app.app_context():
        meeting = db.session.get(Meeting, stored_feed["meeting_id"])
        move_to_trash(meeting)
        purge_meeting(meeting)
        assert db.session.get(StoredEvent, stored_feed["meeting_id"]) is None
    assert stored_count(app) == 1
    assert "Coalition call" not in titles(served(client))


def test_a_restored_backup_serves_the_restored_data(tmp_path):
    app = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite'}"
    )
    client = app.test_client()
    runner = app.test_cli_runner()
    with app.app_context():
        db.create_all()
        Factories().user()
        person = Person(display_name="Matvei Kupreichyk")
        person.refresh_name_keys()
        db.session.add(person)
        db.session.commit()
        Factories().meeting(
            "Coalition call", participants=[(person, None, "participant")]
        )
    served(client)
    assert (
        runner.invoke(args=["backup", str(tmp_path / "backup.sqlite")]).exit_code == 0
    )
    with app.app_context():
        db.session.scalar(select(Person)).display_name = "Renamed after the backup"
        db.session.commit()
    assert "Renamed after the backup" in unfolded(served(client))
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "backup.sqlite")])
    assert result.exit_code == 0, result.output
    assert_fresh(
        app, client, shows="Matvei Kupreichyk", hides="Renamed after the backup"
    )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_an_event_is_stored_once_and_the_same_for_every_viewer(
    app, client, make, stored_feed
):
    admin = db.session.scalar(select(User))
    make.meeting("Closed briefing", confidentiality="restricted")
    with app.app_context():
        token = issue_feed_token(db.session.get(User, admin.id))
    private = unfolded(served(client, f"/feeds/{token}.ics"))
    public = unfolded(served(client))
    assert "Closed briefing" in private and "Closed briefing" not in public
    public_events = re.findall(r"BEGIN:VEVENT.*?END:VEVENT", public, re.DOTALL)
    assert len(public_events) == 2
    for public_event in public_events:
        assert public_event in private
    assert stored_count(app) == 3


def test_an_unwritable_meeting_is_left_out_and_not_stored(app, client, make):
    make.user()
    make.meeting("Fine")
    make.meeting(
        "From long ago", start_utc=datetime(1, 1, 1, 9), end_utc=datetime(1, 1, 1, 10)
    )
    assert titles(served(client)) == {"Fine"}
    assert stored_count(app) == 1


class TestWindow:
    """A feed without from=/to= holds the last FEED_WINDOW_MONTHS months onward."""

    @pytest.fixture
    def dated(self, app, make):
        app.config["FEED_WINDOW_MONTHS"] = 12
        make.user()
        today = utc_now().replace(hour=9, minute=0, second=0, microsecond=0)
        for title, start in [
            ("Two years ago", today - timedelta(days=730)),
            ("Five months ago", today - timedelta(days=150)),
            ("Next month", today + timedelta(days=30)),
        ]:
            make.meeting(title, start_utc=start, end_utc=start + timedelta(hours=1))
        return today

    def test_the_default_feed_starts_months_ago(self, client, dated):
        assert titles(served(client)) == {"Five months ago", "Next month"}

    def test_from_and_to_reach_further(self, client, dated):
        old = (dated - timedelta(days=800)).date().isoformat()
        assert titles(served(client, f"/calendar.ics?from={old}")) == {
            "Two years ago",
            "Five months ago",
            "Next month",
        }
        until = (dated - timedelta(days=700)).date().isoformat()
        assert titles(served(client, f"/calendar.ics?to={until}")) == {"Two years ago"}

    def test_the_window_is_a_setting(self, app, client, dated):
        app.config["FEED_WINDOW_MONTHS"] = 0
        assert len(titles(served(client))) == 3
        app.config["FEED_WINDOW_MONTHS"] = 3
        assert titles(served(client)) == {"Next month"}

    def test_the_validators_change_when_the_window_moves(
        self, client, dated, monkeypatch
    ):
        etag = client.get("/calendar.ics").headers["ETag"]
        assert (
            client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code
            == 304
        )
        next_month = dated + timedelta(days=31)
        monkeypatch.setattr(calendar_routes, "utc_now", lambda: next_month)
        assert (
            client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code
            == 200
        )

    def test_a_window_too_large_leaves_out_its_oldest_meetings(
        self, app, client, dated
    ):
        app.config["FEED_WINDOW_MONTHS"] = 0
        whole = served(client)
        newest_size = len(
            re.findall(rb"BEGIN:VEVENT.*?END:VEVENT\r\n", whole, re.DOTALL)[-1]
        )
        app.config["FEED_WINDOW_MONTHS"] = 36
        app.config["FEED_MAX_BYTES"] = newest_size * 2 + 10
        assert titles(served(client)) == {"Five months ago", "Next month"}
        app.config["FEED_MAX_BYTES"] = newest_size
        assert titles(served(client)) == {"Next month"}
        # Asked for by date, a feed holds every meeting asked for.
        assert len(titles(served(client, "/calendar.ics?from=1990-01-01"))) == 3

    def test_last_modified_moves_with_the_window(self, client, dated):
        response = client.get("/calendar.ics")
        month_start = dated.replace(day=1, hour=0, tzinfo=UTC)
        assert response.last_modified >= month_start
        before = (month_start - timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        stale = client.get("/calendar.ics", headers={"If-Modified-Since": before})
        assert stale.status_code == 200


@pytest.mark.parametrize(
    ("day", "months", "first"),
    [
        (date(2026, 11, 26), 12, date(2025, 11, 1)),
        (date(2026, 1, 31), 1, date(2025, 12, 1)),
        (date(2026, 3, 1), 0, date(2026, 3, 1)),
        (date(1900, 5, 5), 24, date(1900, 1, 1)),
    ],
)
def test_months_before(day, months, first):
    assert months_before(day, months) == first
