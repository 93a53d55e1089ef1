"""Edits that must not be lost (issue 8, items 7 to 9; item 6 in test_concurrent_saves).

An edit that names no starting revision, an edit of a meeting trashed or purged
meanwhile, and rows past the form's maximum are all refused with a message,
nothing written and the typed input shown again.
"""

import pytest
from sqlalchemy import func, select, update

from events_app.extensions import db
from events_app.meetings.forms import MAXIMUM_ROWS, MeetingForm
from events_app.meetings.operations import (
    ChangedMeanwhile,
    form_for_meeting,
    move_to_trash,
    purge_meeting,
    save_meeting,
)
from events_app.models import Meeting, MeetingRevision, Participation
from tests.pages import without_request_specifics
from tests.test_browser import live_server, page  # noqa: F401  (fixtures)
from tests.test_meetings import meeting_form_data
from tests.test_revisions import create_meeting


def meeting_state(app, meeting_id: int) -> tuple:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        revisions = db.session.scalar(
            select(func.count(MeetingRevision.id)).where(
                MeetingRevision.meeting_id == meeting_id
            )
        )
        return meeting.title, meeting.city, meeting.revision, revisions


# Item 7 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "revision",
    [None, "", "  ", "first", "²", "1.0", "0", "2", "99999999999999999999"],
    ids=["missing", "empty", "blank", "word", "superscript", "decimal", "zero",
         "future", "huge"],
)  # fmt: skip
def test_an_edit_that_names_no_starting_revision_is_refused(
    app, client, auth, revision
):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    data = meeting_form_data(title="Overwrite?", city="Lyon")
    if revision is not None:
        data["revision"] = revision
    before = meeting_state(app, meeting_id)

    response = client.post(f"/meetings/{meeting_id}/edit", data=data)

    assert response.status_code == 422
    page_text = response.get_data(as_text=True)
    assert "does not say which saved revision it started from" in page_text
    assert 'value="Overwrite?"' in page_text and 'value="Lyon"' in page_text
    assert 'name="revision" type="hidden" value="1"' in page_text
    assert meeting_state(app, meeting_id) == before


# Item 8 ----------------------------------------------------------------------


def trash(app, meeting_id: int) -> None:
    with app.app_context():
        move_to_trash(db.session.get(Meeting, meeting_id))


def test_saving_a_meeting_trashed_meanwhile_keeps_the_input(app, client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    trash(app, meeting_id)

    response = client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(title="My careful notes", city="Lyon", revision="1"),
    )

    assert response.status_code == 409
    page_text = response.get_data(as_text=True)
    assert "moved to the trash while you were editing" in page_text
    assert 'value="My careful notes"' in page_text and 'value="Lyon"' in page_text
    assert "Save it as a new meeting" in page_text
    assert f"/trash/{meeting_id}/restore" not in page_text  # editors may not restore
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.deleted_at is not None
    assert meeting_state(app, meeting_id)[:3] == (
        "Alliance for a Democratic Belarus: fourth meeting",
        "Paris",
        1,
    )


def test_an_admin_is_offered_to_restore_and_then_saves(app, client, auth):
    auth.sign_in_as("admin")
    meeting_id = create_meeting(client)
    trash(app, meeting_id)
    data = meeting_form_data(title="My careful notes", revision="1")

    refused = client.post(f"/meetings/{meeting_id}/edit", data=data)
    assert refused.status_code == 409
    assert f'formaction="/trash/{meeting_id}/restore"' in refused.get_data(as_text=True)

    assert client.post(f"/trash/{meeting_id}/restore").status_code == 302
    saved = client.post(f"/meetings/{meeting_id}/edit", data=data)
    assert saved.status_code == 302
    assert meeting_state(app, meeting_id)[0] == "My careful notes"


def test_saving_a_purged_meeting_keeps_the_input_and_confirms_nothing(
    app, client, auth, make
):
    auth.sign_in_as("editor")
    purged_id = create_meeting(client)
    hidden = make.meeting(title="Closed briefing", confidentiality="restricted")
    hidden_trashed = make.meeting(title="Closed, trashed", confidentiality="restricted")
    trash(app, hidden_trashed.id)
    with app.app_context():
        meeting = db.session.get(Meeting, purged_id)
        move_to_trash(meeting)
        purge_meeting(meeting)
    data = meeting_form_data(title="My careful notes", revision="1")
    client.get("/meetings")  # shows the flashed "Meeting saved." of create_meeting

    answers = {
        meeting_id: client.post(f"/meetings/{meeting_id}/edit", data=data)
        for meeting_id in (purged_id, hidden.id, hidden_trashed.id, 987654)
    }

    bodies = {
        without_request_specifics(response.get_data(as_text=True))
        for response in answers.values()
    }
    assert {response.status_code for response in answers.values()} == {404}
    assert len(bodies) == 1  # purged, hidden and missing answer alike
    (body,) = bodies
    assert "not there any more" in body
    assert 'value="My careful notes"' in body
    assert "Closed" not in body
    with app.app_context():
        assert db.session.get(Meeting, purged_id) is None
        assert db.session.get(Meeting, hidden.id).title == "Closed briefing"


def test_a_save_loses_to_the_trash_between_loading_and_writing(app, make):
    """The claim that locks the row also checks the trash, in the same step."""
    meeting = make.meeting(title="Loaded", city="Paris")
    form = form_for_meeting(meeting)
    form.title.data = "Changed"
    with db.engine.begin() as other_connection:  # someone trashes it now
        other_connection.execute(
            update(Meeting)
            .where(Meeting.id == meeting.id)
            .values(deleted_at=func.current_timestamp())
        )

    with pytest.raises(ChangedMeanwhile):
        save_meeting(meeting, form, started_from=meeting.revision)

    assert db.session.get(Meeting, meeting.id).title == "Loaded"


# Item 9 ----------------------------------------------------------------------

ROW_FIELD = {
    "participants": "person",
    "topics": "topic",
    "outcomes": "text",
    "sources": "url",
}


def rows_of(list_name: str, count: int) -> dict:
    field = ROW_FIELD[list_name]
    value = "https://example.org/{}" if field == "url" else "Row {}"
    return {f"{list_name}-{n}-{field}": value.format(n) for n in range(count)}


@pytest.mark.parametrize("list_name", ROW_FIELD)
def test_more_rows_than_the_form_allows_are_refused_not_dropped(
    app, client, auth, list_name
):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    before = meeting_state(app, meeting_id)
    too_many = MAXIMUM_ROWS + 1
    data = {**meeting_form_data(revision="1"), **rows_of(list_name, too_many)}

    edited = client.post(f"/meetings/{meeting_id}/edit", data=data)
    created = client.post("/meetings/new", data=data)

    for response in (edited, created):
        assert response.status_code == 422
        page_text = response.get_data(as_text=True)
        assert f"At most {MAXIMUM_ROWS} rows; this has {too_many}." in page_text
        assert f"Row {MAXIMUM_ROWS}" in page_text or (
            f"https://example.org/{MAXIMUM_ROWS}" in page_text
        )  # the last row is shown again, not dropped
    assert meeting_state(app, meeting_id) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(Meeting.id))) == 1


def test_exactly_the_maximum_is_saved(app, client, auth):
    auth.sign_in_as("editor")
    data = {**meeting_form_data(), **rows_of("participants", MAXIMUM_ROWS)}
    data.pop("participants-0-organization")

    response = client.post("/meetings/new", data=data)

    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Participation.id))) == MAXIMUM_ROWS


def test_every_row_list_has_the_same_maximum_and_the_page_tells_the_script(
    app, client, auth
):
    with app.test_request_context():
        form = MeetingForm(meta={"csrf": False})
        assert {getattr(form, name).maximum_rows for name in ROW_FIELD} == {
            MAXIMUM_ROWS
        }
    auth.sign_in_as("editor")
    page_text = client.get("/meetings/new").get_data(as_text=True)
    for list_name in ROW_FIELD:
        assert (
            f'name="add_rows" value="{list_name}" class="secondary" formnovalidate '
            f'data-maximum-rows="{MAXIMUM_ROWS}"'
        ) in page_text


def test_browser_add_rows_script_stops_at_the_maximum(live_server, page):  # noqa: F811
    app, base = live_server
    from tests.factories import Factories

    with app.app_context():
        Factories().user(email="editor@example.org", role="editor")
    page.goto(base + "/sign-in")
    page.fill("#email", "editor@example.org")
    page.fill("#password", "correct horse battery")
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(base + "/meetings")

    # One list, clicked past the maximum (every list renders the same button;
    # see the test above); each click lays out the growing page, so ~12 s.
    page.goto(base + "/meetings/new")
    button = page.locator("button[name=add_rows][value=participants]")
    page.evaluate(
        """clicks => {
            const button = document.querySelector(
                "button[name=add_rows][value=participants]");
            for (let i = 0; i < clicks; i++) { button.click(); }
        }""",
        MAXIMUM_ROWS + 2,
    )
    assert page.locator("[data-row=participants]").count() == MAXIMUM_ROWS
    assert button.is_disabled()
    assert page.url == base + "/meetings/new"  # never fell back to a reload
    assert page.get_by_text(f"At most {MAXIMUM_ROWS} rows.").count() == 1
