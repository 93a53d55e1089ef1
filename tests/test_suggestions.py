"""Name suggestions as a name is typed: /people, /organizations and /topics/suggest."""

from events_app.extensions import db
from events_app.input_rules import MAXIMUM_SEARCH_LENGTH


def add_records(app, make):
    """Matvei (public meeting), a restricted-only namesake, Viasna, a topic."""
    with app.app_context():
        matvei = make.person("Matvei Kupreichyk", other_names="Kupreychyk")
        hidden = make.person("Matvej Kupreičyk")
        viasna = make.organization("Viasna")
        topic = make.topic("Political prisoners", parent=make.topic("Repression"))
        make.meeting(participants=[(matvei, viasna, "participant")])
        make.meeting(
            title="Secret",
            confidentiality="restricted",
            participants=[(hidden, None, "participant")],
        )
        db.session.commit()
        return matvei.id, hidden.id, viasna.id, topic.id


def test_people_suggest_finds_any_spelling_as_json(app, make, client, auth):
    matvei_id, _, _, _ = add_records(app, make)
    auth.sign_in_as("viewer")

    for typed in ["Купрэйчык", "kupreichyk, matvei", "Matvei Kupr", "M. Kupreichik"]:
        response = client.get("/people/suggest", query_string={"q": typed})
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        first = response.json[0]
        assert set(first) == {"id", "name", "matched", "score", "url"}
        assert (first["id"], first["name"], first["url"]) == (
            matvei_id,
            "Matvei Kupreichyk",
            f"/people/{matvei_id}",
        )
        assert 0.86 <= first["score"] <= 1.0

    exact = client.get("/people/suggest?q=Kupreychyk").json[0]
    assert (exact["matched"], exact["score"]) == ("Kupreychyk", 1.0)


def test_a_restricted_only_person_is_never_suggested_to_a_viewer(
    app, make, client, auth
):
    matvei_id, hidden_id, _, _ = add_records(app, make)
    auth.sign_in_as("viewer")

    for typed in ["Matvej Kupreičyk", "Kupreichyk", "Kupr", "Матвей"]:
        found = client.get("/people/suggest", query_string={"q": typed}).json
        assert hidden_id not in [row["id"] for row in found]
        assert all("Matvej" not in str(row) for row in found)
    auth.sign_out()
    auth.sign_in_as("admin")
    found = client.get("/people/suggest?q=Matvej Kupreičyk").json
    assert {row["id"] for row in found} == {matvei_id, hidden_id}


def test_organizations_and_topics_suggest(app, make, client, auth):
    _, _, viasna_id, topic_id = add_records(app, make)
    auth.sign_in_as("viewer")

    viasna = client.get("/organizations/suggest?q=Вясна").json
    assert [(row["id"], row["url"]) for row in viasna] == [
        (viasna_id, f"/organizations/{viasna_id}")
    ]
    topics = client.get("/topics/suggest?q=politic").json
    assert [(row["id"], row["name"], row["url"]) for row in topics] == [
        (topic_id, "Repression > Political prisoners", f"/topics/{topic_id}")
    ]


def test_empty_and_overlong_queries(app, make, client, auth):
    add_records(app, make)
    auth.sign_in_as("viewer")

    for path in ["/people/suggest", "/organizations/suggest", "/topics/suggest"]:
        assert client.get(path).json == []
        assert client.get(path, query_string={"q": "   "}).json == []
        overlong = "Kupreichyk " * (MAXIMUM_SEARCH_LENGTH // 5)
        assert client.get(path, query_string={"q": overlong}).status_code == 200


def test_suggestions_need_signing_in(app, make, client):
    add_records(app, make)
    app.config["ANONYMOUS_ACCESS"] = True

    for path in ["/people/suggest", "/organizations/suggest", "/topics/suggest"]:
        response = client.get(path, query_string={"q": "Kupreichyk"})
        assert response.status_code in (302, 401)
        assert b"Kupreichyk" not in response.data


def test_indexes_find_a_record_by_any_spelling(app, make, client, auth):
    with app.app_context():
        lukashenka = make.person("Aliaksandr Lukashenka")
        make.person("Aliaksandr Lukashevich")
        hidden = make.person("Lukashenko, Viktar")
        viasna = make.organization("Viasna")
        make.topic("Political prisoners")
        make.meeting(participants=[(lukashenka, viasna, "participant")])
        make.meeting(
            confidentiality="restricted", participants=[(hidden, None, "participant")]
        )
        db.session.commit()
    auth.sign_in_as("viewer")

    page = client.get("/people?q=Лукашэнка").get_data(as_text=True)
    assert "Aliaksandr Lukashenka" in page
    assert "Lukashevich" not in page and "Viktar" not in page
    assert "Viasna" in client.get("/organizations?q=Вясна").get_data(as_text=True)
    assert "Political prisoners" in client.get("/topics?q=politycal").get_data(
        as_text=True
    )
