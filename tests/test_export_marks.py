"""The Restricted mark survives the JSON export and import (no round-trip leak).

A record marked restricted that is exported without its mark and imported
elsewhere would become a free directory entry every signed-in user sees. The
format carries the mark on every record it names; the import keeps it, adds
it only where the local rules allow, never clears one, and refuses a mark that
a meeting which is not restricted would show.
"""

import pytest
from sqlalchemy import select

from events_app.extensions import db
from events_app.models import Meeting, Organization, Person, Topic
from tests.factories import Factories
from tests.test_interchange import (
    assert_import_refused,
    document_of,
    export_via_cli,
    import_via_cli,
    meeting_record,
    wipe_meeting_data,
)
from tests.test_leaks import SECRET, create_meeting, signed_in

SECRET_NAMES = ("Secret Source", "Hidden Network", "Covert", "Operation X")
MARKED = {
    (Person, "Secret Source"),
    (Person, "Former Informant"),
    (Organization, "Hidden Network"),
    (Topic, "Covert"),
    (Topic, "Operation X"),
}
PAGES = {Person: "people", Organization: "organizations", Topic: "topics"}


def marks(app) -> dict:
    """(model, name) -> (id, marked) of the records of MARKED."""
    found = {}
    with app.app_context():
        for model, name in MARKED:
            column = model.display_name if model is Person else model.name
            record = db.session.scalar(select(model).where(column == name))
            assert record is not None, name
            found[(model, name)] = (record.id, record.restricted)
    return found


def assert_hidden_from_a_viewer(app, found: dict) -> None:
    """A viewer who may not see the restricted meeting finds none of the records."""
    viewer = signed_in(app, "viewer@example.org", "viewer")
    for (model, name), (record_id, _) in found.items():
        path = f"/{PAGES[model]}/{record_id}"
        assert viewer.get(path).status_code == 404, (path, name)
    names = [name for _, name in found]
    for path in (
        "/people",
        "/organizations",
        "/topics",
        "/people?q=secret",
        "/people?q=former",
        "/meetings?q=secret",
        "/meetings?q=informant",
        "/meetings?q=covert",
        "/people/suggest?q=Secret+Source",
        "/people/suggest?q=Former+Informant",
        "/organizations/suggest?q=Hidden+Network",
        "/topics/suggest?q=Covert",
        "/topics/suggest?q=Operation+X",
    ):
        response = viewer.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        for name in names:
            assert name not in page, (path, name)


def test_marks_survive_export_and_import_into_an_empty_database(app, runner, tmp_path):
    admin = signed_in(app, "admin@example.org", "admin")
    create_meeting(admin, **SECRET)
    with app.app_context():
        # Left over from a purged restricted meeting: in the directory only.
        Factories().person("Former Informant", restricted=True)
    assert all(marked for _, marked in marks(app).values())
    exported = export_via_cli(runner, tmp_path, name="first.json")

    wipe_meeting_data(app)
    result = import_via_cli(runner, tmp_path, exported)

    assert result.exit_code == 0, result.output
    found = marks(app)
    assert {key for key, (_, marked) in found.items() if marked} == MARKED
    assert export_via_cli(runner, tmp_path, name="second.json") == exported
    assert_hidden_from_a_viewer(app, found)
    # Purged here too, the restricted meeting's records stay hidden.
    admin = signed_in(app, "admin@example.org", "admin")
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    assert admin.post(f"/meetings/{meeting_id}/delete").status_code == 302
    assert admin.post(f"/trash/{meeting_id}/purge").status_code == 302
    assert_hidden_from_a_viewer(app, found)


def person_marked(app, name: str) -> bool:
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.display_name == name))
        return person.restricted


def restricted_record(uid="restricted@example.org", **changes) -> dict:
    return meeting_record(uid=uid, confidentiality="restricted", **changes)


def participant(person, **marks) -> dict:
    return {"person": person, "organization": None, "role": "participant",
            "attendance": "attended", "note": "", **marks}  # fmt: skip


def test_files_without_marks_still_import_and_mark_nothing_more(app, runner, tmp_path):
    document = document_of(
        meeting_record(),
        people=[{"name": "Directory Person"}],
        topics=[{"name": "Free Topic", "parent": "Free Parent"}],
    )
    result = import_via_cli(runner, tmp_path, document)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert not any(db.session.scalars(select(Person.restricted)))
        assert not any(db.session.scalars(select(Organization.restricted)))
        assert not any(db.session.scalars(select(Topic.restricted)))


def test_a_mark_given_by_a_row_marks_an_existing_record_and_its_parents(
    app, runner, tmp_path
):
    with app.app_context():
        make = Factories()
        parent = make.topic("Covert")
        make.topic("Operation X", parent=parent)
        make.person("Secret Source")
    record = restricted_record(
        participants=[participant("Secret Source", person_restricted=True)],
        topics=[
            {
                "name": "Operation X",
                "parent": "Covert",
                "note": "",
                "restricted": True,
                "restricted_parents": 1,
            },
        ],  # fmt: skip
        outcomes=[],
    )
    result = import_via_cli(runner, tmp_path, document_of(record))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert all(db.session.scalars(select(Topic.restricted)))
    assert person_marked(app, "Secret Source")


@pytest.mark.parametrize(
    ("sections", "rows", "problem"),
    [
        (
            {"people": [{"name": "X", "restricted": "yes"}]},
            None,
            "people[0].restricted: must be true or false",
        ),
        (
            {"organizations": [{"name": "X", "restricted": 1}]},
            None,
            "organizations[0].restricted: must be true or false",
        ),
        (
            {
                "topics": [
                    {
                        "name": "T",
                        "parent": "P",
                        "restricted": True,
                        "restricted_parents": 2,
                    }
                ]
            },  # fmt: skip
            None,
            "topics[0].restricted_parents: must be a whole number from 0 to 1",
        ),
        (
            {"topics": [{"name": "T", "parent": "P", "restricted_parents": 1}]},
            None,
            "topics[0].restricted_parents: a topic under a parent marked restricted",
        ),
        (
            {},
            {"participants": [participant("X", person_restricted="true")]},
            "meetings[0].participants[0].person_restricted: must be true or false",
        ),
        (
            {},
            {
                "outcomes": [
                    {
                        "text": "Do it.",
                        "owner": "X",
                        "due": None,
                        "status": "open",
                        "owner_restricted": None,
                        "more": 1,
                    }
                ]
            },  # fmt: skip
            "meetings[0].outcomes[0]: unknown keys ['more']",
        ),
        (
            {},
            {
                "topics": [
                    {
                        "name": "T",
                        "parent": None,
                        "note": "",
                        "restricted": True,
                        "restricted_parents": True,
                    }
                ]
            },  # fmt: skip
            "meetings[0].topics[0].restricted_parents: must be a whole number from 0",
        ),
    ],
)
def test_a_mark_of_the_wrong_type_is_refused_naming_its_place(
    app, runner, tmp_path, sections, rows, problem
):
    document = document_of(restricted_record(**(rows or {})), **sections)
    assert_import_refused(app, runner, tmp_path, document, problem)


def test_a_mark_that_a_meeting_not_restricted_would_show_is_refused(
    app, runner, tmp_path
):
    internal = meeting_record(participants=[participant("Anna Example")])
    marked_row = meeting_record(
        participants=[participant("Anna Example", person_restricted=True)]
    )
    assert_import_refused(
        app,
        runner,
        tmp_path,
        document_of(marked_row),
        "meetings[0].participants[0].person_restricted: Only the records of a "
        "restricted meeting may be marked restricted",
    )
    assert_import_refused(
        app,
        runner,
        tmp_path,
        document_of(internal, people=[{"name": "Anna Example", "restricted": True}]),
        "meetings[0].participants[0].person: “Anna Example” is marked restricted",
    )
    # Marked by a later restricted meeting of the file, once the open one is saved.
    secret = restricted_record(
        participants=[participant("Anna Example", person_restricted=True)],
        topics=[],
        outcomes=[],
    )
    assert_import_refused(
        app,
        runner,
        tmp_path,
        document_of(internal, secret),
        "meetings[1].participants[0].person_restricted: It appears in a meeting "
        "that is not restricted",
    )


def test_the_import_marks_a_local_record_only_where_the_local_rules_allow(
    app, runner, tmp_path
):
    with app.app_context():
        make = Factories()
        sanctions = make.topic("Sanctions")
        make.topic("Monitoring", parent=sanctions)
        watch = make.organization("Example Watch")
        make.person("Free Member", organization=watch)
        make.meeting(participants=[(make.person("Open Speaker"), None, "speaker")])
        make.person("Marked Person", restricted=True)
        make.person("Unlinked Person")
    for section, name, problem in (
        ("topics", "Sanctions", "A sub-topic of this topic is not marked"),
        ("organizations", "Example Watch", "It is the usual organization of a"),
        ("people", "Open Speaker", "It appears in a meeting that is not restricted"),
    ):
        document = document_of(**{section: [{"name": name, "restricted": True}]})
        assert_import_refused(
            app, runner, tmp_path, document, f"{section}[0].restricted: {problem}"
        )
    document = document_of(
        people=[
            {"name": "Marked Person", "restricted": False},
            {"name": "Unlinked Person", "restricted": True},
        ]
    )
    result = import_via_cli(runner, tmp_path, document)
    assert result.exit_code == 0, result.output
    assert person_marked(app, "Marked Person")  # never cleared by an import
    assert person_marked(app, "Unlinked Person")
    assert not person_marked(app, "Open Speaker")
