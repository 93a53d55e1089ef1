"""Revisions, restore, trash and purge: every change accounted for, nothing lost."""

from sqlalchemy import select

from events_app.extensions import db
from events_app.models import AuditEvent, Meeting, MeetingRevision
from tests.test_meetings import meeting_form_data


def create_meeting(client, **overrides) -> int:
    response = client.post("/meetings/new", data=meeting_form_data(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit("/", 1)[1])


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [
            event.action
            for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def test_every_edit_is_a_revision_with_field_changes(app, client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(title="Renamed", city="Lyon", revision="1"),
    )
    with app.app_context():
        revisions = db.session.scalars(
            select(MeetingRevision).order_by(MeetingRevision.revision)
        ).all()
        assert [(r.revision, r.action) for r in revisions] == [
            (1, "created"),
            (2, "updated"),
        ]
        assert revisions[0].actor_email == "editor@example.org"
        assert revisions[0].snapshot["title"].endswith("fourth meeting")
        update = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "meeting_updated")
        )
        assert update.details["title"] == [
            "Alliance for a Democratic Belarus: fourth meeting",
            "Renamed",
        ]
        assert update.details["location"][1]["city"] == "Lyon"
        assert set(update.details) == {"title", "location"}
    page = client.get(f"/meetings/{meeting_id}/revisions").get_data(as_text=True)
    assert "editor@example.org" in page
    assert "Location, Title" in page


def test_restore_an_earlier_revision(app, client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(title="Wrong", revision="1"),
    )
    view = client.get(f"/meetings/{meeting_id}/revisions/1")
    assert view.status_code == 200
    assert "Wrong" in view.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting_id}/revisions/1/restore")
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.title.endswith("fourth meeting")
        assert meeting.revision == 3
        latest = db.session.scalar(
            select(MeetingRevision).where(MeetingRevision.revision == 3)
        )
        assert latest.action == "restored"
    assert "meeting_restored" in audit_actions(app)


def test_viewer_reads_revisions_but_cannot_restore(app, client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    auth.sign_out()
    auth.sign_in_as("viewer")
    assert client.get(f"/meetings/{meeting_id}/revisions").status_code == 200
    assert client.post(f"/meetings/{meeting_id}/revisions/1/restore").status_code == 403


def test_revisions_of_hidden_meetings_answer_404(app, client, auth):
    auth.sign_in_as("admin")
    meeting_id = create_meeting(client, confidentiality="restricted")
    auth.sign_out()
    auth.sign_in_as("editor")
    for path in (
        f"/meetings/{meeting_id}/revisions",
        f"/meetings/{meeting_id}/revisions/1",
    ):
        assert client.get(path).status_code == 404
    assert client.post(f"/meetings/{meeting_id}/revisions/1/restore").status_code == 404


def test_trash_restore_and_purge(app, client, auth):
    auth.sign_in_as("admin")
    meeting_id = create_meeting(client, confidentiality="public")
    client.post(f"/meetings/{meeting_id}/delete")
    assert client.get(f"/meetings/{meeting_id}").status_code == 404
    assert client.get(f"/meetings/{meeting_id}.ics").status_code == 404
    assert b"fourth meeting" not in client.get("/calendar.ics").data
    trash = client.get("/trash").get_data(as_text=True)
    assert "fourth meeting" in trash

    client.post(f"/trash/{meeting_id}/restore")
    assert client.get(f"/meetings/{meeting_id}").status_code == 200

    client.post(f"/meetings/{meeting_id}/delete")
    assert client.get(f"/trash/{meeting_id}/purge").status_code == 200
    assert client.post(f"/trash/{meeting_id}/purge").status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id) is None
        assert db.session.scalars(select(MeetingRevision)).all() == []
    assert client.post(f"/trash/{meeting_id}/restore").status_code == 404
    actions = audit_actions(app)
    for action in ("meeting_deleted", "meeting_restored", "meeting_purged"):
        assert action in actions


def test_trash_is_for_admins_only(app, client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    client.post(f"/meetings/{meeting_id}/delete")
    assert client.get("/trash").status_code == 403
    assert client.post(f"/trash/{meeting_id}/restore").status_code == 403
    assert client.post(f"/trash/{meeting_id}/purge").status_code == 403
    with app.app_context():
        assert db.session.get(Meeting, meeting_id) is not None


def test_second_save_of_an_old_revision_gets_a_conflict_page(app, client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    first = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
    assert 'name="revision" type="hidden" value="1"' in first
    client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(title="Their title", revision="1"),
    )
    response = client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(city="Strasbourg", revision="1"),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this meeting" in page
    assert "Their title" in page
    assert 'value="Strasbourg"' in page
    assert 'name="revision" type="hidden" value="2"' in page
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.title == "Their title" and meeting.city == "Paris"
    merged = client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(title="Their title", city="Strasbourg", revision="2"),
    )
    assert merged.status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert (meeting.title, meeting.city, meeting.revision) == (
            "Their title",
            "Strasbourg",
            3,
        )


def test_database_failure_keeps_input_and_writes_nothing(
    app, client, auth, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    original_commit = db.session.commit

    def failing_commit():
        raise OperationalError("COMMIT", {}, Exception("connection lost"))

    with app.app_context():
        revisions_before = db.session.scalars(select(MeetingRevision)).all()
    monkeypatch.setattr(db.session, "commit", failing_commit, raising=False)
    response = client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(title="Lost?", city="Brussels", revision="1"),
    )
    monkeypatch.setattr(db.session, "commit", original_commit, raising=False)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "could not be saved" in page
    assert 'value="Lost?"' in page and 'value="Brussels"' in page
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.title.endswith("fourth meeting") and meeting.city == "Paris"
        assert meeting.revision == 1
        assert len(db.session.scalars(select(MeetingRevision)).all()) == len(
            revisions_before
        )
