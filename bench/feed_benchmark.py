"""Feed speed with 10,000 meetings: full build, the 304 path and SQL queries a request.

Run with `make bench` (or `.venv/bin/python bench/feed_benchmark.py [COUNT]`).
It prints figures; it asserts nothing, timings depend on the machine.
"""

import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmark_app import benchmark_app  # noqa: E402

from events_app.calendar.ical import forget_written_events  # noqa: E402
from events_app.extensions import db  # noqa: E402
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

ZONES = ["Europe/Paris", "Europe/Minsk", "America/New_York", "Asia/Tokyo", "UTC"]


def fill(count: int) -> None:
    """Insert `count` public meetings: three participants, a topic, an outcome each."""
    db.session.add(User(email="admin@example.org", password_hash="x", role="admin"))
    organizations = [Organization(name=f"Organization {n}") for n in range(50)]
    people = [Person(display_name=f"Person {n}") for n in range(200)]
    topics = [Topic(name=f"Topic {n}") for n in range(30)]
    for record in (*organizations, *people, *topics):
        record.refresh_name_keys()
    db.session.add_all([*organizations, *people, *topics])
    db.session.commit()
    start = datetime(2024, 1, 1, 9, 0)
    now = datetime(2025, 1, 1)
    meeting_rows, participation_rows, topic_rows, outcome_rows = [], [], [], []
    for number in range(1, count + 1):
        begins = start + timedelta(hours=7 * number)
        meeting_rows.append(
            {
                "id": number,
                "uid": f"bench-{number}@events-app",
                "title": f"Meeting {number} – Сустрэча",
                "kind": "meeting",
                "series": "",
                "start_utc": begins,
                "start_local_date": begins.date(),
                "end_utc": begins + timedelta(hours=2),
                "timezone": ZONES[number % len(ZONES)],
                "all_day": False,
                "venue": "Venue",
                "city": "Paris",
                "country": "France",
                "online_url": "",
                "status": "held",
                "confidentiality": "public",
                "summary": "Summary; with, escaping\nand lines",
                "notes": "",
                "created_at": now,
                "updated_at": now,
                "revision": 1,
                "sequence": 0,
            }
        )
        for position in range(3):
            participation_rows.append(
                {
                    "meeting_id": number,
                    "person_id": people[(number + position) % len(people)].id,
                    "organization_id": organizations[number % len(organizations)].id,
                    "role": "participant",
                    "attendance": "attended",
                    "note": "",
                    "position": position,
                }
            )
        topic_rows.append(
            {
                "meeting_id": number,
                "topic_id": topics[number % len(topics)].id,
                "note": "",
                "position": 0,
            }
        )
        outcome_rows.append(
            {
                "meeting_id": number,
                "text": "Send the joint letter, with the annex",
                "owner_person_id": people[number % len(people)].id,
                "owner_organization_id": None,
                "due": begins.date() + timedelta(days=14),
                "status": "open",
                "position": 0,
            }
        )
    db.session.execute(insert(Meeting), meeting_rows)
    db.session.execute(insert(Participation), participation_rows)
    db.session.execute(insert(MeetingTopic), topic_rows)
    db.session.execute(insert(Outcome), outcome_rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # A live server's autovacuum gathers planner statistics after bulk
        # writes; without them PostgreSQL plans the filtered feed as if the
        # tables were empty (a nested loop over 10,000 meetings).
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def measure(app, path: str, repeats: int, headers=None) -> tuple[float, int, int]:
    """Median milliseconds, SQL statements per request and body size."""
    client = app.test_client()
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(*args):
        statements.append(args[2])

    timings = []
    size = 0
    for _ in range(repeats):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        began = time.perf_counter()
        response = client.get(path, headers=headers or {})
        timings.append((time.perf_counter() - began) * 1000)
        event.remove(engine, "before_cursor_execute", count)
        size = len(response.data)
        assert response.status_code in (200, 304), response.status_code
    return statistics.median(timings), len(statements), size


def memory_of_a_cold_build(app) -> tuple[float, float]:
    """Megabytes a full feed build allocates: kept afterwards, and at the peak.

    Written events are forgotten first, so this is the first build after a
    start; the response body is dropped before "kept" is read.
    """
    forget_written_events()
    client = app.test_client()
    tracemalloc.start()
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    del response
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return kept / 1e6, peak / 1e6


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with benchmark_app() as app:
        with app.app_context():
            began = time.perf_counter()
            fill(count)
            print(f"filled {count} meetings in {time.perf_counter() - began:.1f} s")
        cold_ms, build_queries, size = measure(app, "/calendar.ics", 1)
        with app.app_context():
            meeting = db.session.get(Meeting, count // 2)
            meeting.title += " (edited)"
            meeting.sequence += 1
            db.session.commit()
        # After one edit the data version moves: every client rebuilds the feed,
        # writing the edited event and reusing the 9,999 others already written.
        build_ms, _, _ = measure(app, "/calendar.ics", 3)
        client = app.test_client()
        etag = client.get("/calendar.ics").headers["ETag"]
        cached_ms, cached_queries, _ = measure(
            app, "/calendar.ics", 200, {"If-None-Match": etag}
        )
        small_ms, small_queries, _ = measure(app, "/calendar.ics?topic=1", 3)
        print(
            f"full feed of {count} meetings, first build in this process: "
            f"{cold_ms:.0f} ms, {size / 1e6:.1f} MB, {build_queries} SQL statements"
        )
        print(f"full feed rebuilt after one meeting changed: {build_ms:.0f} ms")
        print(
            f"filtered feed (?topic=1): {small_ms:.0f} ms, "
            f"{small_queries} SQL statements"
        )
        print(
            f"304 Not Modified: {cached_ms:.2f} ms median of 200, "
            f"{cached_queries} SQL statements"
        )
        kept_mb, peak_mb = memory_of_a_cold_build(app)
        print(
            f"memory of a first build: {peak_mb:.0f} MB at the peak, "
            f"{kept_mb:.0f} MB kept afterwards (the written events)"
        )
        print(f"run on {date.today()} with Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
