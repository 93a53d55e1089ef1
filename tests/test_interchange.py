"""The JSON interchange: `flask import-meetings`, `export-meetings` and `seed-demo`."""

import copy
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from events_app.extensions import db
from events_app.interchange import meetings_io
from events_app.interchange.meetings_io import ImportFailed, import_document
from events_app.meetings.operations import (
    MeetingSaveError,
    form_for_meeting,
    save_meeting,
)
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    SourceLink,
    Topic,
)
from tests.factories import Factories

DEMO_PUBLIC_UID = "demo-alliance-paris-3@events-app"
DEMO_RESTRICTED_UID = "demo-meae-briefing@events-app"
DEMO_RESTRICTED_TITLE = "Closed briefing at the French Ministry of Foreign Affairs"
DEMO_PERSON = "Matvei Kupreichyk"
DEMO_ORGANIZATION = "Belarusian Investigative Center"

COUNTED_MODELS = {
    "meetings": Meeting,
    "people": Person,
    "organizations": Organization,
    "topics": Topic,
    "participations": Participation,
    "meeting_topics": MeetingTopic,
    "outcomes": Outcome,
    "sources": SourceLink,
}


# Helpers -------------------------------------------------------------------


def meeting_record(**changes) -> dict:
    """A valid meeting record in the interchange format, with fields replaced."""
    record = {
        "uid": "coalition-2025-03-14@example.org",
        "title": "Coalition meeting on sanctions",
        "kind": "meeting",
        "start": "2025-03-14T10:00",
        "end": "2025-03-14T12:00",
        "timezone": "Europe/Paris",
        "all_day": False,
        "status": "held",
        "confidentiality": "internal",
        "series": "Sanctions coalition",
        "series_number": 4,
        "location": {"venue": "Maison de l'Europe", "city": "Paris", "country": ""},
        "online_url": "https://meet.example.org/coalition",
        "summary": "Where the sanctions debate stands.",
        "notes": "Minutes in **Markdown**.",
        "participants": [
            {
                "person": "Anna Example",
                "organization": "Example Watch",
                "role": "speaker",
                "attendance": "attended",
                "note": "Opened the meeting",
            },
            {
                "person": None,
                "organization": "Coalition Secretariat",
                "role": "host",
                "attendance": "attended",
                "note": "",
            },
        ],
        "topics": [
            {
                "name": "Sanctions circumvention",
                "parent": "Sanctions",
                "note": "Transit through third countries.",
            }
        ],
        "outcomes": [
            {
                "text": "Circulate the draft letter.",
                "owner": "Anna Example",
                "due": "2025-04-01",
                "status": "open",
            },
            {
                "text": "Ask the secretariat for the list.",
                "owner": "Coalition Secretariat",
                "due": None,
                "status": "done",
            },
        ],
        "sources": [
            {"url": "https://example.org/report.pdf", "title": "Public report"}
        ],
        "access": {"users": [], "groups": []},
    }
    record.update(changes)
    return record


def document_of(*records, **sections) -> dict:
    """A whole interchange document holding these meeting records."""
    return {"format": "events_app meetings", "version": 1, **sections,
            "meetings": list(records)}  # fmt: skip


def write_json(path, document) -> str:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def import_via_cli(runner, tmp_path, document, name="import.json"):
    """Run `flask import-meetings` on a file holding `document`."""
    return runner.invoke(
        args=["import-meetings", write_json(tmp_path / name, document)]
    )


def export_via_cli(runner, tmp_path, *options, name="export.json") -> dict:
    """Run `flask export-meetings` and return the document it wrote."""
    path = tmp_path / name
    result = runner.invoke(args=["export-meetings", str(path), *options])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def row_counts(app) -> dict[str, int]:
    """How many rows each table of meeting data holds."""
    with app.app_context():
        return {
            name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in COUNTED_MODELS.items()
        }


def wipe_meeting_data(app) -> None:
    """Empty every table, as on a fresh installation."""
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


def comparable(document: dict) -> dict:
    """The document with the directory sections in name order (ids may differ)."""
    result = copy.deepcopy(document)
    for section in ("organizations", "people", "topics"):
        result[section].sort(key=lambda record: (record["name"], record.get("parent")))
    return result


def stored_meeting(app, uid: str) -> dict:
    """A few stored attributes of the meeting with this uid."""
    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.uid == uid))
        assert meeting is not None, f"no meeting with uid {uid}"
        return {
            "id": meeting.id,
            "title": meeting.title,
            "revision": meeting.revision,
            "updated_at": meeting.updated_at,
            "start_utc": meeting.start_utc,
            "end_utc": meeting.end_utc,
            "all_day": meeting.all_day,
            "confidentiality": meeting.confidentiality,
            "participants": [
                (
                    row.person.display_name if row.person else None,
                    row.organization.name if row.organization else None,
                    row.role,
                )
                for row in meeting.participations
            ],
        }


def seed_demo(runner) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def assert_import_refused(app, runner, tmp_path, document, *expected_problems):
    """The CLI exits non-zero, names every expected problem, and writes nothing."""
    before = row_counts(app)
    result = import_via_cli(runner, tmp_path, document)
    assert result.exit_code != 0
    assert "Nothing was imported" in result.output
    for problem in expected_problems:
        assert problem in result.output, result.output
    assert row_counts(app) == before
    return result


# Round trip ----------------------------------------------------------------


def test_export_then_import_into_empty_database_gives_the_same_document(
    app, runner, tmp_path
):
    seed_demo(runner)
    all_day = meeting_record(
        uid="summit-2025@example.org",
        title="Civil society summit",
        kind="conference",
        start="2025-03-14",
        end="2025-03-16",
        all_day=True,
        confidentiality="public",
        participants=[
            {
                "person": "Kupreychyk",
                "organization": "BelPol",
                "role": "speaker",
                "attendance": "unknown",
                "note": "",
            }
        ],
        topics=[
            {"name": "Militarisation", "parent": None, "note": ""},
            {"name": "Exiled media", "parent": "Civil society support", "note": "x"},
        ],
        outcomes=[
            {
                "text": "Report back.",
                "owner": DEMO_ORGANIZATION,
                "due": None,
                "status": "open",
            },  # fmt: skip
        ],
    )
    result = import_via_cli(runner, tmp_path, document_of(meeting_record(), all_day))
    assert result.exit_code == 0, result.output
    first = export_via_cli(runner, tmp_path, name="first.json")
    assert len(first["meetings"]) == 4
    counts_before = row_counts(app)

    wipe_meeting_data(app)
    assert row_counts(app)["meetings"] == 0
    result = runner.invoke(args=["import-meetings", str(tmp_path / "first.json")])
    assert result.exit_code == 0, result.output
    assert "Imported 4 new" in result.output
    second = export_via_cli(runner, tmp_path, name="second.json")

    assert comparable(second) == comparable(first)
    assert row_counts(app) == counts_before


def test_exported_record_holds_every_field(app, runner, tmp_path):
    result = import_via_cli(runner, tmp_path, document_of(meeting_record()))
    assert result.exit_code == 0, result.output

    document = export_via_cli(runner, tmp_path)

    assert document["format"] == "events_app meetings"
    assert document["version"] == 1
    assert document["meetings"] == [meeting_record()]
    assert sorted(topic["name"] for topic in document["topics"]) == [
        "Sanctions",
        "Sanctions circumvention",
    ]
    assert {"name": "Sanctions circumvention", "parent": "Sanctions",
            "description": None} in document["topics"]  # fmt: skip
    assert sorted(person["name"] for person in document["people"]) == ["Anna Example"]
    assert sorted(org["name"] for org in document["organizations"]) == [
        "Coalition Secretariat",
        "Example Watch",
    ]


def test_outcome_owned_by_an_organization_with_short_name_round_trips(
    app, runner, tmp_path
):
    """The owner is exported by name, so re-importing finds the organization again."""
    seed_demo(runner)
    before = row_counts(app)
    document = export_via_cli(runner, tmp_path)
    public = next(m for m in document["meetings"] if m["uid"] == DEMO_PUBLIC_UID)
    assert public["outcomes"][0]["owner"] == DEMO_ORGANIZATION

    wipe_meeting_data(app)
    assert (
        runner.invoke(args=["import-meetings", str(tmp_path / "export.json")]).exit_code
        == 0
    )

    assert row_counts(app) == before
    with app.app_context():
        people = db.session.scalars(select(Person.display_name)).all()
        outcome = db.session.scalar(select(Outcome))
        assert people == [DEMO_PERSON]
        assert outcome.owner_person is None
        assert outcome.owner_organization.name == DEMO_ORGANIZATION


# Idempotence ---------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(app, runner, tmp_path):
    document = document_of(meeting_record(), meeting_record(uid="second@x", title="B"))
    assert import_via_cli(runner, tmp_path, document).exit_code == 0
    counts = row_counts(app)
    stored = stored_meeting(app, "coalition-2025-03-14@example.org")
    assert stored["revision"] == 1

    result = import_via_cli(runner, tmp_path, document)

    assert result.exit_code == 0, result.output
    assert "0 new" in result.output
    assert "2 unchanged" in result.output
    assert row_counts(app) == counts
    assert stored_meeting(app, "coalition-2025-03-14@example.org") == stored


def test_importing_a_changed_record_updates_the_meeting_with_the_same_uid(
    app, runner, tmp_path
):
    assert (
        import_via_cli(runner, tmp_path, document_of(meeting_record())).exit_code == 0
    )
    original = stored_meeting(app, "coalition-2025-03-14@example.org")

    changed = meeting_record(
        title="Coalition meeting (corrected)",
        participants=[
            {
                "person": "Anna Example",
                "organization": "Example Watch",
                "role": "chair",
                "attendance": "attended",
                "note": "",
            },  # fmt: skip
        ],
    )
    result = import_via_cli(runner, tmp_path, document_of(changed))

    assert result.exit_code == 0, result.output
    assert "0 new and 1 updated" in result.output
    updated = stored_meeting(app, "coalition-2025-03-14@example.org")
    assert updated["id"] == original["id"]
    assert updated["title"] == "Coalition meeting (corrected)"
    assert updated["revision"] == original["revision"] + 1
    assert updated["participants"] == [("Anna Example", "Example Watch", "chair")]
    assert row_counts(app)["meetings"] == 1
    assert row_counts(app)["participations"] == 1


def test_record_without_uid_gets_a_generated_one(app, runner, tmp_path):
    record = meeting_record()
    del record["uid"]
    assert import_via_cli(runner, tmp_path, document_of(record)).exit_code == 0

    exported = export_via_cli(runner, tmp_path)["meetings"][0]

    assert exported["uid"].endswith("@events-app")
    assert exported["title"] == record["title"]


# All or nothing ------------------------------------------------------------


def test_file_with_one_good_and_one_bad_record_imports_nothing(app, runner, tmp_path):
    seed_demo(runner)
    bad = meeting_record(
        uid="bad@x",
        participants=[
            {
                "person": "New Person",
                "organization": "New Org",
                "role": "boss",
                "attendance": "attended",
                "note": "",
            },  # fmt: skip
        ],
        topics=[{"name": "Brand new topic", "parent": "New parent", "note": ""}],
    )
    document = document_of(
        meeting_record(),
        bad,
        people=[{"name": "Someone Listed", "other_names": []}],
    )

    result = assert_import_refused(
        app,
        runner,
        tmp_path,
        document,
        "meetings[1].participants[0].role: Choose one of: chair, host, speaker,",
    )

    assert "meetings[0]" not in result.output
    with app.app_context():
        names = db.session.scalars(select(Person.display_name)).all()
        assert names == [DEMO_PERSON]
        assert db.session.scalar(select(Meeting).where(Meeting.uid == "bad@x")) is None


def test_every_problem_of_every_record_is_reported(app, runner, tmp_path):
    document = document_of(
        meeting_record(title="", timezone="Mars/Olympus"),
        meeting_record(uid="second@x", kind="workshop", status="done"),
    )

    assert_import_refused(
        app,
        runner,
        tmp_path,
        document,
        "meetings[0].title: Give the meeting a title.",
        "meetings[0].timezone: Use an IANA time zone name",
        "meetings[1].kind: Choose one of: meeting, briefing,",
        "meetings[1].status: Choose one of: planned, held, cancelled, postponed.",
    )


def test_database_refusal_while_writing_rolls_back_the_whole_file(
    app, runner, tmp_path, monkeypatch
):
    real_save = meetings_io.save_meeting
    calls = []

    def save_then_fail(meeting, form, *, commit=True):
        calls.append(form.title.data)
        if len(calls) == 2:
            raise MeetingSaveError("The meeting could not be saved.")
        return real_save(meeting, form, commit=commit)

    monkeypatch.setattr(meetings_io, "save_meeting", save_then_fail)
    document = document_of(meeting_record(), meeting_record(uid="b@x", title="B"))

    assert_import_refused(
        app, runner, tmp_path, document, "The database refused the import"
    )
    assert calls == [meeting_record()["title"], "B"]


def test_import_document_raises_with_the_problems(app):
    with app.app_context(), pytest.raises(ImportFailed) as failure:
        import_document(document_of(meeting_record(start="2025-13-01T10:00")))
    assert failure.value.problems == ["meetings[0].start: Not a valid date value."]
    assert row_counts(app)["meetings"] == 0


# Validation rules, each through the import -----------------------------------


def _without(key: str) -> dict:
    record = meeting_record()
    del record[key]
    return record


def _row_with(list_name: str, **changes) -> dict:
    record = meeting_record()
    record[list_name] = [{**record[list_name][0], **changes}]
    return record


INVALID_RECORDS = {
    "missing title": (
        _without("title"),
        "meetings[0].title: Give the meeting a title.",
    ),
    "blank title": (meeting_record(title="   "), "meetings[0].title: Give the"),
    "missing start": (_without("start"), "meetings[0].start: Give the start date."),
    "bad date": (
        meeting_record(start="2025-02-30T10:00"),
        "meetings[0].start: Not a valid date value.",
    ),
    "bad time": (
        meeting_record(start="2025-03-14T25:00"),
        "meetings[0].start: Not a valid time value.",
    ),
    "start without time": (
        meeting_record(start="2025-03-14", end=None),
        "meetings[0].start: Give the start time, or tick All day.",
    ),
    "end before start": (
        meeting_record(end="2025-03-14T09:00"),
        "meetings[0].end: The end must be after the start.",
    ),
    "end equal to start": (
        meeting_record(end="2025-03-14T10:00"),
        "meetings[0].end: The end must be after the start.",
    ),
    "all-day end before start": (
        meeting_record(all_day=True, start="2025-03-14", end="2025-03-13"),
        "meetings[0].end: The last day cannot be before the first.",
    ),
    "unknown time zone": (
        meeting_record(timezone="Europe/Atlantis"),
        "meetings[0].timezone: Use an IANA time zone name",
    ),
    "missing time zone": (_without("timezone"), "meetings[0].timezone: Give the"),
    "DST gap": (
        meeting_record(start="2025-03-30T02:30", end="2025-03-30T04:00"),
        "meetings[0].start: 02:30 does not exist on 2025-03-30 in Europe/Paris",
    ),
    "unknown kind": (
        meeting_record(kind="party"),
        "meetings[0].kind: Choose one of: meeting, briefing, conference, call, visit,",
    ),
    "unknown status": (
        meeting_record(status="maybe"),
        "meetings[0].status: Choose one of: planned, held, cancelled, postponed.",
    ),
    "unknown confidentiality": (
        meeting_record(confidentiality="secret"),
        "meetings[0].confidentiality: Choose one of: public, internal, restricted.",
    ),
    "unknown role": (
        _row_with("participants", role="king"),
        "meetings[0].participants[0].role: Choose one of: chair, host, speaker,"
        " representative, participant, observer.",
    ),
    "unknown attendance": (
        _row_with("participants", attendance="maybe"),
        "meetings[0].participants[0].attendance: Choose one of: attended, absent,",
    ),
    "unknown outcome status": (
        _row_with("outcomes", status="pending"),
        "meetings[0].outcomes[0].status: Choose one of: open, done, dropped.",
    ),
    "bad outcome due date": (
        _row_with("outcomes", due="soon"),
        "meetings[0].outcomes[0].due: Not a valid date value.",
    ),
    "javascript online link": (
        meeting_record(online_url="javascript:alert(1)"),
        "meetings[0].online_url: Enter a full web address starting with https://",
    ),
    "javascript source link": (
        _row_with("sources", url="javascript:alert(document.cookie)"),
        "meetings[0].sources[0].url: Enter a full web address starting with https://",
    ),
    "ftp source link": (
        _row_with("sources", url="ftp://example.org/file"),
        "meetings[0].sources[0].url: Enter a full web address",
    ),
    "title too long": (
        meeting_record(title="x" * 301),
        "meetings[0].title: Field cannot be longer than 300 characters.",
    ),
    "control character in title": (
        meeting_record(title="Meeting\x07"),
        "meetings[0].title: Remove the invisible control characters.",
    ),
    "participant without person or organization": (
        _row_with("participants", person=None, organization=None, note="x"),
        "meetings[0].participants[0].person: Name a person or an organization.",
    ),
    "topic note without topic": (
        _row_with("topics", name=None, parent=None),
        "meetings[0].topics[0].name: Name the topic this note belongs to.",
    ),
    "bad series number": (
        meeting_record(series_number="third"),
        "meetings[0].series_number: Not a valid integer value.",
    ),
    "participants not a list": (
        meeting_record(participants={"person": "Anna Example"}),
        "meetings[0].participants: must be a list",
    ),
    "participant row not an object": (
        meeting_record(participants=["Anna Example"]),
        "meetings[0].participants[0]: must be an object",
    ),
    "title not text": (
        meeting_record(title=["Coalition"]),
        "meetings[0].title: must be text",
    ),
    "all_day not a boolean": (
        meeting_record(all_day="yes"),
        "meetings[0].all_day: must be true or false",
    ),
    "location not an object": (
        meeting_record(location="Paris"),
        "meetings[0].location: must be an object",
    ),
    "unknown key in a participant row": (
        _row_with("participants", email="anna@example.org"),
        "meetings[0].participants[0]: unknown keys ['email']",
    ),
    "unknown key in a topic row": (
        _row_with("topics", weight=3),
        "meetings[0].topics[0]: unknown keys ['weight']",
    ),
    "unknown key in the record": (
        meeting_record(confidentialty="public"),
        "meetings[0]: unknown keys ['confidentialty']",
    ),
    "unknown key in the location": (
        meeting_record(location={"city": "Paris", "room": "B"}),
        "meetings[0].location: unknown keys ['room']",
    ),
    "record not an object": ("just a title", "meetings[0]: must be an object"),
    "uid with spaces": (
        meeting_record(uid="two words"),
        "meetings[0].uid: must be text of 1 to 120 visible characters",
    ),
    "uid not text": (
        meeting_record(uid=42),
        "meetings[0].uid: must be text of 1 to 120 visible characters",
    ),
    "too many rows": (
        meeting_record(
            participants=[
                {"person": f"Person {number}", "role": "participant"}
                for number in range(201)
            ]
        ),
        "meetings[0].participants: At most 200 rows",
    ),
}


@pytest.mark.parametrize(
    ("record", "problem"), INVALID_RECORDS.values(), ids=INVALID_RECORDS.keys()
)
def test_invalid_record_is_refused_naming_index_and_field(
    app, runner, tmp_path, record, problem
):
    assert_import_refused(app, runner, tmp_path, document_of(record), problem)


def test_problem_names_the_row_index_of_the_file_even_after_an_empty_row(
    app, runner, tmp_path
):
    record = meeting_record(
        participants=[{}, {"person": "Anna Example", "role": "king"}]
    )

    result = assert_import_refused(
        app,
        runner,
        tmp_path,
        document_of(record),
        "meetings[0].participants[1].role: Choose one of",
    )

    assert "participants[0]" not in result.output


def test_duplicate_uid_in_one_file_is_refused(app, runner, tmp_path):
    document = document_of(
        meeting_record(), meeting_record(title="Another meeting, same uid")
    )

    assert_import_refused(
        app, runner, tmp_path, document, "meetings[1].uid: appears twice in the file"
    )


@pytest.mark.parametrize(
    ("section", "record", "problem"),
    [
        ("people", {"name": ""}, "people[0].name: is required"),
        ("people", {"name": "A", "phone": "1"}, "people[0]: unknown keys ['phone']"),
        ("people", {"name": "A", "other_names": "B"}, "people[0].other_names: must"),
        (
            "people",
            {"name": "A", "other_names": [f"B{number}" for number in range(51)]},
            "people[0].other_names: has more than 50 names",
        ),
        ("organizations", {"name": "X", "kind": "club"}, "organizations[0].kind:"),
        ("organizations", {"name": "X" * 201}, "organizations[0].name: is longer"),
        ("topics", {"name": 7}, "topics[0].name: must be text"),
        ("topics", "Sanctions", "topics[0]: must be an object"),
    ],
)
def test_invalid_directory_record_is_refused(
    app, runner, tmp_path, section, record, problem
):
    document = document_of(meeting_record(), **{section: [record]})

    assert_import_refused(app, runner, tmp_path, document, problem)


def test_names_of_the_file_and_the_database_past_the_forms_limit_are_refused(
    app, runner, tmp_path
):
    """An import never makes a record its own form would refuse to save."""
    with app.app_context():
        Factories().person(
            "Matvei Kupreichyk",
            other_names="\n".join(f"Kupreichyk {number}" for number in range(30)),
        )
        Factories().organization(
            "Belarusian Investigative Center",
            other_names="\n".join(f"BIC {number}" for number in range(30)),
        )
        db.session.commit()
    document = document_of(
        meeting_record(),
        people=[
            {
                "name": "Matvei Kupreichyk",
                "other_names": [f"Kupreychyk {number}" for number in range(21)],
            }
        ],
        organizations=[
            {
                "name": "Belarusian Investigative Center",
                "other_names": [f"БРЦ {number}" for number in range(20)],
            }
        ],
    )

    result = assert_import_refused(
        app,
        runner,
        tmp_path,
        document,
        "people[0].other_names: would give Matvei Kupreichyk 51 other names with "
        "those stored, more than the 50 a record keeps",
    )
    assert "organizations[0]" not in result.output  # 50 is within the limit
    with app.app_context():
        person = db.session.scalar(select(Person))
        assert len(person.other_names.splitlines()) == 30


def test_file_that_is_not_json_is_refused(app, runner, tmp_path):
    path = tmp_path / "meetings.json"
    path.write_text("{'meetings': [", encoding="utf-8")

    result = runner.invoke(args=["import-meetings", str(path)])

    assert result.exit_code != 0
    assert "Cannot read" in result.output
    assert row_counts(app)["meetings"] == 0


def test_missing_file_is_refused(app, runner, tmp_path):
    result = runner.invoke(args=["import-meetings", str(tmp_path / "absent.json")])

    assert result.exit_code != 0
    assert "Cannot read" in result.output


@pytest.mark.parametrize(
    "document",
    [{"format": "events_app meetings"}, [], {"meetings": {"title": "x"}}, "text"],
    ids=["no meetings key", "a list", "meetings not a list", "a string"],
)
def test_file_without_a_meetings_list_is_refused(app, runner, tmp_path, document):
    assert_import_refused(
        app,
        runner,
        tmp_path,
        document,
        'The file must be an object with a "meetings" list.',
    )


def test_file_of_a_newer_format_version_is_refused(app, runner, tmp_path):
    document = {**document_of(meeting_record()), "version": 2}

    assert_import_refused(app, runner, tmp_path, document, "version: ")


# Names and topics ------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "organization"),
    [
        ("KUPREYCHYK", "Belpol"),
        ("Kupreichyk ", "BELPOL"),
        ("  matvei   kupreichyk", "belarusian investigative center"),
        ("Купрейчык", "Belarusian Security Blog"),
        ("Matvéi KUPREÍCHYK", "Belarusian Investigative Centre"),
    ],
)
def test_participant_names_resolve_to_the_existing_records(
    app, runner, tmp_path, person, organization
):
    seed_demo(runner)
    before = row_counts(app)
    record = meeting_record(
        participants=[
            {
                "person": person,
                "organization": organization,
                "role": "speaker",
                "attendance": "attended",
                "note": "",
            },  # fmt: skip
        ],
        outcomes=[],
        topics=[],
    )

    result = import_via_cli(runner, tmp_path, document_of(record))

    assert result.exit_code == 0, result.output
    stored = stored_meeting(app, record["uid"])
    expected_organization = (
        "Belarusian Investigative Centre"
        if organization.endswith("Centre")
        else DEMO_ORGANIZATION
    )
    assert stored["participants"] == [(DEMO_PERSON, expected_organization, "speaker")]
    after = row_counts(app)
    assert after["people"] == before["people"]
    # "Centre" is a different spelling, not a known name: a new organization.
    assert after["organizations"] == before["organizations"] + (
        1 if organization.endswith("Centre") else 0
    )


def test_outcome_owner_resolves_to_existing_person_or_organization(
    app, runner, tmp_path
):
    seed_demo(runner)
    record = meeting_record(
        participants=[],
        topics=[],
        outcomes=[
            {"text": "Write it up.", "owner": "KUPREYCHYK"},
            {"text": "Publish it.", "owner": "belpol"},
        ],
    )

    assert import_via_cli(runner, tmp_path, document_of(record)).exit_code == 0

    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.uid == record["uid"]))
        first, second = meeting.outcomes
        assert first.owner_person.display_name == DEMO_PERSON
        assert second.owner_organization.name == DEMO_ORGANIZATION
        assert db.session.scalar(select(func.count(Person.id))) == 1


def test_topics_with_parents_create_the_hierarchy_once(app, runner, tmp_path):
    topics = [
        {"name": "Sanctions circumvention", "parent": "Sanctions", "note": "a"},
        {"name": "Sanctions", "parent": None, "note": "b"},
        {
            "name": "Dual-use goods",
            "parent": "Sanctions > Sanctions circumvention",
            "note": "",
        },  # fmt: skip
    ]
    document = document_of(
        meeting_record(topics=topics),
        meeting_record(
            uid="other@x",
            topics=[
                {"name": "sanctions circumvention", "parent": "SANCTIONS", "note": ""}
            ],  # fmt: skip
        ),
    )

    assert import_via_cli(runner, tmp_path, document).exit_code == 0
    assert import_via_cli(runner, tmp_path, document).exit_code == 0

    with app.app_context():
        paths = sorted(topic.path for topic in db.session.scalars(select(Topic)))
        assert paths == [
            "Sanctions",
            "Sanctions > Sanctions circumvention",
            "Sanctions > Sanctions circumvention > Dual-use goods",
        ]
        assert row_counts(app)["meeting_topics"] == 4


def test_directory_record_found_by_another_name_keeps_its_names(app, runner, tmp_path):
    """A hand-written file may name a known person by an alias: nothing is lost."""
    seed_demo(runner)
    document = document_of(
        people=[{"name": "KUPREYCHYK", "other_names": ["M. Kupreichyk"]}],
        organizations=[{"name": "BelPol", "kind": "ngo"}],
    )

    result = import_via_cli(runner, tmp_path, document)

    assert result.exit_code == 0, result.output
    with app.app_context():
        person = db.session.scalar(select(Person))
        assert person.display_name == DEMO_PERSON
        names = person.other_names.splitlines()
        assert "M. Kupreichyk" in names
        assert "Купрейчык" in names
        organization = db.session.scalar(
            select(Organization).where(Organization.short_name == "BELPOL")
        )
        assert organization.name == DEMO_ORGANIZATION
        assert "Belarusian Security Blog" in organization.other_names
    assert row_counts(app)["people"] == 1
    assert row_counts(app)["organizations"] == 3


# Dates and time zones ----------------------------------------------------------


def test_all_day_meeting_round_trips_with_dates(app, runner, tmp_path):
    record = meeting_record(all_day=True, start="2025-03-14", end="2025-03-16")

    assert import_via_cli(runner, tmp_path, document_of(record)).exit_code == 0

    stored = stored_meeting(app, record["uid"])
    assert stored["all_day"] is True
    # Local midnight in Paris (UTC+1) of the first day and of the day after the last.
    assert stored["start_utc"] == datetime(2025, 3, 13, 23, 0)
    assert stored["end_utc"] == datetime(2025, 3, 16, 23, 0)
    exported = export_via_cli(runner, tmp_path)["meetings"][0]
    assert exported["start"] == "2025-03-14"
    assert exported["end"] == "2025-03-16"
    assert exported["all_day"] is True


def test_wall_times_are_kept_in_the_meeting_time_zone(app, runner, tmp_path):
    record = meeting_record(
        start="2025-07-01T09:30", end="2025-07-02T01:15", timezone="America/New_York"
    )

    assert import_via_cli(runner, tmp_path, document_of(record)).exit_code == 0

    stored = stored_meeting(app, record["uid"])
    assert stored["start_utc"] == datetime(2025, 7, 1, 13, 30)
    assert stored["end_utc"] == datetime(2025, 7, 2, 5, 15)
    exported = export_via_cli(runner, tmp_path)["meetings"][0]
    assert (exported["start"], exported["end"]) == (record["start"], record["end"])


def test_meeting_without_end_round_trips(app, runner, tmp_path):
    record = meeting_record(end=None)

    assert import_via_cli(runner, tmp_path, document_of(record)).exit_code == 0

    assert stored_meeting(app, record["uid"])["end_utc"] is None
    assert export_via_cli(runner, tmp_path)["meetings"][0]["end"] is None


def test_time_in_the_dst_gap_is_refused(app, runner, tmp_path):
    record = meeting_record(start="2025-03-30T02:30", end="2025-03-30T03:30")

    assert_import_refused(
        app,
        runner,
        tmp_path,
        document_of(record),
        "meetings[0].start: 02:30 does not exist on 2025-03-30 in Europe/Paris",
    )


def test_same_wall_time_in_utc_zone_is_accepted(app, runner, tmp_path):
    record = meeting_record(start="2025-03-30T02:30", end=None, timezone="UTC")

    assert import_via_cli(runner, tmp_path, document_of(record)).exit_code == 0

    assert stored_meeting(app, record["uid"])["start_utc"] == datetime(
        2025, 3, 30, 2, 30
    )


# seed-demo and export visibility -------------------------------------------------


def test_seed_demo_loads_one_public_and_one_restricted_meeting(app, runner):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Imported 2 new" in result.output
    assert stored_meeting(app, DEMO_PUBLIC_UID)["confidentiality"] == "public"
    restricted = stored_meeting(app, DEMO_RESTRICTED_UID)
    assert restricted["confidentiality"] == "restricted"
    assert restricted["title"] == DEMO_RESTRICTED_TITLE
    assert restricted["participants"] == [
        (None, "French Ministry for Europe and Foreign Affairs", "host"),
        (DEMO_PERSON, DEMO_ORGANIZATION, "speaker"),
    ]
    with app.app_context():
        person = db.session.scalar(select(Person))
        other_names = person.other_names.splitlines()
        assert "Kupreychyk" in other_names
        assert "Купрейчык" in other_names
        assert person.organization.short_name == "BELPOL"
        circumvention = db.session.scalar(
            select(Topic).where(Topic.name == "Sanctions circumvention")
        )
        assert circumvention.path == "Sanctions > Sanctions circumvention"


def test_seed_demo_twice_changes_nothing(app, runner):
    seed_demo(runner)
    counts = row_counts(app)
    stored = [
        stored_meeting(app, uid) for uid in (DEMO_PUBLIC_UID, DEMO_RESTRICTED_UID)
    ]

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "0 new" in result.output
    assert row_counts(app) == counts
    assert counts["meetings"] == 2
    assert counts["people"] == 1
    assert counts["organizations"] == 3
    assert counts["topics"] == 10
    assert [
        stored_meeting(app, uid) for uid in (DEMO_PUBLIC_UID, DEMO_RESTRICTED_UID)
    ] == stored


def test_export_as_viewer_leaves_out_the_restricted_meeting(app, runner, tmp_path):
    seed_demo(runner)
    with app.app_context():
        Factories().user(email="viewer@example.org", role="viewer")

    viewer_export = export_via_cli(
        runner, tmp_path, "--as-user", "Viewer@Example.org", name="viewer.json"
    )
    full_export = export_via_cli(runner, tmp_path, name="full.json")

    assert [m["uid"] for m in viewer_export["meetings"]] == [DEMO_PUBLIC_UID]
    viewer_text = (tmp_path / "viewer.json").read_text(encoding="utf-8")
    assert DEMO_RESTRICTED_UID not in viewer_text
    assert DEMO_RESTRICTED_TITLE not in viewer_text
    assert "Closed briefing" not in viewer_text
    assert sorted(m["uid"] for m in full_export["meetings"]) == sorted(
        [DEMO_PUBLIC_UID, DEMO_RESTRICTED_UID]
    )
    assert any(m["title"] == DEMO_RESTRICTED_TITLE for m in full_export["meetings"])


def test_export_as_viewer_leaves_out_directory_records_of_restricted_meetings(
    app, runner, tmp_path
):
    """The demo ministry and two topics appear only in the restricted briefing."""
    seed_demo(runner)
    with app.app_context():
        make = Factories()
        make.user(email="viewer@example.org", role="viewer")
        make.person("Newly Added")  # in no meeting: signed-in users may see it

    viewer = export_via_cli(runner, tmp_path, "--as-user", "viewer@example.org")
    full = export_via_cli(runner, tmp_path, name="full.json")

    def names(document, section):
        return sorted(record["name"] for record in document[section])

    ministry = "French Ministry for Europe and Foreign Affairs"
    assert ministry not in json.dumps(viewer, ensure_ascii=False)
    assert names(viewer, "organizations") == [
        "Alliance for a Democratic Belarus",
        DEMO_ORGANIZATION,
    ]
    assert names(viewer, "people") == [DEMO_PERSON, "Newly Added"]
    viewer_topics = names(viewer, "topics")
    for restricted_only in (
        "Repressions",
        "Civil society support",
        "Sanctions circumvention",
    ):
        assert restricted_only not in viewer_topics
    # In the public meeting itself, or the parent of a topic that is.
    assert {"Calls to ease sanctions", "Sanctions", "Militarisation"} <= set(
        viewer_topics
    )
    # The operator's export holds the whole directory.
    assert ministry in names(full, "organizations")
    assert {"Repressions", "Civil society support"} <= set(names(full, "topics"))
    assert len(full["topics"]) == 10


def test_export_as_viewer_includes_internal_but_not_restricted(app, runner, tmp_path):
    internal = meeting_record(uid="internal@x", confidentiality="internal")
    restricted = meeting_record(uid="restricted@x", confidentiality="restricted")
    public = meeting_record(uid="public@x", confidentiality="public")
    assert (
        import_via_cli(
            runner, tmp_path, document_of(internal, restricted, public)
        ).exit_code
        == 0
    )
    with app.app_context():
        Factories().user(email="viewer@example.org", role="viewer")
        Factories().user(email="admin@example.org", role="admin")

    viewer = export_via_cli(runner, tmp_path, "--as-user", "viewer@example.org")
    admin = export_via_cli(runner, tmp_path, "--as-user", "admin@example.org")

    assert sorted(m["uid"] for m in viewer["meetings"]) == ["internal@x", "public@x"]
    assert len(admin["meetings"]) == 3


def test_export_as_unknown_user_fails_cleanly(app, runner, tmp_path):
    seed_demo(runner)
    path = tmp_path / "out.json"

    result = runner.invoke(
        args=["export-meetings", str(path), "--as-user", "nobody@example.org"]
    )

    assert result.exit_code != 0
    assert "No user with the e-mail nobody@example.org" in result.output
    assert "Traceback" not in result.output
    assert not path.exists()


def test_export_of_empty_database_is_a_valid_empty_document(app, runner, tmp_path):
    document = export_via_cli(runner, tmp_path)

    assert document == {
        "format": "events_app meetings",
        "version": 1,
        "organizations": [],
        "people": [],
        "topics": [],
        "meetings": [],
    }


def test_wall_time_with_seconds_round_trips_without_a_new_revision(
    app, runner, tmp_path
):
    record = meeting_record(start="2025-03-14T10:00:30", end="2025-03-14T12:00")
    assert import_via_cli(runner, tmp_path, document_of(record)).exit_code == 0
    exported = export_via_cli(runner, tmp_path)["meetings"][0]
    assert exported["start"] == "2025-03-14T10:00:30"
    assert exported["end"] == "2025-03-14T12:00"

    result = import_via_cli(runner, tmp_path, {"meetings": [exported]})

    assert result.exit_code == 0, result.output
    assert "1 unchanged" in result.output
    assert stored_meeting(app, record["uid"])["revision"] == 1


def test_edit_form_offers_the_organization_owner_by_a_name_that_finds_it(app, runner):
    """The edit form is filled from the same record: saving it adds no new person."""
    seed_demo(runner)
    with app.app_context(), app.test_request_context():
        meeting = db.session.scalar(
            select(Meeting).where(Meeting.uid == DEMO_PUBLIC_UID)
        )
        form = form_for_meeting(meeting)
        assert form.outcomes[0].owner.data == DEMO_ORGANIZATION
        assert form.validate(), form.errors

        save_meeting(meeting, form)

        assert meeting.revision == 1
        assert meeting.outcomes[0].owner_organization.name == DEMO_ORGANIZATION
        assert db.session.scalar(select(func.count(Person.id))) == 1
