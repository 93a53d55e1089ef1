"""The history's person, organization and topic filters typed as names, without
JavaScript (issue 10, item 2; issue 9's "person filter by any spelling")."""

import re

import pytest


@pytest.fixture
def world(make):
    kupreichyk = make.person("Matvei Kupreichyk", other_names="Kupreychyk\nКупрэйчык")
    kupreichik = make.person("Matvei Kupreichik")
    center = make.organization(
        "Belarusian Investigative Center", short_name="BIC", other_names="БРЦ"
    )
    sanctions = make.topic("Sanctions")
    circumvention = make.topic("Circumvention", parent=sanctions)
    elections = make.topic("Elections")
    elections_in_exile = make.topic("Elections", parent=make.topic("Exile"))
    make.meeting(
        "With Kupreichyk",
        participants=[(kupreichyk, center, "speaker")],
        topics=[(circumvention, "Transit")],
    )
    make.meeting(
        "With Kupreichik",
        kind="call",
        participants=[(kupreichik, None, "participant")],
        topics=[(elections_in_exile, "")],
    )
    make.meeting("Only elections", topics=[(elections, "")])
    make.user()
    return {
        "kupreichyk": kupreichyk.id,
        "kupreichik": kupreichik.id,
        "center": center.id,
        "sanctions": sanctions.id,
        "elections": elections.id,
        "elections_in_exile": elections_in_exile.id,
    }


def titles(page: str) -> list[str]:
    return re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', page)


def field_value(page: str, name: str) -> str:
    return re.search(rf'id="{name}" name="{name}" type="\w+" value="([^"]*)"', page)[1]


def test_another_spelling_sets_the_filter_and_the_field_shows_the_name(client, world):
    # The form sends every field: empty ones, the typed name, an empty id.
    response = client.get("/meetings?q=&person_name=Купрэйчык&person=&kind=")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings?person={world['kupreichyk']}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert titles(page) == ["With Kupreichyk"]
    assert field_value(page, "person_name") == "Matvei Kupreichyk"
    assert field_value(page, "person") == str(world["kupreichyk"])


def test_links_by_id_keep_working_and_show_names(client, world):
    page = client.get(
        f"/meetings?organization={world['center']}&topic={world['sanctions']}"
    ).get_data(as_text=True)
    assert titles(page) == ["With Kupreichyk"]  # Circumvention is under Sanctions
    assert field_value(page, "organization_name") == "Belarusian Investigative Center"
    assert field_value(page, "topic_name") == "Sanctions"
    assert '<select id="person"' not in page and "Anyone</option>" not in page


@pytest.mark.parametrize("typed", ["BIC", "брц", "belarusian investigative center"])
def test_an_organization_by_any_of_its_names(client, world, typed):
    response = client.get(f"/meetings?organization_name={typed}")
    assert response.headers["Location"] == f"/meetings?organization={world['center']}"


def test_a_topic_by_its_path_or_its_own_name(client, world):
    by_path = client.get("/meetings?topic_name=Sanctions > Circumvention")
    assert by_path.status_code == 302
    page = client.get(by_path.headers["Location"]).get_data(as_text=True)
    assert field_value(page, "topic_name") == "Sanctions &gt; Circumvention"
    by_name = client.get("/meetings?topic_name=sanctions")
    assert by_name.headers["Location"] == f"/meetings?topic={world['sanctions']}"


def test_several_matches_are_listed_to_pick_from(client, world):
    page = client.get("/meetings?person_name=Kupreich&kind=call&person=")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Several match “Kupreich”" in text
    for person in ("kupreichyk", "kupreichik"):
        assert f'href="/meetings?kind=call&amp;person={world[person]}"' in text
    assert "(also Kupreychyk, Купрэйчык)" in text
    assert field_value(text, "person_name") == "Kupreich"
    # The other filters still apply; the unresolved name does not.
    assert titles(text) == ["With Kupreichik"]


def test_two_topics_of_one_name_are_told_apart_by_path(client, world):
    text = client.get("/meetings?topic_name=Elections").get_data(as_text=True)
    assert f'href="/meetings?topic={world["elections"]}">Elections</a>' in text
    assert (
        f'href="/meetings?topic={world["elections_in_exile"]}">Exile &gt; Elections</a>'
        in text
    )
    # A suggestion picked in the browser sends the id along: it decides.
    chosen = client.get(
        f"/meetings?topic_name=Elections&topic={world['elections_in_exile']}"
    )
    assert (
        chosen.headers["Location"] == f"/meetings?topic={world['elections_in_exile']}"
    )


def test_a_likely_spelling_is_offered_not_applied(client, world):
    text = client.get("/meetings?organization_name=Belarusan Investigative Center")
    page = text.get_data(as_text=True)
    assert text.status_code == 200
    assert "Did you mean this organization?" in page
    assert f'href="/meetings?organization={world["center"]}"' in page
    assert len(titles(page)) == 3


def test_no_match_says_so_next_to_the_field(client, world):
    page = client.get("/meetings?person_name=Nobody+Known").get_data(as_text=True)
    assert 'id="person-message">No person you may see is named “Nobody Known”.' in page
    assert 'aria-describedby="person-message"' in page
    assert len(titles(page)) == 3


def test_the_typed_name_decides_over_a_stale_id(client, world):
    # Without JavaScript the hidden id keeps the previous choice while a new
    # name is typed, or the field is emptied.
    retyped = client.get(
        f"/meetings?person_name=Matvei Kupreichik&person={world['kupreichyk']}"
    )
    assert retyped.headers["Location"] == f"/meetings?person={world['kupreichik']}"
    emptied = client.get(f"/meetings?person_name=&person={world['kupreichyk']}")
    assert emptied.headers["Location"] == "/meetings"


def test_an_unknown_or_malformed_id_is_reported_next_to_the_field(client, world):
    for value in ("99999", "abc"):
        page = client.get(f"/meetings?person={value}").get_data(as_text=True)
        assert 'id="person-message">Unknown person.</p>' in page


def test_a_very_long_typed_name_is_cut_not_an_error(client, world):
    page = client.get("/meetings?topic_name=" + "Sanctions " * 2000)
    assert page.status_code == 200
    assert "No topic you may see is named" in page.get_data(as_text=True)


def test_a_person_by_a_spelling_never_stored_is_offered(client, make, world):
    """Issue 9 item 4: the person filter finds a record by any spelling, even
    one no record holds (a likely match is offered, one click applies it)."""
    lukashenka = make.person("Aliaksandr Lukashenka")
    make.meeting("With Lukashenka", participants=[(lukashenka, None, "guest")])
    for typed in ("Лукашэнка", "Lukashenko, Aleksandr", "A. Lukashenka"):
        response = client.get("/meetings", query_string={"person_name": typed})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, typed
        assert "Did you mean this person?" in page, typed
        assert f'href="/meetings?person={lukashenka.id}"' in page, typed
    assert titles(
        client.get(f"/meetings?person={lukashenka.id}").get_data(as_text=True)
    ) == ["With Lukashenka"]
