"""Outside review of the new doors (search, typed filters, subscriptions, undo,
stored events, revision diff): nothing hidden shows through any of them."""

import base64
import re
import zlib

import pytest
from sqlalchemy import select

from events_app.extensions import db
from events_app.models import FeedToken, Topic


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
