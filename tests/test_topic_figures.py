"""Topic figures kept between views (events_app/kept_figures.py), the topic rule
with marked parents, and the topic index in pages of bounded length.

Kept figures must never be stale nor another viewer's: each test first shows a
page (so its figures are kept), then changes what should change them.
"""

import re
from datetime import datetime, timedelta

import pytest

from events_app import kept_figures, meeting_stats
from events_app.extensions import db
from events_app.kept_figures import kept_figure
from events_app.models import Meeting, Topic, UserGroup
from events_app.models.meetings import utc_now
from events_app.visibility import visible_topic_ids_for
from tests.factories import Factories


def text_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def meeting_count(page: str) -> str:
    return re.search(r"<dt>Meetings</dt>\s*<dd>(\d+)", page).group(1)


def sign_in(app, email: str, role: str = "viewer"):
    client = app.test_client()
    with app.app_context():
        Factories().user(email=email, role=role)
    response = client.post(
        "/sign-in", data={"email": email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def topic_world(app):
    """A topic with a public meeting and a restricted one whose access list names
    alice (not bob); ids of the topic, the restricted meeting and a group."""
    with app.app_context():
        make = Factories()
        make.user()
        alice = make.user(email="alice@example.org", role="viewer")
        make.user(email="bob@example.org", role="viewer")
        topic = make.topic("Sanctions")
        make.meeting(
            title="Open roundtable",
            start_utc=datetime(2025, 3, 14, 9),
            participants=[(make.person("Open Speaker"), None, "speaker")],
            topics=[(topic, "")],
        )
        secret = make.meeting(
            title="Closed dinner",
            start_utc=datetime(2025, 6, 20, 18),
            end_utc=datetime(2025, 6, 20, 21),
            confidentiality="restricted",
            participants=[(make.person("Secret Contact"), None, "participant")],
            topics=[(topic, "")],
        )
        secret.access_users.append(alice)
        group = UserGroup(name="Sanctions working group")
        db.session.add(group)
        db.session.commit()
        return {"topic": topic.id, "secret": secret.id, "group": group.id}


def test_kept_figures_are_each_viewers_own(app, topic_world):
    path = f"/topics/{topic_world['topic']}"
    alice = sign_in(app, "alice@example.org")
    bob = sign_in(app, "bob@example.org")
    for _ in range(2):  # shown, then shown from what was kept
        page = text_of(alice.get(path))
        assert meeting_count(page) == "2" and "Secret Contact" in page
        page = text_of(bob.get(path))
        assert meeting_count(page) == "1" and "Secret Contact" not in page
        page = text_of(app.test_client().get(path))
        assert meeting_count(page) == "1" and "Secret Contact" not in page


def test_a_change_of_data_or_of_groups_is_seen_at_once(app, topic_world):
    path = f"/topics/{topic_world['topic']}"
    bob = sign_in(app, "bob@example.org")
    assert meeting_count(text_of(bob.get(path))) == "1"
    # Bob joins a group on the access list: no meeting changes, his sight does.
    with app.app_context():
        group = db.session.get(UserGroup, topic_world["group"])
        secret = db.session.get(Meeting, topic_world["secret"])
        secret.access_groups.append(group)
        db.session.commit()
    assert meeting_count(text_of(bob.get(path))) == "1"
    with app.app_context():
        group = db.session.get(UserGroup, topic_world["group"])
        group.members.append(Factories().user(email="bob@example.org", role="viewer"))
        db.session.commit()
    page = text_of(bob.get(path))
    assert meeting_count(page) == "2" and "Secret Contact" in page
    # The meeting goes to the trash: no longer counted nor named.
    with app.app_context():
        db.session.get(Meeting, topic_world["secret"]).deleted_at = utc_now()
        db.session.commit()
    page = text_of(bob.get(path))
    assert meeting_count(page) == "1" and "Secret Contact" not in page
    index = text_of(bob.get("/topics"))
    assert re.search(r">Sanctions</a>\s*</td>\s*<td>1</td>", index)


def test_last_met_follows_the_clock_without_a_data_change(
    app, topic_world, monkeypatch
):
    soon = utc_now().replace(microsecond=0) + timedelta(days=3)
    with app.app_context():
        topic = db.session.get(Topic, topic_world["topic"])
        Factories().meeting(
            title="Upcoming",
            start_utc=soon,
            end_utc=soon + timedelta(hours=1),
            timezone="UTC",
            topics=[(topic, "")],
        )
    client = app.test_client()
    path = f"/topics/{topic_world['topic']}"
    day = f"{soon:%a} {soon.day} {soon:%b %Y}"
    assert day not in text_of(client.get(path)).split('class="last-met">')[1][:40]
    later = soon + timedelta(hours=2)
    for module in (kept_figures, meeting_stats):
        monkeypatch.setattr(module, "utc_now", lambda: later)
    page = text_of(client.get(path))
    assert page.split('class="last-met">')[1].strip().startswith(day)


def test_nothing_is_kept_while_the_session_holds_writes(app, topic_world):
    with app.app_context():
        calls = []

        def compute():
            calls.append(1)
            return len(calls)

        assert kept_figure("probe", None, None, compute) == 1
        assert kept_figure("probe", None, None, compute) == 1  # kept
        db.session.get(Meeting, topic_world["secret"]).title = "Renamed"
        db.session.flush()  # the data version moves on, not yet committed
        assert kept_figure("probe", None, None, compute) == 2
        assert kept_figure("probe", None, None, compute) == 3  # never kept
        db.session.rollback()  # that version number may come again, other data
        assert kept_figure("probe", None, None, compute) == 1  # kept before


# --- the topic rule: marked parents ----------------------------------------------


def test_a_marked_parent_shows_only_on_a_restricted_meetings_path(app):
    with app.app_context():
        make = Factories()
        alice = make.user(email="alice@example.org", role="viewer")
        covert = make.topic("Covert", restricted=True)
        shown_child = make.topic("Through the dinner", parent=covert)
        open_child = make.topic("Open aspect", parent=covert)
        make.meeting(title="Open", topics=[(open_child, "")])
        make.meeting(
            title="Dinner",
            confidentiality="restricted",
            topics=[(shown_child, "")],
            access_users=[alice],
        )
        bob = make.user(email="bob@example.org", role="viewer")
        ids = (covert.id, shown_child.id, open_child.id)
        # Alice sees the marked parent on the dinner's topic path; Bob sees
        # only the open child, and the marked parent stays hidden from him.
        assert visible_topic_ids_for(alice) >= set(ids)
        assert visible_topic_ids_for(bob) & set(ids) == {open_child.id}
        assert visible_topic_ids_for(None) & set(ids) == {open_child.id}


# --- the index in pages ----------------------------------------------------------


def test_the_tree_is_paged_by_rows_and_says_where_a_page_continues(app, client):
    app.config["TOPIC_INDEX_ROWS"] = 2
    with app.app_context():
        make = Factories()
        make.user()
        sanctions = make.topic("Sanctions")
        circumvention = make.topic("Sanctions circumvention", parent=sanctions)
        transit = make.topic("Transit", parent=circumvention)
        elections = make.topic("Elections")
        make.meeting(topics=[(transit, ""), (elections, "")])
    first, second, third = (
        text_of(client.get(f"/topics?page={number}")) for number in (1, 2, 3)
    )
    # A root's sub-tree starts a new page rather than be cut...
    assert ">Elections</a>" in first and "Page 1 of 3" in first
    assert ">Sanctions</a>" not in first
    # ...unless it is longer than a page on its own.
    assert ">Sanctions</a>" in second and ">Sanctions circumvention</a>" in second
    assert ">Transit</a>" not in second and "(continued)" not in second
    assert ">Transit</a>" in third and "Page 3 of 3" in third
    assert "Sanctions &gt; Sanctions circumvention (continued)" in third
    assert re.search(r">Transit</a>\s*</td>\s*<td>1</td>", third)
    assert "No topics recorded yet." in text_of(client.get("/topics?page=4"))


def test_a_person_s_and_an_organization_s_kept_figures_follow_viewer_and_data(app):
    """Their pages keep figures like a topic's: each viewer's own, never stale."""
    with app.app_context():
        make = Factories()
        make.user()
        alice = make.user(email="alice@example.org", role="viewer")
        make.user(email="bob@example.org", role="viewer")
        regular = make.person("Regular Visitor")
        office = make.organization("Regular Office")
        make.meeting(
            title="Open roundtable",
            participants=[(regular, office, "speaker")],
        )
        secret = make.meeting(
            title="Closed dinner",
            start_utc=datetime(2025, 6, 20, 18),
            end_utc=datetime(2025, 6, 20, 21),
            confidentiality="restricted",
            participants=[
                (regular, office, "participant"),
                (make.person("Secret Contact"), None, "participant"),
            ],
        )
        secret.access_users.append(alice)
        db.session.commit()
        paths = [f"/people/{regular.id}", f"/organizations/{office.id}"]
        secret_id = secret.id
    alice = sign_in(app, "alice@example.org")
    bob = sign_in(app, "bob@example.org")
    for _ in range(2):  # shown, then shown from what was kept
        for path in paths:
            page = text_of(alice.get(path))
            assert meeting_count(page) == "2" and "Secret Contact" in page, path
            page = text_of(bob.get(path))
            assert meeting_count(page) == "1" and "Secret Contact" not in page, path
    with app.app_context():
        db.session.get(Meeting, secret_id).deleted_at = utc_now()
        db.session.commit()
    for path in paths:
        page = text_of(alice.get(path))
        assert meeting_count(page) == "1" and "Secret Contact" not in page, path


def test_kept_index_pages_meeting_lists_and_members_follow_viewer_and_data(app):
    """The people and organization indexes keep their page, count and figures;
    record pages keep which meetings are listed and an organization's members:
    each viewer's own, never stale."""
    with app.app_context():
        make = Factories()
        make.user()
        alice = make.user(email="alice@example.org", role="viewer")
        make.user(email="bob@example.org", role="viewer")
        office = make.organization("Regular Office")
        regular = make.person("Regular Visitor", organization=office)
        secret_contact = make.person("Secret Contact", organization=office)
        make.meeting(
            title="Open roundtable", participants=[(regular, office, "speaker")]
        )
        secret = make.meeting(
            title="Closed dinner",
            start_utc=datetime(2025, 6, 20, 18),
            end_utc=datetime(2025, 6, 20, 21),
            confidentiality="restricted",
            participants=[(regular, office, "participant")]
            + [(secret_contact, None, "participant")],
        )
        secret_contact.restricted = True
        secret.access_users.append(alice)
        db.session.commit()
        person_path, office_path = (
            f"/people/{regular.id}",
            f"/organizations/{office.id}",
        )
        secret_id = secret.id

    def office_row(index: str) -> str:
        return re.search(r">Regular Office</a>.*?</tr>", index, re.S).group(0)

    alice = sign_in(app, "alice@example.org")
    bob = sign_in(app, "bob@example.org")
    for _ in range(2):  # shown, then shown from what was kept
        assert "Secret Contact" in text_of(alice.get("/people"))
        assert "Secret Contact" not in text_of(bob.get("/people"))
        assert "<td>2</td>" in office_row(text_of(alice.get("/organizations")))
        assert "<td>1</td>" in office_row(text_of(bob.get("/organizations")))
        for path in (person_path, office_path):
            assert "Closed dinner" in text_of(alice.get(path)), path
            assert "Closed dinner" not in text_of(bob.get(path)), path
        assert "Secret Contact" in text_of(alice.get(office_path))
        assert "Secret Contact" not in text_of(bob.get(office_path))
    with app.app_context():
        db.session.get(Meeting, secret_id).deleted_at = utc_now()
        db.session.commit()
    assert "Secret Contact" not in text_of(alice.get("/people"))
    assert "<td>1</td>" in office_row(text_of(alice.get("/organizations")))
    for path in (person_path, office_path):
        page = text_of(alice.get(path))
        assert "Closed dinner" not in page and "Secret Contact" not in page, path
