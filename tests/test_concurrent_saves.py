"""Saves of one meeting at the same moment, through a live server (issue 8, item 6).

Several editors open the same revision and post at once, from threads released
together by a barrier, against a threaded server on an SQLite file and on
PostgreSQL: exactly one save is kept, the others get the conflict page, and no
revision number is stored twice.
"""

import http.cookiejar
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from events_app.extensions import db
from events_app.models import Meeting, MeetingRevision
from tests.factories import Factories
from tests.live_server import serving
from tests.test_meetings import meeting_form_data
from tests.test_migrations import assert_succeeded, flask_db

EDITORS = 4
ROUNDS = 5
PASSWORD = "correct horse battery"


@pytest.fixture
def live_server(shared_app):
    """The app with CSRF on, served from a thread; SQLite in a file, not in memory."""
    shared_app.config["WTF_CSRF_ENABLED"] = True
    with serving(shared_app) as base_url:
        yield shared_app, base_url


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One signed-in person with their own cookies, speaking plain HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirects,
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def form_fields(self, path: str) -> dict:
        """The CSRF token and hidden revision of the form on a page."""
        status, page = self.request(path)
        assert status == 200, page
        return dict(
            re.findall(
                r'name="(csrf_token|revision)" type="hidden" value="([^"]*)"', page
            )
        )

    def sign_in(self, email: str) -> None:
        token = self.form_fields("/sign-in")["csrf_token"]
        status, page = self.request(
            "/sign-in", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert status == 302, page


def all_at_once(actions: list) -> list:
    """Run the callables in threads released together; their results, in order."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = actions[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_of_saves_from_one_revision_at_once_exactly_one_is_kept(live_server):
    served, base = live_server
    with served.app_context():
        for number in range(EDITORS):
            Factories().user(email=f"editor{number}@example.org", role="editor")
    editors = [Browser(base) for _ in range(EDITORS)]
    for number, editor in enumerate(editors):
        editor.sign_in(f"editor{number}@example.org")
    token = editors[0].form_fields("/meetings/new")["csrf_token"]
    status, _ = editors[0].request("/meetings/new", meeting_form_data(csrf_token=token))
    assert status == 302
    with served.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))

    edit_path = f"/meetings/{meeting_id}/edit"
    for round_number in range(1, ROUNDS + 1):
        opened = [editor.form_fields(edit_path) for editor in editors]
        assert {fields["revision"] for fields in opened} == {str(round_number)}
        titles = [f"Round {round_number}, editor {n}" for n in range(EDITORS)]
        answers = all_at_once(
            [
                lambda editor=editor, fields=fields, title=title: editor.request(
                    edit_path, meeting_form_data(title=title, **fields)
                )
                for editor, fields, title in zip(editors, opened, titles, strict=True)
            ]
        )

        statuses = sorted(status for status, _ in answers)
        assert statuses == [302] + [409] * (EDITORS - 1), statuses
        for status, page in answers:
            if status == 409:
                assert "Someone else saved this meeting" in page
                assert f"You started from revision {round_number}" in page
        (winner,) = [n for n, (status, _) in enumerate(answers) if status == 302]
        with served.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            numbers = db.session.scalars(
                select(MeetingRevision.revision)
                .where(MeetingRevision.meeting_id == meeting_id)
                .order_by(MeetingRevision.revision)
            ).all()
            assert meeting.title == titles[winner]
            assert meeting.revision == round_number + 1
            assert numbers == list(range(1, round_number + 2))


def test_a_revision_number_cannot_be_stored_twice(app, make):
    meeting = make.meeting()
    snapshot = {"title": meeting.title}
    db.session.add(
        MeetingRevision(
            meeting_id=meeting.id, revision=1, action="created", snapshot=snapshot
        )
    )
    db.session.commit()
    db.session.add(
        MeetingRevision(
            meeting_id=meeting.id, revision=1, action="updated", snapshot=snapshot
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_migration_numbers_twin_revisions_again_in_saving_order(tmp_path):
    """Twins stored before the constraint existed are renumbered, not lost."""
    path = tmp_path / "twins.sqlite"
    url = f"sqlite:///{path}"
    assert_succeeded(flask_db(url, "upgrade", "ecc19d6bbbd3"))
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO meeting (id, uid, title, kind, series, start_utc,"
            " start_local_date, timezone, all_day, venue, city, country, online_url,"
            " status, confidentiality, summary, notes, created_at, updated_at,"
            " revision, sequence) VALUES (7, 'u@x', 'Twins', 'meeting', '',"
            " '2025-03-14 09:00:00', '2025-03-14', 'UTC', 0, '', '', '', '', 'held',"
            " 'internal', '', '', '2025-03-14', '2025-03-14', 3, 0)"
        )
        for revision_id, number in ((1, 1), (2, 2), (3, 2), (4, 3)):
            connection.execute(
                "INSERT INTO meeting_revision (id, meeting_id, revision, action,"
                " snapshot, actor_email, created_at)"
                " VALUES (?, 7, ?, 'updated', '{}', '', '2025-03-14')",
                (revision_id, number),
            )

    assert_succeeded(flask_db(url, "upgrade"))

    with sqlite3.connect(path) as connection:
        numbers = connection.execute(
            "SELECT id, revision FROM meeting_revision ORDER BY id"
        ).fetchall()
        (current,) = connection.execute("SELECT revision FROM meeting").fetchone()
    assert numbers == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert current == 4
