"""Names A–Z in the interface language's order (CLDR collation through ICU), the
same on SQLite and PostgreSQL (events_app/language/collation.py and
events_app/directory/name_order.py)."""

import html
import re

import icu
import pytest
from sqlalchemy import select

from events_app.directory.name_order import refill_sort_keys
from events_app.extensions import db
from events_app.language.collation import ORDERINGS, sort_key
from events_app.models import Person, Topic

NAMES = [
    "Fabien",
    "Евгенія",
    "Élodie",
    "Аляксандр",
    "Eduard",
    "Ўладзь",
    "Adam",
    "Ёўгенія",
    "Іван",
    "Ирина",
    "Усевалад",
    "élodie",
]
# Belarusian: Cyrillic first; ё with е, і after и, ў after у; É with E.
BELARUSIAN = [
    "Аляксандр",
    "Евгенія",
    "Ёўгенія",
    "Ирина",
    "Іван",
    "Усевалад",
    "Ўладзь",
    "Adam",
    "Eduard",
    "élodie",
    "Élodie",
    "Fabien",
]
# English and French: Latin first; ў is у with a mark (a second-level difference).
LATIN_FIRST = [
    "Adam",
    "Eduard",
    "élodie",
    "Élodie",
    "Fabien",
    "Аляксандр",
    "Евгенія",
    "Ёўгенія",
    "Ирина",
    "Іван",
    "Ўладзь",
    "Усевалад",
]


TOPIC_LINK = r'<a href="/topics/\d+">([^<]*)</a>'


def people_on(client, language: str, page: int = 1) -> list[str]:
    response = client.get(
        "/people", query_string={"page": page}, headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    names = re.findall(r'<a href="/people/\d+">([^<]*)</a>', response.get_data(True))
    return [html.unescape(name) for name in names]


@pytest.fixture
def people(app, make):
    for name in NAMES:
        make.person(name)
    db.session.commit()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("be", BELARUSIAN), ("en", LATIN_FIRST), ("fr", LATIN_FIRST)],
)
def test_the_people_index_in_each_language(client, auth, people, language, expected):
    auth.sign_in_as("admin")
    assert people_on(client, language) == expected


def test_paging_keeps_the_order(app, client, auth, people):
    app.config["DIRECTORY_PER_PAGE"] = 5
    auth.sign_in_as("admin")
    for language, expected in [("be", BELARUSIAN), ("en", LATIN_FIRST)]:
        pages = [people_on(client, language, page) for page in (1, 2, 3)]
        assert [len(names) for names in pages] == [5, 5, 2]
        assert sum(pages, []) == expected


def test_keys_follow_renames_and_order_the_database(app, make):
    person = make.person("Zoë")
    db.session.commit()
    person.display_name = "Аляксандр"
    db.session.commit()
    make.person("Adam")
    db.session.commit()
    ordered = db.session.scalars(
        select(Person.display_name).order_by(Person.sort_key_cyrillic_first)
    ).all()
    assert ordered == ["Аляксандр", "Adam"]
    assert person.sort_key_latin_first == sort_key("Аляксандр", "latin_first")


def test_reindex_refills_stale_keys(app, runner, make):
    make.person("Adam")
    make.topic("Санкцыі")
    db.session.commit()
    db.session.execute(Person.__table__.update().values(sort_key_latin_first=b""))
    db.session.execute(Topic.__table__.update().values(sort_key_cyrillic_first=b""))
    db.session.commit()
    db.session.expire_all()

    result = runner.invoke(args=["reindex"])

    assert result.exit_code == 0, result.output
    assert "Sort keys of names rewritten: 2 records." in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Person.sort_key_latin_first)) == sort_key(
        "Adam", "latin_first"
    )
    assert db.session.scalar(select(Topic.sort_key_cyrillic_first)) == sort_key(
        "Санкцыі", "cyrillic_first"
    )
    assert refill_sort_keys() == 2


def test_topics_in_the_tree_and_their_children_sort_alike(client, auth, make):
    parent = make.topic("Sanctions")
    for name in ["Zoning", "Экспарт", "Banking"]:
        make.topic(name, parent=parent)
    db.session.commit()
    auth.sign_in_as("admin")
    for language, expected in [
        ("be", ["Экспарт", "Banking", "Zoning"]),
        ("en", ["Banking", "Zoning", "Экспарт"]),
    ]:
        for address in (f"/topics/{parent.id}", "/topics"):
            page = client.get(address, headers={"Accept-Language": language})
            links = re.findall(
                r'<a href="/topics/\d+">([^<]*)</a>', page.get_data(True)
            )
            assert [name for name in links if name in expected] == expected


def test_english_and_french_are_cldr_root_order():
    """Why one stored order serves both: CLDR tailors neither."""
    sample = [*NAMES, "Œuvre", "cote", "côte", "coté", "côté", "Ødegaard", "Łukasz"]
    root = [sort_key(name, "latin_first") for name in sample]
    for language in ("en", "fr"):
        collator = icu.Collator.createInstance(icu.Locale(language))
        assert [bytes(collator.getSortKey(name)) for name in sample] == root
    assert set(ORDERINGS) == {"latin_first", "cyrillic_first"}
