"""Every directory change leaves a trace: who changed which record, from what, to what.

People, organizations and topics are audited by the session itself, so the
forms, the meeting form creating records by name, the JSON and .ics imports and
the command line are all covered, as is any column added later.
"""

import json

import pytest
from sqlalchemy import inspect, select, update

from events_app.audit import NOT_AUDITED_COLUMNS, _current_values
from events_app.extensions import db
from events_app.models import AuditEvent, Organization, Person, Topic
from tests.test_ics_import import confirm, ics, upload
from tests.test_meetings import meeting_form_data

EDITOR = "editor@example.org"


def directory_events(app, target_type: str | None = None) -> list[AuditEvent]:
    """Audit events about people, organizations and topics, oldest first."""
    with app.app_context():
        statement = select(AuditEvent).where(
            AuditEvent.target_type.in_(["person", "organization", "topic"])
        )
        if target_type:
            statement = statement.where(AuditEvent.target_type == target_type)
        events = db.session.scalars(statement.order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return events


def only_event(app, action: str) -> AuditEvent:
    events = [event for event in directory_events(app) if event.action == action]
    assert len(events) == 1, [(event.action, event.details) for event in events]
    return events[0]


def test_editing_a_person_records_the_editor_and_every_old_and_new_value(
    app, client, auth, make
):
    center = make.organization("Belarusian Investigative Center")
    person_id = make.person("Anna Nowak", title="Researcher").id
    center_name = center.name
    before = len(directory_events(app))
    auth.sign_in_as("editor")

    response = client.post(
        f"/people/{person_id}/edit",
        data={
            "display_name": "Anna Nowak-Kowalska",
            "other_names": "Ania",
            "organization_name": center_name,
            "title": "Director",
            "notes": "",
        },
    )

    assert response.status_code == 302
    events = directory_events(app)[before:]
    assert [(event.action, event.target_id) for event in events] == [
        ("person_updated", person_id)
    ]
    event = events[0]
    assert event.actor_email == EDITOR
    assert event.summary == "Anna Nowak-Kowalska"
    assert event.details == {
        "display_name": ["Anna Nowak", "Anna Nowak-Kowalska"],
        "other_names": ["", "Ania"],
        "organization": [None, center_name],
        "title": ["Researcher", "Director"],
    }


def test_saving_a_form_without_changes_records_nothing(app, client, auth, make):
    organization_id = make.organization("Viasna", country="Belarus").id
    before = len(directory_events(app))
    auth.sign_in_as("editor")
    response = client.post(
        f"/organizations/{organization_id}/edit",
        data={"name": "Viasna", "kind": "other", "country": "Belarus"},
    )
    assert response.status_code == 302
    assert len(directory_events(app)) == before


def test_creating_and_renaming_an_organization_through_its_form(app, client, auth):
    auth.sign_in_as("editor")
    client.post(
        "/organizations/new",
        data={"name": "Viasna", "short_name": "", "kind": "ngo", "country": ""},
    )
    created = only_event(app, "organization_created")
    assert created.actor_email == EDITOR
    assert created.details == {"name": [None, "Viasna"], "kind": [None, "ngo"]}

    client.post(
        f"/organizations/{created.target_id}/edit",
        data={"name": "Viasna Centre", "kind": "ngo", "other_names": "Вясна"},
    )
    renamed = only_event(app, "organization_updated")
    assert renamed.target_id == created.target_id
    assert renamed.details == {
        "name": ["Viasna", "Viasna Centre"],
        "other_names": ["", "Вясна"],
    }


def test_renaming_and_moving_a_topic_through_its_form(app, client, auth, make):
    sanctions = make.topic("Sanctions")
    topic_id = make.topic("Circumvention", parent=sanctions).id
    elections_id = make.topic("Elections").id
    before = len(directory_events(app))
    auth.sign_in_as("editor")

    client.post(
        f"/topics/{topic_id}/edit",
        data={
            "name": "Monitoring",
            "parent_id": str(elections_id),
            "description": "Who watches.",
        },
    )

    (event,) = directory_events(app)[before:]
    assert (event.action, event.target_id, event.actor_email) == (
        "topic_updated",
        topic_id,
        EDITOR,
    )
    assert event.summary == "Elections > Monitoring"
    assert event.details == {
        "name": ["Circumvention", "Monitoring"],
        "parent": ["Sanctions", "Elections"],
        "description": ["", "Who watches."],
    }


def test_records_the_meeting_form_creates_by_name_are_audited(app, client, auth):
    auth.sign_in_as("editor")
    response = client.post("/meetings/new", data=meeting_form_data())
    assert response.status_code == 302
    created = {
        (event.action, event.summary): event
        for event in directory_events(app)
        if event.action.endswith("_created")
    }
    assert set(created) == {
        ("person_created", "Kupreychyk"),
        ("organization_created", "belpol"),
        ("topic_created", "Sanctions"),
        ("topic_created", "Sanctions > Sanctions circumvention"),
    }
    assert {event.actor_email for event in created.values()} == {EDITOR}
    topic = created["topic_created", "Sanctions > Sanctions circumvention"]
    assert topic.details == {
        "name": [None, "Sanctions circumvention"],
        "parent": [None, "Sanctions"],
    }


def test_json_import_on_the_command_line_audits_one_event_per_record(
    app, runner, tmp_path, make
):
    make.organization("Example Watch", country="Belarus")
    before = len(directory_events(app))
    document = {
        "format": "events_app meetings",
        "version": 1,
        "organizations": [
            {"name": "Example Watch", "short_name": "EW", "country": "Lithuania"},
            {"name": "Brand New Group", "other_names": ["BNG"]},
        ],
        "meetings": [],
    }
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    result = runner.invoke(args=["import-meetings", str(path)])

    assert result.exit_code == 0, result.output
    events = {event.action: event for event in directory_events(app)[before:]}
    assert set(events) == {"organization_updated", "organization_created"}
    assert events["organization_updated"].details == {
        "country": ["Belarus", "Lithuania"],
        "short_name": ["", "EW"],
    }
    # Found or created, then named, then flushed again: still one event.
    assert events["organization_created"].details == {
        "name": [None, "Brand New Group"],
        "other_names": [None, "BNG"],
        "kind": [None, "other"],
    }
    assert {event.actor_email for event in events.values()} == {""}


def test_ics_import_audits_the_people_it_creates(app, client, auth):
    auth.sign_in_as("editor")
    event = "\n".join(
        [
            "UID:audit-1@example.org",
            "DTSTAMP:20250101T000000Z",
            "SUMMARY:Consultations",
            "DTSTART:20250310T090000Z",
            "DTEND:20250310T100000Z",
            "ATTENDEE;CN=Olga Attendee:mailto:olga@example.org",
        ]
    )
    preview = upload(client, ics(event))
    assert confirm(client, preview.get_data(as_text=True)).status_code in (200, 302)
    created = only_event(app, "person_created")
    assert created.actor_email == EDITOR
    assert created.details == {"display_name": [None, "Olga Attendee"]}


def test_deleting_a_record_keeps_what_it_held(app, make):
    topic_id = make.topic("Covert", description="Secret plans").id
    with app.app_context():
        db.session.delete(db.session.get(Topic, topic_id))
        db.session.commit()
    deleted = only_event(app, "topic_deleted")
    assert (deleted.target_id, deleted.summary) == (topic_id, "Covert")
    assert deleted.details == {
        "name": ["Covert", None],
        "description": ["Secret plans", None],
    }


def test_a_change_rolled_back_leaves_no_event(app, make):
    person_id = make.person("Anna Nowak").id
    before = len(directory_events(app))
    with app.app_context():
        db.session.get(Person, person_id).title = "Director"
        db.session.flush()
        db.session.rollback()
        db.session.get(Person, person_id).notes = "Kept"
        db.session.commit()
    (event,) = directory_events(app)[before:]
    assert event.details == {"notes": ["", "Kept"]}


def test_bulk_statements_that_would_escape_the_audit_are_refused(app, make):
    make.person("Anna Nowak")
    with app.app_context():
        with pytest.raises(RuntimeError, match="audited"):
            db.session.execute(update(Person).values(display_name="Nobody"))
        db.session.rollback()
        assert db.session.scalar(select(Person.display_name)) == "Anna Nowak"


@pytest.mark.parametrize("model", [Person, Organization, Topic])
def test_every_column_is_audited_unless_derived(app, model):
    """A column added later (e.g. a confidentiality mark) is audited unasked."""
    audited = set(_current_values(model()))
    mapper = inspect(model)
    for attribute in mapper.column_attrs:
        (column,) = attribute.columns
        linked_by = [
            link.key for link in mapper.relationships if column in link.local_columns
        ]
        expected = linked_by[0] if linked_by else attribute.key
        assert attribute.key in NOT_AUDITED_COLUMNS or expected in audited


def test_audit_page_shows_changes_field_by_field_to_admins_only(
    app, client, auth, make
):
    hidden = make.person("Secret Contact")
    make.meeting(
        confidentiality="restricted", participants=[(hidden, None, "participant")]
    )
    hidden_id = hidden.id
    auth.sign_in_as("admin")
    client.post(
        f"/people/{hidden_id}/edit",
        data={"display_name": "Renamed Contact", "notes": "Met once in Vilnius"},
    )
    page = client.get("/audit?action=person_updated").get_data(as_text=True)
    assert f'href="/people/{hidden_id}"' in page
    for text in ("Display name", "Secret Contact", "Renamed Contact", "(empty)"):
        assert text in page
    assert "admin@example.org" in page
    auth.sign_out()

    for role in ("viewer", "editor"):
        auth.sign_in_as(role)
        assert client.get("/audit").status_code == 403
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.arguments:
                text = client.get(rule.rule).get_data(as_text=True)
                assert "Secret Contact" not in text, rule.rule
                assert "Met once in Vilnius" not in text, rule.rule
        auth.sign_out()
