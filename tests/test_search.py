"""Search over everything a meeting holds (issue 10 item 1): what it finds, how it
ranks and highlights, that it stays current through every write, that hidden and
trashed meetings are never found or counted, and that no input breaks it."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select, text

from events_app.extensions import db
from events_app.models import Meeting, Outcome, Person, SourceLink, Topic
from events_app.search import results
from events_app.search.index import rebuild_search_index
from events_app.search.matching import highlighted, matching
from events_app.search.query import parse_search
from events_app.visibility import visible_meetings_for
from tests.test_meetings import meeting_form_data
from tests.test_revisions import create_meeting


def titles(client, query: str) -> list[str]:
    """Titles of the meetings the history page lists for ?q=query, in order."""
    page = client.get("/meetings", query_string={"q": query})
    assert page.status_code == 200
    return re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', page.get_data(True))


def snippets(client, query: str) -> list[str]:
    page = client.get("/meetings", query_string={"q": query}).get_data(True)
    return re.findall(r'<p class="snippet">(.*?)</p>', page, re.S)


def found(query: str, user=None) -> list[str]:
    """Titles matching in the index, as the user may see them (in an app context)."""
    statement = matching(visible_meetings_for(user), parse_search(query))
    return sorted(meeting.title for meeting in db.session.scalars(statement))


@pytest.fixture(autouse=True)
def set_up(make):
    """A first account exists, so the app is past its first-run set-up."""
    make.user(email="admin@example.org", role="admin")


@pytest.fixture
def recorded(make):
    """One rich meeting and one plain one, both public."""
    belpol = make.organization(
        "Belarusian Investigative Center",
        short_name="BELPOL",
        other_names="Беларускі расследавальны цэнтр",
    )
    kupreichyk = make.person(
        "Matvei Kupreichyk", other_names="Купрэйчык\nKupreychyk", organization=belpol
    )
    owner = make.person("Anna Nowak")
    sanctions = make.topic("Sanctions")
    meeting = make.meeting(
        "Coalition briefing",
        venue="Hôtel de Ville",
        city="Vilnius",
        country="Lithuania",
        series="Alliance",
        summary="A short summary.",
        notes="We discussed human rights defenders in exile.",
        participants=[(kupreichyk, belpol, "speaker")],
        topics=[(sanctions, "Circumvention through Kazakhstan")],
    )
    meeting.outcomes.append(Outcome(text="Publish the dossier", owner_person=owner))
    meeting.sources.append(SourceLink(url="https://example.org", title="Field notes"))
    db.session.commit()
    make.meeting("Plain meeting", city="Riga", summary="Nothing of note.")
    return meeting.id


class TestWhatIsFound:
    @pytest.mark.parametrize(
        "query",
        [
            "vilnius",  # city
            "lithuania",  # country
            "hotel de ville",  # venue, accents folded
            "alliance",  # series
            "Купрэйчык",  # participant's other name, Cyrillic
            "KUPREYCHYK",  # another other name, any case
            "belpol",  # organization's short name
            "расследавальны",  # organization's other name
            "kazakhstan",  # topic note
            "sanctions",  # topic name
            "dossier",  # outcome
            "nowak",  # outcome owner
            '"field notes"',  # source title, as a phrase
            '"human rights defenders"',  # quoted phrase in the notes
            "kazakh*",  # prefix
            "купрэй*",  # Cyrillic prefix
            "HÔTEL",  # accent and case in the query
        ],
    )
    def test_finds_the_meeting_with_a_highlighted_snippet(
        self, client, recorded, query
    ):
        assert titles(client, query) == ["Coalition briefing"]
        if query not in ("HÔTEL",):
            assert any("<mark>" in snippet for snippet in snippets(client, query))

    @pytest.mark.parametrize(
        "query",
        ['"rights human"', "kazakh", "vilnius riga", "купрэйчыкі", "nothing-like-it"],
    )
    def test_does_not_find_what_is_not_there(self, client, recorded, query):
        assert titles(client, query) == []

    def test_every_word_must_match(self, client, recorded):
        assert titles(client, "summary") == ["Coalition briefing"]
        assert titles(client, "nothing note") == ["Plain meeting"]
        assert titles(client, "nothing vilnius") == []

    def test_title_matches_rank_first(self, client, make):
        make.meeting("About something else", notes="Minsk was mentioned once.")
        make.meeting("Minsk round table", start_utc=datetime(2020, 1, 1, 9))
        assert titles(client, "minsk") == ["Minsk round table", "About something else"]

    def test_combines_with_the_other_filters(self, client, make):
        make.meeting("Vilnius call", kind="call", city="Vilnius")
        make.meeting("Vilnius visit", kind="visit", city="Vilnius")
        page = client.get("/meetings?q=vilnius&kind=call").get_data(True)
        assert "Vilnius call" in page and "Vilnius visit" not in page
        assert "1 meeting matches these filters" in page

    def test_pages_through_ranked_results_with_the_count(self, client, make):
        for number in range(7):
            make.meeting(f"Tbilisi meeting {number}")
        make.meeting("Elsewhere")
        first = client.get("/meetings?q=tbilisi").get_data(True)
        assert "7 meetings match these filters" in first
        second = client.get("/meetings?q=tbilisi&page=2").get_data(True)
        shown = re.findall(r"Tbilisi meeting \d", first + second)
        assert sorted(set(shown)) == [f"Tbilisi meeting {n}" for n in range(7)]

    def test_snippets_escape_the_meeting_text(self, client, make):
        make.meeting(
            "Escaping",
            notes='Vilnius <script>alert(1)</script> <img src=x onerror="y">',
        )
        page = client.get("/meetings?q=vilnius").get_data(True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "<mark>Vilnius</mark>" in page

    def test_highlighted_escapes_everything_but_its_marks(self):
        html = highlighted('<b>"x"</b> \x02Vilnius\x03 & co')
        assert str(html) == (
            "&lt;b&gt;&#34;x&#34;&lt;/b&gt; <mark>Vilnius</mark> &amp; co"
        )


class TestHostileQueries:
    @pytest.mark.parametrize(
        "query",
        [
            '"',
            '"""',
            '"unclosed phrase',
            "*",
            "***",
            "vilnius*" * 30,
            "title:vilnius",
            "body:x OR y",
            "vilnius AND NOT riga",
            "NEAR(vilnius riga, 2)",
            "(vilnius",
            "vilnius)",
            "-vilnius",
            "^vilnius",
            "vilnius:*",
            "'vilnius'",
            "a & b | !c <-> d",
            "\\",
            "x" * 5000,
            " ".join(["vilnius"] * 300),
            "\u0301\u0301",
            "%_%",
            "{}[]",
        ],
    )
    def test_no_input_breaks_the_search(self, client, recorded, query):
        response = client.get("/meetings", query_string={"q": query})
        assert response.status_code == 200
        assert client.get("/meetings.csv", query_string={"q": query}).status_code == 200

    def test_operators_are_searched_as_words(self, client, make):
        make.meeting("Vilnius and Riga", notes="near the border")
        assert titles(client, "vilnius AND riga") == ["Vilnius and Riga"]
        assert titles(client, "title:vilnius") == []  # "title vilnius" as a phrase
        assert titles(client, "NEAR(the border)") == ["Vilnius and Riga"]

    def test_a_query_without_words_finds_nothing(self, client, recorded):
        page = client.get("/meetings?q=***").get_data(True)
        assert "No meetings match these filters" in page


class TestParsing:
    def test_words_prefixes_and_phrases(self):
        query = parse_search('"Human  Rights" sanct* Vilnius Jean-Luc')
        # Words of four letters or more match by skeleton too (another script).
        assert query.fts5_expression() == (
            '({title body} : "human rights" OR skeletons : "human riht")'
            ' AND ({title body} : "sanct"* OR skeletons : "sant"*)'
            ' AND ({title body} : "vilnius" OR skeletons : "vilnus")'
            ' AND {title body} : "jean luc"'
        )
        assert query.tsquery_expression() == (
            "(('human':AB <-> 'rights':AB) | ('human':D <-> 'riht':D))"
            " & ('sanct':*AB | 'sant':*D) & ('vilnius':AB | 'vilnus':D)"
            " & ('jean':AB <-> 'luc':AB)"
        )

    def test_syntax_is_dropped(self):
        assert parse_search('title:x AND NEAR("a b"').fts5_expression() == (
            '{title body} : "title x" AND {title body} : "and"'
            ' AND ({title body} : "near" OR skeletons : "nar")'
            ' AND {title body} : "a b"'
        )
        assert parse_search("*** ()").is_empty


class TestKeptCurrent:
    def test_a_saved_and_edited_meeting(self, app, client, auth):
        auth.sign_in_as("editor")
        meeting_id = create_meeting(client, city="Kraków")
        assert titles(client, "krakow") == [
            "Alliance for a Democratic Belarus: fourth meeting"
        ]
        assert titles(client, '"transit through third countries"')  # topic note
        assert titles(client, "Kupreychyk")  # participant as typed
        client.post(
            f"/meetings/{meeting_id}/edit",
            data=meeting_form_data(revision="1", city="Gdańsk"),
        )
        assert titles(client, "krakow") == []
        assert titles(client, "gdansk") == [
            "Alliance for a Democratic Belarus: fourth meeting"
        ]

    def test_an_earlier_revision_restored(self, client, auth):
        auth.sign_in_as("editor")
        meeting_id = create_meeting(client, city="Kraków")
        client.post(
            f"/meetings/{meeting_id}/edit",
            data=meeting_form_data(revision="1", city="Gdańsk"),
        )
        client.post(f"/meetings/{meeting_id}/revisions/1/restore")
        assert titles(client, "krakow") and not titles(client, "gdansk")

    def test_trash_restore_and_purge(self, app, client, auth):
        auth.sign_in_as("admin")
        meeting_id = create_meeting(client, city="Kraków")
        client.post(f"/meetings/{meeting_id}/delete")
        page = client.get("/meetings?q=krakow").get_data(True)
        assert "No meetings match" in page and f'/meetings/{meeting_id}"' not in page
        client.post(f"/trash/{meeting_id}/restore")
        assert titles(client, "krakow")
        client.post(f"/meetings/{meeting_id}/delete")
        client.post(f"/trash/{meeting_id}/purge")
        with app.app_context():
            assert db.session.get(Meeting, meeting_id) is None
            assert found("krakow") == []
            assert self.documents() == 0

    @staticmethod
    def documents() -> int:
        return db.session.scalar(text("SELECT count(*) FROM meeting_search"))

    def test_a_person_renamed_and_a_topic_renamed(self, app, recorded):
        person = db.session.scalar(
            select(Person).where(Person.display_name == "Matvei Kupreichyk")
        )
        # Not "Matsvei": a spelling of the same name, found by "matvei" (skeletons).
        person.display_name = "Mikhas Kupreichyk"
        person.refresh_name_keys()
        topic = db.session.scalar(select(Topic).where(Topic.name == "Sanctions"))
        topic.name = "Restrictive measures"
        topic.refresh_name_keys()
        db.session.commit()
        assert found("mikhas") == ["Coalition briefing"]
        assert found("matvei") == []
        assert found('"restrictive measures"') == ["Coalition briefing"]
        assert found("sanctions") == []

    def test_a_rename_through_the_person_form(self, client, auth, recorded):
        auth.sign_in_as("editor")
        with client.application.app_context():
            person_id = db.session.scalar(
                select(Person.id).where(Person.display_name == "Anna Nowak")
            )
        response = client.post(
            f"/people/{person_id}/edit", data={"display_name": "Anna Kowalska"}
        )
        assert response.status_code == 302
        assert titles(client, "kowalska") == ["Coalition briefing"]
        assert titles(client, "nowak") == []

    def test_a_merge_and_its_undo(self, app, client, auth, make):
        kept = make.person("Matvei Kupreichyk")
        # Names whose skeletons differ from "Matvei" ("Matvej" is a spelling of it).
        removed = make.person("Maciej Kupreichyk", other_names="Мацей")
        make.meeting("Briefing two", participants=[(removed, None, "speaker")])
        kept_id, removed_id = kept.id, removed.id
        auth.sign_in_as("admin")
        assert titles(client, "matvei") == []
        client.post(f"/people/{kept_id}/merge/{removed_id}")
        # The meeting now names the kept person, who carries the other names.
        assert titles(client, "matvei") == ["Briefing two"]
        assert titles(client, "мацей") == ["Briefing two"]
        assert titles(client, "maciej") == ["Briefing two"]

    def test_a_rolled_back_change_leaves_the_index_alone(self, app, recorded):
        meeting = db.session.get(Meeting, recorded)
        meeting.city = "Warsaw"
        db.session.flush()
        assert found("warsaw") == ["Coalition briefing"]
        db.session.rollback()
        assert found("warsaw") == [] and found("vilnius") == ["Coalition briefing"]

    def test_reindex_rebuilds_everything(self, app, runner, recorded):
        db.session.execute(text("DELETE FROM meeting_search"))
        db.session.commit()
        assert found("vilnius") == []
        result = runner.invoke(args=["reindex"])
        assert result.exit_code == 0, result.output
        assert "2 meetings" in result.output
        assert found("vilnius") == ["Coalition briefing"]
        assert rebuild_search_index() == 2


class TestVisibility:
    def test_hidden_and_trashed_meetings_are_never_found_or_counted(
        self, app, client, auth, make
    ):
        make.meeting("Open Minsk meeting", confidentiality="public")
        make.meeting("Internal Minsk meeting", confidentiality="internal")
        make.meeting("Restricted Minsk meeting", confidentiality="restricted")
        trashed = make.meeting("Trashed Minsk meeting", confidentiality="public")
        trashed.deleted_at = datetime(2025, 1, 1)
        db.session.commit()
        page = client.get("/meetings?q=minsk").get_data(True)
        assert "1 meeting match" in page
        assert "Internal" not in page and "Restricted" not in page
        assert "Trashed" not in page
        auth.sign_in_as("editor")
        page = client.get("/meetings?q=minsk").get_data(True)
        assert "2 meetings match" in page and "Restricted" not in page
        auth.sign_out()
        auth.sign_in_as("admin")
        page = client.get("/meetings?q=minsk").get_data(True)
        assert "3 meetings match" in page and "Trashed" not in page


class TestDirectoryOffers:
    def test_people_organizations_and_topics_offered_first_with_visible_counts(
        self, client, auth, make
    ):
        kupreichyk = make.person("Matvei Kupreichyk", other_names="Купрэйчык")
        for number in range(3):
            make.meeting(
                f"Public {number}", participants=[(kupreichyk, None, "speaker")]
            )
        make.meeting(
            "Secret one",
            confidentiality="restricted",
            participants=[(kupreichyk, None, "speaker")],
        )
        page = client.get("/meetings?q=Kupreichik").get_data(True)
        offers = re.search(r'id="directory-offers">(.*?)</ul>', page, re.S).group(1)
        assert f'href="/people/{kupreichyk.id}"' in offers
        assert "Matvei Kupreichyk</a>: 3 meetings" in offers
        auth.sign_in_as("admin")
        page = client.get("/meetings?q=Купрэйчык").get_data(True)
        assert "Matvei Kupreichyk</a>: 4 meetings" in page

    def test_topics_offered_with_visible_counts_never_hidden_ones(
        self, client, auth, make
    ):
        circumvention = make.topic("Circumvention")
        secret = make.topic("Circumvention schemes", restricted=True)
        for number in range(2):
            make.meeting(f"Public {number}", topics=[(circumvention, "")])
        make.meeting(
            "Secret one",
            confidentiality="restricted",
            topics=[(circumvention, ""), (secret, "")],
        )

        def offers(query):
            page = client.get("/meetings", query_string={"q": query}).get_data(True)
            found = re.search(r'id="directory-offers">(.*?)</ul>', page, re.S)
            return found.group(1) if found else ""

        offered = offers("Circumvention")
        assert f'href="/topics/{circumvention.id}"' in offered
        assert "Circumvention</a>: 2 meetings" in offered
        assert "schemes" not in offers("Circumvention schemes")
        auth.sign_in_as("admin")
        offered = offers("Circumvention schemes")
        assert "Circumvention schemes</a>: 1 meeting" in offered
        assert "Circumvention</a>: 3 meetings" in offers("Circumvention")

    def test_a_record_only_in_hidden_meetings_is_not_offered(self, client, make):
        secret = make.person("Hidden Contactperson")
        make.meeting(
            "Secret", confidentiality="restricted", participants=[(secret, None, "x")]
        )
        page = client.get("/meetings?q=Contactperson").get_data(True)
        assert "directory-offers" not in page and "Hidden" not in page


@pytest.fixture
def small_thresholds(monkeypatch):
    """Rank at most 2 matches and count at most 3, so a few meetings cross both."""
    monkeypatch.setattr(results, "RANKED_AT_MOST", 2)
    monkeypatch.setattr(results, "COUNTED_AT_MOST", 3)


class TestManyMatches:
    """Beyond `RANKED_AT_MOST` visible matches the search lists them newest first,
    beyond `COUNTED_AT_MOST` it says "more than"; both judged on what the viewer
    may see (search/results.py)."""

    def test_few_matches_are_ranked_and_counted_exactly(
        self, client, make, small_thresholds
    ):
        make.meeting("Something else", notes="Minsk", start_utc=datetime(2025, 5, 1))
        make.meeting("Minsk round table", start_utc=datetime(2020, 1, 1, 9))
        page = client.get("/meetings?q=minsk").get_data(True)
        assert titles(client, "minsk") == ["Minsk round table", "Something else"]
        assert "2 meetings match these filters." in page
        assert "newest first" not in page

    def test_many_matches_come_newest_first_with_a_label(
        self, client, make, small_thresholds
    ):
        make.meeting("Minsk round table", start_utc=datetime(2020, 1, 1, 9))
        make.meeting("Later", notes="Minsk", start_utc=datetime(2025, 5, 1))
        make.meeting("Latest", notes="Minsk", start_utc=datetime(2025, 6, 1))
        make.meeting("Unrelated", notes="Riga", start_utc=datetime(2025, 7, 1))
        page = client.get("/meetings?q=minsk").get_data(True)
        assert titles(client, "minsk") == ["Latest", "Later", "Minsk round table"]
        assert "3 meetings match these filters." in page
        assert "Too many to rank: newest first" in page

    def test_more_than_counted_says_so(self, client, make, small_thresholds):
        for number in range(7):
            make.meeting(
                f"Tbilisi meeting {number}", start_utc=datetime(2025, 1, 1 + number)
            )
        page = client.get("/meetings?q=tbilisi").get_data(True)
        assert "More than 3 meetings match these filters." in page
        assert titles(client, "tbilisi") == [
            f"Tbilisi meeting {number}" for number in (6, 5, 4, 3, 2)
        ]

    def test_hidden_matches_neither_counted_nor_listed_nor_change_the_order(
        self, client, auth, make, small_thresholds
    ):
        make.meeting("Minsk round table", start_utc=datetime(2020, 1, 1, 9))
        make.meeting("Later", notes="Minsk", start_utc=datetime(2025, 5, 1))
        for number in range(4):
            make.meeting(
                f"Restricted {number}", notes="Minsk", confidentiality="restricted"
            )
        trashed = make.meeting("Trashed", notes="Minsk")
        trashed.deleted_at = datetime(2025, 1, 1)
        db.session.commit()
        auth.sign_in_as("editor")
        page = client.get("/meetings?q=minsk").get_data(True)
        assert "2 meetings match these filters." in page
        assert "newest first" not in page and "More than" not in page
        assert titles(client, "minsk") == ["Minsk round table", "Later"]
        assert "Restricted" not in page and "Trashed" not in page


class TestOffersOnlyForNames:
    def test_phrases_and_prefixes_offer_no_record(self, client, auth, make):
        kupreichyk = make.person("Matvei Kupreichyk")
        make.meeting("Briefing", participants=[(kupreichyk, None, "speaker")])
        auth.sign_in_as("admin")
        assert "directory-offers" in client.get("/meetings?q=Kupreichyk").get_data(True)
        for query in ('"Matvei Kupreichyk"', "Kupreich*"):
            page = client.get("/meetings", query_string={"q": query}).get_data(True)
            assert "Briefing" in page and "directory-offers" not in page
