"""Search speed at 100,000 meetings: each piece of `/meetings?q=` timed apart.

    .venv/bin/python bench/search_benchmark.py [COUNT]

On SEARCH_BENCH_DATABASE_URL (default: a SQLite file in /tmp). The database is
filled once (3 participants, a topic and an outcome each, 20,000 people, 2,000
organizations, a tenth of the meetings restricted, 1% in the trash) and kept,
so later runs only measure; an empty database is filled first. It prints the
median milliseconds of the count, the ranked page, the snippets, the offered
people/organizations/topics and the whole page, for a signed-in viewer (who
may not see restricted meetings), and asserts nothing.
"""

import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, insert, inspect, select
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig  # noqa: E402
from events_app import create_app  # noqa: E402
from events_app.extensions import db  # noqa: E402
from events_app.meetings.filters import MeetingFilters  # noqa: E402
from events_app.models import (  # noqa: E402
    Meeting,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    Topic,
    User,
)
from events_app.search.directory_offers import directory_offers  # noqa: E402
from events_app.search.index import rebuild_search_index  # noqa: E402
from events_app.search.matching import counted_at_most, snippets_for  # noqa: E402
from events_app.search.results import search_listing  # noqa: E402
from events_app.visibility import visible_meetings_for  # noqa: E402

FIRST = ["Anna", "Ivan", "Olga", "Pavel", "Maria", "Sergei", "Elena", "Andrei"]
LAST = ["Novak", "Petrova", "Kowalski", "Ivanou", "Schmidt", "Dubois", "Rossi"]
CITIES = [f"City{n}" for n in range(99)] + ["Vilnius"]  # each 1% of meetings
PASSWORD = "correct horse battery"
SEARCHES = {
    "a word in 1% of meetings": "vilnius",
    "a quoted phrase (1%)": '"human rights defenders"',
    "a person's other spelling": "Kupreichik",
    "a word in a third of meetings": "sanctions",
}


def fill(count: int) -> None:
    """Insert `count` meetings with their people, organizations and topics."""
    db.session.add(
        User(
            email="viewer@example.org",
            password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"),
            role="viewer",
        )
    )
    organizations = [Organization(name=f"Organization {n}") for n in range(2000)]
    people = [
        Person(display_name=f"{FIRST[n % 8]} {LAST[n % 7]} {n}") for n in range(20000)
    ]
    people[0].display_name = "Matvei Kupreichyk"
    people[0].other_names = "Kupreichik\nКупрэйчык"
    topics = [Topic(name=f"Topic {n}") for n in range(200)]
    for record in (*organizations, *people, *topics):
        record.refresh_name_keys()
    db.session.add_all([*organizations, *people, *topics])
    db.session.commit()
    start, now = datetime(2015, 1, 1, 9, 0), datetime(2026, 1, 1)
    meetings, participations, meeting_topics, outcomes = [], [], [], []
    for number in range(1, count + 1):
        begins = start + timedelta(hours=(7 * number) % 90000)
        summary = "Talks on the joint letter"
        if number % 3 == 0:
            summary += " and on sanctions"
        if number % 100 == 7:
            summary += ", with human rights defenders"
        elif number % 50 == 1:
            summary += ", defenders of human rights"
        meetings.append(
            {
                "id": number,
                "uid": f"bench-{number}@events-app",
                "title": f"Meeting {number}",
                "kind": "meeting",
                "series": "",
                "start_utc": begins,
                "start_local_date": begins.date(),
                "end_utc": begins + timedelta(hours=2),
                "timezone": "Europe/Paris",
                "all_day": False,
                "venue": "Venue",
                "city": CITIES[number % len(CITIES)],
                "country": "Lithuania",
                "online_url": "",
                "status": "held",
                "confidentiality": ("restricted", "internal")[number % 2]
                if number % 10 < 2
                else "public",
                "summary": summary,
                "notes": "",
                "created_at": now,
                "updated_at": now,
                "deleted_at": now if number % 97 == 0 else None,
                "revision": 1,
                "sequence": 0,
            }
        )
        for position in range(3):
            participations.append(
                {
                    "meeting_id": number,
                    "person_id": people[(number * 7 + position) % len(people)].id,
                    "organization_id": organizations[number % 2000].id,
                    "role": "participant",
                    "attendance": "attended",
                    "note": "",
                    "position": position,
                }
            )
        meeting_topics.append(
            {
                "meeting_id": number,
                "topic_id": topics[number % 200].id,
                "note": "",
                "position": 0,
            }
        )
        outcomes.append(
            {
                "meeting_id": number,
                "text": "Send the joint letter",
                "owner_person_id": people[number % len(people)].id,
                "owner_organization_id": None,
                "due": begins.date() + timedelta(days=14),
                "status": "open",
                "position": 0,
            }
        )
    for model, rows in (
        (Meeting, meetings),
        (Participation, participations),
        (MeetingTopic, meeting_topics),
        (Outcome, outcomes),
    ):
        for begin in range(0, len(rows), 20000):
            db.session.execute(insert(model), rows[begin : begin + 20000])
    db.session.commit()
    rebuild_search_index()  # also gathers the planner statistics (ANALYZE)


def median_ms(action, repeats: int = 5) -> float:
    """Median milliseconds of `action()` over `repeats` runs, after one warm-up."""
    action()
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def measure(app, query: str) -> dict[str, float]:
    """Milliseconds of each piece of the search page for `query`, as the viewer."""
    viewer = db.session.scalar(select(User).where(User.role == "viewer"))
    filters = MeetingFilters(query=query)
    per_page = app.config["MEETINGS_PER_PAGE"]

    def count():
        return counted_at_most(filters.apply(visible_meetings_for(viewer)), 10_000)

    def page():
        listing = search_listing(filters, visible_meetings_for(viewer))
        statement = listing.statement.order_by(
            Meeting.start_utc.desc(), Meeting.id.desc()
        )
        return db.session.scalars(statement.limit(per_page)).all()

    shown = [meeting.id for meeting in page()]
    with app.test_request_context():
        return {
            "count": median_ms(count),
            "count and page": median_ms(page),
            "snippets": median_ms(lambda: snippets_for(shown, filters.search)),
            "offers": median_ms(lambda: directory_offers(viewer, query)),
            "matches": count(),
        }


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    url = os.environ.get(
        "SEARCH_BENCH_DATABASE_URL", f"sqlite:////tmp/search_bench_{count}.sqlite"
    )
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, MEETINGS_PER_PAGE=25)
    with app.app_context():
        print(f"database: {db.engine.dialect.name}")
        if not inspect(db.engine).has_table("meeting"):
            db.create_all()
        if not db.session.scalar(select(func.count()).select_from(Meeting)):
            began = time.perf_counter()
            fill(count)
            print(f"filled and indexed in {time.perf_counter() - began:.0f} s")
        for label, query in SEARCHES.items():
            figures = measure(app, query)
            print(
                f"{label} ({query}, {figures.pop('matches')} matches): "
                + ", ".join(f"{name} {ms:.0f} ms" for name, ms in figures.items())
            )
        client = app.test_client()
        client.post(
            "/sign-in", data={"email": "viewer@example.org", "password": PASSWORD}
        )
        for label, query in SEARCHES.items():
            path = "/meetings?" + urlencode({"q": query})
            ms = median_ms(lambda path=path: client.get(path), repeats=3)
            print(f"whole page, {label}: {ms:.0f} ms")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
