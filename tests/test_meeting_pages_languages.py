"""The meeting form and pages in French and Belarusian (issue 13).

A browser asking for a language by its Accept-Language header gets the
meeting form's labels, validation messages and error summary, the meeting
page, the revision comparison and the CSV header in that language.
"""

import csv
import io

import pytest

from tests.test_meetings import errors_in, meeting_form_data

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
BELARUSIAN = {"Accept-Language": "be"}


def form_with_errors() -> dict:
    """No title, an end before the start, a note without a name; the rest kept."""
    return meeting_form_data(
        title="",
        start_time="14:00",
        end_time="13:00",
        city="Strasbourg",
        **{"participants-1-note": "a note without a name"},
    )


@pytest.mark.parametrize(
    "headers,expected",
    [
        (
            FRENCH,
            [
                "3 problèmes empêchent d’enregistrer cette réunion",
                "Donnez un titre à la réunion.",
                "La fin doit être postérieure au début.",
                "Indiquez une personne ou une organisation.",
                "Participant 2\u00a0: Personne",
                "Heure de fin",
                "Enregistrer la réunion",
            ],
        ),
        (
            BELARUSIAN,
            [
                "3 памылкі не даюць захаваць сустрэчу",
                "Дайце сустрэчы назву.",
                "Канец павінен быць пазней за пачатак.",
                "Укажыце асобу або арганізацыю.",
                "Удзельнік 2: Асоба",
                "Час заканчэння",
                "Захаваць сустрэчу",
            ],
        ),
    ],
    ids=["fr", "be"],
)
def test_form_errors_are_translated_and_the_input_kept(client, auth, headers, expected):
    auth.sign_in_as("editor")
    response = client.post("/meetings/new", data=form_with_errors(), headers=headers)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for text in expected:
        assert text in page, text
    assert "The end must be after the start." not in page
    assert "Give the meeting a title." not in errors_in(response)
    assert 'value="Strasbourg"' in page
    assert 'value="13:00"' in page
    assert "a note without a name" in page


@pytest.mark.parametrize(
    "headers,message",
    [
        (
            FRENCH,
            "Indiquez l’heure de début, ou cochez «\u00a0Toute la journée\u00a0».",
        ),
        (BELARUSIAN, "Укажыце час пачатку або адзначце «Увесь дзень»."),
    ],
    ids=["fr", "be"],
)
def test_a_missing_start_time_is_asked_for_in_the_language(
    client, auth, headers, message
):
    auth.sign_in_as("editor")
    response = client.post(
        "/meetings/new", data=meeting_form_data(start_time=""), headers=headers
    )
    assert response.status_code == 422
    assert message in errors_in(response)


def test_time_zones_are_named_and_found_in_the_language(app, client, auth):
    auth.sign_in_as("editor")
    asked = client.post(
        "/meetings/new", data=meeting_form_data(timezone="Vilni"), headers=BELARUSIAN
    )
    assert "Магчыма, вы мелі на ўвазе Europe/Vilnius (Вільнюс, Літва)?" in (
        errors_in(asked)
    )
    suggested = client.get("/timezones/suggest?q=Lituanie", headers=FRENCH)
    assert suggested.get_json()[0] == {
        "name": "Europe/Vilnius",
        "matched": "Vilnius, Lituanie",
        "score": 100,
    }
    saved = client.post(
        "/meetings/new", data=meeting_form_data(timezone="Вільнюс"), headers=BELARUSIAN
    )
    assert saved.status_code == 302


@pytest.mark.parametrize(
    "headers,expected",
    [
        (
            FRENCH,
            ["Participants", "Sujets", "Conclusions", "Accord ou suivi", "Échéance"],
        ),
        (BELARUSIAN, ["Удзельнікі", "Тэмы", "Вынікі", "Адказны", "Тэрмін"]),
    ],
    ids=["fr", "be"],
)
def test_meeting_page_labels_are_translated(client, auth, headers, expected):
    auth.sign_in_as("editor")
    response = client.post("/meetings/new", data=meeting_form_data())
    meeting_url = response.location
    page = client.get(meeting_url, headers=headers).get_data(as_text=True)
    for text in expected:
        assert f"<h2>{text}</h2>" in page or f"<th>{text}</th>" in page, text
    assert "No participants recorded." not in page
    assert "All revisions" not in page and "Agreement or follow-up" not in page


def test_revision_comparison_names_fields_and_changes_in_the_language(client, auth):
    auth.sign_in_as("editor")
    meeting_url = client.post("/meetings/new", data=meeting_form_data()).location
    client.post(
        f"{meeting_url}/edit",
        data=meeting_form_data(
            title="Alliance: fifth meeting",
            revision="1",
            **{"participants-0-note": "Came late"},
        ),
    )
    french = client.get(f"{meeting_url}/revisions/1", headers=FRENCH).get_data(
        as_text=True
    )
    assert "<h3>Titre</h3>" in french and "<h3>Participants</h3>" in french
    assert "<strong>Modification\u00a0:</strong>" in french
    assert "Note\u00a0: <del>(vide)</del><ins>Came late</ins>" in french
    listing = client.get(f"{meeting_url}/revisions", headers=BELARUSIAN).get_data(
        as_text=True
    )
    assert "Удзельнікі, Назва" in listing and "Створана" in listing


def test_csv_header_is_translated_in_the_same_column_order(client, auth):
    auth.sign_in_as("editor")
    client.post("/meetings/new", data=meeting_form_data())
    english = client.get("/meetings.csv").data.decode("utf-8-sig")
    french = client.get("/meetings.csv", headers=FRENCH).data.decode("utf-8-sig")
    english_rows = list(csv.reader(io.StringIO(english)))
    french_rows = list(csv.reader(io.StringIO(french)))
    assert english_rows[0][:3] == ["title", "kind", "status"]
    assert french_rows[0][:3] == ["Titre", "Type", "Statut"]
    assert len(french_rows[0]) == len(english_rows[0])
    assert french_rows[1:] == english_rows[1:]
