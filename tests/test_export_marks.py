"""The Restricted mark survives the JSON export and import (no round-trip leak).

A record marked restricted that is exported without its mark and imported
elsewhere would become a free directory entry every signed-in user sees. The
format carries the mark on every record it names; the import keeps it, adds
it only where the local rules allow, never clears one, and refuses a mark that
a meeting which is not restricted would show.
"""

from sqlalchemy import select

from events_app.extensions import db
from events_app.models import Meeting, Organization, Person, Topic
from tests.factories import Factories
from tests.test_interchange import (
    export_via_cli,
    import_via_cli,
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
