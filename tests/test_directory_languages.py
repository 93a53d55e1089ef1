"""The directory's pages in French and Belarusian (issue 13): the people index,
a person's page, a topic page, and the did-you-mean and merge messages.

Belarusian counts take three forms: 1 and 21 сустрэча, 2 сустрэчы, 5 сустрэч.
"""

from datetime import date, datetime, timedelta

import pytest
from babel.dates import format_date

from events_app.language.formatting import DAY_PATTERN
from tests.factories import Factories

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
BELARUSIAN = {"Accept-Language": "be"}
FIRST_DAY = datetime(2025, 3, 3, 9, 0)


def shared_meetings(make: Factories):
    """Matvei in 21 meetings: topics on 21, 5, 2 and 1 of them, and Anna in 2."""
    matvei = make.person("Matvei Kupreichyk", title="Journalist")
    anna = make.person("Anna Nowak")
    counts = {"Sanctions": 21, "Elections": 5, "Transit": 2, "Media": 1}
    topics = {name: make.topic(name) for name in counts}
    for index in range(21):
        start = FIRST_DAY + timedelta(days=index)
        participants = [(matvei, None, "participant")]
        if index < 2:
            participants.append((anna, None, "speaker"))
        make.meeting(
            f"Briefing {index + 1}",
            start_utc=start,
            end_utc=start + timedelta(hours=1),
            participants=participants,
            topics=[
                (topic, "") for name, topic in topics.items() if index < counts[name]
            ],
        )
    return matvei, topics


def count_line(text: str) -> str:
    """A count as a record's meeting count is shown in a list of records."""
    return f'<span class="muted">{text}</span>'


@pytest.mark.parametrize(
    ("headers", "forms"),
    [
        (FRENCH, ["1 réunion", "2 réunions", "5 réunions", "21 réunions"]),
        (BELARUSIAN, ["1 сустрэча", "2 сустрэчы", "5 сустрэч", "21 сустрэча"]),
    ],
)
def test_person_page_counts_in_each_language(client, make, headers, forms):
    make.user()
    matvei, _topics = shared_meetings(make)

    page = client.get(f"/people/{matvei.id}", headers=headers).get_data(as_text=True)

    for form in forms:
        assert count_line(form) in page
    if headers is FRENCH:
        assert "Sujets abordés" in page and "Personnes rencontrées" in page
        assert "<dt>Fonction</dt>" in page and "Dernière réunion" in page
    else:
        assert "Абмеркаваныя тэмы" in page and "Людзі на тых жа сустрэчах" in page
        assert "<dt>Пасада</dt>" in page and "Апошняя сустрэча" in page
    assert "Topics discussed" not in page and "Last met" not in page
    last_day = format_date(
        date(2025, 3, 23), DAY_PATTERN, locale=headers["Accept-Language"][:2]
    )
    assert last_day in page


def test_people_index_in_french_and_belarusian(client, make):
    make.user()
    shared_meetings(make)

    french = client.get("/people", headers=FRENCH).get_data(as_text=True)
    assert "<title>Personnes" in french and "<h1>Personnes</h1>" in french
    assert "Trouver une personne" in french and "<th>Dernière réunion</th>" in french
    belarusian = client.get("/people", headers=BELARUSIAN).get_data(as_text=True)
    assert "<h1>Людзі</h1>" in belarusian and "Знайсці асобу" in belarusian
    assert "<th>Апошняя сустрэча</th>" in belarusian
    nobody = client.get("/people?q=Zzyzx", headers=BELARUSIAN).get_data(as_text=True)
    assert "Па запыце «Zzyzx» нікога не знойдзена." in nobody


def test_topic_page_in_french_and_belarusian(client, make):
    make.user()
    _matvei, topics = shared_meetings(make)
    address = f"/topics/{topics['Elections'].id}"

    french = client.get(address, headers=FRENCH).get_data(as_text=True)
    assert "<h2>Réunions" in french and "Tous les sujets" in french
    assert "Abordés en même temps" in french
    assert count_line("21 réunions") not in french  # only the 5 of this topic
    assert count_line("5 réunions") in french and count_line("2 réunions") in french
    belarusian = client.get(address, headers=BELARUSIAN).get_data(as_text=True)
    assert "<h2>Сустрэчы" in belarusian and "Усе тэмы" in belarusian
    assert count_line("5 сустрэч") in belarusian  # Matvei, at all five
    assert count_line("2 сустрэчы") in belarusian  # Anna, and Transit
    assert count_line("1 сустрэча") in belarusian  # Media
    assert "Discussed alongside" not in belarusian


def test_did_you_mean_and_merge_speak_the_readers_language(client, auth, make):
    kept = make.person("Matvei Kupreichyk")
    removed = make.person("Matvej Kupreichyk")
    make.meeting("Briefing", participants=[(removed, None, "participant")])
    auth.sign_in_as("editor")

    asked = client.post(
        "/people/new", data={"display_name": "Matvey Kupreichyk"}, headers=BELARUSIAN
    )
    assert asked.status_code == 422
    page = asked.get_data(as_text=True)
    assert "Гэта імя падобнае на запіс, які ўжо ёсць у даведніку." in page
    assert "looks like a record" not in page

    address = f"/people/{kept.id}/merge/{removed.id}"
    preview = client.get(address, headers=FRENCH).get_data(as_text=True)
    assert "Fusionner Matvej Kupreichyk avec Matvei Kupreichyk\u00a0?" in preview
    assert "<li>1 participation</li>" in preview
    assert "La fusion peut être annulée depuis sa page." in preview

    merged = client.post(address, headers=BELARUSIAN, follow_redirects=True)
    page = merged.get_data(as_text=True)
    assert "Запіс Matvej Kupreichyk аб’яднаны з Matvei Kupreichyk." in page
    assert "<li>1 удзел перанесены</li>" in page
    assert "Адмяніць аб’яднанне" in page
