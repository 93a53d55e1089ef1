"""Charts of the work over time: numbers, tables, CSV, visibility, bad input."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from events_app.extensions import db
from events_app.models import Topic

DEMO_SPAN = "from=2025-01-01&to=2025-06-30"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def table_rows(page: str, chart: str, shown: bool = False) -> list[list[str]]:
    """The rows (heading row first) of one chart's data table on a charts page.

    Each cell's plain value (a month's or day's `datetime`, a count's `value`),
    as the CSV gives it; with `shown`, the text the reader sees instead.
    """
    section = page.split(f'id="chart-{chart}-heading"')[1].split("</section>")[0]
    table = section.split("<table>")[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([cell_value(cell, shown) for cell in cells])
    return rows


def cell_value(cell: str, shown: bool) -> str:
    plain = re.search(r'<(?:time datetime|data value)="([^"]*)"', cell)
    if plain and not shown:
        return plain.group(1)
    return re.sub(r"<[^>]+>", "", cell).strip()


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


@pytest.fixture
def team(app, make):
    """A person who met two organizations on two topics over three months, a
    restricted meeting the viewer may not see, and a cancelled one."""
    make.user(email="viewer@example.org", role="viewer")
    make.user(email="admin@example.org", role="admin")
    anna = make.person("Anna Regular")
    boris = make.person("Boris Colleague")
    hidden_person = make.person("Hidden Person")
    ministry = make.organization("Ministry")
    embassy = make.organization("=HYPERLINK(1)")
    secret_org = make.organization("Secret Org")
    sanctions = make.topic("Sanctions")
    media = make.topic("Media freedom")
    secret_topic = make.topic("Secret topic")

    def meeting(day, topics, participants, **fields):
        return make.meeting(
            title=f"Meeting on {day.isoformat()}",
            start_utc=day,
            end_utc=day + timedelta(hours=1),
            timezone="UTC",
            participants=participants,
            topics=[(topic, "") for topic in topics],
            **fields,
        )

    meeting(
        datetime(2025, 1, 10, 9),
        [sanctions],
        [(anna, ministry, "speaker"), (boris, ministry, "participant")],
    )
    meeting(
        datetime(2025, 1, 20, 9),
        [sanctions, media],
        [(anna, embassy, "speaker"), (boris, None, "participant")],
        confidentiality="internal",
    )
    meeting(datetime(2025, 3, 5, 9), [media], [(anna, embassy, "speaker")])
    meeting(
        datetime(2025, 3, 25, 9),
        [sanctions],
        [(anna, ministry, "speaker")],
        status="cancelled",
    )
    meeting(
        datetime(2025, 2, 14, 9),
        [secret_topic],
        [(anna, secret_org, "speaker"), (hidden_person, secret_org, "participant")],
        confidentiality="restricted",
    )
    return {
        "anna": anna.id,
        "ministry": ministry.id,
        "embassy": embassy.id,
        "sanctions": sanctions.id,
    }


SPAN = "from=2025-01-01&to=2025-04-30"


def test_a_persons_charts_count_their_visible_meetings(client, team):
    sign_in(client, "viewer")
    page = client.get(f"/people/{team['anna']}/charts?{SPAN}").get_data(as_text=True)
    assert table_rows(page, "per-month") == [
        ["Month", "Meetings", "Sanctions", "Media freedom", "Other topics"],
        ["2025-01", "2", "2", "1", "0"],
        ["2025-02", "0", "0", "0", "0"],
        ["2025-03", "2", "1", "1", "0"],
        ["2025-04", "0", "0", "0", "0"],
    ]
    # Anna herself is not among the people she met.
    assert table_rows(page, "people") == [
        ["Person", "Meetings"],
        ["Boris Colleague", "2"],
    ]
    assert table_rows(page, "organizations") == [
        ["Organization", "Meetings"],
        ["=HYPERLINK(1)", "2"],
        # A cancelled meeting is a meeting, as in the history and counts.
        ["Ministry", "2"],
    ]
    last_met = table_rows(page, "last-met")
    # Longest ago first; the cancelled meeting of March did not take place.
    assert [row[:2] for row in last_met] == [
        ["Organization", "Last met"],
        ["Ministry", "2025-01-10"],
        ["=HYPERLINK(1)", "2025-03-05"],
    ]
    assert int(last_met[1][2]) > int(last_met[2][2])
    for hidden in ("Secret", "Hidden Person", "2025-02-14"):
        assert hidden not in page


def test_months_stack_by_organization_and_the_rest_is_other(client, team, monkeypatch):
    from events_app.charts import figures

    monkeypatch.setattr(figures, "TOP_SERIES", 1)
    sign_in(client, "admin")
    page = client.get(f"/people/{team['anna']}/charts?{SPAN}&by=organization").get_data(
        as_text=True
    )
    assert table_rows(page, "per-month")[:4] == [
        ["Month", "Meetings", "Ministry", "Other organizations"],
        ["2025-01", "2", "1", "1"],
        # The admin sees the restricted meeting, with its organization.
        ["2025-02", "1", "0", "1"],
        ["2025-03", "2", "1", "1"],
    ]
    rows = csv_rows(
        client.get(
            f"/people/{team['anna']}/charts.csv?chart=per-month&{SPAN}&by=organization"
        )
    )
    assert rows == table_rows(page, "per-month")


def test_the_csv_defuses_formulas(client, team):
    sign_in(client, "viewer")
    rows = csv_rows(
        client.get(f"/people/{team['anna']}/charts.csv?chart=organizations&{SPAN}")
    )
    assert rows[1] == ["'=HYPERLINK(1)", "2"]


def test_the_history_charts_follow_its_filters(client, team):
    sign_in(client, "viewer")
    page = client.get(
        f"/meetings/charts?{SPAN}&organization={team['ministry']}"
    ).get_data(as_text=True)
    assert [row[:2] for row in table_rows(page, "per-month")][1:] == [
        ["2025-01", "1"],
        ["2025-02", "0"],
        ["2025-03", "1"],
        ["2025-04", "0"],
    ]
    history = client.get(f"/meetings?organization={team['ministry']}").get_data(
        as_text=True
    )
    assert "/meetings/charts?organization=" in history
    everything = client.get(f"/meetings/charts?{SPAN}").get_data(as_text=True)
    assert table_rows(everything, "per-month")[1][1] == "2"
    assert "Secret" not in everything and "Hidden Person" not in everything


def test_the_default_span_is_the_last_24_months(client, team):
    sign_in(client, "viewer")
    page = client.get(f"/people/{team['anna']}/charts").get_data(as_text=True)
    months = table_rows(page, "per-month")[1:]
    assert len(months) == 24
    assert months[-1][0] == date.today().strftime("%Y-%m")


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2025-13-45", "Use a date like 2025-03-14."),
        ("from=2025-05-01&to=2025-01-01", "The end of the range is before its start."),
        ("from=0001-01-01", "Dates must be between"),
        ("by=colour", "Stack by topic or by organization."),
    ],
)
def test_bad_choices_are_a_message_on_the_page_and_400_for_a_csv(
    client, team, query, message
):
    sign_in(client, "viewer")
    for path in (f"/people/{team['anna']}/charts", "/meetings/charts"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query)
        assert message in response.get_data(as_text=True)
        response = client.get(f"{path}.csv?chart=per-month&{query}")
        assert response.status_code == 400, (path, query)


def test_a_long_span_is_cut_to_ten_years_with_a_note(client, team):
    sign_in(client, "viewer")
    page = client.get(
        f"/people/{team['anna']}/charts?from=1950-01-01&to=2025-04-30"
    ).get_data(as_text=True)
    assert "A chart covers at most 120 months: from 2015-05-01 here." in page
    assert len(table_rows(page, "per-month")) == 121


def test_unknown_charts_and_records_answer_4xx(client, team):
    sign_in(client, "viewer")
    assert client.get(f"/people/{team['anna']}/charts.csv").status_code == 400
    assert client.get(f"/people/{team['anna']}/charts.csv?chart=pie").status_code == 400
    for path in (
        "/people/987654/charts",
        "/organizations/987654/charts.csv?chart=people",
        "/topics/99999999999/charts",
        "/meetings/charts.csv?chart=people&person=abc",
    ):
        assert client.get(path).status_code in (400, 404), path


def test_the_history_charts_take_a_search_too(client, team):
    sign_in(client, "viewer")
    page = client.get(f"/meetings/charts?{SPAN}&q=Colleague").get_data(as_text=True)
    # Boris took part in the two January meetings only.
    assert [row[:2] for row in table_rows(page, "per-month")][1:] == [
        ["2025-01", "2"],
        ["2025-02", "0"],
        ["2025-03", "0"],
        ["2025-04", "0"],
    ]
    csv_link = re.search(
        r'href="([^"]*charts\.csv\?[^"]*chart=per-month[^"]*)"', page
    ).group(1)
    assert "q=Colleague" in csv_link
    assert csv_rows(client.get(csv_link.replace("&amp;", "&"))) == table_rows(
        page, "per-month"
    )


@pytest.fixture
def follow_ups(app, team):
    """Follow-ups of the team's meetings: done on time, late, on a day not
    recorded, overdue, not yet due, dropped, without a due date, and one of the
    restricted meeting the viewer may not see."""
    from events_app.models import Meeting, Outcome

    def add(title, text, due, status="open", completed_on=None):
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == title))
        meeting.outcomes.append(
            Outcome(
                text=text,
                due=due,
                status=status,
                completed_on=completed_on,
                position=len(meeting.outcomes),
            )
        )

    with app.app_context():
        first = "Meeting on 2025-01-10T09:00:00"
        march = "Meeting on 2025-03-05T09:00:00"
        add(first, "On time", date(2025, 2, 1), "done", date(2025, 1, 30))
        add(first, "Late", date(2025, 2, 10), "done", date(2025, 2, 15))
        add(first, "Dropped", date(2025, 3, 1), "dropped", date(2025, 3, 2))
        add(first, "No due date", None)
        add(march, "Overdue", date(2025, 3, 20))
        add(march, "Done long ago", date(2025, 4, 10), "done")
        add(march, "Not yet due", date(2099, 1, 15))
        add(
            "Meeting on 2025-02-14T09:00:00",
            "Secret promise",
            date(2025, 2, 20),
            "done",
            date(2025, 2, 20),
        )
        db.session.commit()
    return team


FOLLOW_UP_COLUMNS = [
    "Month due",
    "On time",
    "Late",
    "Done, day unknown",
    "Overdue",
    "Open, not yet due",
    "Dropped",
]


def test_follow_ups_are_counted_by_month_due_on_time_late_or_overdue(
    client, follow_ups
):
    sign_in(client, "viewer")
    page = client.get(f"/people/{follow_ups['anna']}/charts?{SPAN}").get_data(
        as_text=True
    )
    table = table_rows(page, "follow-ups")
    assert table == [
        FOLLOW_UP_COLUMNS,
        ["2025-01", "0", "0", "0", "0", "0", "0"],
        # The restricted meeting's follow-up, done on time in February, is not counted.
        ["2025-02", "1", "1", "0", "0", "0", "0"],
        ["2025-03", "0", "0", "0", "1", "0", "1"],
        ["2025-04", "0", "0", "1", "0", "0", "0"],
    ]
    assert "Follow-ups done on time or late" in page
    csv_link = re.search(
        r'href="([^"]*charts\.csv\?[^"]*chart=follow-ups[^"]*)"', page
    ).group(1)
    assert csv_rows(client.get(csv_link.replace("&amp;", "&"))) == table
    future = client.get(
        f"/people/{follow_ups['anna']}/charts.csv?chart=follow-ups"
        "&from=2099-01-01&to=2099-01-31"
    )
    assert csv_rows(future)[1] == ["2099-01", "0", "0", "0", "0", "1", "0"]


def test_an_admin_counts_the_restricted_meetings_follow_ups(client, follow_ups):
    sign_in(client, "admin")
    admin = csv_rows(client.get(f"/meetings/charts.csv?chart=follow-ups&{SPAN}"))
    assert admin[2] == ["2025-02", "2", "1", "0", "0", "0", "0"]


def test_follow_ups_count_only_visible_meetings_on_every_charts_page(
    client, follow_ups
):
    sign_in(client, "viewer")
    history = client.get(f"/meetings/charts?{SPAN}").get_data(as_text=True)
    assert table_rows(history, "follow-ups")[2] == [
        "2025-02",
        "1",
        "1",
        "0",
        "0",
        "0",
        "0",
    ]
    # The history's filters narrow the follow-ups to their meetings.
    embassy = client.get(
        f"/meetings/charts?{SPAN}&organization={follow_ups['embassy']}"
    ).get_data(as_text=True)
    assert [row[:2] for row in table_rows(embassy, "follow-ups")[1:]] == [
        ["2025-01", "0"],
        ["2025-02", "0"],
        ["2025-03", "0"],
        ["2025-04", "0"],
    ]
    assert table_rows(embassy, "follow-ups")[3][4] == "1"
    for path in (
        f"/topics/{follow_ups['sanctions']}/charts",
        f"/organizations/{follow_ups['ministry']}/charts",
    ):
        page = client.get(f"{path}?{SPAN}").get_data(as_text=True)
        table = table_rows(page, "follow-ups")
        assert table[2] == ["2025-02", "1", "1", "0", "0", "0", "0"], path
        assert table[3] == ["2025-03", "0", "0", "0", "0", "0", "1"], path
        assert csv_rows(client.get(f"{path}.csv?chart=follow-ups&{SPAN}")) == table


def test_kept_charts_change_with_the_data(app, client, follow_ups):
    from events_app.models import Outcome

    sign_in(client, "viewer")
    path = f"/people/{follow_ups['anna']}/charts?{SPAN}"
    assert table_rows(client.get(path).get_data(as_text=True), "follow-ups")[3] == [
        "2025-03", "0", "0", "0", "1", "0", "1"
    ]  # fmt: skip
    with app.app_context():
        overdue = db.session.scalar(select(Outcome).where(Outcome.text == "Overdue"))
        overdue.status, overdue.completed_on = "done", date(2025, 3, 25)
        db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert table_rows(page, "follow-ups")[3] == [
        "2025-03",
        "0",
        "1",
        "0",
        "0",
        "0",
        "1",
    ]
    assert csv_rows(
        client.get(f"/people/{follow_ups['anna']}/charts.csv?chart=follow-ups&{SPAN}")
    ) == table_rows(page, "follow-ups")
