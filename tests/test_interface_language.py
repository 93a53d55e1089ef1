"""The frame of every page in the reader's language (issue 13): WTForms' own
messages, the scripts' words, the app's name, error pages, vocabulary labels."""

import json
import re

import pytest

from events_app.audit import record_event
from events_app.extensions import db
from events_app.models.choices import label
from tests.factories import Factories
from tests.test_browser import live_server, page  # noqa: F401  (fixtures)

FRENCH = {"Accept-Language": "fr"}
BELARUSIAN = {"Accept-Language": "be"}


def page_text(response) -> str:
    return response.get_data(as_text=True)


def interface_words(response) -> dict:
    found = re.search(
        r'<script type="application/json" id="interface-words">(.*?)</script>',
        page_text(response),
    )
    return json.loads(found[1])


@pytest.mark.parametrize(
    ("headers", "required"),
    [
        ({}, "This field is required."),
        (FRENCH, "Ce champ est obligatoire."),
        (BELARUSIAN, "Гэтае поле абавязковае."),
    ],
)
def test_required_fields_say_so_in_the_readers_language(
    client, make: Factories, headers, required
):
    make.user()
    response = client.post("/sign-in", data={}, headers=headers)
    assert page_text(response).count(required) == 2


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({}, "Not a valid choice."),
        (FRENCH, "Choix non valide."),
        (BELARUSIAN, "Няправільны выбар."),
    ],
)
def test_choices_refused_in_the_readers_language(client, auth, headers, refused):
    auth.sign_in_as("viewer")
    response = client.post(
        "/account/language", data={"language": "xx"}, headers=headers
    )
    assert response.status_code == 422
    assert refused in page_text(response)


def test_length_limits_keep_their_numbers_in_translation(client, auth):
    auth.sign_in_as("viewer")
    response = client.post(
        "/account/name", data={"display_name": "x" * 201}, headers=BELARUSIAN
    )
    assert response.status_code == 422
    assert "Поле не можа быць даўжэйшым за 200 сімвалаў." in page_text(response)


def test_scripts_get_their_words_from_the_page(client, make: Factories):
    make.user()
    english = interface_words(client.get("/meetings"))
    assert english["copied"] == "Copied."
    assert english["at_most_rows"]["other"] == "At most {num} rows."
    french = interface_words(client.get("/meetings", headers=FRENCH))
    assert french["copied"] == "Copié."
    belarusian = interface_words(client.get("/meetings", headers=BELARUSIAN))
    assert belarusian["at_most_rows"]["one"] == "Не больш за {num} радок."
    assert belarusian["at_most_rows"]["few"] == "Не больш за {num} радкі."
    assert belarusian["at_most_rows"]["many"] == "Не больш за {num} радкоў."


def test_app_name_is_translated_unless_the_operator_set_one(app, client, make):
    make.user()
    app.config["APP_NAME"] = ""
    assert "· Запісы сустрэч</title>" in page_text(
        client.get("/meetings", headers=BELARUSIAN)
    )
    assert "· Meeting records</title>" in page_text(client.get("/meetings"))
    app.config["APP_NAME"] = "Belarus desk"
    assert "· Belarus desk</title>" in page_text(
        client.get("/meetings", headers=BELARUSIAN)
    )


def test_error_pages_in_the_readers_language(client, make: Factories):
    make.user()
    french = client.get("/nowhere", headers=FRENCH)
    assert french.status_code == 404
    assert "404 · Introuvable" in page_text(french)
    assert "Il n’y a rien ici, ou vous n’avez pas le droit de le voir." in page_text(
        french
    )
    belarusian = client.get("/meetings?q=%00", headers=BELARUSIAN)
    assert belarusian.status_code == 400
    assert "400 · Няправільны запыт" in page_text(belarusian)
    assert "нябачныя кіравальныя сімвалы" in page_text(belarusian)


def test_csrf_refusals_are_translated(app, client, make: Factories):
    make.user()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/sign-in", data={"email": "a@example.org"}, headers=FRENCH)
    assert response.status_code == 400
    assert "Le jeton de sécurité du formulaire est manquant." in page_text(response)


def test_vocabulary_labels_follow_the_language(app):
    from flask_babel import force_locale

    with app.test_request_context():
        assert label("restricted") == "Restricted"
        with force_locale("fr"):
            assert label("restricted") == "Restreinte"
            assert label("viewer") == "Lecteur"
        with force_locale("be"):
            assert label("attendance") == "Прысутнасць"
            assert label("no_such_word") == "No such word"


def test_audit_trail_names_events_in_the_readers_language(app, client, auth):
    auth.sign_in_as("admin")
    with app.test_request_context():
        record_event(
            "user_changed",
            target_type="user",
            target_id=1,
            summary="stored text",
            details={"role": ["viewer", "editor"], "active": [True, False]},
        )
        db.session.commit()
    trail = page_text(client.get("/audit", headers=FRENCH))
    assert "Utilisateur modifié" in trail
    assert "utilisateur nº 1 stored text" in trail
    assert '<td class="pre">Lecteur</td><td class="pre">Éditeur</td>' in trail
    assert '<td class="pre">oui</td><td class="pre">non</td>' in trail
    assert "2 champs" in trail


def test_browser_scripts_speak_the_pages_language(live_server, page):  # noqa: F811
    app, base = live_server
    with app.app_context():
        Factories().user(email="editor@example.org", role="editor")
    page.set_extra_http_headers({"Accept-Language": "be"})
    page.goto(base + "/sign-in")
    words = page.evaluate(
        """() => [1, 3, 200].map(count =>
            interfaceWord("at_most_rows", "At most {num} rows.", { num: count })
        ).concat([interfaceWord("copied", "Copied.")])"""
    )
    assert words == [
        "Не больш за 1 радок.",
        "Не больш за 3 радкі.",
        "Не больш за 200 радкоў.",
        "Скапіявана.",
    ]
    # Without the page's words, the scripts keep their English.
    page.evaluate("() => document.getElementById('interface-words').remove()")
    page.add_script_tag(url=base + "/static/interface_words.js")
    assert (
        page.evaluate(
            """() => interfaceWord("at_most_rows", "At most {num} rows.", { num: 2 })"""
        )
        == "At most 2 rows."
    )
