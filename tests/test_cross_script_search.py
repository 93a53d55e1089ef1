"""A Latin query finds Cyrillic records and back: the meeting search (skeletons
beside the text, events_app/search/) and the name suggestions (name likeness,
events_app/directory/likeness.py), never past the visibility rule."""

import re

import pytest

from events_app.extensions import db

MEETING_LINK = r'<a href="/meetings/\d+">([^<]+)</a>'


def titles(client, query: str) -> list[str]:
    page = client.get("/meetings", query_string={"q": query})
    assert page.status_code == 200
    return sorted(
        re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', page.get_data(True))
    )


@pytest.fixture
def records(app, make):
    make.user(email="admin@example.org", role="admin")
    tsikhanouskaya = make.person("Святлана Ціханоўская")
    lukashenka = make.person("Лукашэнка")
    hidden = make.person("Аляксандр Купрэйчык")
    make.organization("Вясна")
    make.topic("Палітычныя вязні")
    make.meeting(
        "Briefing with the opposition", participants=[(tsikhanouskaya, None, "speaker")]
    )
    make.meeting("Lukashenka sanctions")
    make.meeting("Сустрэча з Ціханоўскай")
    make.meeting(
        "Secret talks",
        confidentiality="restricted",
        participants=[(hidden, None, "participant")],
        summary="Kupreichyk, Лукашэнка",
    )
    make.meeting("Short words", summary="on the go")
    db.session.commit()
    return {"lukashenka": lukashenka.id, "hidden": hidden.id}


@pytest.mark.parametrize("query", ["Tsikhanouskaya", "Tikhanovskaya", "Ціханоўская"])
def test_a_participant_in_cyrillic_found_by_any_spelling(client, records, query):
    assert titles(client, query) == ["Briefing with the opposition"]


def test_a_prefix_reaches_other_forms_of_the_word_in_either_script(client, records):
    both = ["Briefing with the opposition", "Сустрэча з Ціханоўскай"]
    assert titles(client, "Tsikhanousk*") == both
    assert titles(client, "Ціханоўск*") == both


def test_a_latin_title_found_from_cyrillic(client, records):
    assert titles(client, "Лукашэнка") == ["Lukashenka sanctions"]
    assert titles(client, "Лукашэнка санкц*") == []  # no translation, only spelling
    assert titles(client, "Lukashenko sanctions") == ["Lukashenka sanctions"]
    assert titles(client, "Lukash*") == ["Lukashenka sanctions"]


def test_a_restricted_meeting_stays_hidden(client, auth, records):
    auth.sign_in_as("viewer")
    assert titles(client, "Лукашэнка") == ["Lukashenka sanctions"]
    assert titles(client, "Kupreichyk") == []
    assert titles(client, "Aliaksandr Kupreychyk") == []
    auth.sign_out()
    auth.sign_in_as("admin")
    assert titles(client, "Lukashenko") == ["Lukashenka sanctions", "Secret talks"]
    assert titles(client, "Aliaksandr Kupreychyk") == ["Secret talks"]


def test_short_words_match_as_typed_only(client, records):
    assert titles(client, "an") == []
    assert titles(client, "on") == ["Short words"]


def test_suggestions_across_scripts(client, auth, records):
    auth.sign_in_as("viewer")
    people = client.get("/people/suggest?q=Lukashenko").json
    assert [row["name"] for row in people][:1] == ["Лукашэнка"]
    people = client.get("/people/suggest?q=Tsikhanouskaya").json
    assert [row["name"] for row in people][:1] == ["Святлана Ціханоўская"]
    organizations = client.get("/organizations/suggest?q=Viasna").json
    assert [row["name"] for row in organizations] == ["Вясна"]
    topics = client.get("/topics/suggest?q=Palitychnyia").json
    assert [row["name"] for row in topics] == ["Палітычныя вязні"]
    # The person only a restricted meeting names is not suggested to a viewer.
    hidden = client.get("/people/suggest?q=Kupreichyk").json
    assert records["hidden"] not in [row["id"] for row in hidden]
