"""The history at 100,000 meetings: page speed against hello-world, sizes, SQL, load.

Run with `.venv/bin/python bench/history_benchmark.py` (issue 10's targets;
`--help` lists the knobs). It fills a temporary SQLite database, or the EMPTY
database BENCH_DATABASE_URL names (its tables are dropped afterwards), with
100,000 meetings (3 participants, a topic and an outcome each), 20,000 people
and 2,000 organizations; serves the app and a bare Flask "Hello, World!" with
gunicorn, one worker each, on 127.0.0.1; signs in and prints, for every page
of PAGES, the median time, its ratio to hello-world, the HTML size, the SQL
statements per request (the app's COUNT_SQL_STATEMENTS header) and whether
it meets its target. A first pass at 1,000 meetings counts each page's
statements again, to show whether they grow with the number of meetings.
Then a load test: 50 users for 60 seconds against gunicorn with 4 workers.
It asserts nothing: FAIL rows are what remains to be made faster.
"""

import argparse
import http.client
import importlib
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import Message
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmark_app import benchmark_app  # noqa: E402
from name_benchmark import organization_row, person_row, sort_keys_of  # noqa: E402

from events_app.auth.feed_tokens import token_digest  # noqa: E402
from events_app.directory.names import keys_column_value  # noqa: E402
from events_app.directory.skeletons import (  # noqa: E402
    name_beginnings,
    skeletons_column_value,
)
from events_app.extensions import db  # noqa: E402
from events_app.meetings.filters import MeetingFilters  # noqa: E402
from events_app.models import (  # noqa: E402
    FeedToken,
    Meeting,
    MeetingTopic,
    NameWord,
    Organization,
    Outcome,
    Participation,
    Person,
    SourceLink,
    Topic,
    User,
    UserGroup,
)
from events_app.models.access import (  # noqa: E402
    group_member,
    meeting_access_group,
    meeting_access_user,
)
from events_app.models.feeds import begin_new_data_epoch  # noqa: E402
from events_app.search.directory_offers import directory_offers  # noqa: E402
from events_app.search.matching import counted_at_most, snippets_for  # noqa: E402
from events_app.search.results import COUNTED_AT_MOST, search_listing  # noqa: E402
from events_app.sql_statement_count import HEADER as STATEMENTS_HEADER  # noqa: E402
from events_app.visibility import visible_meetings_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PASSWORD = "correct horse battery"
# The app's sign-in uses the configured hash; the bench does not measure it.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

# Words planted in the data, so each search finds a known share of meetings.
RARE_WORD = "ombudsman"  # in the summary of 1 meeting in 100
PHRASE = (
    "frozen assets"  # in the notes of 1 meeting in 100; both words apart in 1 in 50
)
COMMON_WORD = "sanctions"  # in the title of 1 meeting in 3

CITIES = [
    ("Vilnius", "Lithuania"), ("Warsaw", "Poland"), ("Brussels", "Belgium"),
    ("Strasbourg", "France"), ("Paris", "France"), ("Berlin", "Germany"),
    ("Geneva", "Switzerland"), ("Kyiv", "Ukraine"), ("London", "United Kingdom"),
    ("Washington", "United States"), ("New York", "United States"),
    ("Riga", "Latvia"), ("Tallinn", "Estonia"), ("Prague", "Czechia"),
    ("Vienna", "Austria"), ("Stockholm", "Sweden"), ("Oslo", "Norway"),
    ("The Hague", "Netherlands"), ("Tbilisi", "Georgia"), ("Chisinau", "Moldova"),
    ("Białystok", "Poland"), ("Ottawa", "Canada"), ("", ""),
]  # fmt: skip
ZONES = ["Europe/Vilnius", "Europe/Warsaw", "Europe/Paris", "America/New_York", "UTC"]
TOPIC_ROOTS = [
    "Political prisoners", "Media freedom", "Elections", "Human rights defenders",
    "Civil society", "Refugees and exiles", "Trade unions", "Higher education",
    "Culture and language", "Accountability", "Diaspora", "Energy policy",
    "Cyber security", "Disinformation", "Religious freedom", "Labour rights",
    "Anti-corruption", "Digital rights", "Sports", "Health care",
    "Environmental defenders", "Minorities", "Children's rights", "Travel bans",
    "Visa policy", "Democratic transition", "Local government", "Business",
    "Sanctions policy", "Legal aid",
]  # fmt: skip
TOPIC_ASPECTS = [
    "monitoring", "funding", "advocacy", "litigation", "documentation",
    "EU level", "UN level", "national level", "emergency support", "strategy",
]  # fmt: skip
TITLE_WORDS = [
    "Briefing on", "Round table on", "Consultation on", "Working meeting on",
    "Call about", "Visit about", "Exchange on", "Coordination on",
]  # fmt: skip
FILLER = (
    "The participants discussed recent developments, agreed on next steps and "
    "shared documents with the coalition partners."
)


@dataclass
class DataSetFacts:
    """What the pages measured are about: records chosen from the filled data."""

    meetings: int
    busy_person_id: int = 0
    busy_person_other_name: str = ""
    busy_organization_id: int = 0
    busy_topic_id: int = 0
    meeting_id: int = 0
    visible_meeting_ids: list[int] = field(default_factory=list)
    people_ids: list[int] = field(default_factory=list)
    date_from: str = ""
    date_to: str = ""
    feed_from: str = ""  # the feed from this date on holds about 10,000 events
    feed_token: str = ""
    city: str = "Vilnius"


# --- The data set -------------------------------------------------------------


def skewed(rng: random.Random, count: int) -> int:
    """A record id from 1 to count, the first ones far more often (a busy few)."""
    return 1 + int(count * rng.random() ** 2)


def topic_rows(count: int) -> list[dict]:
    """Topics: the roots first, then "aspect (root)" below each root."""
    names = [(name, None) for name in TOPIC_ROOTS]
    for aspect in TOPIC_ASPECTS:
        for number, root in enumerate(TOPIC_ROOTS, start=1):
            names.append((f"{root}: {aspect}", number))
    rows = []
    for number, (name, parent_id) in enumerate(names[:count], start=1):
        rows.append(
            {
                "id": number,
                "name": name,
                "name_keys": keys_column_value(name),
                "name_skeletons": skeletons_column_value(name),
                **sort_keys_of(name),
                "parent_id": parent_id,
                "description": "",
                "restricted": False,
            }
        )
    return rows


def name_word_rows(record_type: str, rows: list[dict]) -> list[dict]:
    """The `name_word` index entries that directory/name_words.py would write."""
    return [
        {"record_type": record_type, "record_id": row["id"], "beginning": beginning}
        for row in rows
        for beginning in name_beginnings(row["name_skeletons"])
    ]


def fill_directory(
    connection, people: int, organizations: int, topics: int
) -> tuple[list[dict], list[dict]]:
    """People (with other names in other spellings), organizations and topics."""
    rng = random.Random(9)
    organization_rows = [
        organization_row(number, rng) for number in range(1, organizations + 1)
    ]
    person_rows = [person_row(number, rng) for number in range(1, people + 1)]
    for row in person_rows:
        row["organization_id"] = skewed(rng, organizations)
    topic_records = topic_rows(topics)
    # Bench data is loaded in bulk on the connection: the session refuses bulk
    # writes to these audited records, so their name_word rows are written here.
    connection.execute(insert(Organization.__table__), organization_rows)
    connection.execute(insert(Person.__table__), person_rows)
    connection.execute(insert(Topic.__table__), topic_records)
    for record_type, rows in (
        ("organization", organization_rows),
        ("person", person_rows),
        ("topic", topic_records),
    ):
        connection.execute(
            insert(NameWord.__table__), name_word_rows(record_type, rows)
        )
    return person_rows, topic_records


def meeting_rows(
    first: int,
    last: int,
    rng: random.Random,
    person_rows: list[dict],
    topic_records: list[dict],
    user_ids: list[int],
    group_id: int,
) -> dict[object, list[dict]]:
    """Meetings first..last with their participants, topic, outcome and sources."""
    rows: dict[object, list[dict]] = {
        Meeting.__table__: [],
        Participation.__table__: [],
        MeetingTopic.__table__: [],
        Outcome.__table__: [],
        SourceLink.__table__: [],
        meeting_access_user: [],
        meeting_access_group: [],
    }
    history_start = datetime(2016, 12, 1, 7, 0)
    today = datetime(2026, 11, 26)
    span_days = (today - history_start).days + 90  # some meetings are planned
    for number in range(first, last + 1):
        begins = history_start + timedelta(
            days=rng.randrange(span_days), hours=rng.randrange(11)
        )
        topic = topic_records[skewed(rng, len(topic_records)) - 1]
        participants: list[dict] = []
        while len(participants) < 3:
            person = person_rows[skewed(rng, len(person_rows)) - 1]
            if person not in participants:
                participants.append(person)
        city, country = rng.choice(CITIES)
        roll = rng.random()
        confidentiality = (
            "public" if roll < 0.5 else "internal" if roll < 0.85 else "restricted"
        )
        if begins > today:
            status = "planned"
        else:
            status = rng.choices(["held", "cancelled", "postponed"], [94, 4, 2])[0]
        title = f"{rng.choice(TITLE_WORDS)} {topic['name'].lower()}"
        if number % 3 == 0:
            title += f" and {COMMON_WORD}"
        summary = f"{FILLER} Meeting {number} in {city or 'an online call'}."
        if number % 100 == 7:
            summary += f" The {RARE_WORD} joined the discussion."
        notes = ""
        if number % 100 == 42:
            notes = f"Partners asked where the {PHRASE} of the officials are held."
        elif number % 50 == 3:
            notes = "The assets of two officials were frozen last year."
        rows[Meeting.__table__].append(
            {
                "id": number,
                "uid": f"history-bench-{number}@events-app",
                "title": title,
                "kind": rng.choices(
                    ["meeting", "briefing", "call", "conference", "visit"],
                    [50, 20, 20, 5, 5],
                )[0],
                "series": "Coordination council" if number % 40 == 0 else "",
                "series_number": number // 40 if number % 40 == 0 else None,
                "start_utc": begins,
                "start_local_date": begins.date(),
                "end_utc": begins + timedelta(hours=rng.choice([1, 2, 3])),
                "timezone": rng.choice(ZONES),
                "all_day": False,
                "venue": f"Office {number % 97}" if city else "",
                "city": city,
                "country": country,
                "online_url": "" if city else f"https://meet.example.org/{number}",
                "status": status,
                "confidentiality": confidentiality,
                "summary": summary,
                "notes": notes,
                "created_at": begins,
                "updated_at": begins,
                "revision": 1,
                "sequence": 0,
                # One meeting in a hundred is in the trash.
                "deleted_at": begins + timedelta(days=3)
                if number % 100 == 99
                else None,
            }
        )
        # As naive as the start's local date: the UTC day the meeting ends on
        # (set after the row, to keep the random sequence of the kept data).
        row = rows[Meeting.__table__][-1]
        row["last_local_date"] = row["end_utc"].date()
        for position, person in enumerate(participants):
            rows[Participation.__table__].append(
                {
                    "meeting_id": number,
                    "person_id": person["id"],
                    "organization_id": person["organization_id"],
                    "role": "chair" if position == 0 else "participant",
                    "attendance": "attended" if status == "held" else "unknown",
                    "note": "",
                    "position": position,
                }
            )
        rows[MeetingTopic.__table__].append(
            {
                "meeting_id": number,
                "topic_id": topic["id"],
                "note": f"Update on {topic['name'].lower()} in {country or 'exile'}.",
                "position": 0,
            }
        )
        rows[Outcome.__table__].append(
            {
                "meeting_id": number,
                "text": "Send the joint letter with the annex to the partners",
                "owner_person_id": participants[0]["id"],
                "owner_organization_id": None,
                "due": begins.date() + timedelta(days=14),
                "status": "done" if status == "held" and number % 2 else "open",
                "position": 0,
            }
        )
        if number % 10 == 0:
            rows[SourceLink.__table__].append(
                {
                    "meeting_id": number,
                    "url": f"https://news.example.org/report/{number}",
                    "title": "Public report",
                    "position": 0,
                }
            )
        if confidentiality == "restricted":
            # A third name the viewer, a third their group, a third others only.
            listed = rng.sample(user_ids[2:], 2)
            if number % 3 == 0:
                listed.append(user_ids[1])
            for user_id in listed:
                rows[meeting_access_user].append(
                    {"meeting_id": number, "user_id": user_id}
                )
            if number % 3 == 1:
                rows[meeting_access_group].append(
                    {"meeting_id": number, "group_id": group_id}
                )
    return rows


def create_users(connection) -> tuple[list[int], int]:
    """An admin, a viewer (whose view is measured), colleagues and a group."""
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(PASSWORD, method=PASSWORD_HASH_METHOD)
    accounts = [("admin@example.org", "admin"), ("viewer@example.org", "viewer")]
    accounts += [(f"colleague{number}@example.org", "editor") for number in range(8)]
    user_ids = []
    for email, role in accounts:
        user_ids.append(
            connection.execute(
                insert(User.__table__).returning(User.__table__.c.id),
                {"email": email, "password_hash": password_hash, "role": role},
            ).scalar_one()
        )
    group_id = connection.execute(
        insert(UserGroup.__table__).returning(UserGroup.__table__.c.id),
        {"name": "Sanctions working group", "description": ""},
    ).scalar_one()
    connection.execute(
        insert(group_member),
        [{"group_id": group_id, "user_id": user_id} for user_id in user_ids[1:4]],
    )
    return user_ids, group_id


def fill(meetings: int, people: int, organizations: int, topics: int) -> str:
    """Fill the database in bulk (Core inserts); return the viewer's feed token."""
    connection = db.session.connection()
    person_rows, topic_records = fill_directory(
        connection, people, organizations, topics
    )
    user_ids, group_id = create_users(connection)
    rng = random.Random(10)
    chunk = 10_000
    for first in range(1, meetings + 1, chunk):
        last = min(first + chunk - 1, meetings)
        rows = meeting_rows(
            first, last, rng, person_rows, topic_records, user_ids, group_id
        )
        for table, table_rows in rows.items():
            if table_rows:
                connection.execute(insert(table), table_rows)
    feed_token = "history-benchmark-viewer-feed-token"
    connection.execute(
        insert(FeedToken.__table__),
        {"user_id": user_ids[1], "token_hash": token_digest(feed_token)},
    )
    db.session.commit()
    begin_new_data_epoch()  # feeds' validators follow the data version
    if db.engine.dialect.name == "postgresql":
        # Autovacuum would gather planner statistics and mark pages all-visible
        # after bulk writes, as it does on a production server; without them
        # PostgreSQL plans as if the tables were empty, and index-only scans
        # still read every row. VACUUM cannot run inside a transaction.
        with db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
    return feed_token


def rebuild_search_index_if_any(app) -> str:
    """Run the app's `reindex` command, or its search module's rebuild, if any."""
    if "reindex" in app.cli.commands:
        result = app.test_cli_runner().invoke(args=["reindex"])
        if result.exit_code != 0:
            raise RuntimeError(f"flask reindex failed: {result.output}")
        return "flask reindex"
    try:
        search = importlib.import_module("events_app.search")
    except ModuleNotFoundError:
        return "none (the app has no search index yet)"
    rebuild = getattr(search, "rebuild_search_index", None)
    if rebuild is None:
        return "none (events_app.search has no rebuild_search_index)"
    with app.app_context():
        rebuild()
        db.session.commit()
    return "events_app.search.rebuild_search_index()"


def facts_about(meetings: int, feed_token: str) -> DataSetFacts:
    """Pick the busy records and the ranges the measured pages are about."""
    facts = DataSetFacts(meetings=meetings, feed_token=feed_token)
    viewer = db.session.scalar(select(User).where(User.role == "viewer"))
    visible = visible_meetings_for(viewer).subquery()

    def busiest(column, join_table) -> int:
        return db.session.execute(
            select(column)
            .join(visible, visible.c.id == join_table.c.meeting_id)
            .group_by(column)
            .order_by(func.count().desc(), column)
            .limit(1)
        ).scalar_one()

    facts.busy_person_id = busiest(
        Participation.__table__.c.person_id, Participation.__table__
    )
    facts.busy_organization_id = busiest(
        Participation.__table__.c.organization_id, Participation.__table__
    )
    facts.busy_topic_id = busiest(
        MeetingTopic.__table__.c.topic_id, MeetingTopic.__table__
    )
    other_names = db.session.get(Person, facts.busy_person_id).other_names
    facts.busy_person_other_name = other_names.split("\n")[-1]  # the Cyrillic one
    facts.visible_meeting_ids = list(
        db.session.scalars(select(visible.c.id).order_by(visible.c.id).limit(2000))
    )
    # The same shape at every size (public, held, a source link, no series),
    # so its statement count compares like with like.
    facts.meeting_id = db.session.scalar(
        select(visible.c.id)
        .where(
            visible.c.confidentiality == "public",
            visible.c.status == "held",
            visible.c.id % 10 == 0,
            visible.c.id % 40 != 0,
        )
        .order_by(visible.c.id)
        .limit(1)
    )
    facts.people_ids = list(db.session.scalars(select(Person.id).limit(2000)))
    dates = select(visible.c.start_local_date).order_by(
        visible.c.start_local_date.desc()
    )
    newest = db.session.scalar(dates.limit(1))
    visible_count = db.session.scalar(select(func.count()).select_from(visible))
    tenth_thousand = db.session.scalar(
        dates.offset(min(10_000, visible_count) - 1).limit(1)
    )
    facts.feed_from = tenth_thousand.isoformat()
    facts.date_to = (newest - timedelta(days=365)).isoformat()
    facts.date_from = (newest - timedelta(days=730)).isoformat()
    return facts


def build_data_set(app, args, meetings: int) -> DataSetFacts:
    """Fill, index and describe the data set of `meetings` meetings."""
    with app.app_context():
        began = time.perf_counter()
        feed_token = fill(meetings, args.people, args.organizations, args.topics)
        filled = time.perf_counter() - began
        print(
            f"filled {meetings:,} meetings, {args.people:,} people, "
            f"{args.organizations:,} organizations, {args.topics} topics "
            f"in {filled:.1f} s"
        )
    began = time.perf_counter()
    how = rebuild_search_index_if_any(app)
    print(f"search index: {how}, {time.perf_counter() - began:.1f} s")
    with app.app_context():
        return facts_about(meetings, feed_token)


# --- The pages measured ---------------------------------------------------------
# Other work changes these pages (type-to-search filters, pagination, full-text
# search, feed windows): adjust the list here. Each row: a label, the kind of
# target it has, and the path for a data set's facts.


@dataclass
class Page:
    label: str
    target: str  # "page", "search", "feed" or "" (printed, no target)
    path: Callable[[DataSetFacts], str]
    repeats: int | None = None  # None: the --repeats knob
    user: str = "viewer"


def history_filter_pages() -> list[Page]:
    """The history with no filter and with each filter the app offers."""
    pages = [
        Page("/meetings", "page", lambda f: "/meetings"),
        Page("/meetings as admin", "page", lambda f: "/meetings", user="admin"),
        Page("/meetings page 20", "page", lambda f: "/meetings?page=20"),
        Page(
            "/meetings?person=",
            "page",
            lambda f: f"/meetings?person={f.busy_person_id}",
        ),
        Page(
            "/meetings?organization=",
            "page",
            lambda f: f"/meetings?organization={f.busy_organization_id}",
        ),
        Page(
            "/meetings?topic=", "page", lambda f: f"/meetings?topic={f.busy_topic_id}"
        ),
        Page(
            "/meetings?from=&to= (a year)",
            "page",
            lambda f: f"/meetings?from={f.date_from}&to={f.date_to}",
        ),
        Page("/meetings?kind=briefing", "page", lambda f: "/meetings?kind=briefing"),
        Page(
            "/meetings?status=cancelled", "page", lambda f: "/meetings?status=cancelled"
        ),
        Page(
            "/meetings?series=",
            "page",
            lambda f: "/meetings?series=Coordination+council",
        ),
    ]
    offered = MeetingFilters.__dataclass_fields__
    if "confidentiality" in offered:
        pages.append(
            Page(
                "/meetings?confidentiality=restricted",
                "page",
                lambda f: "/meetings?confidentiality=restricted",
            )
        )
    for place in ("city", "country"):
        if place in offered:
            pages.append(
                Page(
                    f"/meetings?{place}=",
                    "page",
                    lambda f, place=place: (
                        f"/meetings?{place}="
                        + ("Vilnius" if place == "city" else "Lithuania")
                    ),
                )
            )
    return pages


def calendar_pages() -> list[Page]:
    """The month and week grids of the history (about 830 meetings a month)."""

    def week(facts: DataSetFacts) -> str:
        year, number, _ = date.fromisoformat(facts.date_to).isocalendar()
        return f"{year}-W{number:02d}"

    return [
        Page(
            "month view",
            "page",
            lambda f: f"/meetings?view=month&month={f.date_to[:7]}",
        ),
        Page(
            "month view as admin",
            "page",
            lambda f: f"/meetings?view=month&month={f.date_to[:7]}",
            user="admin",
        ),
        Page(
            "month view ?topic=",
            "page",
            lambda f: (
                f"/meetings?view=month&month={f.date_to[:7]}&topic={f.busy_topic_id}"
            ),
        ),
        Page("week view", "page", lambda f: f"/meetings?view=week&week={week(f)}"),
    ]


def pages_measured() -> list[Page]:
    """Every row of the table, in the order printed."""
    return [
        *history_filter_pages(),
        Page("a person's page", "page", lambda f: f"/people/{f.busy_person_id}"),
        Page(
            "an organization's page",
            "page",
            lambda f: f"/organizations/{f.busy_organization_id}",
        ),
        Page("a topic's page", "page", lambda f: f"/topics/{f.busy_topic_id}"),
        *chart_pages(),
        Page("/people", "page", lambda f: "/people"),
        Page("/organizations", "page", lambda f: "/organizations"),
        Page("/topics", "page", lambda f: "/topics"),
        *calendar_pages(),
        Page("a meeting page", "page", lambda f: f"/meetings/{f.meeting_id}"),
        Page("its .ics", "page", lambda f: f"/meetings/{f.meeting_id}.ics"),
        Page(
            f"search: {RARE_WORD} (1%)", "search", lambda f: f"/meetings?q={RARE_WORD}"
        ),
        Page(
            f'search: "{PHRASE}" (1%)',
            "search",
            lambda f: "/meetings?q=" + quote(f'"{PHRASE}"'),
        ),
        Page(
            "search: a person's other spelling",
            "search",
            lambda f: "/meetings?q=" + quote(f.busy_person_other_name),
        ),
        Page(
            f"search: {COMMON_WORD} (a third)",
            "",
            lambda f: f"/meetings?q={COMMON_WORD}",
        ),
        Page(
            "private feed, no filter",
            "feed",
            lambda f: f"/feeds/{f.feed_token}.ics",
            repeats=3,
        ),
        *follow_up_pages(),
        *form_pages(),
    ]


def form_pages() -> list[Page]:
    """The editing forms, which must not grow with the directory (names are
    suggested as they are typed, never listed in full)."""
    return [
        Page("/meetings/new", "page", lambda f: "/meetings/new", user="admin"),
        Page(
            "a meeting's edit page",
            "page",
            lambda f: f"/meetings/{f.meeting_id}/edit",
            user="admin",
        ),
        Page("/people/new", "page", lambda f: "/people/new", user="admin"),
        Page(
            "a person's edit page",
            "page",
            lambda f: f"/people/{f.busy_person_id}/edit",
            user="admin",
        ),
        Page(
            "/organizations/new", "page", lambda f: "/organizations/new", user="admin"
        ),
        Page("/topics/new", "page", lambda f: "/topics/new", user="admin"),
    ]


def follow_up_pages() -> list[Page]:
    """The follow-ups list, filtered, and its feed (issue 12)."""
    return [
        Page("/follow-ups", "page", lambda f: "/follow-ups"),
        Page("/follow-ups page 20", "page", lambda f: "/follow-ups?page=20"),
        Page("/follow-ups?overdue=1", "page", lambda f: "/follow-ups?overdue=1"),
        Page(
            "/follow-ups?person=",
            "page",
            lambda f: f"/follow-ups?person={f.busy_person_id}&status=any",
        ),
        Page(
            "/follow-ups?organization=",
            "page",
            lambda f: f"/follow-ups?organization={f.busy_organization_id}",
        ),
        Page(
            "/follow-ups?topic=",
            "page",
            lambda f: f"/follow-ups?topic={f.busy_topic_id}",
        ),
        Page("/follow-ups?status=done", "page", lambda f: "/follow-ups?status=done"),
        Page(
            "follow-ups feed, no filter",
            "feed",
            lambda f: f"/feeds/{f.feed_token}/follow-ups.ics",
            repeats=3,
        ),
    ]


def chart_pages() -> list[Page]:
    """The charts pages (the default span: the last 24 months) and "not met lately"."""
    return [
        Page("charts of the history", "page", lambda f: "/meetings/charts"),
        Page(
            "charts of the history, by organization",
            "page",
            lambda f: "/meetings/charts?by=organization",
        ),
        Page(
            "a chart's CSV (per month)",
            "page",
            lambda f: "/meetings/charts.csv?chart=per-month",
        ),
        Page(
            "a chart's CSV (follow-ups on time)",
            "page",
            lambda f: "/meetings/charts.csv?chart=follow-ups",
        ),
        Page(
            "a person's charts",
            "page",
            lambda f: f"/people/{f.busy_person_id}/charts",
        ),
        Page(
            "an organization's charts",
            "page",
            lambda f: f"/organizations/{f.busy_organization_id}/charts",
        ),
        Page("a topic's charts", "page", lambda f: f"/topics/{f.busy_topic_id}/charts"),
        Page("not met lately (organizations)", "page", lambda f: "/not-met-lately"),
        Page(
            "not met lately (people)",
            "page",
            lambda f: "/not-met-lately?records=people",
        ),
    ]


def quote(value: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(value)


# --- Serving and requesting --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    application: str, database_url: str, workers: int, log: Path
) -> Iterator[int]:
    """Serve `application` on a free loopback port; yield the port, stop afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "history-benchmark-secret-key",
        "COUNT_SQL_STATEMENTS": "1",
        # Links as a site has them, the same whatever the port: a feed's
        # events hold them, so a port of its own would make every restarted
        # gunicorn write every event again.
        "PUBLIC_BASE_URL": "http://events.example.org",
    }
    with log.open("ab") as output:
        server = subprocess.Popen(
            [
                GUNICORN,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--chdir",
                str(ROOT),
                "--pythonpath",
                str(ROOT / "bench"),
                "--timeout",
                "300",
                "--backlog",
                "256",
                application,
            ],  # fmt: skip
            env=environment,
            stdout=output,
            stderr=output,
        )
    try:
        # Ready once it answers a page: the worker's own warm-up (imports,
        # templates) is then done, and not counted against the first request.
        deadline = time.monotonic() + 60
        while True:
            try:
                status = request(
                    port, "/sign-in" if "events_app" in application else "/"
                )[0]
                if status < 500:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes
    milliseconds: float


def request(
    port: int, path: str, headers: dict | None = None, body: str | None = None
) -> tuple[int, Message, bytes]:
    """One HTTP/1.1 request over a new loopback connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        sent = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection.request(
            "POST" if body is not None else "GET",
            path,
            body=body,
            headers={**sent, **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


def timed(port: int, path: str, headers: dict | None = None) -> Answer:
    """A GET and how long it took, from sending it to the last byte."""
    began = time.perf_counter()
    status, answer_headers, body = request(port, path, headers)
    return Answer(status, answer_headers, body, (time.perf_counter() - began) * 1000)


def sign_in(port: int, email: str) -> dict[str, str]:
    """Sign in through the form (with its CSRF token); the session cookie header."""
    status, headers, body = request(port, "/sign-in")
    cookie = "; ".join(
        value.split(";")[0] for value in headers.get_all("Set-Cookie") or []
    )
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    if token is None:
        raise RuntimeError(f"no CSRF token on the sign-in page ({status})")
    from urllib.parse import urlencode

    form = urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": token.group(1).decode()}
    )
    status, headers, body = request(
        port, "/sign-in", {"Cookie": cookie} if cookie else {}, form
    )
    if status != 302:
        raise RuntimeError(f"sign-in as {email} answered {status}")
    cookies = [value.split(";")[0] for value in headers.get_all("Set-Cookie") or []]
    return {"Cookie": "; ".join(cookies)}


# --- Measuring -------------------------------------------------------------------


@dataclass
class Row:
    label: str
    target: str
    median_ms: float
    ratio: float
    kilobytes: float
    statements: int | None
    reference_statements: int | None = None
    events: int = 0

    def verdict(self) -> tuple[str, str]:
        """The target in words and PASS/FAIL (or "-" without a target)."""
        if self.target == "page":
            same = (
                self.reference_statements is None
                or self.statements == self.reference_statements
            )
            met = self.ratio <= 20 and self.kilobytes < 80 and same
            return "<=20x, <80 kB, same SQL", "PASS" if met else "FAIL"
        if self.target == "search":
            return "<=40x", "PASS" if self.ratio <= 40 else "FAIL"
        if self.target == "feed":
            return "<5 MB", "PASS" if self.kilobytes < 5000 else "FAIL"
        return "", "-"


def measure(
    port: int, path: str, cookie: dict, repeats: int, hello_port: int
) -> tuple[Answer, float]:
    """Median of `repeats` GETs after a warm-up, and of hello-world's between them.

    Each page request follows a hello-world one, so the ratio compares the two
    under the same load even when other work on the machine comes and goes.
    The last answer carries the page's median.
    """
    answers = [timed(port, path, cookie)]  # warm-up
    hellos = []
    for _ in range(repeats):
        hellos.append(timed(hello_port, "/").milliseconds)
        answers.append(timed(port, path, cookie))
    for answer in answers:
        if answer.status != 200:
            raise RuntimeError(f"{path} answered {answer.status}")
    last = answers[-1]
    last.milliseconds = statistics.median(a.milliseconds for a in answers[1:])
    return last, statistics.median(hellos)


def statements_of(answer: Answer) -> int | None:
    value = answer.headers.get(STATEMENTS_HEADER)
    return int(value) if value is not None else None


def count_statements(port: int, facts: DataSetFacts, cookies: dict) -> dict[str, int]:
    """Each page's SQL statements per request (after one warm-up request)."""
    counts = {}
    for page in pages_measured():
        path = page.path(facts)
        timed(port, path, cookies[page.user])
        counts[page.label] = statements_of(timed(port, path, cookies[page.user]))
    return counts


def measure_pages(
    port: int,
    hello_port: int,
    facts: DataSetFacts,
    cookies: dict,
    repeats: int,
    reference: dict[str, int],
) -> list[Row]:
    """One row per page of `pages_measured()`."""
    rows = []
    for page in pages_measured():
        answer, hello_ms = measure(
            port,
            page.path(facts),
            cookies[page.user],
            page.repeats or repeats,
            hello_port,
        )
        rows.append(
            Row(
                page.label,
                page.target,
                answer.milliseconds,
                answer.milliseconds / hello_ms,
                len(answer.body) / 1000,
                statements_of(answer),
                reference.get(page.label),
                answer.body.count(b"BEGIN:VEVENT"),
            )
        )
        print(f"  measured {page.label}: {answer.milliseconds:.1f} ms", flush=True)
    return rows


def polled_feed(facts: DataSetFacts) -> str:
    """The feed the bench polls with If-None-Match.

    A 304 costs the same whatever the feed's size, and a small feed saves
    building a full one just to learn its ETag.
    """
    return f"/feeds/{facts.feed_token}.ics?person={facts.busy_person_id}"


def feed_304_row(port: int, facts: DataSetFacts, hello_ms: float, repeats: int) -> Row:
    """A calendar app polling a feed it already holds (If-None-Match)."""
    path = polled_feed(facts)
    etag = timed(port, path).headers["ETag"]
    answers = [timed(port, path, {"If-None-Match": etag}) for _ in range(repeats + 1)]
    assert all(answer.status == 304 for answer in answers), answers[0].status
    median = statistics.median(answer.milliseconds for answer in answers[1:])
    return Row(
        "a private feed, 304 (a poll)",
        "",
        median,
        median / hello_ms,
        0,
        statements_of(answers[-1]),
    )


def restart_rows(
    facts: DataSetFacts, database_url: str, log: Path, hello_ms: float
) -> list[Row]:
    """A 10,000-event feed: first build after a restart, then rebuilt.

    The feed is built once before the restart, as a running site has: the
    row is about what a restart costs, not about writing events never built.
    """
    path = f"/feeds/{facts.feed_token}.ics?from={facts.feed_from}"
    with gunicorn("events_app:create_app()", database_url, 1, log) as port:
        timed(port, path)
    with gunicorn("events_app:create_app()", database_url, 1, log) as port:
        first = timed(port, path)
        again = [timed(port, path) for _ in range(3)]
    rebuild_ms = statistics.median(answer.milliseconds for answer in again)
    events = first.body.count(b"BEGIN:VEVENT")
    first_row = Row(
        f"feed of {events:,} events: first after restart",
        "restart",
        first.milliseconds,
        first.milliseconds / hello_ms,
        len(first.body) / 1000,
        statements_of(first),
        events=events,
    )
    rebuilt_row = Row(
        f"feed of {events:,} events: rebuilt",
        "",
        rebuild_ms,
        rebuild_ms / hello_ms,
        len(again[-1].body) / 1000,
        statements_of(again[-1]),
        events=events,
    )
    return [first_row, rebuilt_row]


def hello_median(port: int, repeats: int) -> float:
    timed(port, "/")
    return statistics.median(timed(port, "/").milliseconds for _ in range(repeats))


def print_table(rows: list[Row], hello_ms: float, reference_meetings: int) -> None:
    """The figures, each row with its target and PASS/FAIL."""
    rebuild = {
        row.events: row.median_ms for row in rows if row.label.endswith("rebuilt")
    }
    header = (
        f"{'page':44} {'median ms':>10} {'x hello':>8} {'kB':>9} {'SQL':>5} "
        f"{'SQL@' + format(reference_meetings, ','):>9}  {'target':27} result"
    )
    print(
        f"\nhello-world (gunicorn, 1 worker): {hello_ms:.2f} ms median before the "
        "pages; each page's ratio is to hello-world requests sent between its own"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.target == "restart":
            ratio = row.median_ms / rebuild[row.events]
            target = f"<=1.5x rebuild (is {ratio:.2f}x)"
            result = "PASS" if ratio <= 1.5 else "FAIL"
        else:
            target, result = row.verdict()
        reference = "" if row.reference_statements is None else row.reference_statements
        statements = "" if row.statements is None else row.statements
        print(
            f"{row.label[:44]:44} {row.median_ms:10.1f} {row.ratio:8.0f} "
            f"{row.kilobytes:9,.0f} {statements!s:>5} {reference!s:>9}  "
            f"{target:27} {result}"
        )
    failed = sum(
        1
        for row in rows
        if "FAIL" in row.verdict()
        or (row.target == "restart" and row.median_ms / rebuild[row.events] > 1.5)
    )
    print(
        f"{failed} of {len(rows)} rows FAIL "
        f"(load average now {os.getloadavg()[0]:.1f}: timings on a busy machine vary)"
    )


# --- Load test ------------------------------------------------------------------


def load_paths(facts: DataSetFacts, rng: random.Random, etag: str) -> tuple[str, dict]:
    """One request of a user's mix: history, search, meeting pages and feeds."""
    kind = rng.choices(
        ["history", "search", "meeting", "ics", "feed", "feed poll"],
        [35, 20, 25, 5, 5, 10],
    )[0]
    if kind == "history":
        choices = [
            "/meetings",
            f"/meetings?page={rng.randrange(1, 50)}",
            f"/meetings?person={rng.choice(facts.people_ids)}",
            f"/meetings?topic={facts.busy_topic_id}",
            f"/meetings?from={facts.date_from}&to={facts.date_to}",
        ]
        return rng.choice(choices), {}
    if kind == "search":
        words = [RARE_WORD, quote(f'"{PHRASE}"'), quote(facts.busy_person_other_name)]
        return f"/meetings?q={rng.choice(words)}", {}
    meeting_id = rng.choice(facts.visible_meeting_ids)
    if kind == "meeting":
        return f"/meetings/{meeting_id}", {}
    if kind == "ics":
        return f"/meetings/{meeting_id}.ics", {}
    if kind == "feed":
        return (
            f"/feeds/{facts.feed_token}.ics?person={rng.choice(facts.people_ids)}",
            {},
        )
    return polled_feed(facts), {"If-None-Match": etag}


def load_test(
    facts: DataSetFacts, database_url: str, log: Path, args: argparse.Namespace
) -> None:
    """`args.users` users, each one request after another, for `args.seconds`."""
    with gunicorn("events_app:create_app()", database_url, args.workers, log) as port:
        cookie = sign_in(port, "viewer@example.org")
        etag = timed(port, polled_feed(facts)).headers["ETag"]
        timings: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def user(number: int) -> None:
            rng = random.Random(number)
            while time.monotonic() < stop_at:
                path, headers = load_paths(facts, rng, etag)
                try:
                    answer = timed(port, path, {**cookie, **headers})
                    problem = (
                        None
                        if answer.status in (200, 304)
                        else f"{answer.status} {path}"
                    )
                except OSError as error:
                    answer, problem = None, f"{type(error).__name__} {path}"
                with lock:
                    if problem:
                        errors.append(problem)
                    else:
                        timings.append(answer.milliseconds)

        threads = [
            threading.Thread(target=user, args=(number,))
            for number in range(args.users)
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
    quantiles = statistics.quantiles(timings, n=100) if len(timings) > 1 else [0] * 99
    print(
        f"\nload test: {args.users} users, {args.workers} gunicorn workers, "
        f"{elapsed:.0f} s: {len(timings) + len(errors):,} requests "
        f"({(len(timings) + len(errors)) / elapsed:.1f}/s), {len(errors)} errors; "
        f"p50 {quantiles[49]:.0f} ms, p95 {quantiles[94]:.0f} ms, "
        f"p99 {quantiles[98]:.0f} ms"
    )
    for problem in sorted(set(errors))[:10]:
        print(f"  error: {problem}")


# --- The pieces of a search, in-process --------------------------------------------


def searches_measured(facts: DataSetFacts) -> dict[str, str]:
    """The searches of the page table, by label: what the box receives."""
    return {
        f"{RARE_WORD} (1%)": RARE_WORD,
        f'"{PHRASE}" (1%)': f'"{PHRASE}"',
        "a person's other spelling": facts.busy_person_other_name,
        f"{COMMON_WORD} (a third)": COMMON_WORD,
    }


def median_call_ms(action: Callable[[], object], repeats: int) -> float:
    """Median milliseconds of `action()` over `repeats` calls, after one warm-up."""
    action()
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def search_piece_figures(
    viewer, query: str, per_page: int, repeats: int
) -> tuple[int, list[float]]:
    """The matches the viewer may see (counted up to 10,001), and the median ms of
    the count, the count and a page, the page's snippets and the offers."""
    filters = MeetingFilters(query=query)

    def count() -> int:
        visible = visible_meetings_for(viewer)
        return counted_at_most(filters.apply(visible, viewer), COUNTED_AT_MOST)

    def page() -> list[Meeting]:
        listing = search_listing(filters, visible_meetings_for(viewer), viewer)
        statement = listing.statement.order_by(
            Meeting.start_utc.desc(), Meeting.id.desc()
        )
        return db.session.scalars(statement.limit(per_page)).all()

    shown = [meeting.id for meeting in page()]
    return count(), [
        median_call_ms(count, repeats),
        median_call_ms(page, repeats),
        median_call_ms(lambda: snippets_for(shown, filters.search), repeats),
        median_call_ms(lambda: directory_offers(viewer, query), repeats),
    ]


def search_pieces(app, facts: DataSetFacts, repeats: int) -> None:
    """Print each piece of `/meetings?q=` timed apart, in-process, as the viewer:
    the count, the count and a page of results, the snippets of that page, and
    the people, organizations and topics offered above them (median ms).

    Tells which piece a slow search row of the page table spends its time in.
    """
    header = (
        f"{'search (viewer, in-process)':36} {'matches':>8} {'count':>8} "
        f"{'+ page':>8} {'snippets':>9} {'offers':>8}"
    )
    print(f"\nthe pieces of a search, median ms of {repeats} calls each")
    print(header)
    print("-" * len(header))
    with app.test_request_context():
        viewer = db.session.scalar(select(User).where(User.role == "viewer"))
        for label, query in searches_measured(facts).items():
            matches, figures = search_piece_figures(
                viewer, query, app.config["MEETINGS_PER_PAGE"], repeats
            )
            shown = (
                f">{COUNTED_AT_MOST:,}" if matches > COUNTED_AT_MOST else f"{matches:,}"
            )
            print(
                f"{label[:36]:36} {shown:>8} "
                + " ".join(
                    f"{ms:{width}.1f}"
                    for ms, width in zip(figures, (8, 8, 9, 8), strict=True)
                )
            )
        db.session.remove()


# --- Main ----------------------------------------------------------------------


def served_database_url(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def reference_statement_counts(args: argparse.Namespace, log: Path) -> dict[str, int]:
    """Each page's SQL statements at the reference size (1,000 meetings)."""
    if not args.reference_meetings or args.reference_meetings == args.meetings:
        return {}
    with benchmark_app(migrated=True) as app:
        facts = build_data_set(app, args, args.reference_meetings)
        url = served_database_url(app)
        with gunicorn("events_app:create_app()", url, 1, log) as port:
            cookies = {
                "viewer": sign_in(port, "viewer@example.org"),
                "admin": sign_in(port, "admin@example.org"),
            }
            counts = count_statements(port, facts, cookies)
    print(f"counted SQL statements per page at {args.reference_meetings:,} meetings\n")
    return counts


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--organizations", type=int, default=2_000)
    parser.add_argument("--topics", type=int, default=330)
    parser.add_argument(
        "--reference-meetings",
        type=int,
        default=1_000,
        help="count each page's SQL statements at this size first (0: skip)",
    )
    parser.add_argument("--repeats", type=int, default=30, help="timed requests a page")
    parser.add_argument("--users", type=int, default=50, help="load test users")
    parser.add_argument(
        "--seconds", type=float, default=60, help="load test length (0: skip)"
    )
    parser.add_argument("--workers", type=int, default=4, help="load test workers")
    parser.add_argument(
        "--search-pieces",
        action="store_true",
        help="only time each piece of the searches in-process (no server, no pass "
        "at the reference size, no load test)",
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    # Stopped with SIGTERM (`kill PID`; SIGINT is ignored when run in the
    # background), it still stops its gunicorns and drops its tables.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    print(
        f"run on {date.today()} with Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    if args.search_pieces:
        with benchmark_app(migrated=True) as app:
            facts = build_data_set(app, args, args.meetings)
            search_pieces(app, facts, args.repeats)
        return
    log = Path(tempfile.mkstemp(prefix="history_benchmark_", suffix=".log")[1])
    print(f"gunicorn writes to {log}")
    reference = reference_statement_counts(args, log)
    with benchmark_app(migrated=True) as app:
        facts = build_data_set(app, args, args.meetings)
        url = served_database_url(app)
        with (
            gunicorn("hello_app:app", url, 1, log) as hello_port,
            gunicorn("events_app:create_app()", url, 1, log) as port,
        ):
            hello_ms = hello_median(hello_port, max(args.repeats, 100))
            cookies = {
                "viewer": sign_in(port, "viewer@example.org"),
                "admin": sign_in(port, "admin@example.org"),
            }
            rows = measure_pages(
                port, hello_port, facts, cookies, args.repeats, reference
            )
            rows.append(feed_304_row(port, facts, hello_ms, args.repeats))
        rows += restart_rows(facts, url, log, hello_ms)
        print_table(rows, hello_ms, args.reference_meetings)
        if args.seconds > 0:
            load_test(facts, url, log, args)


if __name__ == "__main__":
    main()
