"""Outside review of the doors that landed with follow-ups, the calendar view,
charts and kept figures: nothing hidden shows through a filter, a count or a
kept figure, whoever asks."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from events_app.extensions import db
from events_app.models import AuditEvent, Outcome, Topic, User
from events_app.models.access import UserGroup
from events_app.visibility import visible_topic_ids_for
from tests.pages import without_request_specifics

MISSING = 987654


@pytest.fixture(autouse=True)
def set_up(make):
    make.user(email="admin@example.org", role="admin")


@pytest.fixture
def hidden_parent(make):
    """A marked parent topic in no meeting (hidden to all but admins) above a free
    child on the agenda of a public meeting with a follow-up."""
    covert = make.topic("Covertparentzz", restricted=True, id=4242)
    child = make.topic("Fieldwork", parent=covert)
    meeting = make.meeting("Openmeetingzz", topics=[(child, "")])
    meeting.outcomes.append(Outcome(text="Openfollowupzz", due=date(2025, 4, 1)))
    db.session.commit()
    return covert.id, child.id


@pytest.mark.parametrize(
    "address",
    [
        "/meetings?topic={topic}",
        "/meetings?topic={topic}&view=month&month=2025-03",
        "/meetings/charts?topic={topic}",
        "/meetings/charts.csv?topic={topic}",
        "/meetings.csv?topic={topic}",
        "/follow-ups?topic={topic}&status=any",
        "/calendar.ics?topic={topic}",
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "viewer", "editor"])
def test_a_hidden_topic_filter_finds_what_a_missing_one_finds(
    client, auth, hidden_parent, address, role
):
    """Filtering by a hidden parent must not list its visible sub-topics' meetings:
    that tells the parent exists, and which topics are under it."""
    if role != "anonymous":
        auth.sign_in_as(role)
    covert, child = hidden_parent
    seen = client.get(address.format(topic=child))
    if seen.status_code == 200:
        assert "Openmeetingzz" in seen.get_data(True) or "2025" in seen.get_data(True)
    hidden = client.get(address.format(topic=covert))
    missing = client.get(address.format(topic=MISSING))
    assert hidden.status_code == missing.status_code
    body = hidden.get_data(True)
    assert "Openmeetingzz" not in body and "Openfollowupzz" not in body
    assert without_id(body, covert) == without_id(missing.get_data(True), MISSING)


def without_id(body: str, record_id: int) -> str:
    """The page with the filter's id, wherever it is echoed, replaced by "ID",
    and what depends on the request rather than the data (tests/pages.py)."""
    return re.sub(
        rf"((?:topic|organization)(?:=|%3D)|value=\"){record_id}\b",
        r"\1ID",
        without_request_specifics(body),
    )


def signed_in_user(app, role: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(User.id).where(User.email == f"{role}@example.org")
        )


def test_a_hidden_usual_organization_is_not_found_through_its_people(
    app, client, auth, make
):
    """A viewer sees a marked person through a restricted meeting they are listed
    on; the person's usual organization, marked and named only in a meeting they
    may not see, must not answer the follow-ups' organization filter."""
    auth.sign_in_as("viewer")
    viewer = db.session.get(User, signed_in_user(app, "viewer"))
    organization = make.organization("Covertorgzz", restricted=True, id=5151)
    person = make.person("Listedpersonzz", restricted=True, organization=organization)
    make.meeting(
        "Unlistedsecretzz",
        confidentiality="restricted",
        participants=[(person, organization, "")],
    )
    listed = make.meeting(
        "Listedsecretzz",
        confidentiality="restricted",
        participants=[(person, None, "")],
    )
    listed.access_users.append(viewer)
    listed.outcomes.append(
        Outcome(text="Listedfollowupzz", owner_person=person, due=date(2025, 4, 1))
    )
    db.session.commit()
    assert "Listedfollowupzz" in client.get(f"/follow-ups?person={person.id}").get_data(
        True
    )
    assert client.get(f"/organizations/{organization.id}").status_code == 404
    for address in (
        "/follow-ups?organization={id}&status=any",
        "/meetings?organization={id}",
        "/meetings/charts?organization={id}",
    ):
        hidden = client.get(address.format(id=organization.id)).get_data(True)
        missing = client.get(address.format(id=MISSING)).get_data(True)
        assert "Listedfollowupzz" not in hidden
        assert without_id(hidden, organization.id) == without_id(missing, MISSING)


def test_a_savepoint_does_not_let_uncommitted_figures_be_kept(app, make):
    """Releasing a savepoint is not a commit: the figures read after it are of
    data that may still be rolled back, and the data version it reached may
    later be reached again by other data."""
    make.user(email="viewer@example.org", role="viewer")
    viewer = db.session.scalar(select(User).where(User.email == "viewer@example.org"))
    make.topic("Before")
    assert len(visible_topic_ids_for(viewer)) == 1
    for name in ("Rolledbackzz", "Rolledbacktoozz"):
        topic = Topic(name=name)
        topic.refresh_name_keys()
        db.session.add(topic)
    db.session.flush()
    with db.session.begin_nested():
        db.session.add(AuditEvent(action="probe", summary="savepoint"))
    assert len(visible_topic_ids_for(viewer)) == 3  # read, in this transaction
    db.session.rollback()
    make.topic("Keptzz")  # the same data version as the rolled-back topics
    assert visible_topic_ids_for(viewer) == set(db.session.scalars(select(Topic.id)))


@pytest.mark.parametrize(
    ("role", "more"), [("anonymous", 2), ("viewer", 3), ("editor", 2), ("admin", 5)]
)
@pytest.mark.parametrize("view", ["month", "week"])
def test_a_busy_day_counts_only_what_the_viewer_may_see(
    app, client, auth, make, role, more, view
):
    """Restricted meetings first in the day: neither shown nor in "+N more",
    except the one the viewer is listed on."""
    make.user(email="viewer@example.org", role="viewer")
    viewer = db.session.scalar(select(User).where(User.email == "viewer@example.org"))
    for hour in range(3):
        secret = make.meeting(
            f"Secretbriefing{hour}zz",
            confidentiality="restricted",
            start_utc=datetime(2025, 3, 12, 5 + hour),
            end_utc=datetime(2025, 3, 12, 5 + hour, 30),
        )
        if hour == 0:
            secret.access_users.append(viewer)
            db.session.commit()
    for hour in range(6):
        make.meeting(
            f"Openmeeting{hour}",
            start_utc=datetime(2025, 3, 12, 9 + hour),
            end_utc=datetime(2025, 3, 12, 9 + hour, 30),
        )
    if role != "anonymous":
        auth.sign_in_as(role)
    address = (
        "/meetings?view=month&month=2025-03"
        if view == "month"
        else "/meetings?view=week&week=2025-W11"
    )
    page = client.get(address).get_data(True)
    shown = 4 if view == "month" else 12
    expected_more = max(0, more + 4 - shown) if view == "month" else 0
    secrets = re.findall(r"Secretbriefing(\d)zz", page)
    if role in ("anonymous", "editor"):
        assert not secrets
    if role == "viewer":
        assert set(secrets) <= {"0"}
    if expected_more:
        assert f"+{expected_more} more" in page
    assert not re.search(r"\+\d+ more", page) or expected_more


@pytest.mark.parametrize(
    "change",
    ["left the group", "group taken off", "trashed", "purged"],
)
def test_kept_topic_figures_follow_every_change_of_sight(
    app, client, auth, make, change
):
    """A viewer sees a marked topic through a group's access to a restricted
    meeting; once their sight changes, the kept figures (the topic ids seen,
    the topic's figures) must not show it any more."""
    auth.sign_in_as("viewer")
    viewer = db.session.scalar(select(User).where(User.email == "viewer@example.org"))
    group = UserGroup(name="Briefed", members=[viewer])
    db.session.add(group)
    topic = make.topic("Secrettopiczz", restricted=True)
    meeting = make.meeting(
        "Groupbriefingzz", confidentiality="restricted", topics=[(topic, "")]
    )
    meeting.access_groups.append(group)
    db.session.commit()
    for address in (
        "/topics",
        f"/topics/{topic.id}",
        "/meetings?view=month&month=2025-03",
    ):
        assert "Secrettopiczz" in client.get(address).get_data(
            True
        ) or "Groupbriefingzz" in client.get(address).get_data(True)
    if change == "left the group":
        group.members.remove(viewer)
    elif change == "group taken off":
        meeting.access_groups.remove(group)
    elif change == "trashed":
        meeting.deleted_at = datetime(2025, 3, 20)
    else:
        db.session.delete(meeting)
    db.session.commit()
    assert "Secrettopiczz" not in client.get("/topics").get_data(True)
    assert client.get(f"/topics/{topic.id}").status_code == 404
    assert "Groupbriefingzz" not in client.get(
        "/meetings?view=month&month=2025-03"
    ).get_data(True)
