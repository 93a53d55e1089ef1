"""Issue 11's everyday polish: what each page says, links and offers.

The browser side (no sideways scrolling, axe-core, the menu) is in
tests/test_browser_daily_use.py; these are the server's answers.
"""

import re
from datetime import datetime

from sqlalchemy import select

from events_app.extensions import db
from events_app.meetings.revision_diff import describe_changes, word_diff
from events_app.models import AuditEvent, Meeting
from tests.pages import without_request_specifics
from tests.test_meetings import meeting_form_data
from tests.test_revisions import create_meeting


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_app_name_is_a_setting_in_titles_and_header(app, client, auth):
    auth.sign_in_as("viewer")
    page = text_of(client.get("/meetings"))
    assert "<title>Meetings · Meeting records</title>" in page
    assert 'class="brand"' in page and ">Meeting records</a>" in page
    assert "events_app" not in page
    app.config["APP_NAME"] = "Belarus desk"
    page = text_of(client.get("/meetings"))
    assert "<title>Meetings · Belarus desk</title>" in page


def test_favicon_is_served_without_signing_in(client, make):
    make.user()
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data


def test_every_page_has_a_skip_link_to_main(client, auth):
    auth.sign_in_as("viewer")
    for path in ("/meetings", "/people", "/topics", "/account"):
        page = text_of(client.get(path))
        assert '<a class="skip-link" href="#main">' in page, path
        assert '<main id="main"' in page, path


def test_first_run_history_points_to_recording_and_the_demo(client, auth):
    auth.sign_in_as("admin")
    page = text_of(client.get("/meetings"))
    assert "No meetings yet." in page
    assert 'href="/meetings/new"' in page
    assert "flask --app events_app seed-demo" in page
    auth.sign_out()
    auth.sign_in_as("viewer")
    page = text_of(client.get("/meetings"))
    assert "No meetings yet." in page
    assert "seed-demo" not in page


def test_counts_use_real_plural_forms_and_say_none_once(client, auth):
    auth.sign_in_as("editor")
    create_meeting(client)
    page = text_of(client.get("/meetings?q=fourth"))
    assert "1 meeting matches these filters." in page
    page = text_of(client.get("/meetings"))
    assert "1 meeting." in page
    create_meeting(client, title="Another fourth meeting")
    assert "2 meetings match these filters." in text_of(
        client.get("/meetings?q=fourth")
    )
    page = text_of(client.get("/meetings?q=nothing-like-this"))
    assert page.count("No meetings match these filters") == 1
    assert "0 meetings" not in page


def test_active_filters_show_as_removable_chips(client, auth, make):
    topic = make.topic("Sanctions")
    hidden_id = 999_999
    auth.sign_in_as("viewer")
    page = text_of(client.get(f"/meetings?q=transit&topic={topic.id}&kind=call"))
    chips = re.findall(r'<li class="chip">([^<]*)<a href="([^"]*)"', page)
    labels = [label.strip() for label, _ in chips]
    assert labels == ["Search: “transit”", "Topic: Sanctions", "Kind: Call"]
    removals = dict(
        zip(labels, (href.replace("&amp;", "&") for _, href in chips), strict=True)
    )
    assert removals["Topic: Sanctions"] == "/meetings?q=transit&kind=call"
    assert removals["Search: “transit”"] == f"/meetings?topic={topic.id}&kind=call"
    assert "Filters (3 in force)" in page
    # A record the viewer may not see (or that is missing) is not named.
    page = text_of(client.get(f"/meetings?person={hidden_id}"))
    assert "Person: not found" in page
    assert "Filters</summary>" in text_of(client.get("/meetings"))


def test_chips_never_name_a_hidden_person(client, auth, make):
    secret = make.person("Secret Source")
    make.meeting(
        "Hidden", confidentiality="restricted", participants=[(secret, None, "speaker")]
    )
    auth.sign_in_as("viewer")
    page = text_of(client.get(f"/meetings?person={secret.id}"))
    assert "Secret Source" not in page
    assert "Person: not found" in page


def test_trash_table_names_its_last_column(client, auth):
    auth.sign_in_as("admin")
    meeting_id = create_meeting(client)
    client.post(f"/meetings/{meeting_id}/delete")
    page = text_of(client.get("/trash"))
    assert "<th></th>" not in page
    assert "<th>Actions</th>" in page


def test_person_and_topic_pages_keep_heading_order(client, auth, make):
    auth.sign_in_as("editor")
    create_meeting(client)
    with client.application.app_context():
        meeting = db.session.scalar(select(Meeting))
        person_id = meeting.participations[0].person_id
        topic_id = meeting.meeting_topics[0].topic_id
    for path in (f"/people/{person_id}", f"/topics/{topic_id}"):
        levels = [
            int(level) for level in re.findall(r"<h([1-6])", text_of(client.get(path)))
        ]
        assert levels[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (
            path,
            levels,
        )


def test_word_diff_marks_words_and_escapes_text():
    marked = word_diff("Meeting on <b>sanctions</b> today", "Meeting on transit today")
    assert str(marked) == (
        "Meeting on <del>&lt;b&gt;sanctions&lt;/b&gt;</del><ins>transit</ins> today"
    )


def test_row_changes_say_added_removed_and_changed():
    alice = {"person": "Alice", "organization": "A", "role": "speaker", "note": ""}
    bob = {"person": "Bob", "organization": "B", "role": "observer", "note": ""}
    carol = {"person": "Carol", "organization": None, "role": "speaker", "note": ""}
    alice_later = {**alice, "note": "Left early"}
    [participants] = describe_changes(
        {"participants": [[alice, bob], [carol, alice_later]]}
    )
    changes = [(row.change, str(row.text)) for row in participants.rows]
    assert ("added", "Person: Carol; Role: Speaker") in changes
    assert ("removed", "Person: Bob; Organization: B; Role: Observer") in changes
    assert ("changed", "Alice, A — Note: <del>(empty)</del><ins>Left early</ins>") in (
        changes
    )
    assert len(changes) == 3


def test_revision_page_shows_a_readable_diff(client, auth):
    auth.sign_in_as("editor")
    two_participants = meeting_form_data(
        **{
            "participants-1-person": "Zofia Wiśniewska-Testowa",
            "participants-1-role": "observer",
            "participants-1-attendance": "attended",
        }
    )
    response = client.post("/meetings/new", data=two_participants)
    assert response.status_code == 302, text_of(response)
    meeting_id = int(response.location.rsplit("/", 1)[1])
    client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(
            title="Alliance for a Democratic Belarus: fifth meeting", revision="1"
        ),
    )
    page = text_of(client.get(f"/meetings/{meeting_id}/revisions/1"))
    assert "<del>fourth</del><ins>fifth</ins>" in page
    assert re.search(
        r'<li class="row-removed"><strong>Removed:</strong> Person: Zofia', page
    )
    assert "tojson" not in page and "&#34;person&#34;" not in page


def test_revision_diff_respects_may_see_revision(client, auth):
    no_directory_rows = {
        "participants-0-person": "",
        "participants-0-organization": "",
        "topics-0-topic": "",
        "topics-0-note": "",
        "outcomes-0-owner": "",
    }
    auth.sign_in_as("admin")
    meeting_id = create_meeting(
        client, confidentiality="restricted", **no_directory_rows
    )
    response = client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form_data(
            confidentiality="internal", revision="1", **no_directory_rows
        ),
    )
    assert response.status_code == 302, text_of(response)
    auth.sign_out()
    auth.sign_in_as("viewer")
    assert client.get(f"/meetings/{meeting_id}/revisions/2").status_code == 200
    assert client.get(f"/meetings/{meeting_id}/revisions/1").status_code == 404


def test_audit_trail_names_meetings_and_filters_by_date(app, client, auth):
    auth.sign_in_as("admin")
    meeting_id = create_meeting(client)
    page = text_of(client.get("/audit?action=meeting_created"))
    assert (
        f'<a href="/meetings/{meeting_id}">Alliance for a Democratic Belarus: '
        "fourth meeting</a>"
    ) in page
    with app.app_context():
        old = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "meeting_created")
        )
        old.occurred_at = datetime(2024, 3, 1, 23, 59)
        db.session.commit()
    assert "fourth meeting" in text_of(
        client.get("/audit?action=meeting_created&from=2024-03-01&to=2024-03-01")
    )
    assert "fourth meeting" not in text_of(
        client.get("/audit?action=meeting_created&from=2024-03-02")
    )
    assert "fourth meeting" not in text_of(
        client.get("/audit?action=meeting_created&to=2024-02-29")
    )
    bad = client.get("/audit?from=2024-13-01&to=1200-01-01")
    assert bad.status_code == 200
    assert "Use a date like 2025-03-14." in text_of(bad)
    assert "Dates must be between" in text_of(bad)


def test_audit_trail_names_a_purged_meeting_by_number_only(client, auth):
    auth.sign_in_as("admin")
    meeting_id = create_meeting(client)
    client.post(f"/meetings/{meeting_id}/delete")
    client.post(f"/trash/{meeting_id}/purge")
    page = text_of(client.get("/audit?action=meeting_created"))
    assert f"removed for good (no. {meeting_id})" in page
    assert "fourth meeting</a>" not in page


def test_delete_offers_undo_in_the_message(app, client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    response = client.post(f"/meetings/{meeting_id}/delete", follow_redirects=True)
    page = text_of(response)
    assert "moved to the trash." in page
    assert f'action="/meetings/{meeting_id}/undo-delete"' in page
    response = client.post(f"/meetings/{meeting_id}/undo-delete")
    assert response.status_code == 302
    assert client.get(f"/meetings/{meeting_id}").status_code == 200
    # The Undo is spent: it cannot bring the meeting back a second time.
    client.post(f"/meetings/{meeting_id}/delete")
    client.post(f"/meetings/{meeting_id}/undo-delete")
    client.post(f"/meetings/{meeting_id}/delete")
    client.get("/meetings")
    other = create_meeting(client, title="Another one")
    client.post(f"/meetings/{other}/delete")
    assert client.post(f"/meetings/{meeting_id}/undo-delete").status_code == 404


def test_undo_is_for_the_deleter_only(app, client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    auth.sign_out()
    auth.sign_in_as("admin")
    client.post(f"/meetings/{meeting_id}/delete")
    auth.sign_out()
    auth.sign_in_as("editor")
    assert client.post(f"/meetings/{meeting_id}/undo-delete").status_code == 404
    auth.sign_out()
    auth.sign_in_as("viewer")
    assert client.post(f"/meetings/{meeting_id}/undo-delete").status_code == 403
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).deleted_at is not None


def test_a_trashed_meetings_address_says_so_to_those_who_could_read_it(client, auth):
    auth.sign_in_as("admin")
    internal = create_meeting(client)
    restricted = create_meeting(client, confidentiality="restricted")
    client.post(f"/meetings/{internal}/delete")
    client.post(f"/meetings/{restricted}/delete")
    response = client.get(f"/meetings/{internal}")
    assert response.status_code == 404
    assert "This meeting is in the trash" in text_of(response)
    assert 'href="/trash"' in text_of(response)
    auth.sign_out()
    auth.sign_in_as("viewer")
    told = text_of(client.get(f"/meetings/{internal}"))
    assert "This meeting is in the trash" in told
    assert "Only an administrator can restore it" in told
    # A meeting the viewer could never read answers exactly as a missing one.
    hidden = client.get(f"/meetings/{restricted}")
    missing = client.get("/meetings/987654")
    assert hidden.status_code == missing.status_code == 404
    assert without_request_specifics(text_of(hidden)) == without_request_specifics(
        text_of(missing)
    )


def test_word_diff_ignores_line_ending_and_spacing_changes():
    marked = word_diff("First line\n- second", "First line\r\n-  second")
    assert "<del>" not in marked and "<ins>" not in marked
    assert "only spacing changed" in marked
    assert str(word_diff("a\nb c", "a\r\nb d")) == "a\r\nb <del>c</del><ins>d</ins>"


def test_changed_fields_read_in_the_meetings_order():
    described = describe_changes(
        {"notes": ["a", "b"], "uid": ["x", "y"], "title": ["Old", "New"]}
    )
    assert [field.name for field in described] == ["title", "notes", "uid"]


def test_filter_panel_is_served_open_when_a_filter_is_in_error(client, auth):
    auth.sign_in_as("admin")
    folded = '<details class="filter-panel" data-open-when="(min-width: 48rem)">'
    opened = '<details class="filter-panel" data-open-when="(min-width: 48rem)" open>'
    assert folded in text_of(client.get("/meetings"))
    assert opened in text_of(client.get("/meetings?from=2025-99-01"))
    assert folded in text_of(client.get("/audit"))
    assert opened in text_of(client.get("/audit?to=yesterday"))


def test_the_deleter_can_restore_from_the_trashed_meetings_page(client, auth):
    auth.sign_in_as("editor")
    meeting_id = create_meeting(client)
    client.post(f"/meetings/{meeting_id}/delete")
    page = text_of(client.get(f"/meetings/{meeting_id}"))
    assert f'action="/meetings/{meeting_id}/undo-delete"' in page
    assert "You deleted it just now" in page
    assert 'href="/trash"' not in page
