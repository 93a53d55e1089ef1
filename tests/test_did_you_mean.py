"""“Did you mean …?” before a typed name creates a likely duplicate (issue 9).

`make` keeps an app context open for each test's own database reads.
"""

import json
import re

import pytest
from sqlalchemy import func, select

from events_app.directory.names import split_other_names
from events_app.extensions import db
from events_app.interchange.meetings_io import DEMO_FILE, import_document
from events_app.models import Meeting, Participation, Person
from tests.test_ics_import import event, ics, upload
from tests.test_meetings import meeting_form_data

SPELLINGS = ["Matvej Kupreichyk", "kupreichyk, matvei", "Купрэйчык"]


def count(model) -> int:
    db.session.expire_all()  # the requests wrote in their own sessions
    return db.session.scalar(select(func.count()).select_from(model))


def demo_kupreichyk(app) -> Person:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(
        select(Person).where(Person.display_name == "Matvei Kupreichyk")
    )


def participants(*names: str, **answers) -> dict:
    data = meeting_form_data(
        **{"participants-0-person": "", "participants-0-organization": ""}
    )
    for index, name in enumerate(names):
        data[f"participants-{index}-person"] = name
        data[f"participants-{index}-role"] = "participant"
        data[f"participants-{index}-attendance"] = "attended"
    data.update(answers)
    return data


def offered_choices(page: str, field: str) -> list[str]:
    return re.findall(rf'name="{re.escape(field)}" id="[^"]+" value="([^"]+)"', page)


def test_each_spelling_asks_and_accepting_links_and_keeps_it(app, client, auth, make):
    """The issue's walk on the demo data: three spellings, three questions."""
    person = demo_kupreichyk(app)
    people, meetings = count(Person), count(Meeting)
    auth.sign_in_as("editor")

    asked = client.post("/meetings/new", data=participants(*SPELLINGS))

    page = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert page.count("Did you mean Matvei Kupreichyk") == len(SPELLINGS)
    assert f'value="{SPELLINGS[0]}"' in page  # the input is kept
    assert (count(Person), count(Meeting)) == (people, meetings)
    for index in range(len(SPELLINGS)):
        field = f"participants-{index}-person_choice"
        assert offered_choices(page, field) == [f"person-{person.id}", "new"]

    answers = {}
    for index in range(len(SPELLINGS)):
        answers[f"participants-{index}-person_choice"] = f"person-{person.id}"
        answers[f"participants-{index}-person_keep_spelling"] = "y"
    saved = client.post("/meetings/new", data=participants(*SPELLINGS, **answers))

    assert saved.status_code == 302
    assert count(Person) == people
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
    assert [row.person_id for row in meeting.participations] == [person.id] * 3
    db.session.refresh(person)
    other_names = split_other_names(person.other_names)
    assert all(spelling in other_names for spelling in SPELLINGS)
    # The kept spellings now match exactly: no question any more.
    again = client.post("/meetings/new", data=participants(*SPELLINGS))
    assert again.status_code == 302


def test_nothing_is_saved_until_every_row_is_decided(app, client, auth, make):
    person = demo_kupreichyk(app)
    people = count(Person)
    auth.sign_in_as("editor")
    one_answer = {"participants-0-person_choice": "new"}

    half = client.post("/meetings/new", data=participants(*SPELLINGS[:2], **one_answer))

    assert half.status_code == 422
    assert count(Person) == people
    assert 'value="new" checked' in half.get_data(as_text=True)

    answers = {
        **one_answer,
        "participants-1-person_choice": f"person-{person.id}",
        # The box unticked: the spelling is not kept.
    }
    saved = client.post("/meetings/new", data=participants(*SPELLINGS[:2], **answers))

    assert saved.status_code == 302
    assert count(Person) == people + 1
    new = db.session.scalar(select(Person).order_by(Person.id.desc()))
    assert new.display_name == SPELLINGS[0]
    db.session.refresh(person)
    assert SPELLINGS[1] not in split_other_names(person.other_names)


def test_outcome_owners_are_asked_too(app, client, auth, make):
    person = demo_kupreichyk(app)
    auth.sign_in_as("editor")
    data = meeting_form_data(**{"outcomes-0-owner": "Matvej Kupreichyk"})

    asked = client.post("/meetings/new", data=data)

    assert asked.status_code == 422
    assert "Did you mean Matvei Kupreichyk" in asked.get_data(as_text=True)
    data["outcomes-0-owner_choice"] = f"person-{person.id}"
    assert client.post("/meetings/new", data=data).status_code == 302
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
    assert meeting.outcomes[0].owner_person_id == person.id


def test_a_retyped_name_is_asked_again(app, client, auth, make):
    """An answer holds for the name it was given for, not for a name typed since."""
    person = demo_kupreichyk(app)
    auth.sign_in_as("editor")
    data = participants(
        "Jan Kowalski", **{"participants-0-person_choice": f"person-{person.id}"}
    )

    saved = client.post("/meetings/new", data=data)

    assert saved.status_code == 302
    row = db.session.scalar(select(Participation).order_by(Participation.id.desc()))
    assert row.person.display_name == "Jan Kowalski"


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_hidden_records_are_never_offered_nor_linked(app, client, auth, make, role):
    hidden = make.person(
        "Matvei Kupreichyk", other_names="Kupreychyk", restricted=True, notes="x"
    )
    auth.sign_in_as(role)
    data = participants(
        "Matvej Kupreichyk", **{"participants-0-person_choice": f"person-{hidden.id}"}
    )

    response = client.post("/meetings/new", data=data)

    if role == "viewer":
        assert response.status_code in (302, 403)
        assert count(Meeting) == 0
        return
    assert response.status_code == 302
    row = db.session.scalar(select(Participation))
    assert row.person_id != hidden.id
    db.session.refresh(hidden)
    assert split_other_names(hidden.other_names) == ["Kupreychyk"]
    asked = client.post(
        "/meetings/new", data=participants("Kupreichik, Matvei")
    ).get_data(as_text=True)
    # Only the visible record made above is offered, never the hidden one.
    assert "Did you mean Matvej Kupreichyk?" in asked
    assert f"person-{hidden.id}" not in asked
    assert "Matvei Kupreichyk" not in asked


def test_person_form_asks_before_adding(app, client, auth, make):
    person = demo_kupreichyk(app)
    people = count(Person)
    auth.sign_in_as("editor")
    data = {"display_name": "Matvej Kupreichyk", "other_names": "", "notes": ""}

    asked = client.post("/people/new", data=data)

    assert asked.status_code == 422
    assert "Did you mean Matvei Kupreichyk" in asked.get_data(as_text=True)
    assert "also adds what else you filled in" in asked.get_data(as_text=True)
    assert count(Person) == people

    chosen = client.post(
        "/people/new",
        data={**data, "name_choice": f"person-{person.id}", "name_keep_spelling": "y"},
    )
    assert chosen.status_code == 302
    assert chosen.location.endswith(f"/people/{person.id}")
    assert count(Person) == people
    db.session.refresh(person)
    assert "Matvej Kupreichyk" in split_other_names(person.other_names)

    new = client.post("/people/new", data={**data, "display_name": "Matvey Kupreichyk"})
    assert new.status_code == 422
    made = client.post(
        "/people/new",
        data={**data, "display_name": "Matvey Kupreichyk", "name_choice": "new"},
    )
    assert made.status_code == 302
    assert count(Person) == people + 1


def test_json_import_links_exact_names_only(app, make):
    """The import asks nothing: exact names link, others are new (never fuzzy)."""
    person = demo_kupreichyk(app)
    other_names_before = person.other_names
    people = count(Person)
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    meeting = document["meetings"][0]
    meeting["uid"] = "did-you-mean-import@example.org"
    meeting["participants"] = [
        {"person": "Matvej Kupreichyk", "role": "participant"},
        {"person": "Kupreychyk", "role": "participant"},
    ]
    document["meetings"] = [meeting]

    summary = import_document(document)

    assert summary.likely_duplicates == [
        "meetings[0].participants[0].person: “Matvej Kupreichyk” becomes a new "
        "record but is likely the same as Matvei Kupreichyk."
    ]
    imported = db.session.scalar(select(Meeting).where(Meeting.uid == meeting["uid"]))
    fuzzy, exact = (row.person for row in imported.participations)
    assert exact.id == person.id
    assert fuzzy.id != person.id and fuzzy.display_name == "Matvej Kupreichyk"
    assert count(Person) == people + 1
    db.session.refresh(person)
    assert person.other_names == other_names_before


def test_an_edit_asks_too_and_keeps_its_revision(app, client, auth, make):
    person = demo_kupreichyk(app)
    auth.sign_in_as("editor")
    assert client.post("/meetings/new", data=participants()).status_code == 302
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
    data = participants("Matvej Kupreichyk", revision=str(meeting.revision))

    asked = client.post(f"/meetings/{meeting.id}/edit", data=data)

    assert asked.status_code == 422
    page = asked.get_data(as_text=True)
    assert "Did you mean Matvei Kupreichyk" in page
    assert f'name="revision" type="hidden" value="{meeting.revision}"' in page
    data["participants-0-person_choice"] = f"person-{person.id}"
    saved = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert saved.status_code == 302
    db.session.refresh(meeting)
    assert meeting.revision == 2
    assert meeting.participations[0].person_id == person.id


def test_ics_preview_warns_of_likely_duplicates(app, client, auth, make):
    demo_kupreichyk(app)
    auth.sign_in_as("editor")
    invitation = ics(
        event(
            DTSTART=":20250612T100000Z",
            DTEND=":20250612T120000Z",
            ATTENDEE=";CN=Matvej Kupreichyk:mailto:m@example.org",
        )
    )

    page = upload(client, invitation).get_data(as_text=True)

    assert "“Matvej Kupreichyk” becomes a new record but is likely the same as" in page


def test_choosing_the_existing_person_applies_the_rest_of_the_form(client, auth, make):
    """Empty fields of the chosen record are filled, other names added, notes
    appended; a differing value is left and said, nothing typed is dropped."""
    viasna = make.organization("Viasna")
    person = make.person("Matvei Kupreichyk", title="", notes="Journalist.")
    auth.sign_in_as("editor")
    data = {
        "display_name": "Matvej Kupreichyk",
        "other_names": "Kupreychyk",
        "organization_name": "Viasna",
        "title": "Editor",
        "notes": "Met in Vilnius.",
        "name_choice": f"person-{person.id}",
        "name_keep_spelling": "y",
    }

    chosen = client.post("/people/new", data=data, follow_redirects=True)

    page = chosen.get_data(as_text=True)
    assert "is Matvei Kupreichyk; added other name “Matvej Kupreichyk”" in page
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert split_other_names(person.other_names) == [
        "Kupreychyk",
        "Matvej Kupreichyk",
    ]
    assert person.title == "Editor"
    assert person.organization_id == viasna.id
    assert person.notes == "Journalist.\n\nMet in Vilnius."

    other = make.person("Anna Ivanova", title="Lawyer")
    asked = client.post(
        "/people/new",
        data={
            "display_name": "Ivanova, Anna",
            "title": "Advocate",
            "name_choice": f"person-{other.id}",
        },
        follow_redirects=True,
    )
    page = asked.get_data(as_text=True)
    assert "Not applied" in page and "Title “Advocate” (it has “Lawyer”)" in page
    db.session.expire_all()
    assert db.session.get(Person, other.id).title == "Lawyer"


def test_choosing_the_existing_organization_fills_its_empty_fields(client, auth, make):
    viasna = make.organization("Viasna", country="")
    auth.sign_in_as("editor")

    client.post(
        "/organizations/new",
        data={
            "name": "Вясна",
            "short_name": "",
            "kind": "ngo",
            "country": "Belarus",
            "name_choice": f"organization-{viasna.id}",
        },
    )
    db.session.expire_all()
    viasna = db.session.get(type(viasna), viasna.id)
    assert (viasna.country, viasna.kind) == ("Belarus", "ngo")


def test_a_save_looks_each_typed_name_up_once(app, client, auth, make, monkeypatch):
    """Asked, then resolved: the likely records of a name are found once a request."""
    from events_app.directory import did_you_mean

    person = make.person("Matvei Kupreichyk")
    looked_up = []
    real = did_you_mean.likely_matches

    def counted(model, name, **options):
        looked_up.append((model.__name__, name))
        return real(model, name, **options)

    monkeypatch.setattr(did_you_mean, "likely_matches", counted)
    auth.sign_in_as("editor")
    saved = client.post(
        "/meetings/new",
        data=participants(
            "Matvej Kupreichyk",
            **{"participants-0-person_choice": f"person-{person.id}"},
        ),
    )
    assert saved.status_code == 302
    assert ("Person", "Matvej Kupreichyk") in looked_up
    assert len(looked_up) == len(set(looked_up))


def test_a_spelling_a_full_record_cannot_keep_is_said_after_saving(
    app, client, auth, make
):
    """A person with as many other names as a record may have links the row,
    and the page says the typed spelling was not kept (it was silent)."""
    from events_app.directory.names import OTHER_NAMES_MAX_COUNT

    person = make.person(
        "Matvei Kupreichyk",
        other_names="\n".join(
            f"Placeholder{chr(97 + index // 26)}{chr(97 + index % 26)} Name"
            for index in range(OTHER_NAMES_MAX_COUNT)
        ),
    )
    db.session.commit()
    auth.sign_in_as("editor")
    answers = {
        "participants-0-person_choice": f"person-{person.id}",
        "participants-0-person_keep_spelling": "y",
    }

    saved = client.post(
        "/meetings/new",
        data=participants("Matvej Kupreichyk", **answers),
        follow_redirects=True,
    )

    page = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert "was not kept as another name of Matvei Kupreichyk" in page
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
    assert [row.person_id for row in meeting.participations] == [person.id]
    db.session.refresh(person)
    assert "Matvej Kupreichyk" not in split_other_names(person.other_names)
