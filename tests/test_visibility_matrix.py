"""Every door, every kind of user, every confidentiality: exactly what each may see.

Each meeting has its own participant, organization and topic that appear nowhere
else, so a leak through a history page, an index, a search, a filter list, a
feed or an export shows up as that name in the response.
"""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from events_app.extensions import db
from events_app.models import Outcome, UserGroup
from tests.pages import without_request_specifics

LEVELS = ("public", "internal", "restricted")

# Which meetings each kind of user must see (and nothing else).
EXPECTED = {
    "anonymous": {"public"},
    "viewer": {"public", "internal"},
    "editor": {"public", "internal"},
    "listed_viewer": {"public", "internal", "restricted"},
    "grouped_editor": {"public", "internal", "restricted"},
    "admin": {"public", "internal", "restricted"},
}
ROLES = {
    "viewer": "viewer",
    "editor": "editor",
    "listed_viewer": "viewer",
    "grouped_editor": "editor",
    "admin": "admin",
}


@pytest.fixture
def world(make):
    users = {
        name: make.user(email=f"{name}@example.org", role=role)
        for name, role in ROLES.items()
    }
    group = UserGroup(name="Sanctions working group")
    group.members.append(users["grouped_editor"])
    db.session.add(group)
    db.session.commit()
    meetings = {}
    for level in LEVELS:
        organization = make.organization(f"Org{level.capitalize()}")
        person = make.person(f"Person{level.capitalize()}")
        topic = make.topic(f"Topic{level.capitalize()}")
        meeting = make.meeting(
            f"Meeting{level.capitalize()}",
            confidentiality=level,
            participants=[(person, organization, "speaker")],
            topics=[(topic, f"Said{level.capitalize()}")],
        )
        # A follow-up of each meeting, owned by its person, due next week.
        meeting.outcomes.append(
            Outcome(
                text=f"Promise{level.capitalize()}",
                owner_person=person,
                due=date.today() + timedelta(days=7),
            )
        )
        db.session.commit()
        meetings[level] = {
            "meeting": meeting.id,
            "person": person.id,
            "organization": organization.id,
            "topic": topic.id,
        }
    restricted = db.session.get(type(meeting), meetings["restricted"]["meeting"])
    restricted.access_users.append(users["listed_viewer"])
    restricted.access_groups.append(group)
    db.session.commit()
    return meetings


def sign_in(client, who: str) -> None:
    if who != "anonymous":
        response = client.post(
            "/sign-in",
            data={"email": f"{who}@example.org", "password": "correct horse battery"},
        )
        assert response.status_code == 302


def names_of(level: str) -> list[str]:
    suffix = level.capitalize()
    return [f"{kind}{suffix}" for kind in ("Meeting", "Person", "Org", "Topic")]


def visible_levels(text: str) -> set[str]:
    """Which meetings' unique names appear anywhere in a response."""
    return {level for level in LEVELS if any(name in text for name in names_of(level))}


# The span of the charts: the world's meetings are in March 2025.
CHART_SPAN = "from=2025-01-01&to=2025-06-30"
CHART_NAMES = ("per-month", "people", "organizations", "last-met", "follow-ups")
# Charts that name nothing (checked by their counts, not by names seen).
COUNTS_ONLY = ("follow-ups",)

LIST_PAGES = [
    "/meetings",
    "/meetings.csv",
    "/meetings?q=Meeting*",
    # The calendar grids of the world's month and week (the meetings' day).
    "/meetings?view=month&month=2025-03",
    "/meetings?view=week&week=2025-W11",
    "/people",
    "/people?q=person",
    "/organizations",
    "/topics",
    "/meetings/new",
    "/follow-ups",
    "/follow-ups?status=any",
    # Charts of the history (their tables name people, organizations, topics),
    # each chart's CSV, and "not met lately" (the world's meetings are older).
    f"/meetings/charts?{CHART_SPAN}",
    f"/meetings/charts?{CHART_SPAN}&by=organization",
    *(
        f"/meetings/charts.csv?chart={chart}&{CHART_SPAN}"
        for chart in CHART_NAMES
        if chart not in COUNTS_ONLY
    ),
    f"/meetings/charts.csv?chart=per-month&{CHART_SPAN}&by=organization",
    "/not-met-lately?months=1",
    "/not-met-lately?months=1&records=people",
]


@pytest.mark.parametrize("who", [who for who in EXPECTED if who != "anonymous"])
def test_form_suggestions_offer_exactly_the_visible(client, world, who):
    """The name fields of the forms list nothing; what they suggest as a name
    is typed (the doors that replaced the lists of every name) is visible."""
    sign_in(client, who)
    for address, typed in (
        ("/people/suggest", "Person"),
        ("/organizations/suggest", "Org"),
        ("/topics/suggest", "Topic"),
    ):
        response = client.get(address, query_string={"q": typed})
        assert response.status_code == 200
        seen = visible_levels(response.get_data(as_text=True))
        assert seen == EXPECTED[who], (who, address, seen)


@pytest.mark.parametrize("who", list(EXPECTED))
def test_list_pages_show_exactly_the_visible(app, client, world, who):
    sign_in(client, who)
    for path in LIST_PAGES:
        response = client.get(path)
        if path == "/meetings/new" and who in ("anonymous", "viewer", "listed_viewer"):
            assert response.status_code in (302, 403)
            continue
        assert response.status_code == 200, path
        seen = visible_levels(response.get_data(as_text=True))
        if path == "/meetings/new":
            # The form names no record: names are suggested as typed.
            assert seen == set(), (who, path, seen)
        else:
            assert seen == EXPECTED[who], (who, path, seen)
    count = re.search(
        r"(\d+) meetings?", client.get("/meetings").get_data(as_text=True)
    ).group(1)
    assert int(count) == len(EXPECTED[who])


@pytest.mark.parametrize("who", list(EXPECTED))
def test_calendar_grids_show_and_count_exactly_the_visible(
    app, client, world, who, monkeypatch
):
    """A day shows its first meeting and "+N more": N counts visible ones only."""
    from events_app.meetings import calendar_view

    monkeypatch.setattr(calendar_view, "SHOWN_PER_DAY", {"month": 1, "week": 1})
    sign_in(client, who)
    visible = len(EXPECTED[who])
    for path, period in (
        ("/meetings?view=month&month=2025-03", "March 2025"),
        ("/meetings?view=week&week=2025-W11", "Week 11, 2025"),
    ):
        page = client.get(path).get_data(as_text=True)
        assert len(visible_levels(page)) == 1, (who, path)
        assert visible_levels(page) <= EXPECTED[who]
        words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        assert f"{visible} meeting{'s' if visible > 1 else ''} in {period}" in words
        if visible > 1:
            assert f"+{visible - 1} more" in words, (who, path)
        else:
            assert "more on" not in words, (who, path)
        # Filtered by a hidden record's id: nothing, exactly like a missing one.
        for level in LEVELS:
            filtered = client.get(f"{path}&person={world[level]['person']}")
            text = filtered.get_data(as_text=True)
            if level in EXPECTED[who]:
                assert visible_levels(text) == {level}, (who, path, level)
            else:
                missing = client.get(f"{path}&person=987654").get_data(as_text=True)
                assert without_person_id(text, world[level]["person"]) == (
                    without_person_id(missing, 987654)
                ), (who, path, level)


def without_person_id(page: str, person_id: int) -> str:
    """A page with the person filter's id (in links and the form) blanked out,
    and what depends on the request rather than the data (tests/pages.py)."""
    return re.sub(
        rf'(person=|person%3D|value="){person_id}\b',
        r"\1X",
        without_request_specifics(page),
    )


@pytest.mark.parametrize("who", list(EXPECTED))
def test_search_finds_and_counts_exactly_the_visible(app, client, world, who):
    """The search index holds every meeting; results, counts, snippets and the
    records offered above them follow the visibility rule."""
    sign_in(client, who)
    page = client.get("/meetings?q=Said*").get_data(as_text=True)
    assert visible_levels(page) == EXPECTED[who]
    count = re.search(r'id="result-count">(\d+) meeting', page).group(1)
    assert int(count) == len(EXPECTED[who])
    assert page.count("<mark>") == len(EXPECTED[who])
    for level in LEVELS:
        for name in names_of(level)[1:]:
            page = client.get(f"/meetings?q={name}").get_data(as_text=True)
            # What follows the count: offers, results and snippets (the query
            # itself is echoed above it, and in the footer's way back).
            main = page.split("</main>")[0]
            count, results = main.split('id="result-count">')[1].split("</p>", 1)
            if level in EXPECTED[who]:
                assert f"Meeting{level.capitalize()}" in results
                assert count.startswith("1 meeting")
            else:
                assert visible_levels(results) == set(), (who, name)
                assert count.startswith("No meetings match")


@pytest.mark.parametrize("who", list(EXPECTED))
def test_follow_ups_chart_counts_exactly_the_visible(client, world, who):
    """Each meeting's follow-up (due next week) counts on its person's chart for
    those who see the meeting; for others the chart is a 404."""
    sign_in(client, who)
    due = date.today() + timedelta(days=7)
    span = f"from={date.today().isoformat()}&to={due.isoformat()}"
    for level in LEVELS:
        response = client.get(
            f"/people/{world[level]['person']}/charts.csv?chart=follow-ups&{span}"
        )
        if level not in EXPECTED[who]:
            assert response.status_code == 404, (who, level)
            continue
        assert response.status_code == 200, (who, level)
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        not_yet_due = rows[0].index("Open, not yet due")
        assert sum(int(row[not_yet_due]) for row in rows[1:]) == 1, (who, level)


def record_chart_pages(ids: dict) -> list[str]:
    """The charts page of each record, and each of its charts' CSV."""
    pages = []
    for prefix, kind in (("people", "person"), ("organizations", "organization"),
                         ("topics", "topic")):  # fmt: skip
        path = f"/{prefix}/{ids[kind]}/charts"
        pages.append(f"{path}?{CHART_SPAN}")
        pages.append(f"{path}?{CHART_SPAN}&by=topic")
        pages.extend(f"{path}.csv?chart={chart}&{CHART_SPAN}" for chart in CHART_NAMES)
    return pages


@pytest.mark.parametrize("who", list(EXPECTED))
def test_record_pages_answer_200_or_404(app, client, world, who):
    sign_in(client, who)
    for level in LEVELS:
        ids = world[level]
        expected = 200 if level in EXPECTED[who] else 404
        for path in (
            f"/meetings/{ids['meeting']}",
            f"/meetings/{ids['meeting']}.ics",
            f"/meetings/{ids['meeting']}/revisions",
            f"/people/{ids['person']}",
            f"/organizations/{ids['organization']}",
            f"/topics/{ids['topic']}",
            *record_chart_pages(ids),
        ):
            response = client.get(path)
            if who == "anonymous" and path.endswith("/revisions"):
                # Revision histories name staff: signed-in users only.
                assert response.status_code == 302, path
                continue
            assert response.status_code == expected, (who, path)
            if expected == 200:
                assert visible_levels(response.get_data(as_text=True)) <= EXPECTED[who]
        for filter_name in ("person", "organization", "topic"):
            page = client.get(f"/meetings?{filter_name}={ids[filter_name]}")
            assert visible_levels(page.get_data(as_text=True)) <= EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_history_filters_typed_as_names_resolve_only_visible_records(
    client, world, who
):
    sign_in(client, who)
    for level in LEVELS:
        for filter_name, prefix in (
            ("person", "Person"),
            ("organization", "Org"),
            ("topic", "Topic"),
        ):
            typed = f"{prefix}{level.capitalize()}"
            response = client.get(f"/meetings?{filter_name}_name={typed}")
            if level in EXPECTED[who]:
                assert response.status_code == 302, (who, typed)
                expected = f"{filter_name}={world[level][filter_name]}"
                assert response.headers["Location"].endswith(expected)
                continue
            # Hidden answers exactly like a name nobody has.
            assert response.status_code == 200, (who, typed)
            page = response.get_data(as_text=True)
            nobody = client.get(f"/meetings?{filter_name}_name=Zzyzx")
            assert page.replace(typed, "Zzyzx") == nobody.get_data(as_text=True)
            assert visible_levels(page.replace(typed, "")) <= EXPECTED[who]


@pytest.mark.parametrize("who", ["editor", "grouped_editor", "admin"])
def test_edit_and_delete_follow_visibility(client, world, who):
    sign_in(client, who)
    for level in LEVELS:
        meeting_id = world[level]["meeting"]
        expected = 200 if level in EXPECTED[who] else 404
        assert client.get(f"/meetings/{meeting_id}/edit").status_code == expected
        assert client.get(f"/meetings/{meeting_id}/delete").status_code == expected


def feed_levels(body: bytes) -> set[str]:
    titles = {
        str(event["SUMMARY"]) for event in Calendar.from_ical(body).walk("VEVENT")
    }
    return {level for level in LEVELS if f"Meeting{level.capitalize()}" in titles}


@pytest.mark.parametrize("who", [who for who in EXPECTED if who != "anonymous"])
def test_feeds_carry_exactly_the_visible(client, world, who):
    sign_in(client, who)
    assert feed_levels(client.get("/calendar.ics").data) == {"public"}
    page = client.post("/account/feed", follow_redirects=True).get_data(as_text=True)
    path = re.search(r'value="http://localhost(/feeds/[^"]+\.ics)"', page).group(1)
    client.post("/subscribe")
    page = client.get("/subscribe").get_data(as_text=True)
    key = re.search(r'value="http://localhost/feeds/([^"/]+)\.ics"', page).group(1)
    client.post("/sign-out")
    for door in (path, f"/feeds/{key}.ics"):
        body = client.get(door).data
        assert feed_levels(body) == EXPECTED[who]
        assert visible_levels(body.decode()) == EXPECTED[who]
    single_meeting_levels = {
        level
        for level in LEVELS
        if client.get(
            f"/feeds/{key}/meetings/{world[level]['meeting']}.ics"
        ).status_code
        == 200
    }
    assert single_meeting_levels == EXPECTED[who]


@pytest.mark.parametrize("who", [who for who in EXPECTED if who != "anonymous"])
def test_follow_ups_feed_carries_exactly_the_visible(client, world, who):
    sign_in(client, who)
    client.post("/follow-ups/subscribe")
    page = client.get("/follow-ups").get_data(as_text=True)
    path = re.search(
        r'value="http://localhost(/feeds/[^"]+/follow-ups\.ics)"', page
    ).group(1)
    client.post("/sign-out")
    body = client.get(path).data
    titles = [
        str(event["SUMMARY"]) for event in Calendar.from_ical(body).walk("VEVENT")
    ]
    assert len(titles) == len(EXPECTED[who])
    assert visible_levels(body.decode()) == EXPECTED[who]
    for level in LEVELS:
        filtered = client.get(f"{path}?person={world[level]['person']}").data
        assert (b"Promise" + level.capitalize().encode() in filtered) == (
            level in EXPECTED[who]
        )


def test_anonymous_public_feed(client, world):
    body = client.get("/calendar.ics").data
    assert visible_levels(body.decode()) == {"public"}


@pytest.mark.parametrize("who", [who for who in EXPECTED if who != "anonymous"])
def test_exports_carry_exactly_the_visible(app, runner, world, tmp_path, who):
    target = tmp_path / "export.json"
    result = runner.invoke(
        args=["export-meetings", str(target), "--as-user", f"{who}@example.org"]
    )
    assert result.exit_code == 0, result.output
    assert visible_levels(target.read_text()) == EXPECTED[who]
    document = json.loads(target.read_text())
    assert len(document["meetings"]) == len(EXPECTED[who])


def test_error_pages_reveal_nothing(client, world):
    restricted = world["restricted"]["meeting"]
    for path in (f"/meetings/{restricted}", f"/meetings/{restricted}.ics"):
        response = client.get(path)
        assert response.status_code == 404
        assert visible_levels(response.get_data(as_text=True)) == set()


@pytest.mark.parametrize("who", list(EXPECTED))
def test_trashed_meeting_pages_tell_only_those_who_could_read_them(
    app, client, world, who
):
    from datetime import datetime

    from events_app.models import Meeting

    for level in LEVELS:
        db.session.get(Meeting, world[level]["meeting"]).deleted_at = datetime(
            2025, 5, 1
        )
    db.session.commit()
    sign_in(client, who)
    missing = client.get("/meetings/987654").get_data(as_text=True)
    for level in LEVELS:
        meeting_id = world[level]["meeting"]
        response = client.get(f"/meetings/{meeting_id}")
        assert response.status_code == 404
        # The sign-in link carries the address asked for; nothing else may differ.
        text = response.get_data(as_text=True).replace(
            f"/meetings/{meeting_id}?", "/meetings/987654?"
        )
        if level in EXPECTED[who] and who != "anonymous":
            assert "This meeting is in the trash" in text, (who, level)
            assert visible_levels(text) == {level}
        else:
            assert text == missing, (who, level)
