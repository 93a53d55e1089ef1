"""The name-likeness engine against a table of spellings (issue 9).

SAME holds spellings of one name (transliteration systems, Cyrillic originals,
name order, commas, initials); DIFFERENT holds names of different people that
look alike. At the threshold LIKELY, recall on SAME must be at least 95% and no
pair of DIFFERENT may meet. Both directions are scored.
"""

import pytest
from sqlalchemy import select

from events_app.directory.likeness import (
    LIKELY,
    likely_matches,
    likely_pairs,
    name_likeness,
)
from events_app.directory.skeletons import skeleton
from events_app.extensions import db
from events_app.models import NameWord, Organization, Person, Topic
from events_app.visibility import visible_people_for

SAME = [
    ("Kupreichyk", "Kupreychyk"),
    ("Kupreichyk", "Kupreichik"),
    ("Kupreichyk", "Kupreičyk"),
    ("Kupreichyk", "Купрэйчык"),
    ("Kupreychyk", "Купрэйчык"),
    ("Kupreičyk", "Kupreichik"),
    ("Lukashenka", "Lukashenko"),
    ("Lukashenka", "Лукашэнка"),
    ("Lukashenka", "Лукашенко"),
    ("Lukashenko", "Лукашенко"),
    ("Лукашэнка", "Лукашенко"),
    ("Łukašenka", "Lukashenko"),
    ("Loukachenko", "Lukashenka"),
    ("Lukaschenko", "Lukashenka"),
    ("Lukašenko", "Лукашенко"),
    ("Kupreichyk, Matvei", "Matvei Kupreichyk"),
    ("M. Kupreichyk", "Matvei Kupreichyk"),
    ("kupreichyk, matvei", "Matvei Kupreichyk"),
    ("Matvej Kupreichyk", "Matvei Kupreichyk"),
    ("Матвей Купрэйчык", "Matvei Kupreichyk"),
    ("Kupreichyk M.", "Matvei Kupreichyk"),
    ("Sviatlana Tsikhanouskaya", "Svetlana Tikhanovskaya"),
    ("Sviatlana Tsikhanouskaya", "Святлана Ціханоўская"),
    ("Sviatlana Tsikhanouskaya", "Swiatłana Cichanoŭskaja"),
    ("Sviatlana Tsikhanouskaya", "Svyatlana Tsikhanovskaya"),
    ("Светлана Тихановская", "Svetlana Tikhanovskaya"),
    ("Tsikhanouskaya, Sviatlana", "S. Tsikhanouskaya"),
    ("Svetlana Tichanowskaja", "Svetlana Tikhanovskaya"),
    ("Svetlana Tikhanovskaïa", "Svetlana Tikhanovskaya"),
    ("Siarhei Tsikhanouski", "Sergei Tikhanovsky"),
    ("Siarhei Tsikhanouski", "Сяргей Ціханоўскі"),
    ("Сергей Тихановский", "Sergey Tikhanovskiy"),
    ("Ales Bialiatski", "Алесь Бяляцкі"),
    ("Ales Bialiatski", "Aleś Bialacki"),
    ("Ales Bialiatski", "Ales Byalyatski"),
    ("Ales Bialiatski", "Alies Bialiackі"),
    ("Maria Kalesnikava", "Maria Kolesnikova"),
    ("Maryia Kalesnikava", "Мария Колесникова"),
    ("Maria Kalesnikava", "Марыя Калеснікава"),
    ("Viktar Babaryka", "Viktor Babariko"),
    ("Viktar Babaryka", "Віктар Бабарыка"),
    ("Viktar Babaryka", "Wiktar Babaryka"),
    ("Aliaksandr Lukashenka", "Alexander Lukashenko"),
    ("Aliaksandr Lukashenka", "Alaksandr Łukašenka"),
    ("Aliaksandr Lukashenka", "Александр Лукашенко"),
    ("Aliaksandr Lukashenka", "A. Lukashenka"),
    ("Iryna Ivanova", "Irina Ivanova"),
    ("Ihar Losik", "Igor Losik"),
    ("Ihar Losik", "Ігар Лосік"),
    ("Pavel Sevyarynets", "Paval Seviarynets"),
    ("Pavel Sevyarynets", "Павел Севярынец"),
    ("Yuri Zhuk", "Jury Žuk"),
    ("Yury Zhuk", "Юрый Жук"),
    ("Yuliya Ivanou", "Julija Ivanov"),
    ("Natallia Hersche", "Natalia Hersche"),
    ("Dzmitry Dashkevich", "Dmitry Dashkevich"),
    ("Dzmitry Dashkevich", "Дзмітрый Дашкевіч"),
    ("Dmitriy Dashkevich", "Dzmitryj Daškievič"),
    ("Claire Martin", "Martin, Claire"),
    ("Claire Martin", "C. Martin"),
    ("Viasna", "Вясна"),
    ("Viasna", "Wiasna"),
    ("Hanna Ivanova", "Ganna Ivanova"),
    ("Hleb Kavalenka", "Gleb Kovalenko"),
    ("Hleb Kavalenka", "Глеб Коваленко"),
]

DIFFERENT = [
    ("Lukashenka", "Lukashevich"),
    ("Kupreichyk", "Kuprevich"),
    ("Anna Ivanova", "Anna Ivanenko"),
    ("Siarhei Tsikhanouski", "Sviatlana Tsikhanouskaya"),
    ("Aliaksandr Lukashenka", "Aliaksandr Lukashevich"),
    ("Matvei Kupreichyk", "Mikhail Kupreichyk"),
    ("Ivan Petrov", "Ivan Petrenko"),
    ("Maria Kalesnikava", "Maria Kovalenko"),
    ("Viktar Babaryka", "Eduard Babaryka"),
    ("Ales Bialiatski", "Ales Mikhalevich"),
    ("Ihar Losik", "Ihar Ilyash"),
    ("Pavel Sevyarynets", "Pavel Latushka"),
    ("Yuri Zhuk", "Yuri Zhukov"),
    ("Natalia Petrova", "Natalia Petrovich"),
    ("Claire Martin", "Claire Moreau"),
    ("M. Kupreichyk", "Anton Kupreichyk"),
    ("Hleb Kavalenka", "Hleb Kavaliou"),
    ("Siarhei Ivanou", "Siarhei Ivanets"),
    ("Iryna Kovalchuk", "Irina Kovalenko"),
    ("Dmitry Sokolov", "Dmitry Sokolovsky"),
    ("Olga Karach", "Olga Karpovich"),
]


def both_ways(pairs):
    return pairs + [(second, first) for first, second in pairs]


def test_the_table_is_large_enough():
    assert len(SAME) + len(DIFFERENT) >= 40


def test_recall_and_false_matches_at_the_threshold(capsys):
    missed = [pair for pair in both_ways(SAME) if name_likeness(*pair) < LIKELY]
    false = [pair for pair in both_ways(DIFFERENT) if name_likeness(*pair) >= LIKELY]
    recall = 1 - len(missed) / len(both_ways(SAME))
    with capsys.disabled():
        print(
            f"\nname likeness at {LIKELY}: recall {recall:.1%} "
            f"({len(missed)} missed), {len(false)} false matches"
        )
    assert recall >= 0.95, missed
    assert false == []


@pytest.mark.parametrize(
    "spellings",
    [
        ["Kupreichyk", "Kupreychyk", "Kupreichik", "Kupreičyk", "Купрэйчык"],
        ["Lukashenka", "Lukashenko", "Лукашэнка", "Лукашенко"],
    ],
)
def test_the_examples_of_the_issue_share_one_skeleton(spellings):
    assert len({skeleton(spelling) for spelling in spellings}) == 1


def test_order_commas_and_initials_meet():
    for spelling in ["Kupreichyk, Matvei", "M. Kupreichyk", "kupreichyk matvei"]:
        assert name_likeness(spelling, "Matvei Kupreichyk") >= LIKELY
    assert name_likeness("A. Kupreichyk", "Matvei Kupreichyk") < LIKELY


def test_scores_lie_between_zero_and_one():
    assert name_likeness("Kupreichyk", "Kupreichyk") == 1.0
    assert name_likeness("", "Kupreichyk") == 0.0
    assert 0.0 < name_likeness("Kupreichyk", "Kuprevich") < 1.0


def test_likely_matches_finds_any_spelling_best_first(make):
    matvei = make.person("Matvei Kupreichyk", other_names="Kupreychyk")
    make.person("Mikhail Kuprevich")
    lukashenka = make.person("Aliaksandr Lukashenka")
    db.session.commit()

    found = likely_matches(Person, "Купрэйчык")
    assert [(match.record, match.matched) for match in found] == [
        (matvei, "Kupreychyk")
    ]
    assert found[0].score >= LIKELY
    assert likely_matches(Person, "Lukashenko, A.")[0].record == lukashenka
    exact = likely_matches(Person, "Kupreychyk")
    assert (exact[0].record, exact[0].matched, exact[0].score) == (
        matvei,
        "Kupreychyk",
        1.0,
    )
    assert likely_matches(Person, "Someone Else") == []
    assert likely_matches(Person, "") == []


def test_likely_matches_stays_among_the_records_given(make):
    hidden = make.person("Matvei Kupreichyk", restricted=True)
    viewer = make.user("viewer@example.org", role="viewer")
    db.session.commit()

    assert likely_matches(Person, "Kupreychyk")[0].record == hidden
    assert likely_matches(Person, "Kupreychyk", among=visible_people_for(viewer)) == []


def test_likely_matches_covers_organizations_and_topics(make):
    viasna = make.organization("Viasna", short_name="HRC Viasna")
    topic = make.topic("Political prisoners")
    db.session.commit()

    assert likely_matches(Organization, "Вясна")[0].record == viasna
    assert likely_matches(Topic, "political prisoner")[0].record == topic


def test_skeletons_follow_name_changes(make):
    person = make.person("Matvei Kupreichyk")
    db.session.commit()
    person.other_names = "Loukachenko"
    person.refresh_name_keys()
    db.session.commit()

    assert likely_matches(Person, "Лукашенко")[0].record == person


def test_the_name_index_follows_every_change(make):
    person = make.person("Matvei Kupreichyk")
    db.session.commit()

    def indexed():
        return sorted(
            db.session.scalars(
                select(NameWord.beginning).where(
                    NameWord.record_type == "person", NameWord.record_id == person.id
                )
            )
        )

    assert indexed() == ["kup", "mat"]
    person.other_names = "Лукашенко"
    person.refresh_name_keys()
    db.session.commit()
    assert indexed() == ["kup", "luk", "mat"]
    db.session.delete(person)
    db.session.commit()
    assert indexed() == []


def test_likely_pairs_lists_duplicates_best_first(make):
    first = make.person("Matvei Kupreichyk")
    second = make.person("Купрэйчык, Матвей")
    third = make.person("M. Kupreichyk")
    make.person("Mikhail Kuprevich")
    make.person("Anna Ivanova")
    make.person("Anna Ivanenko")
    hidden = make.person("Matvej Kupreičyk", restricted=True)
    viewer = make.user("viewer@example.org", role="viewer")
    db.session.commit()

    pairs = likely_pairs(Person)
    assert [(pair.first, pair.second) for pair in pairs][:1] == [(first, second)]
    assert {(pair.first, pair.second) for pair in pairs} == {
        (first, second),
        (first, third),
        (second, third),
        (first, hidden),
        (second, hidden),
        (third, hidden),
    }
    assert pairs[0].score == 1.0
    assert (pairs[0].first_name, pairs[0].second_name) == (
        "Matvei Kupreichyk",
        "Купрэйчык, Матвей",
    )
    assert all(
        hidden not in (pair.first, pair.second)
        for pair in likely_pairs(Person, among=visible_people_for(viewer))
    )
