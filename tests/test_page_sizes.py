"""Pages whose cost does not grow with the directory (issue 10, item 2).

Every history page, record page and index sends the same number of SQL
statements with 3 and with 30 meetings, people, organizations and topics, and
none of them lists the whole directory.
"""

from datetime import date, datetime, timedelta

import pytest

from events_app import history
from events_app.auth.feed_tokens import ensure_feed_token, subscription_key
from events_app.extensions import db
from events_app.models import Outcome, User
from tests.conftest import AuthActions
from tests.factories import Factories
from tests.pages import without_request_specifics
from tests.statements import statements_and_page


def add_meetings(make: Factories, world: dict, count: int) -> None:
    """`count` more meetings of the regulars, each with a new person, organization
    and topic (a sub-topic of the regular topic), plus as many records in no meeting."""
    start = len(world["meetings"])
    for number in range(start, start + count):
        newcomer = make.person(f"Newcomer Person{number:03d}")
        organization = make.organization(f"Newcomer Org{number:03d}")
        topic = make.topic(f"Newcomer Topic{number:03d}", parent=world["topic"])
        make.person(f"Unattached Person{number:03d}")
        make.organization(f"Unattached Org{number:03d}")
        make.topic(f"Unattached Topic{number:03d}")
        meeting = make.meeting(
            title=f"Meeting number {number:03d}",
            start_utc=datetime(2024, 1, 1, 9) + timedelta(days=number),
            end_utc=datetime(2024, 1, 1, 10) + timedelta(days=number),
            confidentiality=("public", "internal")[number % 2],
            participants=[
                (world["person"], world["organization"], "speaker"),
                (newcomer, organization, "participant"),
            ],
            topics=[(world["topic"], "Regular topic"), (topic, "Its own")],
            # A follow-up each, half of them overdue, owned by the newcomer.
            outcomes=[
                Outcome(
                    text=f"Follow-up number {number:03d}",
                    owner_person=newcomer,
                    due=date.today() + timedelta(days=(-1) ** number * number),
                )
            ],
        )
        world["meetings"].append(meeting.id)


@pytest.fixture
def world(app, make):
    # One meeting a page, so that 3 meetings (2 public) already have a second page.
    app.config["MEETINGS_PER_PAGE"] = 1
    regulars = {
        "person": make.person("Matvei Kupreichyk", other_names="Kupreychyk"),
        "organization": make.organization("Belarusian Investigative Center"),
        "topic": make.topic("Sanctions"),
        "meetings": [],
    }
    add_meetings(make, regulars, 3)
    return regulars


def pages_of(world: dict) -> list[str]:
    person = world["person"].id
    organization = world["organization"].id
    topic = world["topic"].id
    return [
        "/meetings",
        "/meetings?page=2",
        f"/meetings?person={person}",
        f"/meetings?organization={organization}",
        f"/meetings?topic={topic}",
        f"/meetings?person={person}&organization={organization}&topic={topic}",
        "/meetings?person_name=Kupreich",  # matches to pick from
        "/meetings?person_name=Nobody+At+All",  # a message
        f"/people/{person}",
        f"/people/{person}?page=2",
        f"/organizations/{organization}",
        f"/topics/{topic}",
        "/people",
        "/people?q=Newcomer",
        "/organizations",
        "/topics",
        # The calendar grids (all the meetings fall in January 2024).
        "/meetings?view=month&month=2024-01",
        f"/meetings?view=month&month=2024-01&topic={topic}&person={person}",
        "/meetings?view=week&week=2024-W01",
        "/meetings?view=month",
        "/follow-ups",
        "/follow-ups?page=2",
        "/follow-ups?overdue=1",
        "/follow-ups?status=any",
        f"/follow-ups?person={person}",
        f"/follow-ups?organization={organization}",
        f"/follow-ups?topic={topic}",
        "/follow-ups?person_name=Kupreich",
        # Charts over the span of the meetings (2024), and their CSV.
        f"/meetings/charts?{CHART_SPAN}",
        f"/meetings/charts?{CHART_SPAN}&by=organization&topic={topic}",
        f"/meetings/charts.csv?chart=per-month&{CHART_SPAN}",
        f"/meetings/charts.csv?chart=follow-ups&{CHART_SPAN}",
        f"/people/{person}/charts?{CHART_SPAN}",
        f"/organizations/{organization}/charts?{CHART_SPAN}",
        f"/topics/{topic}/charts?{CHART_SPAN}",
        f"/topics/{topic}/charts.csv?chart=last-met&{CHART_SPAN}",
        "/not-met-lately",
        "/not-met-lately?records=people",
    ]


CHART_SPAN = "from=2024-01-01&to=2024-02-29"


def statement_counts(app, client, world) -> dict[str, int]:
    return {
        path: len(statements_and_page(app, client, path)[0]) for path in pages_of(world)
    }


def test_every_page_sends_as_many_statements_for_30_meetings_as_for_3(
    app, client, auth: AuthActions, make, world
):
    auth.sign_in_as("editor")
    client.get("/meetings")  # the first request also checks the app is set up
    make.person("Matvei Kupreichik")  # so that "Kupreich" has two matches
    few = statement_counts(app, client, world)
    add_meetings(make, world, 27)
    many = statement_counts(app, client, world)
    assert many == few


def test_anonymous_pages_send_as_many_statements_too(app, client, make, world):
    make.user()  # an installation with an account answers anonymous visitors
    client.get("/meetings")
    # A change of data after the first request: both counts below are of
    # pages whose kept figures (events_app/kept_figures.py) are not kept yet.
    make.person("Matvei Kupreichik")
    paths = [path for path in pages_of(world) if "_name=" not in path]
    few = {path: len(statements_and_page(app, client, path)[0]) for path in paths}
    add_meetings(make, world, 27)
    many = {path: len(statements_and_page(app, client, path)[0]) for path in paths}
    assert many == few


def test_the_history_page_does_not_list_the_directory(
    app, client, auth: AuthActions, make, world
):
    auth.sign_in_as("editor")
    add_meetings(make, world, 3)
    before = statements_and_page(app, client, "/meetings")[1]
    for number in range(200):
        make.person(f"Someone Else{number:03d}")
        make.organization(f"Another Org{number:03d}")
        make.topic(f"Another Topic{number:03d}")
    after = statements_and_page(app, client, "/meetings")[1]
    assert after == before
    assert "<select" not in after.split('id="person_name"')[1].split('for="kind"')[0]
    assert "Unattached" not in after


def test_record_pages_show_the_most_frequent_and_how_many_more(
    app, client, auth: AuthActions, make, world, monkeypatch
):
    monkeypatch.setattr(history, "COUNTED_SHOWN", 10)
    auth.sign_in_as("editor")
    add_meetings(make, world, 27)
    # (newcomers shown, how many more): a topic's people include the regular.
    pages = {
        f"/people/{world['person'].id}": (10, 20),
        f"/organizations/{world['organization'].id}": (10, 20),
        f"/topics/{world['topic'].id}": (9, 21),
    }
    for path, (shown, more) in pages.items():
        page = statements_and_page(app, client, path)[1]
        # The record's open follow-ups, listed below, name their owners too.
        page = page.split('id="follow-ups"')[0]
        assert page.count("Newcomer Person") == shown, path
        assert f"and {more} more" in page, path
    person_page = statements_and_page(app, client, pages_of(world)[8])[1]
    # 30 meetings, the regular topic's 30 sub-topics beside it: 10 shown.
    assert person_page.count("Newcomer Topic") == 10


def test_first_and_last_met_come_from_visible_meetings_that_took_place(
    app, client, auth: AuthActions, make, world
):
    app.config["MEETINGS_PER_PAGE"] = 25
    make.user()
    for title, day, status in (
        ("Called off", 4, "cancelled"),
        ("Ahead", 900, "planned"),
    ):
        make.meeting(
            title=title,
            start_utc=datetime(2024, 1, day, 9) if day < 30 else datetime(2099, 1, 1),
            end_utc=None,
            status=status,
            participants=[(world["person"], None, "speaker")],
        )
    page = statements_and_page(app, client, f"/people/{world['person'].id}")[1]
    # Anonymous visitors see the public meetings only: numbers 000 and 002.
    assert "Meeting number 001" not in page
    assert "Called off" in page and "Ahead" in page
    assert '<dd class="first-met">Mon 1 Jan 2024</dd>' in page
    assert '<dd class="last-met">Wed 3 Jan 2024</dd>' in page
    auth.sign_in_as("editor")
    page = statements_and_page(app, client, f"/people/{world['person'].id}")[1]
    assert "Meeting number 001" in page
    assert '<dd class="last-met">Wed 3 Jan 2024</dd>' in page


def test_a_busy_day_in_the_calendar_costs_no_more_statements_nor_bytes(
    app, client, auth: AuthActions, make, world
):
    """However many meetings a day holds, the grid shows a few and counts the rest."""
    auth.sign_in_as("editor")
    paths = ["/meetings?view=month&month=2024-01", "/meetings?view=week&week=2024-W01"]
    client.get(paths[0])  # the first request also checks the app is set up
    # Written the same way as the crowd below, so the session is in the same state.
    make.meeting(title="Another year", start_utc=datetime(2023, 1, 2, 8))
    few = {path: statements_and_page(app, client, path) for path in paths}
    for number in range(30):
        make.meeting(
            title=f"Crowded {number:03d}",
            start_utc=datetime(2024, 1, 2, 8) + timedelta(minutes=number),
            end_utc=None,
            participants=[(world["person"], world["organization"], "speaker")],
        )
    for path in paths:
        statements, page = statements_and_page(app, client, path)
        assert len(statements) == len(few[path][0]), path
        assert page.count("Crowded") <= 12, path
        assert "more" in page
    month = statements_and_page(app, client, paths[0])[1]
    # The first four of the day (the crowd begins before "Meeting number 001").
    assert month.count("Crowded") == 4
    assert "+27 more" in month


def test_the_follow_ups_feed_sends_as_many_statements_for_30_as_for_3(
    app, client, auth: AuthActions, make, world
):
    make.user()
    with app.app_context():
        user = db.session.scalars(db.select(User)).first()
        path = f"/feeds/{subscription_key(ensure_feed_token(user))}/follow-ups.ics"
    client.get(path)  # the first request also checks the app is set up
    few, body = statements_and_page(app, client, path)
    assert body.count("BEGIN:VEVENT") == 3
    add_meetings(make, world, 27)
    many, body = statements_and_page(app, client, path)
    assert body.count("BEGIN:VEVENT") == 30
    assert len(many) == len(few)


def add_own_follow_ups(make: Factories, world: dict, count: int) -> None:
    """`count` meetings with a follow-up owned by the regular person, half overdue."""
    for number in range(count):
        make.meeting(
            title=f"Own follow-up meeting {number:03d}",
            participants=[(world["person"], world["organization"], "speaker")],
            outcomes=[
                Outcome(
                    text=f"Own follow-up {number:03d}",
                    owner_person=world["person"],
                    due=date.today() + timedelta(days=(-1) ** number * (number + 1)),
                )
            ],
        )


def test_your_follow_ups_and_promised_to_cost_as_much_for_30_as_for_3(
    app, client, auth: AuthActions, make, world
):
    """The home page with a linked person, "Mine", and the promised-to lists."""
    auth.sign_in_as("editor")
    client.post("/account/person", data={"person": world["person"].id})
    with app.app_context():
        assert db.session.scalar(
            db.select(User.person_id).where(User.email == "editor@example.org")
        )
    person = world["person"].id
    organization = world["organization"].id
    paths = [
        "/meetings",
        "/account",
        "/follow-ups",
        f"/follow-ups?person={person}&promised=to",
        f"/follow-ups?organization={organization}&promised=to",
        f"/follow-ups?organization={organization}&promised=by",
        f"/people/{person}",
        f"/organizations/{organization}",
    ]

    def counts() -> dict[str, int]:
        return {path: len(statements_and_page(app, client, path)[0]) for path in paths}

    add_own_follow_ups(make, world, 3)
    few = counts()
    add_meetings(make, world, 27)
    add_own_follow_ups(make, world, 27)
    many = counts()
    assert many == few
    home = statements_and_page(app, client, "/meetings")[1]
    assert "Your follow-ups" in home


def form_pages_of(world: dict) -> list[str]:
    """Every editing form: new and edit, of a meeting and of each kind of record."""
    return [
        "/meetings/new",
        f"/meetings/{world['meetings'][0]}/edit",
        "/people/new",
        f"/people/{world['person'].id}/edit",
        "/organizations/new",
        f"/organizations/{world['organization'].id}/edit",
        "/topics/new",
        f"/topics/new?parent={world['topic'].id}",
        f"/topics/{world['topic'].id}/edit",
    ]


def warm_statements_and_page(app, client, path: str) -> tuple[list[str], str]:
    """`statements_and_page` once what is kept per data version is kept."""
    statements_and_page(app, client, path)
    return statements_and_page(app, client, path)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_the_forms_do_not_grow_with_the_directory(
    app, client, auth: AuthActions, make, world, role
):
    """A form filled on a phone downloads no directory: the same page, with the
    same statements, for 5 and for 300 people, organizations and topics (names
    are suggested as they are typed)."""
    auth.sign_in_as(role)
    client.get("/meetings")
    paths = form_pages_of(world)
    few = {path: warm_statements_and_page(app, client, path) for path in paths}
    for number in range(300):
        make.person(f"Someone Else{number:03d}", other_names=f"Another{number:03d}")
        make.organization(f"Another Org{number:03d}")
        make.topic(f"Another Topic{number:03d}", parent=world["topic"])
    many = {path: warm_statements_and_page(app, client, path) for path in paths}
    for path in paths:
        assert len(many[path][0]) == len(few[path][0]), path
        assert without_request_specifics(many[path][1]) == without_request_specifics(
            few[path][1]
        ), path
        assert "Someone Else" not in many[path][1], path
        assert "Another" not in many[path][1], path
