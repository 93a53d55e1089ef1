"""The "not met lately" list: who was last met, in a meeting the viewer may see,
more than N months ago; oldest first, paged; bad input answered with a message."""

import re
from datetime import datetime, timedelta

import pytest

from events_app.charts import not_met_lately
from events_app.models.meetings import utc_now


def sign_in(client, who):
    response = client.post(
        "/sign-in",
        data={"email": f"{who}@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 302


def listed_names(page: str) -> list[str]:
    """The names in the list's rows, in order."""
    table = page.split('class="not-met-lately"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)


@pytest.fixture
def people(app, make):
    """Meetings some months ago; the dates are relative to today."""
    make.user(email="viewer@example.org", role="viewer")
    make.user(email="admin@example.org", role="admin")
    now = utc_now().replace(hour=9, minute=0, second=0, microsecond=0)
    records = {}

    def met(name, days_ago, **fields):
        person = records.get(name) or make.person(name)
        organization = records.get(f"{name} Org") or make.organization(f"{name} Org")
        records[name], records[f"{name} Org"] = person, organization
        start = now - timedelta(days=days_ago)
        return make.meeting(
            title=f"Meeting with {name} {days_ago} days ago",
            start_utc=start,
            end_utc=start + timedelta(hours=1),
            timezone="UTC",
            participants=[(person, organization, "speaker")],
            **fields,
        )

    met("Olga Old", 800)
    met("Olga Old", 400)
    met("Rita Recent", 400)
    met("Rita Recent", 45)
    # Last met in a restricted meeting: the viewer sees the one before.
    met("Hanna Hidden-Last", 300)
    met("Hanna Hidden-Last", 20, confidentiality="restricted")
    met("Sasha Secret", 500, confidentiality="restricted")
    # Called off: the meeting of 250 days ago is the last one held.
    met("Carl Cancelled", 250)
    met("Carl Cancelled", 10, status="cancelled")
    met("Trashed Tom", 400, deleted_at=datetime(2025, 1, 1))
    return records


def test_the_viewer_sees_who_was_last_met_in_visible_meetings(client, people):
    sign_in(client, "viewer")
    page = client.get("/not-met-lately?records=people").get_data(as_text=True)
    assert listed_names(page) == ["Olga Old", "Hanna Hidden-Last", "Carl Cancelled"]
    assert "Meeting with Olga Old 400 days ago" in page
    assert "Meeting with Hanna Hidden-Last 300 days ago" in page
    assert f'href="/people/{people["Olga Old"].id}"' in page
    for hidden in ("Sasha Secret", "20 days ago", "Trashed Tom", "Rita Recent"):
        assert hidden not in page
    organizations = client.get("/not-met-lately").get_data(as_text=True)
    assert listed_names(organizations) == [
        "Olga Old Org",
        "Hanna Hidden-Last Org",
        "Carl Cancelled Org",
    ]


def test_an_admin_sees_the_restricted_meetings_too(client, people):
    sign_in(client, "admin")
    page = client.get("/not-met-lately?records=people").get_data(as_text=True)
    assert listed_names(page) == ["Sasha Secret", "Olga Old", "Carl Cancelled"]


def test_the_months_are_chosen_on_the_page(client, people):
    sign_in(client, "viewer")
    page = client.get("/not-met-lately?records=people&months=12").get_data(as_text=True)
    assert listed_names(page) == ["Olga Old"]
    page = client.get("/not-met-lately?records=people&months=1").get_data(as_text=True)
    assert listed_names(page) == [
        "Olga Old",
        "Hanna Hidden-Last",
        "Carl Cancelled",
        "Rita Recent",
    ]


def test_the_list_is_paged(client, people, monkeypatch):
    monkeypatch.setattr(not_met_lately, "PER_PAGE", 2)
    sign_in(client, "viewer")
    first = client.get("/not-met-lately?records=people").get_data(as_text=True)
    assert listed_names(first) == ["Olga Old", "Hanna Hidden-Last"]
    assert "Page 1 of 2" in first
    second = client.get("/not-met-lately?records=people&page=2").get_data(as_text=True)
    assert listed_names(second) == ["Carl Cancelled"]
    beyond = client.get("/not-met-lately?records=people&page=9")
    assert beyond.status_code == 200


@pytest.mark.parametrize(
    "query", ["months=abc", "months=0", "months=121", "months=-3", "months=1e3",
              "months=99999999999999999999", "months=%EF%BC%93"]
)  # fmt: skip
def test_bad_months_are_a_message_and_the_default(client, people, query):
    sign_in(client, "viewer")
    response = client.get(f"/not-met-lately?records=people&{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Months: a whole number from 1 to 120; showing 6." in page
    assert listed_names(page) == ["Olga Old", "Hanna Hidden-Last", "Carl Cancelled"]


def test_an_unknown_list_is_a_message(client, people):
    sign_in(client, "viewer")
    response = client.get("/not-met-lately?records=cats")
    assert response.status_code == 200
    assert "Choose people or organizations." in response.get_data(as_text=True)


def test_months_ago_keeps_the_day_or_the_months_last():
    from datetime import date

    assert not_met_lately.months_ago(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert not_met_lately.months_ago(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_the_kept_list_follows_the_data(app, client, make, people):
    sign_in(client, "viewer")
    page = client.get("/not-met-lately?records=people").get_data(as_text=True)
    assert listed_names(page)[0] == "Olga Old"
    start = utc_now() - timedelta(days=3)
    make.meeting(
        title="Olga again",
        start_utc=start,
        end_utc=start + timedelta(hours=1),
        timezone="UTC",
        participants=[(people["Olga Old"], None, "speaker")],
    )
    page = client.get("/not-met-lately?records=people").get_data(as_text=True)
    assert listed_names(page) == ["Hanna Hidden-Last", "Carl Cancelled"]
