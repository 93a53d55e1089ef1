"""Hostile input through every door is rejected or neutralised, never executed."""

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from events_app.extensions import db
from events_app.models import Meeting
from tests.test_meetings import errors_in, meeting_form_data

SCRIPT = "<script>alert('x')</script>"
FORMULA = '=HYPERLINK("https://evil.example","click")'


@pytest.fixture
def hostile_meeting(app, client, auth):
    auth.sign_in_as("admin")
    response = client.post(
        "/meetings/new",
        data=meeting_form_data(
            title=f"{SCRIPT} {FORMULA}",
            confidentiality="public",
            summary=f"{SCRIPT}\nsecond line; with, separators\\",
            notes=(
                f"{SCRIPT}\n<img src=x onerror=alert(1)>\n"
                "[click](javascript:alert(1)) [ok](https://example.org)"
            ),
            city="=cmd|' /C calc'!A0",
            **{
                "participants-0-person": "<b>Bold</b> Person",
                "topics-0-topic": "<i>Topic</i>",
                "outcomes-0-text": "+SUM(1,2)",
            },
        ),
    )
    assert response.status_code == 302
    return int(response.location.rsplit("/", 1)[1])


def test_pages_escape_everything(client, hostile_meeting):
    for path in (
        f"/meetings/{hostile_meeting}",
        "/meetings",
        "/people",
        "/topics",
        f"/meetings/{hostile_meeting}/edit",
        f"/meetings/{hostile_meeting}/revisions",
    ):
        page = client.get(path).get_data(as_text=True)
        assert SCRIPT not in page, path
        assert "<b>Bold</b>" not in page and "<i>Topic</i>" not in page, path
        assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", ""), path
        assert 'href="javascript:' not in page, path
    page = client.get(f"/meetings/{hostile_meeting}").get_data(as_text=True)
    assert "&lt;script&gt;" in page
    assert '<a href="https://example.org"' in page


def test_calendar_files_keep_text_as_text(client, hostile_meeting):
    from icalendar import Calendar

    body = client.get(f"/meetings/{hostile_meeting}.ics").data
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{SCRIPT} {FORMULA}"
    assert b"second line\\; with\\, separators\\\\" in body.replace(b"\r\n ", b"")


def test_csv_export_defuses_formulas(client, hostile_meeting):
    response = client.get("/meetings.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    (row,) = rows
    assert row["title"] == f"{SCRIPT} {FORMULA}"  # starts with "<", harmless
    assert row["city"].startswith("'=")
    assert row["outcomes"].startswith("'+")
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@"))


def test_csv_formula_in_first_character_of_title(client, auth):
    auth.sign_in_as("admin")
    client.post(
        "/meetings/new",
        data=meeting_form_data(title=FORMULA, confidentiality="public"),
    )
    (row,) = csv.DictReader(
        io.StringIO(client.get("/meetings.csv").data.decode("utf-8-sig"))
    )
    assert row["title"] == "'" + FORMULA


def test_json_export_round_trips_hostile_text_exactly(
    app, runner, hostile_meeting, tmp_path
):
    target = tmp_path / "export.json"
    assert runner.invoke(args=["export-meetings", str(target)]).exit_code == 0
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["meetings"][0]["title"] == f"{SCRIPT} {FORMULA}"


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"online_url": "javascript:alert(1)"}, "Enter a full web address"),
        ({"sources-0-url": "data:text/html,<script>x</script>"}, "Enter a full web"),
        ({"sources-0-url": "vbscript:msgbox"}, "Enter a full web address"),
        ({"title": "A" * 100_000}, "longer than 300"),
        ({"notes": "N" * 200_001}, "longer than 200000"),
        ({"participants-0-person": "P" * 201}, "longer than 200"),
        ({"title": "null\x00byte"}, "control characters"),
        ({"title": "escape\x1b[31m"}, "control characters"),
        ({"participants-0-person": "bell\x07"}, "control characters"),
    ],
)
def test_form_rejects_hostile_values(app, client, auth, overrides, message):
    auth.sign_in_as("editor")
    response = client.post("/meetings/new", data=meeting_form_data(**overrides))
    assert response.status_code == 422
    assert any(message in error for error in errors_in(response)), errors_in(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_bad_utf8_in_a_form_post_is_not_a_crash(app, client, auth):
    auth.sign_in_as("editor")
    body = (
        "&".join(
            f"{key}={value}" for key, value in meeting_form_data().items()
        ).encode()
        + b"&summary=%FF%FE%FA"
    )
    response = client.post(
        "/meetings/new",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 422)


def test_bad_utf8_in_an_import_file(runner, tmp_path):
    target = tmp_path / "bad.json"
    target.write_bytes(b'{"meetings": [{"title": "\xff\xfe"}]}')
    result = runner.invoke(args=["import-meetings", str(target)])
    assert result.exit_code != 0
    assert "Cannot read" in result.output


def test_hostile_import_is_rejected_whole(app, runner, tmp_path):
    target = tmp_path / "hostile.json"
    target.write_text(
        json.dumps(
            {
                "meetings": [
                    {
                        "title": "ok",
                        "start": "2025-01-01T10:00",
                        "timezone": "UTC",
                        "sources": [{"url": "javascript:alert(1)", "title": "x"}],
                    },
                    {
                        "title": "bad\x00",
                        "start": "2025-01-01T10:00",
                        "timezone": "UTC",
                    },
                ]
            }
        )
    )
    result = runner.invoke(args=["import-meetings", str(target)])
    assert result.exit_code != 0
    assert "meetings[0].sources[0].url" in result.output
    assert "meetings[1].title" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Meeting.id))) == 0
