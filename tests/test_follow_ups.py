"""Follow-ups (issue 12, item 1): the list, marking, the home page, the feed.

End to end through the web client, on both databases.
"""

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from events_app.auth.feed_tokens import ensure_feed_token, subscription_key
from events_app.extensions import db
from events_app.models import AuditEvent, Meeting, MeetingRevision, Outcome, User
from tests.conftest import AuthActions
from tests.factories import Factories

TODAY = date.today()
LAST_WEEK = TODAY - timedelta(days=7)
NEXT_WEEK = TODAY + timedelta(days=7)


def add_outcome(meeting: Meeting, text: str, **fields) -> Outcome:
    outcome = Outcome(
        meeting_id=meeting.id, text=text, position=len(meeting.outcomes), **fields
    )
    db.session.add(outcome)
    db.session.commit()
    return outcome


@pytest.fixture
def world(app, make: Factories):
    """A public Paris meeting with an overdue follow-up, one due next week, one
    without owner or date (not a follow-up); a restricted meeting with its own."""
    person = make.person("Matvei Kupreichyk")
    organization = make.organization("French Ministry of Foreign Affairs")
    topic = make.topic("Sanctions")
    meeting = make.meeting(
        title="Alliance meeting",
        city="Paris",
        participants=[(person, organization, "speaker")],
        topics=[(topic, "")],
    )
    overdue = add_outcome(
        meeting, "Send the sanctions report", owner_person=person, due=LAST_WEEK
    )
    upcoming = add_outcome(
        meeting,
        "Share the briefing notes",
        owner_organization=organization,
        due=NEXT_WEEK,
    )
    add_outcome(meeting, "A general agreement")
    hidden_meeting = make.meeting(title="Secret talks", confidentiality="restricted")
    add_outcome(hidden_meeting, "Hidden promise", due=LAST_WEEK)
    return {
        "meeting": meeting.id,
        "overdue": overdue.id,
        "upcoming": upcoming.id,
        "hidden_meeting": hidden_meeting.id,
        "person": person.id,
        "organization": organization.id,
        "topic": topic.id,
    }


def mark(client, world, outcome_key: str, status: str, *, revision=None, back=""):
    with client.application.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        revision = meeting.revision if revision is None else revision
    return client.post(
        f"/meetings/{world['meeting']}/follow-ups/{world[outcome_key]}/status",
        data={"status": status, "revision": str(revision), "back": back},
    )


def feed_path(app, email="editor@example.org") -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        token = subscription_key(ensure_feed_token(user))
    return f"/feeds/{token}/follow-ups.ics"


def test_an_outcome_due_last_week_is_overdue_on_the_home_page_and_the_list(
    client, auth: AuthActions, world
):
    auth.sign_in_as("viewer")
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    box = home.split('id="due-follow-ups"')[1].split("</section>")[0]
    overdue_part = box.split("Next due")[0]
    assert "Send the sanctions report" in overdue_part
    assert "Share the briefing notes" in box.split("Next due")[1]
    assert "Hidden promise" not in home

    page = client.get("/follow-ups").get_data(as_text=True)
    assert "Send the sanctions report" in page
    assert "Overdue" in page
    assert "Share the briefing notes" in page
    assert "A general agreement" not in page  # no owner, no due date
    assert "Hidden promise" not in page
    assert f'href="/meetings/{world["meeting"]}"' in page
    # Overdue (soonest due) first.
    assert page.index("Send the sanctions report") < page.index(
        "Share the briefing notes"
    )
    assert "Mark done" not in page  # viewers read only


def test_marking_done_takes_it_off_the_feed_with_a_new_etag(
    app, client, auth: AuthActions, world
):
    auth.sign_in_as("editor")
    path = feed_path(app)
    client.get("/sign-out")
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert "Follow-up: Send the sanctions report — from: Alliance meeting\\, Paris" in (
        body.replace("\r\n ", "")
    )
    assert f"DTSTART;VALUE=DATE:{LAST_WEEK:%Y%m%d}" in body
    assert "Hidden promise" not in body
    etag = feed.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    auth.sign_in_as("editor")
    response = mark(client, world, "overdue", "done", back="status=open")
    assert response.status_code == 302
    assert response.headers["Location"] == "/follow-ups"
    assert "Marked done" in client.get("/follow-ups").get_data(as_text=True)

    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Send the sanctions report" not in changed.get_data(as_text=True)
    assert "Share the briefing notes" in changed.get_data(as_text=True).replace(
        "\r\n ", ""
    )

    with app.app_context():
        outcome = db.session.get(Outcome, world["overdue"])
        assert outcome.status == "done"
        assert outcome.completed_on == datetime.utcnow().date()

    # Reopened, it comes back with a higher SEQUENCE.
    sequence_before = re.search(r"SEQUENCE:(\d+)", changed.get_data(as_text=True))
    mark(client, world, "overdue", "open")
    reopened = client.get(path).get_data(as_text=True)
    assert "Send the sanctions report" in reopened.replace("\r\n ", "")
    assert int(re.search(r"SEQUENCE:(\d+)", reopened).group(1)) > int(
        sequence_before.group(1)
    )
    with app.app_context():
        assert db.session.get(Outcome, world["overdue"]).completed_on is None


def test_marking_is_a_revision_and_audited(app, client, auth: AuthActions, world):
    auth.sign_in_as("editor")
    mark(client, world, "upcoming", "dropped")
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        assert meeting.revision == 2
        revision = db.session.scalar(
            select(MeetingRevision).where(
                MeetingRevision.meeting_id == meeting.id,
                MeetingRevision.revision == 2,
            )
        )
        assert revision.action == "follow_up_dropped"
        assert revision.snapshot["outcomes"][1]["status"] == "dropped"
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "meeting_follow_up_dropped")
        )
        assert event is not None and event.target_id == meeting.id
        assert "outcomes" in event.details
    page = client.get(f"/meetings/{world['meeting']}/revisions").get_data(as_text=True)
    assert "Follow up dropped" in page


def test_a_stale_list_is_told_and_nothing_is_lost(
    app, client, auth: AuthActions, world
):
    auth.sign_in_as("editor")
    assert mark(client, world, "upcoming", "done").status_code == 302
    # The list was shown at revision 1; the meeting is at 2 now.
    response = mark(client, world, "overdue", "done", revision=1, back="overdue=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/follow-ups?overdue=1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was changed since this list was shown" in page
    with app.app_context():
        assert db.session.get(Outcome, world["overdue"]).status == "open"
        assert db.session.get(Outcome, world["upcoming"]).status == "done"
        assert db.session.get(Meeting, world["meeting"]).revision == 2


def test_filters(client, auth: AuthActions, world):
    auth.sign_in_as("viewer")

    def listed(query: str) -> set[str]:
        page = client.get(f"/follow-ups?{query}").get_data(as_text=True)
        return {
            text
            for text in ("Send the sanctions report", "Share the briefing notes")
            if text in page
        }

    both = {"Send the sanctions report", "Share the briefing notes"}
    assert listed("") == both
    assert listed("overdue=1") == {"Send the sanctions report"}
    assert listed(f"person={world['person']}") == {"Send the sanctions report"}
    assert listed(f"organization={world['organization']}") == both
    assert listed(f"topic={world['topic']}") == both
    assert listed(f"due_from={TODAY}") == {"Share the briefing notes"}
    assert listed(f"due_to={TODAY}") == {"Send the sanctions report"}
    assert listed("status=done") == set()
    assert listed("status=any") == both
    # A typed owner name resolves (no JavaScript), then the URL keeps the id.
    response = client.get(
        "/follow-ups?person_name=Matvei+Kupreichyk&status=open&due_from="
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/follow-ups?person={world['person']}"


@pytest.mark.parametrize(
    "query",
    [
        "due_from=2025-02-30",
        "due_to=yesterday",
        "due_from=2025-03-01&due_to=2025-02-01",
        "status=finished",
        "person=abc",
        "organization=-1",
        "topic=99999999999999",
        "page=-3",
        "due_from=0001-01-01",
    ],
)
def test_bad_filters_give_messages_never_500(client, auth: AuthActions, world, query):
    auth.sign_in_as("viewer")
    response = client.get(f"/follow-ups?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if "page=" not in query:
        assert 'class="error"' in page


def test_hostile_marks_answer_4xx(app, client, auth: AuthActions, world):
    auth.sign_in_as("editor")
    base = f"/meetings/{world['meeting']}/follow-ups/{world['overdue']}/status"
    for data in (
        {"status": "finished", "revision": "1"},
        {"status": "done", "revision": "one"},
        {"status": "done", "revision": "99"},
        {"status": "done"},
    ):
        assert client.post(base, data=data).status_code == 400, data
    response = client.post(
        f"/meetings/{world['hidden_meeting']}/follow-ups/1/status",
        data={"status": "done", "revision": "1"},
    )
    missing = client.post(
        "/meetings/999999/follow-ups/1/status", data={"status": "done", "revision": "1"}
    )
    assert response.status_code == missing.status_code == 404
    # An outcome of another meeting: the list is stale, nothing changes.
    response = client.post(
        f"/meetings/{world['meeting']}/follow-ups/999999/status",
        data={"status": "done", "revision": "1", "back": "page=2&person=x"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/follow-ups?page=2"
    with app.app_context():
        assert db.session.get(Outcome, world["overdue"]).status == "open"


def test_viewers_may_not_mark(client, auth: AuthActions, world):
    auth.sign_in_as("viewer")
    assert mark(client, world, "overdue", "done").status_code == 403


def test_the_meeting_form_offers_dropped_and_keeps_the_completion_day(
    app, client, auth: AuthActions, world
):
    auth.sign_in_as("editor")
    form = client.get(f"/meetings/{world['meeting']}/edit").get_data(as_text=True)
    assert '<option value="dropped">Dropped</option>' in form
    mark(client, world, "overdue", "done")
    with app.app_context():
        day = db.session.scalar(
            select(Outcome.completed_on).where(
                Outcome.text == "Send the sanctions report"
            )
        )
    assert day is not None
    form = client.get(f"/meetings/{world['meeting']}/edit").get_data(as_text=True)
    assert f'value="{day.isoformat()}"' in form


def test_person_and_organization_pages_list_their_follow_ups(
    client, auth: AuthActions, world
):
    auth.sign_in_as("viewer")
    person = client.get(f"/people/{world['person']}").get_data(as_text=True)
    assert "Send the sanctions report" in person
    assert f"/follow-ups?person={world['person']}" in person
    organization = client.get(f"/organizations/{world['organization']}").get_data(
        as_text=True
    )
    assert "Share the briefing notes" in organization  # by it
    assert "Send the sanctions report" in organization  # to it (it took part)
    assert f"/follow-ups?organization={world['organization']}" in organization


# Your follow-ups: an account says which directory person it is.


def user_person_id(app, email: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(User.person_id).where(User.email == email))


def due_box(client) -> str:
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    return home.split('id="due-follow-ups"')[1].split("</section>")[0]


def test_a_linked_person_makes_the_home_page_show_your_follow_ups(
    app, client, auth: AuthActions, world, make
):
    auth.sign_in_as("viewer")
    box = due_box(client)
    assert "The team's open follow-ups" in box
    assert "say which directory person you are" in box
    assert "/account#directory-person" in box
    assert "To list your own" in client.get("/follow-ups").get_data(as_text=True)

    response = client.post("/account/person", data={"person_name": "Matvei Kupreichyk"})
    assert response.status_code == 302
    assert user_person_id(app, "viewer@example.org") == world["person"]
    account = client.get("/account").get_data(as_text=True)
    assert f'href="/people/{world["person"]}">Matvei Kupreichyk</a>' in account

    box = due_box(client)
    assert "Your follow-ups" in box
    assert "Send the sanctions report" in box  # owned by the person
    assert "Share the briefing notes" not in box  # owned by the organization
    assert "Hidden promise" not in box
    assert f'href="/follow-ups?person={world["person"]}" id="my-follow-ups-link"' in (
        box
    )
    assert 'id="team-follow-ups-link"' in box
    listing = client.get("/follow-ups").get_data(as_text=True)
    assert f'href="/follow-ups?person={world["person"]}" id="mine-link"' in listing
    assert f"/follow-ups?person={world['person']}&amp;promised=to" in listing

    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "user_changed")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.details == {"person_id": [None, world["person"]]}

    # Cleared: the team's again, and the hint.
    assert client.post("/account/person", data={"person_name": ""}).status_code == 302
    assert user_person_id(app, "viewer@example.org") is None
    assert "say which directory person you are" in due_box(client)


def test_several_people_so_named_are_picked_from_without_javascript(
    app, client, auth: AuthActions, world, make
):
    first = make.person("Anna Smith")
    second = make.person("Anna Smith")
    auth.sign_in_as("viewer")
    response = client.post("/account/person", data={"person_name": "Anna Smith"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Several match" in page
    assert f'name="person" value="{first.id}"' in page
    assert f'name="person" value="{second.id}"' in page
    assert user_person_id(app, "viewer@example.org") is None
    assert client.post("/account/person", data={"person": second.id}).status_code == 302
    assert user_person_id(app, "viewer@example.org") == second.id


@pytest.fixture
def hidden_person(make):
    """A person seen only in a restricted meeting the viewer may not see."""
    person = make.person("Zinaida Concealed")
    make.meeting(
        title="Closed door talks",
        confidentiality="restricted",
        participants=[(person, None, "speaker")],
    )
    return person.id


@pytest.mark.parametrize(
    "sent",
    [
        {"person": "HIDDEN"},
        {"person": "999999"},
        {"person": "abc"},
        {"person": "-3"},
        {"person": "HIDDEN", "person_name": "Zinaida Concealed"},
        {"person_name": "Zinaida Concealed"},
        {"person_name": "Nobody At All"},
    ],
)
def test_a_hidden_or_missing_person_is_refused_alike(
    app, client, auth: AuthActions, world, hidden_person, sent
):
    auth.sign_in_as("viewer")
    data = {
        key: str(hidden_person) if value == "HIDDEN" else value
        for key, value in sent.items()
    }
    response = client.post("/account/person", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Zinaida" not in page.replace(data.get("person_name", "-"), "")
    if "person_name" in data:
        assert "No person you may see is named" in page
    else:
        assert "Unknown person." in page
    assert user_person_id(app, "viewer@example.org") is None


def test_admins_link_a_user_among_the_people_that_user_may_see(
    app, client, auth: AuthActions, world, hidden_person
):
    auth.sign_in_as("viewer")
    auth.sign_out()
    auth.sign_in_as("admin")
    with app.app_context():
        viewer = db.session.scalar(
            select(User.id).where(User.email == "viewer@example.org")
        )
    edit = client.get(f"/users/{viewer}").get_data(as_text=True)
    assert f'action="/users/{viewer}/person"' in edit
    refused = client.post(f"/users/{viewer}/person", data={"person": hidden_person})
    assert refused.status_code == 422
    assert "Unknown person." in refused.get_data(as_text=True)
    assert user_person_id(app, "viewer@example.org") is None
    saved = client.post(
        f"/users/{viewer}/person", data={"person_name": "Matvei Kupreichyk"}
    )
    assert saved.status_code == 302
    assert user_person_id(app, "viewer@example.org") == world["person"]
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "user_changed", AuditEvent.target_id == viewer)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.details == {"person_id": [None, world["person"]]}
    auth.sign_out()
    auth.sign_in_as("viewer")
    assert client.post(f"/users/{viewer}/person", data={}).status_code in (302, 403)
    assert user_person_id(app, "viewer@example.org") == world["person"]


def test_a_hidden_meetings_follow_ups_are_never_mine_nor_promised_to(
    app, client, auth: AuthActions, world, make
):
    with app.app_context():
        person = db.session.get(Meeting, world["meeting"]).participations[0].person
        other = make.person("Olga Other")
        secret = make.meeting(
            title="Restricted talks",
            confidentiality="restricted",
            participants=[(person, None, "speaker"), (other, None, "guest")],
        )
        add_outcome(secret, "Secret mine", owner_person=person, due=LAST_WEEK)
        add_outcome(secret, "Secret to them", owner_person=other, due=LAST_WEEK)
    auth.sign_in_as("viewer")
    client.post("/account/person", data={"person": world["person"]})
    assert user_person_id(app, "viewer@example.org") == world["person"]
    pages = [
        due_box(client),
        client.get("/follow-ups?status=any").get_data(as_text=True),
        client.get(f"/follow-ups?person={world['person']}&status=any").get_data(
            as_text=True
        ),
        client.get(
            f"/follow-ups?person={world['person']}&promised=to&status=any"
        ).get_data(as_text=True),
        client.get(f"/people/{world['person']}").get_data(as_text=True),
    ]
    for page in pages:
        assert "Secret mine" not in page
        assert "Secret to them" not in page
        assert "Restricted talks" not in page


def test_pages_list_what_was_promised_by_and_to_them(client, auth: AuthActions, world):
    auth.sign_in_as("viewer")
    person = client.get(f"/people/{world['person']}").get_data(as_text=True)
    by_person = person.split('id="follow-ups-by"')[1].split("</section>")[0]
    to_person = person.split('id="follow-ups-to"')[1].split("</section>")[0]
    assert "Promised by them" in by_person
    assert "Send the sanctions report" in by_person
    assert "Share the briefing notes" not in by_person
    assert "Promised to them" in to_person
    assert "Share the briefing notes" in to_person  # agreed with them, owned by others
    assert "Send the sanctions report" not in to_person
    assert f"/follow-ups?person={world['person']}&amp;promised=to" in to_person

    organization = client.get(f"/organizations/{world['organization']}").get_data(
        as_text=True
    )
    by_it = organization.split('id="follow-ups-by"')[1].split("</section>")[0]
    to_it = organization.split('id="follow-ups-to"')[1].split("</section>")[0]
    assert "Share the briefing notes" in by_it and "Send the sanctions" not in by_it
    assert "Send the sanctions report" in to_it and "Share the" not in to_it

    listing = client.get(f"/follow-ups?person={world['person']}&promised=to").get_data(
        as_text=True
    )
    assert "Share the briefing notes" in listing
    assert "Send the sanctions report" not in listing
    assert "Promised to: Matvei Kupreichyk" in listing
    bad = client.get(f"/follow-ups?person={world['person']}&promised=sideways")
    assert bad.status_code == 200
    assert "Unknown direction" in bad.get_data(as_text=True)
