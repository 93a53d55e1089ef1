"""The fast calendar serializer writes exactly the bytes icalendar wrote before.

`tests/ical_reference.py` is the former icalendar-component implementation,
kept as an oracle. Varied meetings (every field, all-day, several zones, UTC,
Cyrillic, long lines with multi-byte characters, escaping, cancelled,
restricted, nested topics, outcomes with owners, no end) must come out
byte-identical, both from the pure builder and from the feed, which loads its
rows with Core queries. Escaping and folding are also compared with
icalendar's own functions on many random strings.
"""

import random
from datetime import date, datetime

import pytest
from icalendar.parser.string import _escape_char, _foldline
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from events_app.auth.feed_tokens import issue_feed_token
from events_app.calendar.feed_words import meetings_feed_words, single_meeting_words
from events_app.calendar.ical import escape_text, fold_line, meetings_to_ical
from events_app.calendar.routes import absolute_meeting_url
from events_app.extensions import db
from events_app.models import Meeting, MeetingTopic, Outcome, Participation
from tests import ical_reference
from tests.statements import statements_sent

BASE_URL = "https://events.example.org"
LONG_CYRILLIC = (
    "Обсуждение санкций, транзита; визовых вопросов и «обхода» ограничений — "
    "участники договорились подготовить общий доклад к следующей встрече. "
) * 3
NASTY = 'back\\slash; semi, comma "quote" caret^ \\N literal\r\nCRLF\rCR\nLF 🇺🇦 €'


def meeting_url(meeting) -> str:
    return f"{BASE_URL}/meetings/{meeting.id}"


def reference_loading_options() -> list:
    """How the feed loaded meetings before (the ORM relationships)."""
    return [
        selectinload(Meeting.participations).selectinload(Participation.person),
        selectinload(Meeting.participations).selectinload(Participation.organization),
        selectinload(Meeting.meeting_topics).selectinload(MeetingTopic.topic),
        selectinload(Meeting.outcomes).selectinload(Outcome.owner_person),
        selectinload(Meeting.outcomes).selectinload(Outcome.owner_organization),
    ]


def varied_meetings(make) -> list[Meeting]:
    """Meetings that exercise every branch of the event writer."""
    center = make.organization(name="Belarusian Investigative Center")
    ministry = make.organization(name="Ministry of Foreign Affairs", short_name="MFA")
    same_short = make.organization(name="OSCE", short_name="OSCE")
    tricky_org = make.organization(name="Дом; офис, \\ «Вильнюс»")
    chair = make.person(display_name="Matvei Kupreichyk")
    speaker = make.person(display_name="Анна Ковальчук")
    colleague = make.person(display_name="Jonas; Petraitis, Jr.")
    sanctions = make.topic(name="Sanctions")
    circumvention = make.topic(name="Circumvention", parent=sanctions)
    deep = make.topic(name="Визы, транзит; и \\ прочее", parent=circumvention)
    meetings = [
        make.meeting(
            title='Санкции; визы, back\\slash "кавычки" ' + LONG_CYRILLIC[:60],
            summary=LONG_CYRILLIC + "\n\nSecond paragraph\r\nwith CRLF",
            notes="INTERNAL NOTE never exported",
            venue="Дом 5, офис 3",
            city="Вильнюс",
            country="Lithuania",
            online_url="https://meet.example.org/abc?x=1;y=2,z",
            participants=[
                (speaker, center, "speaker"),
                (colleague, ministry, "participant"),
                (chair, center, "chair"),
                (None, ministry, "host"),
                (speaker, None, "observer"),
                (chair, same_short, "participant"),
                (colleague, tricky_org, "participant"),
            ],
            topics=[
                (circumvention, "Routes via third countries.\nSecond line.  "),
                (sanctions, ""),
                (deep, LONG_CYRILLIC),
                (circumvention, "again"),
            ],
            sequence=4,
        ),
        make.meeting(
            title="All-day conference " + "x" * 80,
            start_utc=datetime(2025, 6, 1, 22, 0),  # local midnight in Kyiv
            end_utc=datetime(2025, 6, 3, 21, 0),
            timezone="Europe/Kyiv",
            all_day=True,
            status="postponed",
            confidentiality="internal",
        ),
        make.meeting(
            title="All-day without end",
            start_utc=datetime(2025, 6, 10, 0, 0),
            end_utc=None,
            timezone="UTC",
            all_day=True,
        ),
        make.meeting(
            title="UTC call",
            start_utc=datetime(2025, 1, 5, 15, 30, 45, 123456),
            end_utc=datetime(2025, 1, 5, 16, 0),
            timezone="UTC",
            online_url="https://meet.example.org/utc",
            status="cancelled",
        ),
        make.meeting(
            title="Etc/UTC alias",
            start_utc=datetime(2025, 2, 5, 15, 30),
            end_utc=None,
            timezone="Etc/UTC",
        ),
        make.meeting(
            title="No end across DST",
            start_utc=datetime(2025, 3, 30, 0, 30),
            end_utc=None,
            timezone="Europe/Paris",
            status="held",
            confidentiality="restricted",
        ),
        make.meeting(
            title="End before start (bad data)",
            start_utc=datetime(2024, 11, 3, 12, 0),
            end_utc=datetime(2024, 11, 3, 11, 0),
            timezone="America/New_York",
        ),
        make.meeting(
            title="Minsk",
            start_utc=datetime(2019, 12, 31, 21, 0),
            end_utc=datetime(2020, 1, 1, 1, 0),
            timezone="Europe/Minsk",
        ),
        make.meeting(
            title="Tokyo",
            start_utc=datetime(2026, 7, 1, 1, 0),
            end_utc=datetime(2026, 7, 1, 2, 0),
            timezone="Asia/Tokyo",
        ),
        make.meeting(
            title="Kolkata (half-hour zone)",
            start_utc=datetime(2025, 9, 9, 4, 0),
            end_utc=datetime(2025, 9, 9, 5, 0),
            timezone="Asia/Kolkata",
        ),
        make.meeting(title=NASTY, summary=NASTY, venue=NASTY, timezone="GMT"),
        make.meeting(title="^" * 73 + "\\" * 5 + "е" * 40, summary="\\" * 200),
    ]
    meetings[0].outcomes.extend(
        [
            Outcome(
                text="Send the dossier\nwith annexes",
                owner_person=chair,
                due=date(2025, 4, 1),
                position=0,
            ),
            Outcome(
                text="Brief the ministry",
                owner_organization=ministry,
                status="done",
                position=1,
            ),
            Outcome(text="Nobody owns this; yet", position=2),
            Outcome(
                text="Both owners",
                owner_person=speaker,
                owner_organization=center,
                position=3,
            ),
        ]
    )
    db.session.commit()
    return meetings


def test_builder_writes_the_reference_bytes(make):
    meetings = varied_meetings(make)
    for name in ("Meetings", "Встречи; calendar, with \\ and ^ " + "n" * 80):
        expected = ical_reference.meetings_to_ical(
            meetings, calendar_name=name, meeting_url=meeting_url
        )
        assert (
            meetings_to_ical(meetings, calendar_name=name, meeting_url=meeting_url)
            == expected
        )
    single = meetings_to_ical(
        meetings[:1], calendar_name="Meetings", meeting_url=meeting_url
    )
    assert single == ical_reference.meetings_to_ical(
        meetings[:1], calendar_name="Meetings", meeting_url=meeting_url
    )
    assert b"\r\n " in single  # the comparison covered folded lines


@pytest.mark.parametrize("role", [None, "viewer", "admin"])
def test_feed_writes_the_reference_bytes(app, client, make, role):
    """The public feed, and the private feed of a viewer and of an admin."""
    varied_meetings(make)
    path = "/calendar.ics"
    levels = ["public"]
    if role:
        user = make.user(email=f"{role}@example.org", role=role)
        path = f"/feeds/{issue_feed_token(user)}.ics"
        levels = ["public", "internal"] + (["restricted"] if role == "admin" else [])
    else:
        make.user()  # a first user, so the app is set up
    response = client.get(path)
    assert response.status_code == 200
    with app.test_request_context(path):
        reference_meetings = db.session.scalars(
            select(Meeting)
            .where(Meeting.confidentiality.in_(levels))
            .options(*reference_loading_options())
            .order_by(Meeting.start_utc, Meeting.id)
        ).all()
        expected = ical_reference.meetings_to_ical(
            reference_meetings,
            calendar_name=meetings_feed_words("en", private=role is not None),
            meeting_url=absolute_meeting_url,
        )
    assert len(reference_meetings) == {None: 10, "viewer": 11, "admin": 12}[role]
    assert response.data == expected


def test_filtered_feed_writes_the_reference_bytes(app, client, make):
    meetings = varied_meetings(make)
    make.user()
    topic_id = meetings[0].meeting_topics[0].topic_id
    response = client.get(f"/calendar.ics?topic={topic_id}&q=back")
    assert response.status_code == 200
    with app.test_request_context("/calendar.ics"):
        expected = ical_reference.meetings_to_ical(
            [db.session.get(Meeting, meetings[0].id)],
            calendar_name=meetings_feed_words("en", private=False),
            meeting_url=absolute_meeting_url,
        )
    assert response.data == expected


def test_single_meeting_download_writes_the_reference_bytes(app, client, make):
    meetings = varied_meetings(make)
    make.user()
    response = client.get(f"/meetings/{meetings[0].id}.ics")
    assert response.status_code == 200
    with app.test_request_context("/"):
        expected = ical_reference.meetings_to_ical(
            [db.session.get(Meeting, meetings[0].id)],
            calendar_name=single_meeting_words("en"),
            meeting_url=absolute_meeting_url,
        )
    assert response.data == expected


def test_feed_uses_the_same_number_of_queries_for_any_number_of_meetings(
    app, client, make
):
    def statements_for_feed() -> int:
        with statements_sent(app) as statements:
            assert client.get("/calendar.ics").status_code == 200
        return len(statements)

    varied_meetings(make)
    make.user()
    statements_for_feed()  # the first request also checks the app is set up
    verified = statements_for_feed()  # at the same data version: nothing checked
    make.person(display_name="Someone else")  # a new data version
    checked = statements_for_feed()  # every stored event checked, none written
    person = make.person(display_name="Many")
    topic = make.topic(name="Many")
    for number in range(60):
        make.meeting(
            title=f"Extra {number}",
            participants=[(person, None, "participant")],
            topics=[(topic, "")],
        )
    # One more statement stores all the events written by this build.
    assert statements_for_feed() == checked + 1
    assert statements_for_feed() == verified


ALPHABET = (
    "abcXYZ 019-_.:/\t"
    + "\\;,^\"'"
    + "\r\n"
    + "éжЖ€"  # two and three octets
    + "🇺🇦😀"  # four octets
)


@pytest.mark.parametrize("seed", range(5))
def test_escaping_and_folding_match_icalendar(seed):
    generator = random.Random(seed)
    for _ in range(400):
        length = generator.choice([0, 1, 10, 73, 74, 75, 76, 150, 400])
        text = "".join(generator.choice(ALPHABET) for _ in range(length))
        if generator.random() < 0.2:
            text = text.replace("\\", "\\N")
        assert escape_text(text) == _escape_char(text)
        line = "DESCRIPTION:" + _escape_char(text)
        assert fold_line(line.encode()) == _foldline(line).encode()
