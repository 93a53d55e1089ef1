"""The interface's language (issue 13): how it is chosen, kept and used for dates.

The completeness of the catalogs and the walk over every page in each
language are in tests/test_translations.py.
"""

import re

from sqlalchemy import select

from events_app.extensions import db
from events_app.language.choice import browser_language
from events_app.models import User
from tests.factories import Factories


def page_language(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True))[1]


class AcceptLanguage:
    """Werkzeug's parsed header, from the raw value a browser sends."""

    def __new__(cls, value: str):
        from werkzeug.datastructures import LanguageAccept
        from werkzeug.http import parse_accept_header

        return parse_accept_header(value, LanguageAccept)


def test_browser_language_takes_the_first_the_app_speaks():
    assert browser_language(AcceptLanguage("fr-FR,fr;q=0.9,en;q=0.5")) == "fr"
    assert browser_language(AcceptLanguage("de-DE,be;q=0.8,fr;q=0.5")) == "be"
    assert browser_language(AcceptLanguage("ru-RU,ru;q=0.9")) == "be"
    assert browser_language(AcceptLanguage("de,ja")) == "en"
    assert browser_language(AcceptLanguage("")) == "en"


def test_pages_follow_accept_language(client, make: Factories):
    make.user()
    make.meeting(title="Alliance meeting")
    assert page_language(client.get("/meetings")) == "en"
    french = client.get("/meetings", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert page_language(french) == "fr"
    assert "1 réunion" in french.get_data(as_text=True)
    belarusian = client.get("/meetings", headers={"Accept-Language": "be"})
    assert page_language(belarusian) == "be"
    assert "1 сустрэча" in belarusian.get_data(as_text=True)


def test_switcher_keeps_the_choice_across_pages(client, make: Factories):
    make.user()
    make.meeting(title="Alliance meeting")
    response = client.post("/language", data={"language": "be", "next": "/people"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/people"
    french_browser = {"Accept-Language": "fr"}
    assert page_language(client.get("/meetings", headers=french_browser)) == "be"
    assert page_language(client.get("/topics", headers=french_browser)) == "be"


def test_switcher_refuses_other_languages_and_foreign_next(client, make: Factories):
    make.user()
    assert client.post("/language", data={"language": "de"}).status_code == 400
    response = client.post(
        "/language", data={"language": "fr", "next": "//evil.example/"}
    )
    assert response.headers["Location"] == "/meetings"


def test_every_page_offers_the_switcher(client, make: Factories):
    make.user()
    page = client.get("/meetings").get_data(as_text=True)
    assert 'action="/language"' in page
    assert 'lang="be"' in page and "Беларуская" in page
    assert 'lang="fr"' in page and "Français" in page


def test_account_language_is_stored_and_wins_over_the_browser(
    app, client, auth, make: Factories
):
    auth.sign_in_as("viewer")
    response = client.post("/account/language", data={"language": "be"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="viewer@example.org"))
        assert user.language == "be"
    client.post("/sign-out")
    auth.sign_in_as("viewer")
    account = client.get("/account", headers={"Accept-Language": "fr"})
    assert page_language(account) == "be"
    client.post("/account/language", data={"language": ""})
    assert page_language(client.get("/account", headers={"Accept-Language": "fr"})) == (
        "fr"
    )


def test_account_language_refuses_unknown_values(client, auth):
    auth.sign_in_as("viewer")
    response = client.post("/account/language", data={"language": "xx"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_meeting_time_in_each_language(client, make: Factories):
    from datetime import datetime

    make.user()
    meeting = make.meeting(
        title="Briefing", start_utc=datetime(2025, 5, 13, 12, 0), end_utc=None
    )
    url = f"/meetings/{meeting.id}"
    english = client.get(url).get_data(as_text=True)
    assert "Tue 13 May 2025, 14:00 (Europe/Paris)" in english
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "mar. 13 mai 2025 à 14:00 (heure de Paris)" in french
    belarusian = client.get(url, headers={"Accept-Language": "be"}).get_data(
        as_text=True
    )
    assert "13 мая 2025, 14:00 (Europe/Paris)" in belarusian


def test_belarusian_plural_forms(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("be"):
        words = [
            # The history's count (templates/meetings/index.html).
            ngettext("%(num)s meeting.", "%(num)s meetings.", count)
            for count in (1, 2, 5, 21, 11, 22, 112)
        ]
    assert words == [
        "1 сустрэча.",
        "2 сустрэчы.",
        "5 сустрэч.",
        "21 сустрэча.",
        "11 сустрэч.",
        "22 сустрэчы.",
        "112 сустрэч.",
    ]
