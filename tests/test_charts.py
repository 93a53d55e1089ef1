"""Charts of the work over time: numbers, tables, CSV, visibility, bad input."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from events_app.extensions import db
from events_app.models import Topic

DEMO_SPAN = "from=2025-01-01&to=2025-06-30"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def table_rows(page: str, chart: str) -> list[list[str]]:
    """The rows (heading row first) of one chart's data table on a charts page."""
    section = page.split(f'id="chart-{chart}-heading"')[1].split("</section>")[0]
    table = section.split("<table>")[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


@pytest.fixture
def demo(app, runner, make):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    make.user(email="admin@example.org", role="admin")
    make.user(email="viewer@example.org", role="viewer")


def sign_in(client, who):
    response = client.post(
        "/sign-in",
        data={"email": f"{who}@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 302


def test_the_sanctions_topic_page_shows_a_chart_whose_table_and_csv_agree(
    app, client, demo
):
    sign_in(client, "admin")
    with app.app_context():
        sanctions = db.session.scalar(select(Topic).where(Topic.name == "Sanctions"))
    topic_page = client.get(f"/topics/{sanctions.id}").get_data(as_text=True)
    assert f"/topics/{sanctions.id}/charts" in topic_page
    response = client.get(f"/topics/{sanctions.id}/charts?{DEMO_SPAN}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<svg" in page and "<title" in page and "<desc" in page
    table = table_rows(page, "per-month")
    assert table[0][:2] == ["Month", "Meetings"]
    march = next(row for row in table if row[0] == "2025-03")
    # Both demo meetings (one restricted, the admin sees it) were in March 2025.
    assert march[1] == "2"
    csv_link = re.search(
        r'href="([^"]*charts\.csv\?[^"]*chart=per-month[^"]*)"', page
    ).group(1)
    rows = csv_rows(client.get(csv_link.replace("&amp;", "&")))
    assert rows == table
    for chart in ("people", "organizations", "last-met"):
        link = re.search(
            rf'href="([^"]*charts\.csv\?[^"]*chart={chart}[^"]*)"', page
        ).group(1)
        assert csv_rows(client.get(link.replace("&amp;", "&"))) == table_rows(
            page, chart
        )


def test_a_viewer_counts_only_the_meetings_they_may_see(app, client, demo):
    sign_in(client, "viewer")
    with app.app_context():
        sanctions = db.session.scalar(select(Topic).where(Topic.name == "Sanctions"))
    page = client.get(f"/topics/{sanctions.id}/charts?{DEMO_SPAN}").get_data(
        as_text=True
    )
    march = next(row for row in table_rows(page, "per-month") if row[0] == "2025-03")
    assert march[1] == "1"
    assert "French Ministry" not in page
