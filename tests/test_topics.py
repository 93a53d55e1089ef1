"""Topics: the tree index, each topic's history, the edit form and what may not leak."""

import html
import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from events_app.extensions import db
from events_app.models import Topic
from tests.factories import Factories
from tests.pages import without_request_specifics

PUBLIC_DAY = "Fri 14 Mar 2025"
INTERNAL_DAY = "Thu 1 May 2025"
RESTRICTED_DAY = "Fri 20 Jun 2025"


@pytest.fixture
def world(app):
    """A topic tree and one meeting per confidentiality level (own app context)."""
    with app.app_context():
        make = Factories()
        make.user()  # an account exists, so pages are not diverted to first-run set-up
        sanctions = make.topic("Sanctions", description="Restrictive *measures*.")
        circumvention = make.topic("Sanctions circumvention", parent=sanctions)
        transit = make.topic("Transit", parent=circumvention)
        elections = make.topic("Elections")
        monitoring = make.topic("Monitoring", parent=elections)
        covert = make.topic("Covert Channel")
        institute = make.organization("Open Institute")
        ministry = make.organization("Hidden Ministry")
        speaker = make.person("Public Speaker")
        insider = make.person("Internal Insider")
        secret_contact = make.person("Secret Contact")
        make.meeting(
            title="Public sanctions roundtable",
            start_utc=datetime(2025, 3, 14, 9, 0),
            end_utc=datetime(2025, 3, 14, 10, 0),
            confidentiality="public",
            status="held",
            participants=[(speaker, institute, "speaker")],
            topics=[(circumvention, "Transit via **Kazakhstan**.")],
        )
        make.meeting(
            title="Internal elections call",
            start_utc=datetime(2025, 5, 1, 9, 0),
            end_utc=datetime(2025, 5, 1, 10, 0),
            confidentiality="internal",
            status="held",
            participants=[(insider, None, "participant")],
            topics=[(elections, "Observer mission plans.")],
        )
        make.meeting(
            title="Restricted sanctions dinner",
            start_utc=datetime(2025, 6, 20, 18, 0),
            end_utc=datetime(2025, 6, 20, 21, 0),
            confidentiality="restricted",
            status="held",
            participants=[(secret_contact, ministry, "participant")],
            topics=[(sanctions, "Secret list of targets."), (covert, "Sources.")],
        )
        return SimpleNamespace(
            sanctions=sanctions.id,
            circumvention=circumvention.id,
            transit=transit.id,
            elections=elections.id,
            monitoring=monitoring.id,
            covert=covert.id,
        )


def text_of(response) -> str:
    return response.get_data(as_text=True)


def table_row(page: str, name: str) -> str:
    """The <tr> of the index whose link text is exactly `name`."""
    pattern = rf"<tr>(?:(?!</tr>).)*>{re.escape(name)}</a>(?:(?!</tr>).)*</tr>"
    match = re.search(pattern, page, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>|\s+", " ", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def errors_in(response) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", error))
        for error in re.findall(
            r'<p class="error"[^>]*>(.*?)</p>', text_of(response), re.S
        )
    ]


def count_topics() -> int:
    return db.session.scalar(select(func.count()).select_from(Topic))


def last_met_is(page: str, day: str) -> bool:
    return re.search(r'class="last-met">\s*' + re.escape(day), page) is not None


# --- the index -------------------------------------------------------------------


class TestTopicIndex:
    def test_shows_the_tree_alphabetically(self, client, auth, world):
        auth.sign_in_as("admin")
        response = client.get("/topics")
        assert response.status_code == 200
        page = text_of(response)
        order = [
            "Covert Channel",
            "Elections",
            "Monitoring",
            "Sanctions",
            "Sanctions circumvention",
            "Transit",
        ]
        positions = [page.index(f">{name}</a>") for name in order]
        assert positions == sorted(positions)
        assert "└" in table_row(page, "Transit")
        assert "└" not in table_row(page, "Sanctions")
        assert "depth-2" in table_row(page, "Transit")

    def test_anonymous_counts_include_sub_topics_but_only_public_meetings(
        self, client, world
    ):
        page = text_of(client.get("/topics"))
        assert cells(table_row(page, "Sanctions"))[1:] == ["1", PUBLIC_DAY]
        assert cells(table_row(page, "Sanctions circumvention"))[1:] == [
            "1",
            PUBLIC_DAY,
        ]
        # In no meeting, only in an internal one, or only in a restricted one.
        for hidden in ("Transit", "Elections", "Monitoring", "Covert Channel"):
            assert hidden not in page
        assert RESTRICTED_DAY not in page and INTERNAL_DAY not in page

    def test_viewer_counts_internal_meetings(self, client, auth, world):
        auth.sign_in_as("viewer")
        page = text_of(client.get("/topics"))
        assert cells(table_row(page, "Elections"))[1:] == ["1", INTERNAL_DAY]
        assert cells(table_row(page, "Sanctions"))[1:] == ["1", PUBLIC_DAY]

    def test_admin_counts_every_meeting(self, client, auth, world):
        auth.sign_in_as("admin")
        page = text_of(client.get("/topics"))
        assert cells(table_row(page, "Sanctions"))[1:] == ["2", RESTRICTED_DAY]
        assert cells(table_row(page, "Covert Channel"))[1:] == ["1", RESTRICTED_DAY]

    def test_filter_shows_full_paths(self, client, world):
        page = text_of(client.get("/topics", query_string={"q": "circumvention"}))
        assert "Sanctions &gt; Sanctions circumvention</a>" in page
        assert ">Elections</a>" not in page
        assert ">Transit</a>" not in page

    @pytest.mark.parametrize("query", ["SANCTÍONS", "sanctions", "anction"])
    def test_filter_ignores_case_and_accents(self, client, world, query):
        page = text_of(client.get("/topics", query_string={"q": query}))
        assert ">Sanctions</a>" in page
        assert "Sanctions &gt; Sanctions circumvention</a>" in page
        assert "Elections" not in page

    def test_filter_without_match(self, client, world):
        page = text_of(client.get("/topics", query_string={"q": "fisheries"}))
        assert "No topic matches “fisheries”." in page

    def test_paginates_root_topics_with_their_subtrees(self, app, client, auth, world):
        app.config["DIRECTORY_PER_PAGE"] = 2
        auth.sign_in_as("admin")
        first = text_of(client.get("/topics"))
        assert ">Covert Channel</a>" in first and ">Monitoring</a>" in first
        assert ">Sanctions</a>" not in first
        assert "Page 1 of 2" in first
        second = text_of(client.get("/topics?page=2"))
        assert ">Sanctions</a>" in second and ">Transit</a>" in second
        assert ">Elections</a>" not in second

    def test_add_button_only_for_editors(self, client, auth, world):
        assert "/topics/new" not in text_of(client.get("/topics"))
        auth.sign_in_as("editor")
        assert "/topics/new" in text_of(client.get("/topics"))


# --- the history page --------------------------------------------------------------


class TestTopicPage:
    def test_shows_details_children_and_link_to_filtered_meetings(self, client, world):
        response = client.get(f"/topics/{world.sanctions}")
        assert response.status_code == 200
        page = text_of(response)
        assert "<h1>Sanctions</h1>" in page
        assert "<em>measures</em>" in page
        assert (
            f'<a href="/topics/{world.circumvention}">Sanctions circumvention</a>'
            in page
        )
        assert f'href="/meetings?topic={world.sanctions}"' in page

    def test_sub_topic_shows_its_parent(self, client, auth, world):
        auth.sign_in_as("viewer")
        page = text_of(client.get(f"/topics/{world.transit}"))
        assert (
            f'<a href="/topics/{world.circumvention}">'
            "Sanctions &gt; Sanctions circumvention</a>" in page
        )

    def test_anonymous_sees_sub_topic_meetings_and_notes_but_nothing_hidden(
        self, client, world
    ):
        page = text_of(client.get(f"/topics/{world.sanctions}"))
        assert "Public sanctions roundtable" in page
        assert "Transit via <strong>Kazakhstan</strong>." in page
        assert "On <a" in page and "Sanctions circumvention</a>:" in page
        assert "Public Speaker" in page and "Open Institute" in page
        assert last_met_is(page, PUBLIC_DAY)
        for hidden in (
            "Restricted sanctions dinner",
            "Secret list of targets",
            "Covert Channel",
            "Secret Contact",
            "Hidden Ministry",
            RESTRICTED_DAY,
        ):
            assert hidden not in page

    def test_admin_sees_every_meeting_newest_first(self, client, auth, world):
        auth.sign_in_as("admin")
        page = text_of(client.get(f"/topics/{world.sanctions}"))
        assert page.index("Restricted sanctions dinner") < page.index(
            "Public sanctions roundtable"
        )
        assert "Secret list of targets." in page
        assert "Covert Channel" in page  # discussed alongside
        assert "Secret Contact" in page and "Hidden Ministry" in page
        assert last_met_is(page, RESTRICTED_DAY)

    def test_topic_only_in_restricted_meeting_is_hidden_like_a_missing_one(
        self, client, world
    ):
        hidden = client.get(f"/topics/{world.covert}")
        missing = client.get("/topics/9999")
        assert hidden.status_code == missing.status_code == 404
        assert without_request_specifics(
            text_of(missing).replace("9999", str(world.covert))
        ) == without_request_specifics(text_of(hidden))
        assert "Covert Channel" not in text_of(hidden)

    def test_internal_meeting_needs_sign_in(self, client, auth, world):
        response = client.get(f"/topics/{world.elections}")
        assert response.status_code == 404
        anonymous = text_of(response)
        assert "Internal elections call" not in anonymous
        assert "Observer mission plans" not in anonymous
        assert "Internal Insider" not in anonymous
        auth.sign_in_as("viewer")
        viewer = text_of(client.get(f"/topics/{world.elections}"))
        assert "Internal elections call" in viewer
        assert "Observer mission plans." in viewer
        assert "Internal Insider" in viewer
        assert last_met_is(viewer, INTERNAL_DAY)

    def test_missing_topic_is_404(self, client, world):
        assert client.get("/topics/9999").status_code == 404


# --- who may see which topic ---------------------------------------------------------

HIDDEN_FROM = [None, "viewer", "editor"]


def sign_in(auth, role: str | None) -> None:
    if role:
        auth.sign_in_as(role)


class TestTopicOfRestrictedMeetingOnly:
    """Covert Channel is on the agenda of the restricted dinner alone."""

    @pytest.mark.parametrize("role", HIDDEN_FROM)
    def test_absent_from_index_and_search_and_page_is_404(
        self, client, auth, world, role
    ):
        sign_in(auth, role)
        assert "Covert Channel" not in text_of(client.get("/topics"))
        found = text_of(client.get("/topics", query_string={"q": "covert"}))
        assert "No topic matches “covert”." in found
        assert client.get(f"/topics/{world.covert}").status_code == 404

    def test_editor_can_neither_edit_it_nor_pick_it_as_a_parent(
        self, app, client, auth, world
    ):
        auth.sign_in_as("editor")
        assert client.get(f"/topics/{world.covert}/edit").status_code == 404
        response = client.post(
            f"/topics/{world.covert}/edit", data={"name": "Renamed", "parent_id": ""}
        )
        assert response.status_code == 404
        assert "Covert Channel" not in text_of(client.get("/topics/new"))
        response = client.post(
            "/topics/new", data={"name": "Fresh", "parent_id": str(world.covert)}
        )
        assert "That topic no longer exists; choose another." in errors_in(response)
        with app.app_context():
            assert db.session.get(Topic, world.covert).name == "Covert Channel"
            assert count_topics() == 6

    def test_its_name_is_refused_without_naming_or_linking_it(
        self, client, auth, world
    ):
        auth.sign_in_as("editor")
        response = client.post(
            "/topics/new", data={"name": "covert channel", "parent_id": ""}
        )
        assert (
            "“covert channel” is already used by a record you may not see; "
            "ask an administrator." in errors_in(response)
        )
        assert f"/topics/{world.covert}" not in text_of(response)

    def test_admin_sees_it(self, client, auth, world):
        auth.sign_in_as("admin")
        assert "Covert Channel" in text_of(client.get("/topics?q=covert"))
        assert client.get(f"/topics/{world.covert}").status_code == 200
        assert client.get(f"/topics/{world.covert}/edit").status_code == 200


def test_ancestor_of_a_visible_topic_is_visible(client, world):
    """Sanctions is only in the restricted dinner, but its sub-topic is public."""
    response = client.get(f"/topics/{world.sanctions}")
    assert response.status_code == 200
    assert ">Sanctions</a>" in text_of(client.get("/topics?q=sanctions"))
    page = text_of(client.get(f"/topics/{world.circumvention}"))
    assert f'<a href="/topics/{world.sanctions}">Sanctions</a>' in page


def test_sub_topics_in_no_meeting_are_listed_for_signed_in_users_only(
    client, auth, world
):
    anonymous = client.get(f"/topics/{world.circumvention}")
    assert ">Transit</a>" not in text_of(anonymous)
    assert client.get(f"/topics/{world.transit}").status_code == 404
    assert "Transit" not in text_of(client.get("/topics"))

    auth.sign_in_as("viewer")
    signed_in = text_of(client.get(f"/topics/{world.circumvention}"))
    assert f'<a href="/topics/{world.transit}">Transit</a>' in signed_in
    assert client.get(f"/topics/{world.transit}").status_code == 200
    assert ">Transit</a>" in text_of(client.get("/topics"))


def test_topic_of_an_internal_meeting_needs_sign_in(client, auth, world):
    assert "Elections" not in text_of(client.get("/topics?q=elections"))
    auth.sign_in_as("viewer")
    assert ">Elections</a>" in text_of(client.get("/topics?q=elections"))
    assert client.get(f"/topics/{world.elections}").status_code == 200


# --- permissions -------------------------------------------------------------------

EDIT_URLS = ["/topics/new", "/topics/{sanctions}/edit"]


@pytest.mark.parametrize("template", EDIT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in(client, world, template, method):
    response = getattr(client, method)(
        template.format(**vars(world)), data={"name": "X"}
    )
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("template", EDIT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_viewer_is_refused(client, auth, world, template, method):
    auth.sign_in_as("viewer")
    response = getattr(client, method)(
        template.format(**vars(world)), data={"name": "X"}
    )
    assert response.status_code == 403


def test_edit_of_missing_topic_is_404(client, auth, world):
    auth.sign_in_as("editor")
    assert client.get("/topics/9999/edit").status_code == 404


# --- the form ----------------------------------------------------------------------


class TestTopicForm:
    def test_creates_a_top_level_topic(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            "/topics/new", data={"name": "  Media   freedom ", "parent_id": ""}
        )
        assert response.status_code == 302
        with app.app_context():
            topic = db.session.scalar(
                select(Topic).where(Topic.name == "Media freedom")
            )
            assert response.headers["Location"].endswith(f"/topics/{topic.id}")
            assert topic.parent_id is None
            assert topic.name_keys == "|mediafreedom|"

    def test_creates_a_sub_topic(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            "/topics/new",
            data={"name": "Dual-use goods", "parent_id": str(world.sanctions)},
        )
        assert response.status_code == 302
        with app.app_context():
            topic = db.session.scalar(
                select(Topic).where(Topic.name == "Dual-use goods")
            )
            assert topic.path == "Sanctions > Dual-use goods"

    def test_parent_can_be_preselected(self, client, auth, world):
        auth.sign_in_as("editor")
        page = text_of(client.get(f"/topics/new?parent={world.elections}"))
        assert 'name="parent_name" type="text" value="Elections"' in page
        assert (
            f'id="parent_id" name="parent_id" type="hidden" value="{world.elections}"'
            in page
        )
        # No list of every topic: the parent is typed, with suggestions.
        assert "<option" not in page
        assert "Transit" not in page
        assert 'data-suggest="/topics/suggest" data-suggest-id="parent_id"' in page

    def test_a_hidden_or_unknown_parent_is_not_preselected(self, client, auth, world):
        auth.sign_in_as("editor")
        for value in (world.covert, 9999, "abc"):
            page = text_of(client.get(f"/topics/new?parent={value}"))
            assert 'name="parent_id" type="hidden" value=""' in page
            assert "Covert Channel" not in page

    @pytest.mark.parametrize(
        "typed",
        [
            "Sanctions > Sanctions circumvention",
            "sanctions circumvention",
            "  SANCTIONS  >  sanctions circumvention ",
        ],
    )
    def test_a_typed_parent_is_resolved(self, app, client, auth, world, typed):
        """Without scripts the parent's name or path is typed, and found on save."""
        auth.sign_in_as("editor")
        response = client.post(
            "/topics/new", data={"name": "Fresh", "parent_name": typed, "parent_id": ""}
        )
        assert response.status_code == 302
        with app.app_context():
            topic = db.session.scalar(select(Topic).where(Topic.name == "Fresh"))
            assert topic.parent_id == world.circumvention

    def test_typed_text_wins_over_a_stale_picked_id(self, app, client, auth, world):
        """The id of the parent shown stays without scripts while other text is
        typed: the text counts, and emptying it means a top-level topic."""
        auth.sign_in_as("editor")
        response = client.post(
            f"/topics/{world.transit}/edit",
            data={
                "name": "Transit",
                "parent_name": "Elections",
                "parent_id": str(world.circumvention),
            },
        )
        assert response.status_code == 302
        response = client.post(
            f"/topics/{world.monitoring}/edit",
            data={
                "name": "Monitoring",
                "parent_name": "",
                "parent_id": str(world.elections),
            },
        )
        assert response.status_code == 302
        with app.app_context():
            assert db.session.get(Topic, world.transit).parent_id == world.elections
            assert db.session.get(Topic, world.monitoring).parent_id is None

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            (
                "Sanctons",
                "No topic named “Sanctons”. Did you mean “Sanctions”? Type its path "
                "as written, or leave the field empty for a top-level topic.",
            ),
            (
                "Nowhere at all",
                "No topic named “Nowhere at all”: add it first, or leave the field "
                "empty for a top-level topic.",
            ),
            (
                "Covert Channel",
                "No topic named “Covert Channel”: add it first, or leave the field "
                "empty for a top-level topic.",
            ),
        ],
    )
    def test_an_unknown_typed_parent_is_refused(
        self, app, client, auth, world, typed, message
    ):
        auth.sign_in_as("editor")
        response = client.post(
            "/topics/new", data={"name": "Fresh", "parent_name": typed, "parent_id": ""}
        )
        assert response.status_code == 200
        assert message in errors_in(response)
        assert f"/topics/{world.covert}" not in text_of(response)
        with app.app_context():
            assert count_topics() == 6

    def test_a_typed_name_of_several_topics_asks_for_the_path(
        self, app, client, auth, world
    ):
        auth.sign_in_as("editor")
        client.post(
            "/topics/new",
            data={"name": "Monitoring", "parent_name": "Sanctions", "parent_id": ""},
        )
        response = client.post(
            "/topics/new",
            data={"name": "Fresh", "parent_name": "monitoring", "parent_id": ""},
        )
        assert (
            "Several topics are called “monitoring” (Elections > Monitoring; "
            "Sanctions > Monitoring); type the path of the one you mean."
        ) in errors_in(response)

    def test_name_is_required_and_limited(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post("/topics/new", data={"name": "", "parent_id": ""})
        assert response.status_code == 200
        assert "Enter the topic's name." in errors_in(response)
        response = client.post("/topics/new", data={"name": "x" * 201, "parent_id": ""})
        assert "Field cannot be longer than 200 characters." in errors_in(response)
        with app.app_context():
            assert count_topics() == 6

    def test_refuses_a_duplicate_next_to_the_existing_one(
        self, app, client, auth, world
    ):
        auth.sign_in_as("editor")
        response = client.post(
            "/topics/new", data={"name": "SANCTIONS", "parent_id": ""}
        )
        assert response.status_code == 200
        page = text_of(response)
        assert "is already recorded as" in page
        assert f'<a href="/topics/{world.sanctions}">Sanctions</a>' in page
        response = client.post(
            "/topics/new",
            data={"name": "transit", "parent_id": str(world.circumvention)},
        )
        assert "is already recorded as" in text_of(response)
        with app.app_context():
            assert count_topics() == 6

    def test_same_name_under_another_parent_is_a_different_topic(
        self, app, client, auth, world
    ):
        auth.sign_in_as("editor")
        response = client.post(
            "/topics/new",
            data={"name": "Monitoring", "parent_id": str(world.sanctions)},
        )
        assert response.status_code == 302
        with app.app_context():
            assert count_topics() == 7

    @pytest.mark.parametrize("parent", ["sanctions", "circumvention", "transit"])
    def test_refuses_a_cycle(self, app, client, auth, world, parent):
        auth.sign_in_as("editor")
        response = client.post(
            f"/topics/{world.sanctions}/edit",
            data={"name": "Sanctions", "parent_id": str(getattr(world, parent))},
        )
        assert response.status_code == 200
        assert (
            "A topic cannot be placed under itself or one of its own sub-topics."
            in errors_in(response)
        )
        with app.app_context():
            assert db.session.get(Topic, world.sanctions).parent_id is None

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("9999", "That topic no longer exists; choose another."),
            ("abc", "Choose a parent topic from the list."),
        ],
    )
    def test_refuses_an_unknown_parent(self, client, auth, world, value, message):
        auth.sign_in_as("editor")
        response = client.post(
            "/topics/new", data={"name": "Fresh", "parent_id": value}
        )
        assert message in errors_in(response)

    def test_edit_form_shows_its_parent_and_lists_no_topics(self, client, auth, world):
        auth.sign_in_as("editor")
        page = text_of(client.get(f"/topics/{world.transit}/edit"))
        assert 'value="Transit"' in page
        assert 'value="Sanctions &gt; Sanctions circumvention"' in page
        assert f'name="parent_id" type="hidden" value="{world.circumvention}"' in page
        assert "<option" not in page
        assert "Elections" not in page
        # Its own subtree is refused when typed, as when picked.
        response = client.post(
            f"/topics/{world.sanctions}/edit",
            data={"name": "Sanctions", "parent_name": "Transit", "parent_id": ""},
        )
        assert (
            "A topic cannot be placed under itself or one of its own sub-topics."
            in errors_in(response)
        )

    def test_edit_moves_and_renames(self, app, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            f"/topics/{world.transit}/edit",
            data={
                "name": "Transit routes",
                "parent_id": str(world.sanctions),
                "description": "Via third countries.",
            },
        )
        assert response.status_code == 302
        with app.app_context():
            topic = db.session.get(Topic, world.transit)
            assert topic.path == "Sanctions > Transit routes"
            assert topic.name_keys == "|transitroutes|"
            assert topic.description == "Via third countries."

    def test_edit_keeps_its_own_name(self, client, auth, world):
        auth.sign_in_as("editor")
        response = client.post(
            f"/topics/{world.sanctions}/edit",
            data={"name": "Sanctions", "parent_id": "", "description": "Updated."},
        )
        assert response.status_code == 302
