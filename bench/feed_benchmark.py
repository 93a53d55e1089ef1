"""Feed speed: a 10,000-event feed built, rebuilt and built after a restart; the
default feed of 100,000 meetings; the 304 path and SQL statements a request.

Run with `make bench` (or `.venv/bin/python bench/feed_benchmark.py [COUNT
[DEFAULT_FEED_COUNT]]`; 0 as the second skips the 100,000-meeting part). A
restart is a new Python process on the same database. It prints figures; it
asserts nothing, timings depend on the machine.
"""

import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, event, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmark_app import benchmark_app  # noqa: E402

from config import Config, TestConfig  # noqa: E402
from events_app import create_app  # noqa: E402
from events_app.date_range import months_before  # noqa: E402
from events_app.extensions import db  # noqa: E402
from events_app.models import (  # noqa: E402
    Meeting,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    StoredEvent,
    Topic,
    User,
)

ZONES = ["Europe/Paris", "Europe/Minsk", "America/New_York", "Asia/Tokyo", "UTC"]


def fill(count: int, first_start: datetime, step: timedelta) -> None:
    """Insert `count` public meetings: three participants, a topic, an outcome each.

    The first starts at `first_start`, each next one `step` later.
    """
    db.session.add(User(email="admin@example.org", password_hash="x", role="admin"))
    organizations = [Organization(name=f"Organization {n}") for n in range(50)]
    people = [Person(display_name=f"Person {n}") for n in range(200)]
    topics = [Topic(name=f"Topic {n}") for n in range(30)]
    for record in (*organizations, *people, *topics):
        record.refresh_name_keys()
    db.session.add_all([*organizations, *people, *topics])
    db.session.commit()
    now = datetime(2025, 1, 1)
    meeting_rows, participation_rows, topic_rows, outcome_rows = [], [], [], []
    for number in range(1, count + 1):
        begins = first_start + step * (number - 1)
        meeting_rows.append(
            {
                "id": number,
                "uid": f"bench-{number}@events-app",
                "title": f"Meeting {number} – Сустрэча",
                "kind": "meeting",
                "series": "",
                "start_utc": begins,
                "start_local_date": begins.date(),
                "last_local_date": (begins + timedelta(hours=2)).date(),
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


def memory_of_a_build(app) -> tuple[float, float]:
    """Megabytes a full feed build allocates: kept afterwards, and at the peak.

    The stored events are removed first, so this build writes every event;
    the response body is dropped before "kept" is read.
    """
    with app.app_context():
        db.session.execute(delete(StoredEvent))
        db.session.commit()
    client = app.test_client()
    tracemalloc.start()
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    del response
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return kept / 1e6, peak / 1e6


def edit_one_meeting(app, meeting_id: int) -> None:
    """Change one meeting's title, as an editor would: the data version moves."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.title += " (edited)"
        meeting.sequence += 1
        db.session.commit()


def first_request_in_a_new_process(app, path: str) -> float:
    """Milliseconds of the first request of a new process (a restarted worker)."""
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--first-request",
            app.config["SQLALCHEMY_DATABASE_URI"],
            path,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.split()[-1])


def time_first_request(database_url: str, path: str) -> None:
    """In the new process: start an app on the database, time one request, print it."""
    app = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=database_url, FEED_WINDOW_MONTHS=0
    )
    client = app.test_client()
    began = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == 200, response.status_code
    print(f"{elapsed:.1f}")


def stored_events_size(app) -> tuple[int, float]:
    """Rows in stored_event and the megabytes of their text."""
    with app.app_context():
        count, size = db.session.execute(
            select(
                func.count(), func.coalesce(func.sum(func.length(StoredEvent.text)), 0)
            )
        ).one()
    return count, size / 1e6


def full_feed_figures(count: int) -> None:
    """A feed of `count` events: first build, rebuild, first build after a restart."""
    with benchmark_app() as app:
        app.config["FEED_WINDOW_MONTHS"] = 0  # the whole feed, whatever the date
        with app.app_context():
            began = time.perf_counter()
            fill(count, datetime(2024, 1, 1, 9, 0), timedelta(hours=7))
            print(f"filled {count} meetings in {time.perf_counter() - began:.1f} s")
        first_ms, build_queries, size = measure(app, "/calendar.ics", 1)
        rows, stored_mb = stored_events_size(app)
        # After one edit the data version moves: every client rebuilds the feed,
        # writing the edited event and reusing the stored others.
        rebuilds = []
        for number in range(3):
            edit_one_meeting(app, count // 2 + number)
            rebuilds.append(measure(app, "/calendar.ics", 1)[0])
        rebuild_ms = statistics.median(rebuilds)
        restarts = []
        for number in range(3):
            edit_one_meeting(app, count // 3 + number)
            restarts.append(first_request_in_a_new_process(app, "/calendar.ics"))
        restart_ms = statistics.median(restarts)
        client = app.test_client()
        etag = client.get("/calendar.ics").headers["ETag"]
        cached_ms, cached_queries, _ = measure(
            app, "/calendar.ics", 200, {"If-None-Match": etag}
        )
        small_ms, small_queries, _ = measure(app, "/calendar.ics?topic=1", 3)
        print(
            f"feed of {count} events, first build ever (writes and stores every "
            f"event): {first_ms:.0f} ms, {size / 1e6:.1f} MB, "
            f"{build_queries} SQL statements"
        )
        print(f"stored events: {rows} rows, {stored_mb:.1f} MB of text")
        print(
            f"feed rebuilt after one meeting changed (median of 3): {rebuild_ms:.0f} ms"
        )
        print(
            "first build after a restart (a new process), one meeting changed "
            f"(median of 3): {restart_ms:.0f} ms, {restart_ms / rebuild_ms:.2f}x "
            "the rebuild (target: within 1.5x)"
        )
        print(
            f"filtered feed (?topic=1): {small_ms:.0f} ms, "
            f"{small_queries} SQL statements"
        )
        print(
            f"304 Not Modified: {cached_ms:.2f} ms median of 200, "
            f"{cached_queries} SQL statements"
        )
        kept_mb, peak_mb = memory_of_a_build(app)
        print(
            f"memory of a build that writes every event: {peak_mb:.0f} MB at the "
            f"peak, {kept_mb:.1f} MB kept afterwards"
        )


def default_feed_figures(count: int) -> None:
    """The default feed (window and size limit) of `count` meetings over ten years."""
    with benchmark_app() as app:
        app.config["FEED_WINDOW_MONTHS"] = Config.FEED_WINDOW_MONTHS
        app.config["FEED_MAX_BYTES"] = Config.FEED_MAX_BYTES
        today = datetime.combine(date.today(), datetime.min.time())
        first = today - timedelta(days=3652)
        # Ten years of history and three months of planned meetings.
        step = (today + timedelta(days=90) - first) / count
        with app.app_context():
            began = time.perf_counter()
            fill(count, first, step)
            print(f"filled {count} meetings in {time.perf_counter() - began:.1f} s")
        first_ms, _, size = measure(app, "/calendar.ics", 1)
        edit_one_meeting(app, count)
        rebuild_ms, _, _ = measure(app, "/calendar.ics", 1)
        events = measure_events(app, "/calendar.ics")
        in_window = measure_events(
            app,
            "/calendar.ics?from="
            + months_before(date.today(), Config.FEED_WINDOW_MONTHS).isoformat(),
        )
        print(
            f"default feed of {count} meetings ({count / 10:.0f} a year): "
            f"{size / 1e6:.2f} MB (target: under 5 MB), {events} events of the "
            f"{in_window} in its {Config.FEED_WINDOW_MONTHS}-month window; "
            f"first build {first_ms:.0f} ms, rebuilt {rebuild_ms:.0f} ms"
        )


def measure_events(app, path: str) -> int:
    """The number of events in a feed."""
    return app.test_client().get(path).data.count(b"BEGIN:VEVENT")


def main() -> None:
    if sys.argv[1:2] == ["--first-request"]:
        time_first_request(sys.argv[2], sys.argv[3])
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    default_count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    full_feed_figures(count)
    if default_count:
        default_feed_figures(default_count)
    print(f"run on {date.today()} with Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
