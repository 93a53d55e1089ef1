"""Duplicates and merge (issue 9 item 3): listing likely pairs, "not the same",
merging two people or organizations with a preview, undoing it, and the rule
that nothing hidden from the merging user is revealed or moved."""

import re

from sqlalchemy import func, select

from events_app.directory.names import split_other_names
from events_app.extensions import db
from events_app.models import (
    AuditEvent,
    DirectoryMerge,
    Meeting,
    Organization,
    Outcome,
    Participation,
    Person,
)
from events_app.models.feeds import current_data_stamp


def participations_of(person_id: int) -> list[tuple[int, str]]:
    return sorted(
        db.session.execute(
            select(Participation.meeting_id, Participation.role).where(
                Participation.person_id == person_id
            )
        ).all()
    )


def two_kupreichyks(make):
    """A pair created before this change: two records of one man, each in meetings."""
    first = make.person("Matvei Kupreichyk", notes="Journalist.")
    second = make.person(
        "Matvej Kupreichyk", other_names="Купрэйчык", notes="Met in Vilnius."
    )
    one = make.meeting("Briefing one", participants=[(first, None, "participant")])
    two = make.meeting("Briefing two", participants=[(second, None, "speaker")])
    both = make.meeting(
        "Round table",
        participants=[(first, None, "participant"), (second, None, "speaker")],
    )
    two.outcomes.append(Outcome(text="Send the report", owner_person=second))
    db.session.commit()
    return first.id, second.id, one.id, two.id, both.id


def test_duplicates_page_lists_an_old_pair_and_not_the_same_hides_it(
    client, auth, make
):
    first_id, second_id, *_ = two_kupreichyks(make)
    make.person("Anna Nowak")
    auth.sign_in_as("editor")

    page = client.get("/people/duplicates").get_data(as_text=True)
    assert "Matvei Kupreichyk" in page and "Matvej Kupreichyk" in page
    assert "Anna Nowak" not in page
    assert f"/people/{first_id}/merge/{second_id}" in page

    response = client.post(f"/people/{second_id}/not-same/{first_id}")
    assert response.status_code == 302
    page = client.get("/people/duplicates").get_data(as_text=True)
    assert f"/people/{first_id}/merge/{second_id}" not in page
    assert "No likely duplicates" in page


def test_merge_preview_then_merge_leaves_one_person_with_every_meeting_and_undo(
    app, client, auth, make
):
    first_id, second_id, one_id, two_id, both_id = two_kupreichyks(make)
    stamp_before = current_data_stamp()
    auth.sign_in_as("editor")

    preview = client.get(f"/people/{first_id}/merge/{second_id}").get_data(as_text=True)
    assert "<li>2 participations</li>" not in preview  # one moves, one is dropped
    assert "<li>1 participation</li>" in preview
    assert "<li>1 outcome owned</li>" in preview
    assert "Matvej Kupreichyk; Купрэйчык" in preview
    assert db.session.get(Person, second_id) is not None  # a preview writes nothing

    response = client.post(f"/people/{first_id}/merge/{second_id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, second_id) is None
    kept = db.session.get(Person, first_id)
    assert kept.other_names.splitlines() == ["Matvej Kupreichyk", "Купрэйчык"]
    assert kept.notes == "Journalist.\n\nMet in Vilnius."
    assert participations_of(first_id) == sorted(
        [(one_id, "participant"), (two_id, "speaker"), (both_id, "participant")]
    )
    assert db.session.scalar(select(Outcome.owner_person_id)) == first_id
    page = client.get(f"/people/{first_id}").get_data(as_text=True)
    for title in ("Briefing one", "Briefing two", "Round table"):
        assert title in page
    assert current_data_stamp() != stamp_before  # feeds' validators move
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "merge_person")
    )
    assert event.details["removed"] == second_id
    assert sorted(event.details["meetings"]) == sorted([two_id, both_id])
    # The removed record's names now find the kept one.
    assert "Matvei Kupreichyk" in client.get("/people?q=Купрэйчык").get_data(
        as_text=True
    )

    merge_id = db.session.scalar(select(DirectoryMerge.id))
    assert "Undo the merge" in client.get(f"/merges/{merge_id}").get_data(as_text=True)
    response = client.post(f"/merges/{merge_id}/undo")
    assert response.status_code == 302
    db.session.expire_all()
    restored = db.session.get(Person, second_id)
    assert restored.display_name == "Matvej Kupreichyk"
    assert restored.other_names == "Купрэйчык"
    assert restored.notes == "Met in Vilnius."
    kept = db.session.get(Person, first_id)
    assert kept.other_names == "" and kept.notes == "Journalist."
    assert participations_of(first_id) == sorted(
        [(one_id, "participant"), (both_id, "participant")]
    )
    assert participations_of(second_id) == sorted(
        [(two_id, "speaker"), (both_id, "speaker")]
    )
    assert db.session.scalar(select(Outcome.owner_person_id)) == second_id
    assert "Briefing two" in client.get(f"/people/{second_id}").get_data(as_text=True)
    # Undone once only.
    client.post(f"/merges/{merge_id}/undo")
    assert db.session.scalar(select(func.count()).select_from(Person)) == 2


def test_merge_keeps_the_restricted_mark(client, auth, make):
    kept_id = make.person("Ales Bialiatski").id
    removed_id = make.person("Ales Beliatsky", restricted=True).id
    auth.sign_in_as("admin")
    client.post(f"/people/{kept_id}/merge/{removed_id}")
    db.session.expire_all()
    assert db.session.get(Person, kept_id).restricted is True


def test_merging_organizations_moves_their_people_and_participations(
    client, auth, make
):
    kept = make.organization("Viasna Human Rights Centre")
    removed = make.organization("Viasna Human Rights Center", short_name="Viasna")
    member = make.person("Nasta Loika", organization=removed)
    meeting = make.meeting(participants=[(None, removed, "participant")])
    make.meeting(
        "Both there",
        participants=[(None, kept, "participant"), (None, removed, "speaker")],
    )
    ids = kept.id, removed.id, member.id, meeting.id
    auth.sign_in_as("editor")
    preview = client.get(f"/organizations/{ids[0]}/merge/{ids[1]}")
    assert "1 person whose usual organization it is" in preview.get_data(as_text=True)
    client.post(f"/organizations/{ids[0]}/merge/{ids[1]}")
    db.session.expire_all()
    assert db.session.get(Organization, ids[1]) is None
    kept = db.session.get(Organization, ids[0])
    assert kept.short_name == "Viasna"
    assert "Viasna Human Rights Center" in kept.other_names
    assert db.session.get(Person, ids[2]).organization_id == ids[0]
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 2
    auth.sign_out()
    auth.sign_in_as("admin")
    audit = client.get("/audit").get_data(as_text=True)
    merge_id = db.session.scalar(select(DirectoryMerge.id))
    assert f"/merges/{merge_id}" in audit
    client.post(f"/merges/{merge_id}/undo")
    db.session.expire_all()
    assert db.session.get(Organization, ids[1]).short_name == "Viasna"
    assert db.session.get(Organization, ids[0]).short_name == ""
    assert db.session.get(Person, ids[2]).organization_id == ids[1]
    assert sorted(
        db.session.scalars(select(Participation.organization_id)).all()
    ) == sorted([ids[0], ids[1], ids[1]])


def test_organizations_duplicates_lists_spellings_in_two_scripts(client, auth, make):
    latin = make.organization("Human Rights Centre Viasna")
    cyrillic = make.organization("Human Rights Centre Вясна")
    make.organization("Belarusian Investigative Center")
    auth.sign_in_as("editor")
    page = client.get("/organizations/duplicates").get_data(as_text=True)
    assert f"/organizations/{latin.id}/merge/{cyrillic.id}" in page
    assert "Belarusian Investigative Center" not in page


def test_a_pair_with_a_hidden_record_is_never_listed_nor_merged(client, auth, make):
    editor = make.user("editor@example.org", "editor")
    visible = make.person("Matvei Kupreichyk")
    hidden = make.person("Matvej Kupreichyk")
    in_open_and_closed = make.person("Matviej Kupreichyk")
    make.meeting("Open", participants=[(visible, None, "participant")])
    make.meeting("Open too", participants=[(in_open_and_closed, None, "participant")])
    make.meeting(
        "Closed",
        confidentiality="restricted",
        participants=[
            (hidden, None, "participant"),
            (in_open_and_closed, None, "speaker"),
        ],
    )
    ids = visible.id, hidden.id, in_open_and_closed.id
    assert editor.role == "editor"
    auth.sign_in_as("editor")

    page = client.get("/people/duplicates").get_data(as_text=True)
    assert "Matvej Kupreichyk" not in page and f"/{ids[1]}/" not in page
    assert "Matviej Kupreichyk" in page  # visible, but in a meeting hidden from them
    assert client.get(f"/people/{ids[0]}/merge/{ids[1]}").status_code == 404
    assert client.post(f"/people/{ids[0]}/merge/{ids[1]}").status_code == 404
    assert client.post(f"/people/{ids[1]}/merge/{ids[0]}").status_code == 404
    assert client.post(f"/people/{ids[0]}/not-same/{ids[1]}").status_code == 404
    assert client.get(f"/people/{ids[0]}/merge/{ids[2]}").status_code == 403
    assert client.post(f"/people/{ids[0]}/merge/{ids[2]}").status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 3
    assert db.session.scalar(select(func.count()).select_from(DirectoryMerge)) == 0

    # An admin may; the merge page and undo then stay out of the editor's reach.
    auth.sign_out()
    auth.sign_in_as("admin")
    assert client.post(f"/people/{ids[0]}/merge/{ids[2]}").status_code == 302
    merge_id = db.session.scalar(select(DirectoryMerge.id))
    auth.sign_out()
    auth.sign_in_as("editor")
    assert client.get(f"/merges/{merge_id}").status_code == 404
    assert client.post(f"/merges/{merge_id}/undo").status_code == 404
    assert "Matviej" not in client.get("/people/merges").get_data(as_text=True)
    assert db.session.scalar(select(Meeting.id).where(Meeting.title == "Closed"))


def test_viewers_may_not_merge(client, auth, make):
    first_id, second_id, *_ = two_kupreichyks(make)
    auth.sign_in_as("viewer")
    assert client.get("/people/duplicates").status_code == 403
    assert client.post(f"/people/{first_id}/merge/{second_id}").status_code == 403


def test_undo_works_after_the_kept_record_was_merged_away_since(client, auth, make):
    """A into B, then B into C: undoing the first merge brings A back from C."""
    first_id, second_id, one_id, two_id, both_id = two_kupreichyks(make)
    third = make.person("M. Kupreichyk", notes="Photographer.")
    three = make.meeting("Briefing three", participants=[(third, None, "guest")])
    db.session.commit()
    third_id, three_id = third.id, three.id
    auth.sign_in_as("editor")

    client.post(f"/people/{first_id}/merge/{second_id}")  # Matvej into Matvei
    first_merge = db.session.scalar(
        select(DirectoryMerge.id).where(DirectoryMerge.removed_id == second_id)
    )
    client.post(f"/people/{third_id}/merge/{first_id}")  # Matvei into M.
    db.session.expire_all()
    assert db.session.get(Person, first_id) is None

    page = client.get(f"/merges/{first_merge}").get_data(as_text=True)
    assert "was itself merged into M. Kupreichyk since" in page
    assert "Matvej Kupreichyk into M. Kupreichyk" in client.get(
        "/people/merges"
    ).get_data(as_text=True)
    response = client.post(f"/merges/{first_merge}/undo")
    assert response.status_code == 302
    db.session.expire_all()
    restored = db.session.get(Person, second_id)
    assert restored.display_name == "Matvej Kupreichyk"
    assert restored.other_names == "Купрэйчык"
    assert participations_of(second_id) == sorted(
        [(two_id, "speaker"), (both_id, "speaker")]
    )
    assert db.session.scalar(select(Outcome.owner_person_id)) == second_id
    holder = db.session.get(Person, third_id)
    assert holder.other_names.splitlines() == ["Matvei Kupreichyk"]
    assert holder.notes == "Photographer.\n\nJournalist."
    assert participations_of(third_id) == sorted(
        [(one_id, "participant"), (both_id, "participant"), (three_id, "guest")]
    )

    # The later merge can still be undone: Matvei comes back without Matvej.
    second_merge = db.session.scalar(
        select(DirectoryMerge.id).where(DirectoryMerge.removed_id == first_id)
    )
    client.post(f"/merges/{second_merge}/undo")
    db.session.expire_all()
    matvei = db.session.get(Person, first_id)
    assert matvei.other_names == "" and matvei.notes == "Journalist."
    assert participations_of(first_id) == sorted(
        [(one_id, "participant"), (both_id, "participant")]
    )
    assert participations_of(third_id) == [(three_id, "guest")]
    assert db.session.get(Person, third_id).other_names == ""


def test_a_merge_past_the_limit_of_other_names_waits_and_drops_no_name(
    client, auth, make
):
    """A merge never drops a name nor leaves a record its own form refuses: past
    the limit of other names it is refused, saying what to do, until names are
    removed from either record; then every name is kept and the form saves."""
    kept_names = [f"Kupreichyk Alias{number}" for number in range(48)]
    kept_id = make.person("Matvei Kupreichyk", other_names="\n".join(kept_names)).id
    removed_names = ["Kupreichyk Alias99", "Kupreychyk Alias99", "Купрэйчык"]
    removed_id = make.person(
        "Matvej Kupreichyk", other_names="\n".join(removed_names)
    ).id
    db.session.commit()
    auth.sign_in_as("editor")

    preview = client.get(f"/people/{kept_id}/merge/{removed_id}")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert (
        "Not possible yet: Matvei Kupreichyk would have 52 other names, and a "
        "record keeps at most 50. A merge drops no name: remove 2 or more from "
        "either record first, then merge."
    ) in page
    assert f'action="/people/{kept_id}/merge/{removed_id}"' not in page
    assert f'href="/people/{removed_id}/edit"' in page
    assert f'href="/people/{kept_id}/edit"' in page

    refused = client.post(f"/people/{kept_id}/merge/{removed_id}")
    assert refused.status_code == 409
    assert "Not possible yet" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, removed_id) is not None
    assert db.session.get(Person, kept_id).other_names.splitlines() == kept_names
    assert db.session.scalar(select(func.count()).select_from(DirectoryMerge)) == 0

    # Two names fewer on the removed record: the merge goes through, keeping
    # every name left, and the kept record still saves through its form.
    client.post(
        f"/people/{removed_id}/edit",
        data={"display_name": "Matvej Kupreichyk", "other_names": "Купрэйчык"},
    )
    response = client.post(f"/people/{kept_id}/merge/{removed_id}")
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Person, kept_id)
    other_names = kept.other_names.splitlines()
    assert other_names == [*kept_names, "Matvej Kupreichyk", "Купрэйчык"]
    response = client.post(
        f"/people/{kept_id}/edit",
        data={"display_name": kept.display_name, "other_names": kept.other_names},
    )
    assert response.status_code == 302


def test_the_issue_walk_on_the_demo_data_without_javascript(app, client, auth, make):
    """Issue 9's "Done when", as a new user of a fresh install (its admin) on the
    demo data, with forms only: three spellings each asked "Did you mean Matvei
    Kupreichyk?", accepted and kept as other names; a pair made before name
    checks existed listed as likely duplicates, merged into one person whose
    page shows every meeting of both, and the merge undone."""
    from tests.test_did_you_mean import (
        SPELLINGS,
        count,
        demo_kupreichyk,
        participants,
    )

    matvei = demo_kupreichyk(app)
    matvei_id = matvei.id
    people = count(Person)
    auth.sign_in_as("admin")

    asked = client.post("/meetings/new", data=participants(*SPELLINGS))
    page = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert page.count("Did you mean Matvei Kupreichyk") == len(SPELLINGS)
    answers = {}
    for index in range(len(SPELLINGS)):
        answers[f"participants-{index}-person_choice"] = f"person-{matvei_id}"
        answers[f"participants-{index}-person_keep_spelling"] = "y"
    saved = client.post("/meetings/new", data=participants(*SPELLINGS, **answers))
    assert saved.status_code == 302
    assert count(Person) == people
    kept_names = split_other_names(db.session.get(Person, matvei_id).other_names)
    assert all(spelling in kept_names for spelling in SPELLINGS)
    new_title = db.session.scalar(select(Meeting.title).order_by(Meeting.id.desc()))

    # A record of the same man made the old way (no question asked then: the
    # factories write the table directly), with a meeting of its own.
    old = make.person("Matsvei Kupreichik", notes="Met in Vilnius.")
    make.meeting("Briefing in Vilnius", participants=[(old, None, "speaker")])
    old_id = old.id
    page = client.get("/people/duplicates").get_data(as_text=True)
    assert "Matsvei Kupreichik" in page
    assert f"/people/{matvei_id}/merge/{old_id}" in page

    preview = client.get(f"/people/{matvei_id}/merge/{old_id}")
    assert "<li>1 participation</li>" in preview.get_data(as_text=True)
    merged = client.post(f"/people/{matvei_id}/merge/{old_id}")
    assert merged.status_code == 302
    assert client.get(f"/people/{old_id}").status_code == 404
    page = client.get(f"/people/{matvei_id}").get_data(as_text=True)
    demo_titles = [
        "Alliance for a Democratic Belarus: third meeting",
        "Closed briefing at the French Ministry of Foreign Affairs",
    ]
    for title in [*demo_titles, new_title, "Briefing in Vilnius"]:
        assert title in page, title
    assert "Matsvei Kupreichik" in page  # now one of his other names

    merge_page = client.get(merged.headers["Location"]).get_data(as_text=True)
    undo = re.search(r'action="(/merges/\d+/undo)"', merge_page)[1]
    assert client.post(undo).status_code == 302
    page = client.get(f"/people/{old_id}").get_data(as_text=True)
    assert "Matsvei Kupreichik" in page and "Briefing in Vilnius" in page
    page = client.get(f"/people/{matvei_id}").get_data(as_text=True)
    assert "Briefing in Vilnius" not in page
    for title in [*demo_titles, new_title]:
        assert title in page, title
    assert count(Person) == people + 1


def test_undo_waits_while_another_record_holds_the_removed_name(client, auth, make):
    """After a merge the removed record's name is free: a record given it since
    would share it with the restored one (its form would refuse it), so the undo
    says which record to rename first, and goes once it is."""
    kept_id = make.person("Matvei Kupreichyk").id
    removed_id = make.person("Matvej Kupreichyk", other_names="Купрэйчык").id
    auth.sign_in_as("editor")
    merged = client.post(f"/people/{kept_id}/merge/{removed_id}")
    merge_page = merged.headers["Location"]
    client.post(
        f"/people/{kept_id}/edit",
        data={"display_name": "Matvei Kupreichyk", "other_names": "Купрэйчык"},
    )
    client.post(
        "/people/new", data={"display_name": "Matvej Kupreichyk", "name_choice": "new"}
    )
    db.session.expire_all()
    newcomer_id = db.session.scalar(
        select(Person.id).where(Person.display_name == "Matvej Kupreichyk")
    )
    people = db.session.scalar(select(func.count()).select_from(Person))

    page = client.get(merge_page).get_data(as_text=True)
    assert (
        f'“Matvej Kupreichyk” is now the name of <a href="/people/{newcomer_id}">'
        "Matvej Kupreichyk</a>: rename that record, or merge it into Matvei "
        "Kupreichyk, then undo this merge."
    ) in page
    assert "Undo the merge" not in page
    undo = merge_page + "/undo"
    refused = client.post(undo, follow_redirects=True).get_data(as_text=True)
    assert "rename that record" in refused
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == people
    assert db.session.scalar(select(DirectoryMerge.undone_at)) is None

    client.post(
        f"/people/{newcomer_id}/edit", data={"display_name": "Matvej Kupreichyk Jr"}
    )
    assert client.post(undo).status_code == 302
    db.session.expire_all()
    restored = db.session.scalar(
        select(Person).where(Person.display_name == "Matvej Kupreichyk")
    )
    assert restored is not None and restored.id != newcomer_id
    assert db.session.get(Person, kept_id).other_names == ""
    assert restored.other_names == "Купрэйчык"


def test_undo_waiting_on_a_hidden_record_neither_names_nor_links_it(client, auth, make):
    kept_id = make.person("Matvei Kupreichyk").id
    removed_id = make.person("Matvej Kupreichyk").id
    auth.sign_in_as("editor")
    merge_page = client.post(f"/people/{kept_id}/merge/{removed_id}").headers[
        "Location"
    ]
    client.post(f"/people/{kept_id}/edit", data={"display_name": "Matvei Kupreichyk"})
    hidden = make.person("Matvej Kupreichyk", notes="Source.")
    make.meeting(
        "Closed", confidentiality="restricted", participants=[(hidden, None, "guest")]
    )
    hidden_id = hidden.id

    page = client.get(merge_page).get_data(as_text=True)
    assert (
        "“Matvej Kupreichyk” is now the name of a record you may not see, so this "
        "merge cannot be undone yet; ask an administrator."
    ) in page
    assert f"/people/{hidden_id}" not in page and "Undo the merge" not in page
    client.post(merge_page + "/undo")
    db.session.expire_all()
    assert db.session.scalar(select(DirectoryMerge.undone_at)) is None
