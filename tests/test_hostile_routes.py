"""Every route, as every user, with hostile values: never a 500, nothing written.

The requests are generated from `app.url_map`, so a new route is walked as
soon as it exists. Hostile values go into path arguments (ids beyond the
database's integer range, control characters, overlong text), query strings
(the filters' and pages' names) and form fields (the names each form page
really has, or those of every form for POST-only routes). Text fields always
carry a value every form must refuse (control characters or overlong text),
so no request may change anything; the test compares every table before and
after each user's walk.
"""

import re
from collections import defaultdict

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from events_app.extensions import db
from events_app.models import UserGroup
from tests.factories import TEST_PASSWORD, Factories

BIG_INTEGERS = ("2147483648", "9223372036854775808", "99999999999999999999")
BAD_DATES = ("0001-01-01", "9999-12-31")
CONTROL = "nul\x00 esc\x1b[31m bell\x07 del\x7f"
OVERLONG = "A" * 100_000
# Query arguments any page or feed reads.
QUERY_NAMES = (
    "page",
    "q",
    "series",
    "person",
    "organization",
    "topic",
    "from",
    "to",
    "kind",
    "status",
    "user",
    "action",
    "next",
    "parent",
    "name",
    "timezone",
    # Names url_for reads as its own, and names of path arguments.
    "_external",
    "_anchor",
    "_method",
    "_scheme",
    "person_id",
    "topic_id",
    "organization_id",
    "meeting_id",
)
# POST routes that act on their URL alone (a button): walked only with hostile
# ids, since with a real id they do their job, which is not a finding.
ACTIONS_WITHOUT_INPUT = frozenset(
    {
        "auth.sign_out",
        "calendar.issue_private_feed",
        "calendar.subscribe",
        "calendar.revoke_private_feed",
        "follow_ups.subscribe",
        "meetings.delete",
        "meetings.purge",
        "meetings.untrash",
        "meetings.undo_delete",
        "meetings.restore_revision",
        "people.merge_organization",
        "people.merge_person",
        "people.not_same_organization",
        "people.not_same_person",
        "people.undo_merge",
    }
)
# Written legitimately by hostile requests: failed sign-ins are audited, and
# a feed stores the events it writes (derived from the data, never stale).
UNCHECKED_TABLES = frozenset({"audit_event", "stored_event", "verified_feed"})

FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')
TEXT_TYPES = {"text", "email", "search", "url", "tel", "password", ""}


def form_fields(page: str) -> dict[str, str]:
    """The form fields of a page: name -> kind (text, number, date, time, choice)."""
    fields = {}
    for tag, attributes in FIELD.findall(page):
        attribute = dict(ATTRIBUTE.findall(attributes))
        name = attribute.get("name")
        if not name or name == "csrf_token":
            continue
        kind = attribute.get("type", "").lower()
        if tag.lower() == "textarea" or kind in TEXT_TYPES:
            fields[name] = "text"
        elif kind in ("date", "datetime-local"):
            fields[name] = "date"
        elif kind in ("number", "time"):
            fields[name] = kind
        elif kind != "file" and kind != "submit":
            fields[name] = "choice"  # select, hidden, checkbox, radio
    return fields


def form_payloads(fields: dict[str, str]) -> list[dict[str, str]]:
    """Form bodies in which every text field holds a value that must be refused."""
    text_fields = [name for name, kind in fields.items() if kind == "text"]
    # The whole body stays under MAX_FORM_MEMORY_SIZE, or it would only test the 413.
    overlong = OVERLONG[: max(301, 3_000_000 // max(len(text_fields), 1))]
    bodies = [
        {name: CONTROL for name in fields},
        {name: overlong for name in fields},
    ]
    for number, day in zip(BIG_INTEGERS, BAD_DATES * 2, strict=False):
        bodies.append(
            {
                name: {"text": CONTROL, "date": day, "time": number}.get(kind, number)
                for name, kind in fields.items()
            }
        )
    return bodies


def query_payloads() -> list[dict[str, str]]:
    values = [*BIG_INTEGERS, *BAD_DATES, CONTROL, OVERLONG, "-1", "²"]
    payloads = [{name: value for name in QUERY_NAMES} for value in values]
    # The calendar grids read their month= or week= in their own view only.
    grids = [
        {"view": "month", "month": "0000-00"},
        {"view": "week", "week": "9999-W99"},
        {**payloads[2], "view": "month", "month": BIG_INTEGERS[2] + "-01"},
        {**payloads[5], "view": "week", "week": OVERLONG},
    ]
    return [{**payload, "view": CONTROL} for payload in payloads[:1]] + payloads + grids


def seed(app) -> dict[str, int]:
    """Users of every role, a group and one record of each kind; their ids."""
    with app.app_context():
        make = Factories()
        admin = make.user("admin@example.org", "admin")
        make.user("editor@example.org", "editor")
        make.user("viewer@example.org", "viewer")
        group = UserGroup(name="Coalition")
        db.session.add(group)
        db.session.commit()
        organization = make.organization()
        person = make.person(organization=organization)
        topic = make.topic("Sanctions")
        meeting = make.meeting(
            confidentiality="public",
            participants=[(person, organization, "speaker")],
            topics=[(topic, "")],
        )
        make.meeting(title="Closed briefing", confidentiality="restricted")
        return {
            "meeting_id": meeting.id,
            "number": 1,
            "person_id": person.id,
            "organization_id": organization.id,
            "topic_id": topic.id,
            "user_id": admin.id,
            "group_id": group.id,
        }


def snapshot() -> dict[str, list]:
    """Every row of every checked table, in a stable order."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in UNCHECKED_TABLES:
            continue
        result = db.session.execute(select(table)).all()
        rows[table.name] = sorted((tuple(row) for row in result), key=repr)
    db.session.rollback()
    return rows


def paths_for(app, rule, real_ids: dict[str, int]) -> list[tuple[str, bool]]:
    """URLs of a rule: (url, uses real ids). Hostile values in every argument."""
    hostile = [*BIG_INTEGERS, CONTROL, OVERLONG, "²"]
    urls = []
    with app.test_request_context():
        if not rule.arguments:
            return [(rule.rule, True)]
        for value in hostile:
            urls.append((build(rule, dict.fromkeys(rule.arguments, value)), False))
        if all(name in real_ids for name in rule.arguments):
            urls.append((build(rule, {n: real_ids[n] for n in rule.arguments}), True))
    return urls


def build(rule, values: dict) -> str:
    """The rule's path with raw values, bypassing converters (which would refuse)."""
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[^:>]+:)?{name}>", str(values[name]), path)
    return path.replace("\x00", "%00")


def walk(app, client, real_ids: dict[str, int], role: str) -> list[str]:
    """Send every hostile request; return what went wrong."""
    problems = []
    all_fields: dict[str, str] = {}
    page_fields: dict[str, dict[str, str]] = defaultdict(dict)

    def send(method: str, url: str, **options) -> None:
        try:
            response = client.open(url, method=method, **options)
        except Exception as error:  # noqa: BLE001 (TESTING propagates app errors)
            problems.append(f"{role} {method} {url[:120]!r}: {error!r}"[:400])
            with app.app_context():
                db.session.rollback()
            return
        if response.status_code >= 500:
            problems.append(f"{role} {method} {url[:120]!r}: {response.status_code}")
        return response

    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"] + [
        rule for rule in app.url_map.iter_rules() if rule.endpoint == "static"
    ]
    # First the real form pages, to learn their field names.
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        for url, real in paths_for(app, rule, real_ids):
            if not real:
                continue
            response = send("GET", url)
            if response is None or response.status_code != 200:
                continue
            if response.mimetype == "text/html":
                fields = form_fields(response.get_data(as_text=True))
                page_fields[url] = fields
                all_fields.update(fields)
    for rule in rules:
        for url, real in paths_for(app, rule, real_ids):
            # A hostile id is refused by routing: query strings add nothing there.
            for query in query_payloads() if real else [{}]:
                send("GET", url, query_string=query)
            if "POST" not in rule.methods:
                continue
            if real and rule.endpoint in ACTIONS_WITHOUT_INPUT:
                continue
            fields = page_fields.get(url) or all_fields
            for body in form_payloads(fields):
                send("POST", url, data=body)
    return problems


@pytest.mark.parametrize("role", ["anonymous", "viewer", "editor", "admin"])
def test_no_route_answers_500_or_writes_anything(app, role):
    real_ids = seed(app)
    client = app.test_client()
    if role != "anonymous":
        response = client.post(
            "/sign-in",
            data={"email": f"{role}@example.org", "password": TEST_PASSWORD},
        )
        assert response.status_code == 302
    with app.app_context():
        before = snapshot()
    problems = walk(app, client, real_ids, role)
    with app.app_context():
        after = snapshot()
    changed = [name for name in before if before[name] != after[name]]
    assert not problems, "\n".join(problems[:40])
    assert not changed, f"{role}'s hostile requests changed {changed}"


def test_the_walk_uses_the_bounded_integer_converter(app):
    """A new `<int:...>` route is bounded too (the converter replaces Werkzeug's)."""
    converters = {
        type(converter)
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if isinstance(converter, IntegerConverter)
    }
    assert {converter.__name__ for converter in converters} == {"DatabaseIdConverter"}
