"""Restricted content never leaks: names, topics, old revisions and staff addresses.

Each test plays the reviewer of issue 8: an editor or viewer who may not see a
restricted meeting tries to learn what it holds through another door.
"""

import importlib.util
from pathlib import Path

from markupsafe import escape
from sqlalchemy import select

from events_app.extensions import db
from events_app.models import (
    Meeting,
    MeetingRevision,
    Organization,
    Person,
    Topic,
    User,
    UserGroup,
)
from tests.factories import TEST_PASSWORD, Factories
from tests.test_meetings import errors_in, meeting_form_data


def signed_in(app, email: str, role: str):
    """A new client signed in as a user with this address and role."""
    with app.app_context():
        Factories().user(email=email, role=role)
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def user_id(app, email: str) -> str:
    """A user's id as the access-list picker posts it."""
    with app.app_context():
        return str(db.session.scalar(select(User.id).where(User.email == email)))


def create_meeting(client, **overrides) -> int:
    response = client.post("/meetings/new", data=meeting_form_data(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit("/", 1)[1])


def edit_meeting(app, client, meeting_id: int, **overrides):
    """Post an edit the way the form does, starting from the saved revision."""
    with app.app_context():
        revision = db.session.get(Meeting, meeting_id).revision
    return client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(revision=str(revision), **overrides),
    )


def topics_of(app, meeting_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return [(row.topic.id, row.topic.path) for row in meeting.meeting_topics]


SECRET = {
    "title": "Briefing on Operation X",
    "confidentiality": "restricted",
    "participants-0-person": "Secret Source",
    "participants-0-organization": "Hidden Network",
    "topics-0-topic": "Covert > Operation X",
    "outcomes-0-owner": "Secret Source",
}


# Item 1: a topic typed by name is only ever one the user may see.


def test_typing_a_hidden_topic_path_makes_new_topics(app):
    admin = signed_in(app, "admin@example.org", "admin")
    hidden_id = create_meeting(admin, **SECRET)
    [(hidden_topic_id, _)] = topics_of(app, hidden_id)

    editor = signed_in(app, "editor@example.org", "editor")
    open_id = create_meeting(
        editor,
        **{
            "topics-0-topic": "operation x",
            "topics-1-topic": "Covert > Operation X",
        },
    )
    linked = topics_of(app, open_id)
    assert [path for _, path in linked] == ["operation x", "Covert > Operation X"]
    with app.app_context():
        hidden = db.session.get(Topic, hidden_topic_id)
        hidden_ids = {hidden.id, hidden.parent_id}
    assert not hidden_ids & {topic_id for topic_id, _ in linked}

    viewer = signed_in(app, "viewer@example.org", "viewer")
    for topic_id in hidden_ids:
        assert viewer.get(f"/topics/{topic_id}").status_code == 404
    assert viewer.get(f"/topics/{linked[0][0]}").status_code == 200


def test_a_topic_seen_only_through_the_edited_meeting_is_kept(app):
    editor = signed_in(app, "editor@example.org", "editor")
    meeting_id = create_meeting(
        editor, **SECRET, access_users=[user_id(app, "editor@example.org")]
    )
    before = topics_of(app, meeting_id)
    response = edit_meeting(app, editor, meeting_id, **SECRET, notes="More notes.")
    assert response.status_code == 302
    assert topics_of(app, meeting_id) == before
    with app.app_context():
        assert count(Person) == count(Organization) == 1
        assert count(Topic) == 2


def count(model) -> int:
    return db.session.scalar(select(db.func.count(model.id)))


# Item 2: records created from a restricted meeting stay hidden when it is gone.


def secret_records(app) -> dict[str, int]:
    with app.app_context():
        person = db.session.scalar(select(Person))
        organization = db.session.scalar(select(Organization))
        child = db.session.scalar(select(Topic).where(Topic.parent_id.is_not(None)))
        return {
            f"/people/{person.id}": person.restricted,
            f"/organizations/{organization.id}": organization.restricted,
            f"/topics/{child.id}": child.restricted,
            f"/topics/{child.parent_id}": child.parent.restricted,
        }


def assert_nothing_secret_shows(client):
    for path in ("/people?q=secret", "/organizations?q=hidden", "/topics", "/meetings"):
        page = client.get(path).get_data(as_text=True)
        for name in ("Secret Source", "Hidden Network", "Covert", "Operation X"):
            assert name not in page, (path, name)


def test_purging_a_restricted_meeting_declassifies_nothing(app):
    admin = signed_in(app, "admin@example.org", "admin")
    meeting_id = create_meeting(admin, **SECRET)
    pages = secret_records(app)
    assert set(pages.values()) == {True}
    admin.post(f"/meetings/{meeting_id}/delete")
    assert admin.post(f"/trash/{meeting_id}/purge").status_code == 302

    for role in ("viewer", "editor"):
        client = signed_in(app, f"{role}@example.org", role)
        for path in pages:
            assert client.get(path).status_code == 404, (role, path)
        assert_nothing_secret_shows(client)
    editor_form = client.get("/meetings/new").get_data(as_text=True)
    assert "Secret Source" not in editor_form and "Covert" not in editor_form
    for path in pages:
        assert admin.get(path).status_code == 200


def test_dropping_a_name_from_a_restricted_meeting_keeps_it_hidden(app):
    editor = signed_in(app, "editor@example.org", "editor")
    meeting_id = create_meeting(
        editor, **SECRET, access_users=[user_id(app, "editor@example.org")]
    )
    pages = secret_records(app)
    response = edit_meeting(
        app,
        editor,
        meeting_id,
        **{
            **SECRET,
            "participants-0-person": "Open Speaker",
            "participants-0-organization": "",
            "topics-0-topic": "Sanctions",
            "outcomes-0-owner": "",
        },
        access_users=[user_id(app, "editor@example.org")],
    )
    assert response.status_code == 302
    viewer = signed_in(app, "viewer@example.org", "viewer")
    for path in pages:
        assert viewer.get(path).status_code == 404
    assert_nothing_secret_shows(viewer)


def test_an_editor_who_sees_the_record_may_clear_the_mark(app):
    editor = signed_in(app, "editor@example.org", "editor")
    meeting_id = create_meeting(
        editor, **SECRET, access_users=[user_id(app, "editor@example.org")]
    )
    person_path = next(iter(secret_records(app)))
    form = editor.get(f"{person_path}/edit").get_data(as_text=True)
    assert 'name="restricted"' in form and "checked" in form
    editor.post(f"{person_path}/edit", data={"display_name": "Secret Source"})
    editor.post(f"/meetings/{meeting_id}/delete")
    admin = signed_in(app, "admin@example.org", "admin")
    assert admin.post(f"/trash/{meeting_id}/purge").status_code == 302
    viewer = signed_in(app, "viewer@example.org", "viewer")
    assert viewer.get(person_path).status_code == 200


def migration_module(pattern: str):
    """A migration script loaded as a module, to run its data step on its own."""
    path = next(Path(__file__).parent.parent.glob(f"migrations/versions/{pattern}"))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


def test_the_migration_marks_what_only_restricted_meetings_hold(app, make):
    """The data step of the migration, run on the test database as Alembic would."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    migration = migration_module("*_restricted_mark_*.py")

    covert = make.topic("Covert")
    secret_topic = make.topic("Operation X", parent=covert)
    open_topic = make.topic("Sanctions")
    shared = make.person("Shared Person")
    secret = make.person("Secret Source")
    free = make.person("Free Entry")
    network = make.organization("Hidden Network")
    make.meeting(
        confidentiality="restricted",
        participants=[(secret, network, "speaker"), (shared, None, "participant")],
        topics=[(secret_topic, "")],
    )
    make.meeting(
        confidentiality="internal",
        participants=[(shared, None, "participant")],
        topics=[(open_topic, "")],
    )
    connection = db.session.connection()
    with Operations.context(MigrationContext.configure(connection)):
        migration.mark_records_seen_only_in_restricted_meetings()
    db.session.commit()
    db.session.expire_all()
    marked = {
        record.label
        for model in (Person, Organization, Topic)
        for record in db.session.scalars(select(model).where(model.restricted))
    }
    assert marked == {
        "Secret Source",
        "Hidden Network",
        "Covert",
        "Covert > Operation X",
    }
    assert not free.restricted


# Item 3: a revision is as secret as the meeting was when it was saved.


def test_old_restricted_revisions_stay_restricted(app):
    with app.app_context():
        Factories().user(email="alice@example.org", role="viewer")
    editor = signed_in(app, "editor@example.org", "editor")
    meeting_id = create_meeting(
        editor,
        **SECRET,
        notes="The source meets us at dawn.",
        access_users=[
            user_id(app, "editor@example.org"),
            user_id(app, "alice@example.org"),
        ],
    )
    response = edit_meeting(
        app,
        editor,
        meeting_id,
        title="Briefing, open part",
        confidentiality="internal",
        notes="Nothing sensitive.",
    )
    assert response.status_code == 302

    viewer = signed_in(app, "viewer@example.org", "viewer")
    other_editor = signed_in(app, "other@example.org", "editor")
    for client in (viewer, other_editor):
        listing = client.get(f"/meetings/{meeting_id}/revisions")
        assert listing.status_code == 200
        page = listing.get_data(as_text=True)
        assert f"/meetings/{meeting_id}/revisions/2" in page
        assert f"/meetings/{meeting_id}/revisions/1" not in page
        assert client.get(f"/meetings/{meeting_id}/revisions/1").status_code == 404
    restore = other_editor.post(f"/meetings/{meeting_id}/revisions/1/restore")
    assert restore.status_code == 404
    conflict = other_editor.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(revision="1", title="Stale edit"),
    )
    assert conflict.status_code == 409
    conflict_page = conflict.get_data(as_text=True)
    assert "Saved now (revision" not in conflict_page
    assert "Secret Source" not in conflict_page and "dawn" not in conflict_page

    # Those who could see it then still can.
    alice = signed_in(app, "alice@example.org", "viewer")
    old = alice.get(f"/meetings/{meeting_id}/revisions/1")
    assert old.status_code == 200 and "dawn" in old.get_data(as_text=True)


def open_up(app, client, meeting_id: int):
    """Edit a restricted meeting of SECRET into an internal one without its secrets."""
    response = edit_meeting(
        app,
        client,
        meeting_id,
        title="Open now",
        confidentiality="internal",
        notes="Nothing sensitive.",
        **{
            "participants-0-person": "Open Person",
            "participants-0-organization": "",
            "topics-0-topic": "Open",
            "outcomes-0-owner": "",
        },
    )
    assert response.status_code == 302


def test_old_revisions_follow_access_list_ids_not_names(app):
    """A renamed group, its old name reused, a changed address: ids decide."""
    admin = signed_in(app, "admin@example.org", "admin")
    member = signed_in(app, "member@example.org", "viewer")
    listed = signed_in(app, "listed@example.org", "viewer")
    newcomer = signed_in(app, "newcomer@example.org", "viewer")
    admin.post(
        "/groups",
        data={"name": "Board", "members": [user_id(app, "member@example.org")]},
    )
    meeting_id = create_meeting(
        admin,
        **SECRET,
        notes="The source meets us at dawn.",
        access_groups=["Board"],
        access_users=[user_id(app, "listed@example.org")],
    )
    open_up(app, admin, meeting_id)
    with app.app_context():
        board_id = db.session.scalar(select(UserGroup.id))
        # Addresses change (there is no page for it yet; the database allows it).
        db.session.scalar(
            select(User).where(User.email == "listed@example.org")
        ).email = "listed.new@example.org"
        db.session.commit()
    admin.post(
        f"/groups/{board_id}",
        data={"name": "Old board", "members": [user_id(app, "member@example.org")]},
    )
    admin.post(
        "/groups",
        data={"name": "Board", "members": [user_id(app, "newcomer@example.org")]},
    )
    revision = f"/meetings/{meeting_id}/revisions/1"
    response = newcomer.get(revision)
    assert response.status_code == 404
    assert "dawn" not in newcomer.get(f"/meetings/{meeting_id}/revisions").get_data(
        as_text=True
    )
    for entitled in (member, listed):
        response = entitled.get(revision)
        assert response.status_code == 200
        assert "dawn" in response.get_data(as_text=True)


def test_the_migration_finds_revision_access_ids_by_saved_names(app, make):
    """The data step of the migration, run on the test database as Alembic would."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    migration = migration_module("*_revision_access_lists_by_ids.py")
    alice = make.user(email="alice@example.org", role="viewer")
    board = UserGroup(name="Board")
    db.session.add(board)
    meeting = make.meeting(confidentiality="restricted")
    db.session.add(
        MeetingRevision(
            meeting_id=meeting.id,
            revision=7,
            action="updated",
            snapshot={
                "confidentiality": "restricted",
                "access": {
                    "users": ["alice@example.org", "gone@example.org"],
                    "groups": ["Board", "Gone group"],
                },
            },
            access_ids={},
        )
    )
    db.session.commit()
    connection = db.session.connection()
    with Operations.context(MigrationContext.configure(connection)):
        migration.fill_access_ids_from_saved_names()
    db.session.commit()
    db.session.expire_all()
    filled = db.session.scalar(
        select(MeetingRevision.access_ids).where(MeetingRevision.revision == 7)
    )
    assert filled == {"users": [alice.id], "groups": [board.id]}


# Item 4: revision histories are for signed-in users and name people by name.


def test_revision_history_names_staff_and_hides_their_addresses(app):
    editor = signed_in(app, "editor@example.org", "editor")
    with app.app_context():
        db.session.scalar(
            select(User).where(User.email == "editor@example.org")
        ).display_name = "Erin Editor"
        db.session.commit()
    meeting_id = create_meeting(editor, confidentiality="public")
    edit_meeting(app, editor, meeting_id, confidentiality="public", title="Renamed")

    anonymous = app.test_client()
    assert anonymous.get(f"/meetings/{meeting_id}").status_code == 200
    for path in (
        f"/meetings/{meeting_id}/revisions",
        f"/meetings/{meeting_id}/revisions/1",
    ):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/sign-in" in response.location
        assert "@" not in response.get_data(as_text=True)

    viewer = signed_in(app, "viewer@example.org", "viewer")
    for path in (
        f"/meetings/{meeting_id}/revisions",
        f"/meetings/{meeting_id}/revisions/1",
    ):
        page = viewer.get(path).get_data(as_text=True)
        assert "Erin Editor" in page and "editor@example.org" not in page


def test_user_names_come_from_the_admin_form_and_the_command_line(app, runner):
    admin = signed_in(app, "admin@example.org", "admin")
    admin.post(
        "/users",
        data={
            "email": "nina@example.org",
            "display_name": "  Nina   Novak ",
            "role": "viewer",
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
        },
    )
    result = runner.invoke(
        args=["create-user", "omar@example.org", "--name", "Omar Odeh"],
        input=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["create-user", "pat.lee@example.org"], input=f"{TEST_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = {user.email: user.name for user in db.session.scalars(select(User))}
    assert names["nina@example.org"] == "Nina Novak"
    assert names["omar@example.org"] == "Omar Odeh"
    assert names["pat.lee@example.org"] == "pat.lee"


# Item 21: the access-list picker names colleagues; it never shows addresses.


def test_access_list_picker_shows_names_not_addresses(app):
    with app.app_context():
        Factories().user(email="alice@example.org", role="viewer")
        gone = Factories().user(email="gone@example.org", role="viewer", active=False)
        gone_id = gone.id
    editor = signed_in(app, "editor@example.org", "editor")
    form = editor.get("/meetings/new").get_data(as_text=True)
    assert "@example.org" not in form.replace(
        '<a href="/account">editor@example.org</a>', ""
    )
    assert ">alice</label>" in form and f'value="{gone_id}"' not in form
    with app.app_context():
        alice_id = db.session.scalar(
            select(User.id).where(User.email == "alice@example.org")
        )
    meeting_id = create_meeting(
        editor, confidentiality="restricted", access_users=[str(alice_id)]
    )
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert sorted(user.email for user in meeting.access_users) == [
            "alice@example.org",
            "editor@example.org",
        ]


# Item 2, second review: a marked record is never linked where others see it.


def secret_ids(app) -> dict[str, int]:
    """Ids of the marked parent topic and organization the SECRET meeting made."""
    with app.app_context():
        covert = db.session.scalar(select(Topic).where(Topic.name == "Covert"))
        network = db.session.scalar(select(Organization))
        assert covert.restricted and network.restricted
        return {"covert": covert.id, "network": network.id}


def editor_on_secret_meeting(app):
    """An editor on a restricted meeting's access list, and that meeting's id."""
    editor = signed_in(app, "editor@example.org", "editor")
    meeting_id = create_meeting(
        editor, **SECRET, access_users=[user_id(app, "editor@example.org")]
    )
    return editor, meeting_id


def assert_marked_records_stay_hidden(app, ids):
    viewer = signed_in(app, "viewer@example.org", "viewer")
    assert viewer.get(f"/topics/{ids['covert']}").status_code == 404
    assert viewer.get(f"/organizations/{ids['network']}").status_code == 404
    assert_nothing_secret_shows(viewer)


MARKED_MESSAGE = "is marked restricted: clear its mark on its page first"


def test_a_meeting_that_is_not_restricted_cannot_link_marked_records(app):
    editor, secret_id = editor_on_secret_meeting(app)
    ids = secret_ids(app)
    with app.app_context():
        meetings_before = count(Meeting)
        topics_before = count(Topic)
    for row in (
        {"topics-0-topic": "Covert > Harmless"},
        {"topics-0-topic": "Covert"},
        {
            "participants-0-person": "Open Guy",
            "participants-0-organization": "hidden network",
        },
        {"participants-0-person": "Secret Source"},
        {"outcomes-0-owner": "Hidden Network"},
    ):
        response = editor.post("/meetings/new", data=meeting_form_data(**row))
        assert response.status_code == 422, row
        page = response.get_data(as_text=True)
        assert MARKED_MESSAGE in page and "make this meeting restricted" in page
        assert escape(next(iter(row.values()))) in page  # the input is kept
    with app.app_context():
        assert count(Meeting) == meetings_before
        assert count(Topic) == topics_before

    # The restricted meeting itself cannot be opened up while it holds them.
    response = edit_meeting(
        app, editor, secret_id, **SECRET | {"confidentiality": "internal"}
    )
    assert response.status_code == 422
    assert "“Hidden Network” " + MARKED_MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, secret_id).confidentiality == "restricted"

    # In a restricted meeting they may be linked, and a new child is marked.
    create_meeting(
        editor,
        **SECRET | {"topics-0-topic": "Covert > Harmless"},
        access_users=[user_id(app, "editor@example.org")],
    )
    with app.app_context():
        harmless = db.session.scalar(select(Topic).where(Topic.name == "Harmless"))
        assert harmless.restricted
    assert_marked_records_stay_hidden(app, ids)


def test_a_free_person_cannot_have_a_marked_organization(app):
    editor, _ = editor_on_secret_meeting(app)
    ids = secret_ids(app)
    response = editor.post(
        "/people/new",
        data={"display_name": "Free Person", "organization_name": "Hidden Network"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "“Hidden Network” " + MARKED_MESSAGE in page
    assert "mark this person restricted too" in page
    with app.app_context():
        assert (
            db.session.scalar(
                select(Person).where(Person.display_name == "Free Person")
            )
            is None
        )
    # A marked person may have it as their usual organization.
    response = editor.post(
        "/people/new",
        data={
            "display_name": "Marked Person",
            "organization_name": "Hidden Network",
            "restricted": "y",
        },
    )
    assert response.status_code == 302
    assert_marked_records_stay_hidden(app, ids)


def test_a_free_topic_cannot_move_under_a_marked_one(app):
    editor, _ = editor_on_secret_meeting(app)
    ids = secret_ids(app)
    response = editor.post("/topics/new", data={"name": "Free Topic"})
    assert response.status_code == 302
    free_path = response.location
    response = editor.post(
        f"{free_path}/edit", data={"name": "Free Topic", "parent_id": ids["covert"]}
    )
    page = response.get_data(as_text=True)
    assert "“Covert” " + MARKED_MESSAGE in page
    assert "mark this topic restricted too" in page
    with app.app_context():
        free = db.session.scalar(select(Topic).where(Topic.name == "Free Topic"))
        assert free.parent_id is None
    assert_marked_records_stay_hidden(app, ids)


def test_imports_cannot_link_marked_records(app):
    import pytest

    from events_app.interchange.json_format import FORMAT_VERSION
    from events_app.interchange.meetings_io import (
        FORMAT_NAME,
        ImportFailed,
        import_document,
    )

    admin = signed_in(app, "admin@example.org", "admin")
    create_meeting(admin, **SECRET)
    ids = secret_ids(app)
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        from events_app.interchange.json_format import meeting_to_record

        record = meeting_to_record(meeting)
    internal = {
        **record,
        "uid": "internal-copy@example.org",
        "confidentiality": "internal",
        "access": {"users": [], "groups": []},
    }
    documents = {
        "meetings[0].participants[0].person": {"meetings": [internal]},
        "people[0].organization": {
            "people": [{"name": "Free Person", "organization": "Hidden Network"}]
        },
        "topics[0].parent": {"topics": [{"name": "Harmless", "parent": "Covert"}]},
    }
    for where, content in documents.items():
        document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "meetings": []}
        document.update(content)
        with app.app_context():
            before = (count(Meeting), count(Person), count(Topic))
            with pytest.raises(ImportFailed) as failure:
                import_document(document)
            assert any(
                problem.startswith(where) and MARKED_MESSAGE in problem
                for problem in failure.value.problems
            ), failure.value.problems
            assert (count(Meeting), count(Person), count(Topic)) == before
    assert_marked_records_stay_hidden(app, ids)


def test_restoring_a_revision_cannot_link_a_record_marked_since(app):
    # An admin sees the marked record, so their restore would link it.
    editor = signed_in(app, "admin@example.org", "admin")
    meeting_id = create_meeting(editor, **{"participants-0-organization": "Free Org"})
    edit_meeting(app, editor, meeting_id, **{"participants-0-organization": ""})
    with app.app_context():
        organization = db.session.scalar(
            select(Organization).where(Organization.name == "Free Org")
        )
        organization_id = organization.id
    editor.post(
        f"/organizations/{organization_id}/edit",
        data={"name": "Free Org", "kind": "other", "restricted": "y"},
    )
    response = editor.post(
        f"/meetings/{meeting_id}/revisions/1/restore", follow_redirects=True
    )
    assert "Nothing was restored" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).revision == 2
    viewer = signed_in(app, "viewer@example.org", "viewer")
    assert viewer.get(f"/organizations/{organization_id}").status_code == 404


def test_a_marked_parent_or_organization_is_not_shown_through_a_free_record(app):
    """Data linked before the rule existed: the free record shows, the marked not."""
    with app.app_context():
        make = Factories()
        covert = make.topic("Covert", restricted=True)
        child = make.topic("Harmless", parent=covert)
        network = make.organization("Hidden Network", restricted=True)
        make.person("Free Person", organization=network)
        covert, child, network = covert.id, child.id, network.id
    viewer = signed_in(app, "viewer@example.org", "viewer")
    assert viewer.get(f"/topics/{covert}").status_code == 404
    assert viewer.get(f"/organizations/{network}").status_code == 404
    page = viewer.get(f"/topics/{child}")
    assert page.status_code == 200 and "Covert" not in page.get_data(as_text=True)
    # Typing the hidden path links nothing hidden, nor the child through it.
    editor = signed_in(app, "editor@example.org", "editor")
    meeting_id = create_meeting(editor, **{"topics-0-topic": "Covert > Harmless"})
    [(topic_id, _)] = topics_of(app, meeting_id)
    assert topic_id not in (covert, child)


def test_the_web_form_takes_user_ids_only(app):
    """Whether an address has an account is not an editor's to learn."""
    with app.app_context():
        Factories().user(email="ceo@example.org", role="viewer")
    editor = signed_in(app, "editor@example.org", "editor")
    answers = {}
    for address in ("ceo@example.org", "nobody@example.org"):
        response = editor.post(
            "/meetings/new",
            data=meeting_form_data(
                confidentiality="restricted", access_users=[address]
            ),
        )
        answers[address] = (response.status_code, errors_in(response))
    assert answers == {address: (422, [f"Unknown: {address}."]) for address in answers}
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Meeting.id))) == 0


def test_records_still_name_users_by_address(app):
    """The JSON import and a restored revision carry addresses, as the format does."""
    from events_app.interchange.meetings_io import export_document, import_document
    from events_app.visibility import OPERATOR

    with app.app_context():
        Factories().user(email="alice@example.org", role="viewer")
    editor = signed_in(app, "editor@example.org", "editor")
    meeting_id = create_meeting(
        editor,
        confidentiality="restricted",
        access_users=[user_id(app, "alice@example.org")],
    )
    edit_meeting(app, editor, meeting_id, confidentiality="internal")
    assert editor.post(f"/meetings/{meeting_id}/revisions/1/restore").status_code == 302

    def access_list():
        meeting = db.session.get(Meeting, meeting_id)
        return meeting.confidentiality, sorted(u.email for u in meeting.access_users)

    restricted = ("restricted", ["alice@example.org", "editor@example.org"])
    with app.app_context():
        assert access_list() == restricted
        document = export_document(OPERATOR)
    edit_meeting(app, editor, meeting_id, confidentiality="internal")
    with app.app_context():
        import_document(document)
        assert access_list() == restricted
