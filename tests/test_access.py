"""Who may see what: the anonymous-access setting, groups and access lists."""

import re

import pytest
from sqlalchemy import select

from config import TestConfig
from events_app import create_app
from events_app.extensions import db
from events_app.models import AuditEvent, UserGroup


@pytest.fixture
def closed_app(database_kind, app):
    """The default deployment: anonymous visitors see nothing without signing in."""
    app.config["ANONYMOUS_ACCESS"] = False
    return app


def test_default_configuration_needs_sign_in():
    assert create_app.__module__  # the factory exists
    from config import Config

    assert Config.ANONYMOUS_ACCESS is False
    assert TestConfig.ANONYMOUS_ACCESS is True


@pytest.mark.parametrize(
    "path",
    [
        "/meetings",
        "/meetings/1",
        "/meetings/1.ics",
        "/people",
        "/organizations",
        "/topics",
    ],
)
def test_without_anonymous_access_pages_need_sign_in(closed_app, make, path):
    make.user(email="admin@example.org", role="admin")
    make.meeting(confidentiality="public")
    response = closed_app.test_client().get(path)
    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_without_anonymous_access_public_feed_is_gone(closed_app, make):
    make.user(email="admin@example.org", role="admin")
    make.meeting(confidentiality="public")
    client = closed_app.test_client()
    assert client.get("/calendar.ics").status_code == 404
    assert client.get("/sign-in").status_code == 200


def test_without_anonymous_access_signed_in_users_read(closed_app, make):
    make.user(email="viewer@example.org", role="viewer")
    meeting = make.meeting(confidentiality="public")
    client = closed_app.test_client()
    client.post(
        "/sign-in",
        data={"email": "viewer@example.org", "password": "correct horse battery"},
    )
    assert client.get(f"/meetings/{meeting.id}").status_code == 200


class TestGroups:
    def test_admin_creates_and_edits_groups(self, app, client, auth, make):
        auth.sign_in_as("admin")
        alice = make.user(email="alice@example.org", role="viewer")
        bob = make.user(email="bob@example.org", role="editor")
        response = client.post(
            "/groups",
            data={
                "name": "Sanctions  working group",
                "description": "Closed briefings on sanctions",
                "members": [str(alice.id), str(bob.id)],
            },
        )
        assert response.status_code == 302
        with app.app_context():
            group = db.session.scalar(select(UserGroup))
            assert group.name == "Sanctions working group"
            assert sorted(user.email for user in group.members) == [
                "alice@example.org",
                "bob@example.org",
            ]
            group_id = group.id
        page = client.get("/groups").get_data(as_text=True)
        assert "Sanctions working group" in page and "alice@example.org" in page
        client.post(
            f"/groups/{group_id}",
            data={"name": "Sanctions working group", "members": [str(bob.id)]},
        )
        with app.app_context():
            group = db.session.get(UserGroup, group_id)
            assert [user.email for user in group.members] == ["bob@example.org"]
            actions = db.session.scalars(select(AuditEvent.action)).all()
            assert "group_created" in actions and "group_changed" in actions

    def test_group_validation(self, app, client, auth, make):
        auth.sign_in_as("admin")
        client.post("/groups", data={"name": "Team"})
        duplicate = client.post("/groups", data={"name": "team"})
        assert "A group with this name exists already." in duplicate.get_data(
            as_text=True
        )
        empty = client.post("/groups", data={"name": ""})
        assert "This field is required." in empty.get_data(as_text=True)
        unknown = client.post("/groups", data={"name": "Other", "members": ["999"]})
        assert "Unknown: 999." in unknown.get_data(as_text=True)

    @pytest.mark.parametrize("role", ["viewer", "editor"])
    def test_groups_are_for_admins(self, client, auth, role):
        auth.sign_in_as(role)
        assert client.get("/groups").status_code == 403
        assert client.post("/groups", data={"name": "x"}).status_code == 403
        assert client.get("/groups/1").status_code == 403


class TestAccessLists:
    def test_editor_manages_access_list_on_the_form(self, app, client, auth, make):
        from sqlalchemy import select as select_

        from events_app.models import Meeting
        from tests.test_meetings import meeting_form_data

        alice = make.user(email="alice@example.org", role="viewer")
        make.user(email="bob@example.org", role="viewer")
        auth.sign_in_as("editor")
        response = client.post(
            "/meetings/new",
            data=meeting_form_data(
                confidentiality="restricted", access_users=[str(alice.id)]
            ),
        )
        assert response.status_code == 302
        with app.app_context():
            meeting = db.session.scalar(select_(Meeting))
            # The saving editor is kept on the list so they do not lock themselves out.
            assert sorted(user.email for user in meeting.access_users) == [
                "alice@example.org",
                "editor@example.org",
            ]
            meeting_id = meeting.id
        page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
        # Other users are named, never shown by address (see tests/test_leaks.py).
        assert "alice" in page and "alice@example.org" not in page
        edit = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
        assert re.search(
            rf'<input checked id="[^"]+" name="access_users" type="checkbox" '
            rf'value="{alice.id}"> <label[^>]*>alice</label>',
            edit,
        )
        auth.sign_out()
        client.post(
            "/sign-in",
            data={"email": "bob@example.org", "password": "correct horse battery"},
        )
        assert client.get(f"/meetings/{meeting_id}").status_code == 404
        client.post("/sign-out")
        client.post(
            "/sign-in",
            data={"email": "alice@example.org", "password": "correct horse battery"},
        )
        assert client.get(f"/meetings/{meeting_id}").status_code == 200

    def test_unknown_access_entries_are_rejected(self, app, client, auth):
        from tests.test_meetings import errors_in, meeting_form_data

        auth.sign_in_as("editor")
        response = client.post(
            "/meetings/new",
            data=meeting_form_data(
                confidentiality="restricted",
                access_users=["ghost@example.org"],
                access_groups=["No such group"],
            ),
        )
        assert response.status_code == 422
        errors = errors_in(response)
        assert "Unknown: ghost@example.org." in errors
        assert "Unknown: No such group." in errors

    def test_group_membership_grants_and_revokes_access(self, app, client, auth, make):
        meeting = make.meeting("Closed talk", confidentiality="restricted")
        viewer = make.user(email="viewer@example.org", role="viewer")
        group = UserGroup(name="Team")
        db.session.add(group)
        meeting.access_groups.append(group)
        db.session.commit()
        auth.sign_in_as("viewer")
        assert client.get(f"/meetings/{meeting.id}").status_code == 404
        group.members.append(viewer)
        db.session.commit()
        assert client.get(f"/meetings/{meeting.id}").status_code == 200
        group.members.clear()
        db.session.commit()
        assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_audit_trail_page_is_for_admins(app, client, auth, make):
    auth.sign_in_as("viewer")
    assert client.get("/audit").status_code == 403
    auth.sign_out()
    auth.sign_in_as("admin")
    page = client.get("/audit").get_data(as_text=True)
    assert "admin@example.org" in page and "Sign in" in page
    filtered = client.get("/audit?action=sign_out").get_data(as_text=True)
    assert "viewer@example.org" in filtered
    assert client.get("/audit?user=nobody@example.org").status_code == 200


def test_typing_a_hidden_persons_name_does_not_link_or_reveal_it(
    app, client, auth, make
):
    from sqlalchemy import func
    from sqlalchemy import select as select_

    from events_app.models import Meeting, Person
    from tests.test_meetings import meeting_form_data

    secret = make.person("Secret Source", other_names="S. Source", notes="Lives at …")
    make.meeting(
        "Closed briefing",
        confidentiality="restricted",
        participants=[(secret, None, "speaker")],
    )
    auth.sign_in_as("editor")
    response = client.post(
        "/meetings/new",
        data=meeting_form_data(**{"participants-0-person": "secret source"}),
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select_(func.count(Person.id))) == 2
        meeting = db.session.scalar(
            select_(Meeting).where(Meeting.title != "Closed briefing")
        )
        linked = meeting.participations[0].person
        assert linked.id != secret.id and linked.notes == ""
    page = client.get(f"/people/{linked.id}").get_data(as_text=True)
    assert "Lives at" not in page and "S. Source" not in page
