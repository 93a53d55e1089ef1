"""The catalogs are complete and every page speaks the chosen language (issue 13).

- Every message of messages.pot is translated in be and fr, and messages.pot
  holds exactly what the code marks today (`make translations` was run).
- Walking the URL map as a signed-in admin and as a visitor with
  `Accept-Language: be` and `fr`, no page shows an English message of the
  catalog: a whole text (a text node or a label attribute) equal to a msgid,
  or a sentence of several words found anywhere in the page's text. Over
  Cyrillic data, a Belarusian page shows no run of Latin words either: that
  finds English that was never marked for translation.
"""

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from events_app.extensions import db
from events_app.models import Outcome, UserGroup
from tests.factories import TEST_PASSWORD, Factories
from tests.test_hostile_routes import build

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "events_app" / "translations"
LANGUAGES = ("be", "fr")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}


def catalog(language: str | None):
    path = (
        TRANSLATIONS / "messages.pot"
        if language is None
        else TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    )
    with path.open("rb") as file:
        return read_po(file, locale=language)


def message_key(message) -> tuple:
    return (message.context, message.id)


def is_translated(message) -> bool:
    if isinstance(message.id, tuple | list):
        return all(message.string)
    return bool(message.string)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    template = catalog(None)
    translations = catalog(language)
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = translations.get(message.id, context=message.context)
        if (
            translated is None
            or not is_translated(translated)
            or "fuzzy" in translated.flags
        ):
            missing.append(message.id)
    assert not missing, f"{len(missing)} messages untranslated in {language}: " + (
        "; ".join(map(str, missing[:30]))
    )


def test_belarusian_has_three_plural_forms_and_french_two():
    assert catalog("be").num_plurals == 3
    assert catalog("fr").num_plurals == 2


def test_the_template_holds_what_the_code_marks():
    """messages.pot is current: `make translations` was run after the last change."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    marked = {
        (context, message if isinstance(message, str) else message[0])
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
    }
    in_template = {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog(None)
        if message.id
    }
    assert marked - in_template == set(), "run `make translations`"
    assert in_template - marked == set(), "run `make translations`"


class PageText(HTMLParser):
    """The words a person meets on a page: text and the attributes read aloud."""

    READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skipping += 1
        attributes = dict(attrs)
        for name in self.READ_ATTRIBUTES:
            if attributes.get(name):
                self.pieces.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.pieces.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.pieces.append(data)


def texts_of(html: str) -> tuple[set[str], str]:
    parser = PageText()
    parser.feed(html)
    whole = {" ".join(piece.split()) for piece in parser.pieces}
    return whole, " ".join(" ".join(parser.pieces).split())


def english_of(language: str) -> tuple[set[str], list[str]]:
    """The catalog's English that must not show: whole texts, and sentences."""
    translations = catalog(language)
    whole_texts, sentences = set(), []
    for message in translations:
        if not message.id or isinstance(message.id, tuple):
            continue
        text = " ".join(message.id.split())
        if "%(" in text or "<" in text or text == " ".join(str(message.string).split()):
            continue
        if len(text) < 3:
            continue
        whole_texts.add(text)
        if len(text.split()) >= 3:
            sentences.append(text)
    return whole_texts, sentences


def seed(app) -> dict[str, int]:
    """A small world in which every kind of page has something to show."""
    with app.app_context():
        make = Factories()
        admin = make.user("admin@example.org", "admin")
        make.user("viewer@example.org", "viewer")
        group = UserGroup(name="Кааліцыя")
        db.session.add(group)
        organization = make.organization("Міністэрства замежных спраў")
        person = make.person("Матвей Купрэйчык", organization=organization)
        topic = make.topic("Санкцыі")
        today = date.today()
        meeting = make.meeting(
            title="Кааліцыя",
            start_utc=datetime(today.year, today.month, 2, 9, 0),
            end_utc=datetime(today.year, today.month, 2, 11, 0),
            participants=[(person, organization, "speaker")],
            topics=[(topic, "")],
        )
        db.session.add(
            Outcome(
                meeting_id=meeting.id,
                text="Даслаць справаздачу",
                position=0,
                owner_person_id=person.id,
                due=today - timedelta(days=3),
            )
        )
        make.meeting(title="Закрыты брыфінг", confidentiality="restricted")
        db.session.commit()
        return {
            "meeting_id": meeting.id,
            "number": 1,
            "person_id": person.id,
            "organization_id": organization.id,
            "topic_id": topic.id,
            "user_id": admin.id,
            "group_id": group.id,
        }


def page_urls(app, ids: dict[str, int]) -> list[str]:
    """Every GET page of the URL map whose arguments the world can fill."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "favicon"):
            continue
        if not all(name in ids for name in rule.arguments):
            continue
        urls.append(build(rule, ids))
    today = date.today()
    urls += [
        f"/meetings?view=month&month={today:%Y-%m}",
        f"/meetings?view=week&week={today:%G-W%V}",
        "/meetings?q=Кааліцыя",
        "/meetings?q=nothing-matches-this",
        "/meetings/987654",
        "/meetings?from=not-a-date",
    ]
    return sorted(set(urls))


# Latin words of two letters or more, two or more in a row: English left
# unmarked, on a Belarusian page over Cyrillic data.
LATIN_WORDS = re.compile(r"[A-Za-z]{2,}[.,:;!?]?(?:\s+[A-Za-z]{2,}[.,:;!?]?)+")
# What is Latin on a Belarusian page on purpose: addresses, zone names, the
# names of the other languages, the calendar formats' own names.
LATIN_ON_PURPOSE = re.compile(
    r"@|://|^/|[A-Za-z]+/[A-Za-z_]+|English|Français|iCal|\.ics|CSV|UTC|JSON"
    r"|per-month, people"  # the chart names a CSV address takes
)


def unmarked_english(texts: set[str]) -> set[str]:
    return {
        text
        for text in texts
        if LATIN_WORDS.search(text) and not LATIN_ON_PURPOSE.search(text)
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_english_from_the_catalog(app, language):
    ids = seed(app)
    whole_texts, sentences = english_of(language)
    found: dict[str, set[str]] = {}
    for role in ("anonymous", "admin"):
        client = app.test_client()
        headers = {"Accept-Language": language}
        if role != "anonymous":
            response = client.post(
                "/sign-in",
                data={"email": f"{role}@example.org", "password": TEST_PASSWORD},
                headers=headers,
            )
            assert response.status_code == 302
        for url in page_urls(app, ids):
            response = client.get(url, headers=headers)
            if response.mimetype != "text/html" or response.status_code in range(
                300, 400
            ):
                continue
            texts, joined = texts_of(response.get_data(as_text=True))
            english = (texts & whole_texts) | {s for s in sentences if s in joined}
            if language == "be":
                english |= unmarked_english(texts)
            for text in english:
                found.setdefault(text, set()).add(f"{role} {url}")
    report = "\n".join(
        f"{text!r} on {sorted(where)[:3]}" for text, where in sorted(found.items())
    )
    assert not found, f"English left in {language}:\n{report[:6000]}"
