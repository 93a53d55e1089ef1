"""Speed of likely name matches: 20,000 people with 2 other names, 2,000 organizations.

Each figure asked by issue 9: the median and worst server time of a suggestion
request, of a meeting save that checks 10 new names and of the duplicate scan
(each page as a request), and the memory of a suggestion, of the duplicate scan
and of the process.

Run with `.venv/bin/python bench/name_benchmark.py [PEOPLE]`; set
BENCH_DATABASE_URL to an EMPTY PostgreSQL database to measure there (its
tables are dropped afterwards). It prints figures and asserts nothing.
"""

import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmark_app import benchmark_app  # noqa: E402

from events_app.auth.accounts import create_user  # noqa: E402
from events_app.directory.likeness import likely_matches, likely_pairs  # noqa: E402
from events_app.directory.name_order import sort_key_attribute  # noqa: E402
from events_app.directory.names import keys_column_value  # noqa: E402
from events_app.directory.skeletons import (  # noqa: E402
    name_beginnings,
    skeletons_column_value,
)
from events_app.extensions import db  # noqa: E402
from events_app.language.collation import ORDERINGS, sort_key  # noqa: E402
from events_app.models import NameWord, Organization, Person  # noqa: E402
from events_app.visibility import (  # noqa: E402
    visible_organizations_for,
    visible_people_for,
)

FIRST_NAMES = [
    ("Aliaksandr", "Alexander", "Аляксандр"),
    ("Siarhei", "Sergei", "Сяргей"),
    ("Dzmitry", "Dmitry", "Дзмітрый"),
    ("Matvei", "Matvey", "Мацвей"),
    ("Ihar", "Igor", "Ігар"),
    ("Uladzimir", "Vladimir", "Уладзімір"),
    ("Viktar", "Viktor", "Віктар"),
    ("Pavel", "Paval", "Павел"),
    ("Andrei", "Andrey", "Андрэй"),
    ("Yury", "Yuri", "Юрый"),
    ("Sviatlana", "Svetlana", "Святлана"),
    ("Maryia", "Maria", "Марыя"),
    ("Volha", "Olga", "Вольга"),
    ("Hanna", "Anna", "Ганна"),
    ("Iryna", "Irina", "Ірына"),
    ("Natallia", "Natalia", "Наталля"),
    ("Tatsiana", "Tatiana", "Таццяна"),
    ("Katsiaryna", "Ekaterina", "Кацярына"),
    ("Alena", "Elena", "Алена"),
    ("Yuliya", "Julia", "Юлія"),
]
ROOTS = [
    ("Kupr", "Купр"), ("Luk", "Лук"), ("Tsikh", "Цых"), ("Bab", "Баб"),
    ("Kal", "Кал"), ("Kav", "Кав"), ("Sav", "Сав"), ("Pal", "Пал"),
    ("Mar", "Мар"), ("Zhuk", "Жук"), ("Los", "Лос"), ("Dash", "Даш"),
    ("Bial", "Бял"), ("Hrom", "Гром"), ("Shap", "Шап"), ("Char", "Чар"),
    ("Nav", "Нав"), ("Rad", "Рад"), ("Stas", "Стас"), ("Vol", "Вол"),
    ("Yar", "Яр"), ("Bel", "Бел"), ("Kuz", "Куз"), ("Hal", "Гал"),
    ("Mik", "Мік"), ("Tar", "Тар"), ("Fil", "Філ"), ("Zam", "Зам"),
]  # fmt: skip
MIDDLES = [("a", "а"), ("e", "е"), ("i", "і"), ("u", "у"), ("ash", "аш"), ("ov", "ав")]
ENDINGS = [
    ("enka", "enko", "энка"), ("ich", "ich", "іч"), ("ski", "sky", "скі"),
    ("ou", "ov", "оў"), ("ava", "ova", "ава"), ("yk", "ik", "ык"),
    ("uk", "uk", "ук"), ("ets", "ets", "ец"), ("ovich", "ovich", "овіч"),
]  # fmt: skip


def sort_keys_of(name: str) -> dict[str, bytes]:
    """The A–Z keys a saved record gets (events_app/directory/name_order.py)."""
    return {
        sort_key_attribute(ordering): sort_key(name, ordering) for ordering in ORDERINGS
    }


def person_row(number: int, rng: random.Random) -> dict:
    """A person: a Belarusian Latin name, a Russian-style and a Cyrillic other name.

    Surnames are made of two roots, so names rarely repeat (about 1 in 100
    people share a full name with someone, as in a real directory).
    """
    first = rng.choice(FIRST_NAMES)
    root, middle, ending = rng.choice(ROOTS), rng.choice(MIDDLES), rng.choice(ENDINGS)
    second_root = rng.choice(ROOTS)
    latin = root[0] + middle[0] + second_root[0].lower()
    cyrillic = root[1] + middle[1] + second_root[1].lower()
    name = f"{first[0]} {latin}{ending[0]}"
    other = [
        f"{latin}{ending[1]}, {first[1]}",
        f"{first[2]} {cyrillic}{ending[2]}",
    ]
    return {
        "id": number,
        "display_name": name,
        "other_names": "\n".join(other),
        "name_keys": keys_column_value(name, *other),
        "name_skeletons": skeletons_column_value(name, *other),
        **sort_keys_of(name),
        "title": "",
        "notes": "",
        "restricted": False,
        "created_at": datetime(2025, 1, 1),
    }


def organization_row(number: int, rng: random.Random) -> dict:
    """An organization named after a place and a kind."""
    root = rng.choice(ROOTS)[0] + rng.choice(MIDDLES)[0]
    kind = rng.choice(["Centre", "Union", "Initiative", "Foundation", "Ministry"])
    name = f"{root}ia {kind} {number}"
    return {
        "id": number,
        "name": name,
        "short_name": "",
        "kind": "other",
        "country": "",
        "other_names": "",
        "name_keys": keys_column_value(name),
        "name_skeletons": skeletons_column_value(name),
        **sort_keys_of(name),
        "restricted": False,
        "created_at": datetime(2025, 1, 1),
    }


def fill(people: int, organizations: int) -> list[dict]:
    rng = random.Random(9)
    person_rows = [person_row(number, rng) for number in range(1, people + 1)]
    # Bench data is loaded in bulk on the connection, outside the audited session.
    # (and so is their name_word index, which a flush would otherwise keep).
    organization_rows = [
        organization_row(number, rng) for number in range(1, organizations + 1)
    ]
    connection = db.session.connection()
    connection.execute(insert(Organization.__table__), organization_rows)
    connection.execute(insert(Person.__table__), person_rows)
    connection.execute(
        insert(NameWord.__table__),
        [
            {"record_type": record_type, "record_id": row["id"], "beginning": word}
            for record_type, rows in (
                ("organization", organization_rows),
                ("person", person_rows),
            )
            for row in rows
            for word in name_beginnings(row["name_skeletons"])
        ],
    )
    create_user("editor@example.org", "correct horse battery", "editor")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return person_rows


def typed_queries(person_rows: list[dict], rng: random.Random) -> list[str]:
    """What someone types: beginnings, whole names in other spellings, surnames."""
    queries = []
    for row in rng.sample(person_rows, 100):
        name = row["display_name"]
        other, cyrillic = row["other_names"].split("\n")
        queries += [name[:4], name.split()[1][:5], other, cyrillic, name]
    return queries


def meeting_form(rows: list[dict]) -> dict:
    """A new meeting's form with 10 participants typed surname first: not a
    stored spelling, so each is checked and likely one person ("did you mean")."""
    data = {
        "title": "Round table",
        "kind": "meeting",
        "status": "held",
        "confidentiality": "internal",
        "start_date": "2025-07-10",
        "start_time": "10:00",
        "end_time": "12:30",
        "timezone": "Europe/Paris",
        "confirm_disclosure": "yes",
    }
    for index, row in enumerate(rows):
        first, surname = row["display_name"].split(" ", 1)
        data[f"participants-{index}-person"] = f"{surname} {first}"
        data[f"participants-{index}-role"] = "participant"
        data[f"participants-{index}-attendance"] = "attended"
    return data


def milliseconds(action) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    organizations = people // 10
    with benchmark_app() as app:
        with app.app_context():
            began = time.perf_counter()
            person_rows = fill(people, organizations)
            print(
                f"filled {people} people (2 other names each) and {organizations} "
                f"organizations in {time.perf_counter() - began:.1f} s"
            )
        client = app.test_client()
        client.post(
            "/sign-in",
            data={"email": "editor@example.org", "password": "correct horse battery"},
        )
        rng = random.Random(10)
        queries = typed_queries(person_rows, rng)
        timings = []
        found = 0
        for query in queries:
            began = time.perf_counter()
            response = client.get("/people/suggest", query_string={"q": query})
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
            found += bool(response.json)
        print(
            f"suggestion request (/people/suggest, editor, {len(queries)} queries): "
            f"median {statistics.median(timings):.1f} ms, worst {max(timings):.1f} ms, "
            f"{found} with suggestions"
        )
        saves = []
        asked = 0
        for _ in range(20):
            rows = rng.sample(person_rows, 10)
            began = time.perf_counter()
            response = client.post("/meetings/new", data=meeting_form(rows))
            saves.append((time.perf_counter() - began) * 1000)
            # The names are likely someone's: the form asks and saves nothing
            # (a name can also be exactly another person's, linked silently).
            assert response.status_code == 422, response.status_code
            asked += response.get_data(as_text=True).count('value="new"')
        print(
            f"save checking 10 new names (POST /meetings/new, 20 saves, "
            f'{asked} of {20 * 10} names asked "did you mean"): median '
            f"{statistics.median(saves):.0f} ms, worst {max(saves):.0f} ms"
        )
        for plural, count in (("people", people), ("organizations", organizations)):
            scans = []
            for _ in range(3):
                began = time.perf_counter()
                response = client.get(f"/{plural}/duplicates")
                scans.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, response.status_code
            print(
                f"duplicate scan of {count} {plural} (/{plural}/duplicates, "
                f"3 requests): median {statistics.median(scans) / 1000:.2f} s, "
                f"worst {max(scans) / 1000:.2f} s"
            )
        with app.app_context():
            from events_app.models import User

            editor = db.session.query(User).one()
            among = visible_people_for(editor)
            lookups = []
            for _ in range(20):
                names = [
                    rng.choice(person_rows)["other_names"].split("\n")[0]
                    for _ in range(10)
                ]
                lookups.append(
                    milliseconds(
                        lambda names=names: [
                            likely_matches(Person, name, among=among) for name in names
                        ]
                    )
                )
            print(
                f"the lookups alone (likely_matches x10, no request): median "
                f"{statistics.median(lookups):.0f} ms, worst {max(lookups):.0f} ms"
            )
            tracemalloc.start()
            pairs = likely_pairs(Person, among)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"memory of the duplicate scan of {people} people: {peak / 1e6:.0f} MB "
                f"at the peak ({len(pairs)} pairs)"
            )
            likely_pairs(Organization, visible_organizations_for(editor))
            tracemalloc.start()
            likely_matches(Person, "Aliaksandr Kupraenka", among=among, typing=True)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"memory of one suggestion: {peak / 1e6:.1f} MB at the peak")
        maximum_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process memory (max RSS): {maximum_rss:.0f} MB")
        print(f"run on {date.today()} with Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
