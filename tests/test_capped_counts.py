"""Counts that stop at a cap: the history's "more than N meetings", the indexes'
pages without a last number, and what they never count (hidden meetings).

The caps are lowered for the tests (10,000 meetings and 1,000 records in use).
"""

from datetime import datetime, timedelta

import pytest

from events_app import capped_pages
from events_app.extensions import db
from events_app.models import User
from events_app.people import history as people_history


@pytest.fixture
def cap_of_three(app, make, monkeypatch):
    """The history's cap lowered to 3, on an installation with an account."""
    with app.app_context():
        make.user()  # anonymous visitors are answered once one exists
    monkeypatch.setattr(capped_pages, "COUNTED_AT_MOST", 3)


def result_count(page: str) -> str:
    start = page.index('id="result-count">') + len('id="result-count">')
    return page[start : page.index("</p>", start)]


def make_meetings(make, count: int, **fields):
    for number in range(count):
        make.meeting(
            title=f"Meeting {number}",
            start_utc=datetime(2025, 3, 1, 9, 0) + timedelta(days=number),
            end_utc=datetime(2025, 3, 1, 10, 0) + timedelta(days=number),
            **fields,
        )


def test_the_history_says_more_than_the_cap_and_pages_on(
    app, client, make, cap_of_three
):
    app.config["MEETINGS_PER_PAGE"] = 2
    with app.app_context():
        make_meetings(make, 5)
    first = client.get("/meetings").get_data(as_text=True)
    assert result_count(first) == "More than 3 meetings."
    assert "Page 1</span>" in first and "Page 1 of" not in first
    assert 'rel="next"' in first
    # Past the cap the pages still lead on, and the last one ends them.
    last = client.get("/meetings?page=3").get_data(as_text=True)
    assert "Meeting 0" in last and 'rel="next"' not in last and 'rel="prev"' in last
    filtered = client.get("/meetings?kind=meeting").get_data(as_text=True)
    assert result_count(filtered) == "More than 3 meetings match these filters."


def test_at_the_cap_the_count_is_exact(app, client, make, cap_of_three):
    app.config["MEETINGS_PER_PAGE"] = 2
    with app.app_context():
        make_meetings(make, 3)
    page = client.get("/meetings").get_data(as_text=True)
    assert result_count(page) == "3 meetings."
    assert "Page 1 of 2" in page


def test_hidden_meetings_do_not_reach_the_cap(app, client, make, auth, cap_of_three):
    """Three visible meetings and many hidden ones read "3", never "more than 3"."""
    with app.app_context():
        make_meetings(make, 3)
        make_meetings(make, 4, confidentiality="restricted")
        make_meetings(make, 2, confidentiality="internal")
        make_meetings(make, 2, deleted_at=datetime(2025, 6, 1))
    assert result_count(client.get("/meetings").get_data(as_text=True)) == (
        "3 meetings."
    )
    auth.sign_in_as("viewer")
    page = client.get("/meetings").get_data(as_text=True)
    assert result_count(page) == "More than 3 meetings."
    # Only what the viewer sees: the internal ones now count, the restricted
    # ones (no access list names them) and the trash still do not.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(capped_pages, "COUNTED_AT_MOST", 5)
        page = client.get("/meetings").get_data(as_text=True)
    assert result_count(page) == "5 meetings."


def test_a_restricted_meeting_counts_for_those_on_its_access_list(
    app, client, make, auth, cap_of_three
):
    auth.sign_in_as("viewer")
    with app.app_context():
        viewer = db.session.scalar(
            db.select(User).where(User.email == "viewer@example.org")
        )
        make_meetings(make, 3)
        make_meetings(make, 1, confidentiality="restricted")
        listed = make.meeting(title="Listed", confidentiality="restricted")
        listed.access_users.append(viewer)
        db.session.commit()
    page = client.get("/meetings").get_data(as_text=True)
    assert result_count(page) == "More than 3 meetings."
    auth.sign_out()
    assert result_count(client.get("/meetings").get_data(as_text=True)) == (
        "3 meetings."
    )


@pytest.mark.parametrize(
    ("timezone", "local_start"),
    [
        # Local dates a day apart from UTC's, at both ends of the clock.
        ("Pacific/Kiritimati", datetime(2025, 3, 1, 0, 30)),
        ("Pacific/Pago_Pago", datetime(2025, 3, 31, 23, 30)),
    ],
)
def test_date_filters_go_by_the_local_date_in_any_time_zone(
    app, client, make, timezone, local_start
):
    from zoneinfo import ZoneInfo

    with app.app_context():
        make.user()

    utc = local_start.replace(tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))
    start = utc.replace(tzinfo=None)
    with app.app_context():
        make.meeting(
            title="At the edge",
            start_utc=start,
            end_utc=start + timedelta(hours=1),
            timezone=timezone,
        )
    inside = client.get("/meetings?from=2025-03-01&to=2025-03-31")
    assert "At the edge" in inside.get_data(as_text=True)
    day = local_start.date().isoformat()
    exactly = client.get(f"/meetings?from={day}&to={day}")
    assert "At the edge" in exactly.get_data(as_text=True)
    before = (local_start.date() - timedelta(days=1)).isoformat()
    after = (local_start.date() + timedelta(days=1)).isoformat()
    for outside in (f"/meetings?to={before}", f"/meetings?from={after}"):
        assert "At the edge" not in client.get(outside).get_data(as_text=True)


def test_an_index_pages_on_without_a_last_number_past_its_cap(
    app, client, make, auth, monkeypatch
):
    monkeypatch.setattr(people_history, "DIRECTORY_COUNTED_AT_MOST", 2)
    app.config["DIRECTORY_PER_PAGE"] = 1
    auth.sign_in_as("viewer")
    with app.app_context():
        people = [make.person(display_name=f"Person {letter}") for letter in "ABCD"]
        make.meeting(participants=[(person, None, "participant") for person in people])
    first = client.get("/people").get_data(as_text=True)
    assert "Page 1</span>" in first and "Page 1 of" not in first
    assert "Next →" in first
    last = client.get("/people?page=4").get_data(as_text=True)
    assert "Person D" in last and "Next →" not in last
    monkeypatch.setattr(people_history, "DIRECTORY_COUNTED_AT_MOST", 4)
    assert "Page 1 of 4" in client.get("/people").get_data(as_text=True)
