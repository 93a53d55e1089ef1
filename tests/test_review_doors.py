"""Outside review of the new doors (search, typed filters, subscriptions, undo,
stored events, revision diff): nothing hidden shows through any of them."""

import base64
import re
import zlib

import pytest
from sqlalchemy import select

from events_app.auth.feed_tokens import ensure_feed_token, subscription_key
from events_app.extensions import db
from events_app.models import FeedToken, Meeting, Outcome, Topic, User
from tests.test_meetings import meeting_form_data


@pytest.fixture(autouse=True)
def set_up(make):
    make.user(email="admin@example.org", role="admin")


@pytest.fixture
def hidden_parent(make):
    """A marked parent topic in no meeting (hidden to editors) above a free child."""
    covert = make.topic("Covertparentzz", restricted=True)
    child = make.topic("Fieldwork", parent=covert)
    return covert.id, child.id


def test_topic_suggestions_leave_out_a_hidden_parent(client, auth, hidden_parent):
    auth.sign_in_as("editor")
    body = client.get("/topics/suggest", query_string={"q": "Fieldwork"})
    assert "Fieldwork" in body.get_data(True)
    assert "Covertparentzz" not in body.get_data(True)


@pytest.mark.parametrize(
    "address",
    [
        "/meetings/new",
        "/topics/new",
        "/topics/{child}/edit",
        "/meetings?topic={child}",
        "/meetings?topic_name=Fieldwork",
        "/meetings?topic_name=Fieldw",
        "/subscribe?topic={child}",
    ],
)
def test_pages_leave_out_a_hidden_parent(client, auth, hidden_parent, address):
    auth.sign_in_as("editor")
    page = client.get(address.format(child=hidden_parent[1]), follow_redirects=True)
    assert page.status_code == 200
    if address in ("/meetings/new", "/topics/new"):
        # The forms list no topics: they are suggested as typed (above).
        assert "Fieldwork" not in page.get_data(True)
    else:
        assert "Fieldwork" in page.get_data(True)
    assert "Covertparentzz" not in page.get_data(True)


@pytest.fixture
def open_meeting_under_hidden_parent(app, client, auth, make):
    """A public meeting on "Fieldwork", then (as data linked before the rule would
    have it) "Fieldwork" put under a marked parent in no meeting.

    The meeting is made through the form (revision 1, no parent); an editor then
    closes its follow-up, a door that saves revision 2 of the meeting as it is
    now, so the revision pages hold a snapshot taken under the hidden parent.
    """
    auth.sign_in_as("editor")
    response = client.post(
        "/meetings/new",
        data=meeting_form_data(
            title="Openmeetingzz",
            confidentiality="public",
            **{"topics-0-topic": "Fieldwork", "topics-0-note": "Field notes."},
        ),
    )
    assert response.status_code == 302, response.get_data(True)
    meeting_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        covert = make.topic("Covertparentzz", restricted=True)
        child = db.session.scalar(select(Topic).where(Topic.name == "Fieldwork"))
        child.parent = covert
        db.session.commit()
        child_id = child.id
        outcome_id = db.session.scalar(
            select(Outcome.id).where(Outcome.meeting_id == meeting_id)
        )
    answer = client.post(
        f"/meetings/{meeting_id}/follow-ups/{outcome_id}/status",
        data={"status": "done", "revision": "1"},
    )
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).revision == 2
    return meeting_id, child_id


def feed_path(app, email="editor@example.org") -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return f"/feeds/{subscription_key(ensure_feed_token(user))}"


def test_no_door_names_a_hidden_parent_of_a_meetings_topic(
    app, client, open_meeting_under_hidden_parent
):
    """Every door showing the meeting or its topic, as an editor who may not see
    the parent: the path stops before it (stored feed events and revisions too)."""
    meeting_id, child_id = open_meeting_under_hidden_parent
    feed = feed_path(app)
    addresses = [
        f"/meetings/{meeting_id}",
        f"/meetings/{meeting_id}.ics",
        "/calendar.ics",
        f"{feed}.ics",
        f"{feed}/meetings/{meeting_id}.ics",
        "/meetings.csv",
        "/meetings?q=Fieldwork",
        "/meetings?q=Openmeetingzz",
        f"/topics/{child_id}",
        f"/topics/{child_id}/edit",
        "/topics?q=Fieldwork",
        f"/topics/{child_id}/charts",
        f"/topics/{child_id}/charts.csv?chart=per-month&by=topic",
        "/meetings/charts",
        "/meetings/charts.csv?chart=per-month&by=topic",
        "/meetings/charts?by=topic",
        "/not-met-lately",
        "/not-met-lately?kind=topic",
        f"/follow-ups?topic={child_id}",
        f"/follow-ups?topic={child_id}&status=done",
        f"/meetings?topic={child_id}",
        f"/meetings/{meeting_id}/revisions",
        f"/meetings/{meeting_id}/revisions/1",
        f"/meetings/{meeting_id}/revisions/2",
        f"/meetings/{meeting_id}/edit",
    ]
    leaks = []
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        body = response.get_data(True)
        if "Covertparentzz" in body:
            leaks.append(address)
    assert leaks == []
    assert "Fieldwork" in client.get(f"/meetings/{meeting_id}").get_data(True)
    # Searching the hidden name finds nothing and counts nothing (the page only
    # repeats the words typed).
    found = client.get("/meetings?q=Covertparentzz").get_data(True)
    assert "Openmeetingzz" not in found
    assert '<p id="result-count">No meetings match' in found
    # Admins and the audit trail: editors have none.
    assert client.get("/audit").status_code in (302, 403, 404)


def test_exports_name_no_hidden_parent(app, open_meeting_under_hidden_parent):
    """The JSON export as an editor would read it (meetings and directory)."""
    from events_app.interchange.meetings_io import export_document

    with app.app_context():
        editor = db.session.scalar(
            select(User).where(User.email == "editor@example.org")
        )
        document = export_document(editor)
    assert "Fieldwork" in str(document)
    assert "Covertparentzz" not in str(document)


def cookie_text(client) -> str:
    """Everything the browser keeps in its session cookie, decoded."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return ""
    payload = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.value.startswith("."):
        raw = zlib.decompress(raw)
    return raw.decode("utf-8", "replace")


def test_a_new_feed_address_keeps_no_secret_in_the_cookie(client, auth, app):
    auth.sign_in_as("viewer")
    page = client.post("/account/feed", follow_redirects=True).get_data(True)
    address = re.search(r'value="http://localhost(/feeds/[^"]+\.ics)"', page)
    assert address and client.get(address.group(1)).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(FeedToken.id)) is not None
    cookie = cookie_text(client)
    assert "new_private_feed" in cookie
    assert address.group(1).split("/")[-1].removesuffix(".ics") not in cookie
    # Whoever signs in next on this browser sees no address of the first user.
    auth.sign_out()
    assert "new_private_feed" not in cookie_text(client)
    auth.sign_in_as("editor")
    assert "/feeds/" not in client.get("/account").get_data(True)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("where", ["sub-topic", "meeting"])
def test_marking_a_topic_that_still_shows_its_name_is_refused(
    client, auth, make, app, where
):
    """Marked, the parent would 404 while a public meeting's path (page, CSV,
    feeds) still named it."""
    parent = make.topic("Parentmarkzz")
    child = make.topic("Childtopic", parent=parent)
    meeting_topic = child if where == "sub-topic" else parent
    make.meeting("Open meeting", topics=[(meeting_topic, "")])
    auth.sign_in_as("editor")
    form = client.get(f"/topics/{parent.id}/edit").get_data(True)
    answer = client.post(
        f"/topics/{parent.id}/edit",
        data={
            "csrf_token": csrf_token(form),
            "name": "Parentmarkzz",
            "parent_id": "",
            "description": "",
            "restricted": "y",
        },
    )
    assert answer.status_code == 200
    assert "first." in answer.get_data(True)
    with app.app_context():
        assert db.session.get(Topic, parent.id).restricted is False
    auth.sign_out()
    auth.sign_in_as("viewer")
    assert client.get(f"/topics/{parent.id}").status_code == 200


def test_a_restricted_meetings_marked_topic_keeps_its_whole_path(
    app, client, auth, make
):
    """Its viewers all see its marked parents: page, .ics and stored feed events
    name them, as `MeetingTopic.path` and the feed loader's mirror agree."""
    covert = make.topic("Covertparentzz", restricted=True)
    child = make.topic("Operationzz", parent=covert, restricted=True)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    meeting = make.meeting(
        "Dinnerzz",
        confidentiality="restricted",
        topics=[(child, "")],
        access_users=[admin],
    )
    with app.app_context():
        row = db.session.get(Meeting, meeting.id).meeting_topics[0]
        assert row.path == "Covertparentzz > Operationzz"
    auth.sign_in_as("admin")
    feed = feed_path(app, "admin@example.org")
    for address in (
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}.ics",
        f"{feed}.ics",
    ):
        body = client.get(address).get_data(True).replace("\r\n ", "")
        body = body.replace("&gt;", ">")
        assert "Covertparentzz > Operationzz" in body, address


def test_saving_a_topic_under_a_hidden_parent_keeps_it_there(
    app, client, auth, hidden_parent
):
    """The form shows no parent it may not name, and saving it as shown does not
    take the topic out from under that parent (nothing saved is lost)."""
    from events_app.extensions import db
    from events_app.models import Topic

    covert_id, child_id = hidden_parent
    auth.sign_in_as("editor")
    form = client.get(f"/topics/{child_id}/edit").get_data(True)
    assert "Covertparentzz" not in form
    assert "stays there while this field is empty" in form
    answer = client.post(
        f"/topics/{child_id}/edit",
        data={
            "name": "Fieldwork",
            "parent_name": "",
            "parent_id": "hidden",
            "description": "Visits to the regions.",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        db.session.expire_all()
        child = db.session.get(Topic, child_id)
        assert child.parent_id == covert_id
        assert child.description == "Visits to the regions."
