"""Outside review of the new doors (search, typed filters, subscriptions, undo,
stored events, revision diff): nothing hidden shows through any of them."""

import pytest


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
    ],
)
def test_pages_leave_out_a_hidden_parent(client, auth, hidden_parent, address):
    auth.sign_in_as("editor")
    page = client.get(address.format(child=hidden_parent[1]), follow_redirects=True)
    assert page.status_code == 200
    assert "Fieldwork" in page.get_data(True)
    assert "Covertparentzz" not in page.get_data(True)
