"""Duplicates and merges: two records of one person (or organization) made one.

A merge keeps one record and removes the other: every participation and
outcome of the removed record (and, for organizations, every person whose usual
organization it was) moves to the kept one; every name of the removed record
becomes another name of the kept one; its notes are appended; the kept record is
restricted if either was. Where both records took part in the same meeting, the
removed record's row is dropped (one participant per meeting). All of it is one
transaction, audited, and stored in a `DirectoryMerge` row so that `undo_merge`
puts both records and every link back, even after the kept record was itself
merged into another since (its links and names then come back from that one).
A merge never drops a name, and never leaves a record its own form would refuse
to save: when the kept record would pass the forms' limit of other names
(`OTHER_NAMES_MAX_COUNT`), the merge is refused (`MergePlan.names_over_limit`)
until some names are removed from either record.

Who may merge: editors, only two records they may see whose every meeting
(trash included) they may read, and, for organizations, whose people they may
all see; otherwise admins only (`merge_refusal`). So a merge never reveals or
moves what the user may not see. Meetings keep their revisions: like a rename,
a merge changes the names meetings show now (feeds see a new data version), and
an old revision restored later links the removed record's name to the kept
record, which carries it as another name.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort
from sqlalchemy import select, update

from events_app.audit import acting_user, record_event
from events_app.directory.likeness import LikelyPair, likely_pairs, record_names
from events_app.directory.lookup import records_named
from events_app.directory.names import (
    OTHER_NAMES_MAX_COUNT,
    name_key,
    split_other_names,
)
from events_app.extensions import db
from events_app.models import (
    DirectoryMerge,
    Meeting,
    NotSamePair,
    Organization,
    Outcome,
    Participation,
    Person,
    User,
)
from events_app.models.meetings import utc_now
from events_app.visibility import (
    readable_meeting_clause,
    visible_confidentialities_for,
    visible_people_for,
    visible_record_or_404,
    visible_records_for,
)


@dataclass(frozen=True)
class Kind:
    """What differs between merging people and merging organizations."""

    name: str
    model: type
    # (link model, column name) of the meeting rows pointing at a record.
    meeting_links: tuple[tuple[type, str], ...]
    # Columns of the kept record taken from the removed one when empty.
    filled_columns: tuple[str, ...]


PERSON = Kind(
    "person",
    Person,
    ((Participation, "person_id"), (Outcome, "owner_person_id")),
    ("title", "organization_id"),
)
ORGANIZATION = Kind(
    "organization",
    Organization,
    ((Participation, "organization_id"), (Outcome, "owner_organization_id")),
    ("short_name", "country"),
)
KINDS = {kind.name: kind for kind in (PERSON, ORGANIZATION)}
KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}

# Other rows moved with an organization: people whose usual organization it is.
ORGANIZATION_PEOPLE = (Person, "organization_id")


def _links(kind: Kind) -> tuple[tuple[type, str], ...]:
    if kind is ORGANIZATION:
        return (*kind.meeting_links, ORGANIZATION_PEOPLE)
    return kind.meeting_links


def _table_key(model) -> str:
    return model.__tablename__


# --- Duplicates --------------------------------------------------------------


def _not_same_keys(kind: Kind) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(NotSamePair.first_id, NotSamePair.second_id).where(
            NotSamePair.kind == kind.name
        )
    )
    return {(first, second) for first, second in rows}


def duplicate_pairs(kind: Kind, user, limit: int = 200) -> list[LikelyPair]:
    """Likely pairs among records the user may see, best first, minus "not the same"."""
    hidden = _not_same_keys(kind)
    pairs = likely_pairs(
        kind.model,
        among=visible_records_for(user, kind.model),
        limit=limit + len(hidden),
    )
    return [
        pair for pair in pairs if _ordered(pair.first.id, pair.second.id) not in hidden
    ][:limit]


def _ordered(first_id: int, second_id: int) -> tuple[int, int]:
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def mark_not_same(kind: Kind, first, second) -> None:
    """Remember that two records are different (committed by the caller)."""
    first_id, second_id = _ordered(first.id, second.id)
    already = db.session.scalar(
        select(NotSamePair.id).where(
            NotSamePair.kind == kind.name,
            NotSamePair.first_id == first_id,
            NotSamePair.second_id == second_id,
        )
    )
    if already is not None:
        return
    actor = acting_user()
    db.session.add(
        NotSamePair(
            kind=kind.name,
            first_id=first_id,
            second_id=second_id,
            marked_by_id=actor.id if actor is not None else None,
        )
    )
    record_event(
        f"not_same_{kind.name}",
        target_type=kind.name,
        target_id=first_id,
        summary=f"Marked {first.label} and {second.label} as not the same",
        details={"ids": [first_id, second_id]},
    )


# --- Who may merge -----------------------------------------------------------


def _meetings_of(kind: Kind, record_ids: list[int]):
    """A select of the ids of every meeting (trash included) the records appear in."""
    selects = [
        select(link.meeting_id).where(getattr(link, column).in_(record_ids))
        for link, column in kind.meeting_links
    ]
    return selects[0].union(*selects[1:])


def merge_refusal(user, kind: Kind, records: list) -> str | None:
    """Why the user may not merge these (visible) records; None if they may.

    Admins may always. Editors may only if no meeting either record appears in
    is hidden from them and (organizations) every person of either is visible.
    """
    if visible_confidentialities_for(user) is None:
        return None
    record_ids = [record.id for record in records]
    hidden_meeting = db.session.scalar(
        select(Meeting.id)
        .where(
            Meeting.id.in_(_meetings_of(kind, record_ids)),
            ~readable_meeting_clause(user),
        )
        .limit(1)
    )
    hidden_person = None
    if kind is ORGANIZATION:
        visible_ids = visible_people_for(user).with_only_columns(Person.id)
        hidden_person = db.session.scalar(
            select(Person.id)
            .where(Person.organization_id.in_(record_ids), ~Person.id.in_(visible_ids))
            .limit(1)
        )
    if hidden_meeting is None and hidden_person is None:
        return None
    return (
        "One of these records appears where you may not see it: only an "
        "administrator can merge them."
    )


def records_to_merge_or_abort(user, kind: Kind, kept_id: int, removed_id: int):
    """The two records if the user may merge them: 404 if either is hidden, else 403."""
    if kept_id == removed_id:
        abort(404)
    kept = visible_record_or_404(user, kind.model, kept_id)
    removed = visible_record_or_404(user, kind.model, removed_id)
    if merge_refusal(user, kind, [kept, removed]) is not None:
        abort(403)
    return kept, removed


# --- Merge -------------------------------------------------------------------


@dataclass
class MergePlan:
    """What a merge would do: shown as the preview, then carried out as is."""

    kind: Kind
    kept: object
    removed: object
    moved: dict[str, list]  # table name -> rows moving to the kept record
    dropped: list[Participation]  # rows of meetings both records took part in
    added_names: list[str]
    # How many other names the kept record would have after the merge.
    other_names_count: int
    notes: str
    restricted: bool
    filled: dict[str, object]

    @property
    def names_over_limit(self) -> int:
        """Other names past the forms' limit the merge would leave: 0 if it may go.

        Dropping names would lose a spelling that finds the record, and a record
        past the limit could not be saved through its form again, so the merge
        waits until names are removed from either record.
        """
        return max(0, self.other_names_count - OTHER_NAMES_MAX_COUNT)

    @property
    def meetings(self) -> set[int]:
        rows = [*self.moved.get("participation", []), *self.moved.get("outcome", [])]
        return {row.meeting_id for row in [*rows, *self.dropped]}


def _rows_pointing_at(link, column: str, record_id: int) -> list:
    return list(
        db.session.scalars(
            select(link).where(getattr(link, column) == record_id).order_by(link.id)
        )
    )


def _same_participation(kind: Kind, row: Participation, kept_rows) -> bool:
    """Whether the kept record already takes part in this row's meeting, as this row."""
    for kept_row in kept_rows:
        if kept_row.meeting_id != row.meeting_id:
            continue
        if kind is PERSON or kept_row.person_id == row.person_id:
            return True
    return False


def _added_names(kept, removed) -> list[str]:
    """Names of the removed record that the kept one does not already have."""
    known = {name_key(name) for name in record_names(kept)}
    added = []
    for name in record_names(removed):
        if name_key(name) and name_key(name) not in known:
            known.add(name_key(name))
            added.append(name)
    return added


def plan_merge(kind: Kind, kept, removed) -> MergePlan:
    """What merging `removed` into `kept` would move, drop and change."""
    moved: dict[str, list] = {}
    dropped: list[Participation] = []
    for link, column in _links(kind):
        rows = _rows_pointing_at(link, column, removed.id)
        if link is Participation:
            kept_rows = _rows_pointing_at(link, column, kept.id)
            dropped = [row for row in rows if _same_participation(kind, row, kept_rows)]
            rows = [row for row in rows if row not in dropped]
        moved.setdefault(_table_key(link), []).extend(rows)
    filled = {
        column: getattr(removed, column)
        for column in kind.filled_columns
        if not getattr(kept, column) and getattr(removed, column)
    }
    added_names = _added_names(kept, removed)
    if kind is ORGANIZATION and "short_name" in filled:
        added_names = [name for name in added_names if name != filled["short_name"]]
    other_names_count = len(split_other_names(kept.other_names)) + len(added_names)
    notes = (
        "\n\n".join(text for text in (kept.notes, removed.notes) if text)
        if (kind is PERSON)
        else ""
    )
    return MergePlan(
        kind=kind,
        kept=kept,
        removed=removed,
        moved=moved,
        dropped=dropped,
        added_names=added_names,
        other_names_count=other_names_count,
        notes=notes,
        restricted=kept.restricted or removed.restricted,
        filled=filled,
    )


def _as_json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _columns(record) -> dict:
    """Every column of a row, JSON-ready."""
    return {
        column.key: _as_json(getattr(record, column.key))
        for column in record.__table__.columns
    }


def _from_json(model, values: dict) -> dict:
    """Column values stored by `_columns`, back in Python types."""
    restored = {}
    for column in model.__table__.columns:
        if column.key not in values:
            continue
        value = values[column.key]
        python_type = column.type.python_type
        if value is not None and python_type is datetime:
            value = datetime.fromisoformat(value)
        elif value is not None and python_type is date:
            value = date.fromisoformat(value)
        elif value is not None and python_type is bytes:
            value = bytes.fromhex(value)
        restored[column.key] = value
    return restored


def merge_records(plan: MergePlan) -> DirectoryMerge:
    """Carry out a planned merge and record it (committed by the caller).

    Refuses (ValueError) a plan whose kept record would pass the limit of other
    names: the views show why instead (`MergePlan.names_over_limit`).
    """
    if plan.names_over_limit:
        raise ValueError("the kept record would pass the limit of other names")
    kind, kept, removed = plan.kind, plan.kept, plan.removed
    kept_before = _columns(kept)
    removed_values = _columns(removed)
    for table, rows in plan.moved.items():
        link, column = next(
            (link, column) for link, column in _links(kind) if _table_key(link) == table
        )
        for row in rows:
            setattr(row, column, kept.id)
    # Written before the removed record goes: deleting it reloads its `people`
    # collection, and would unlink any person still listed there.
    db.session.flush()
    db.session.expire(removed)
    dropped = [_columns(row) for row in plan.dropped]
    for row in plan.dropped:
        db.session.delete(row)
    for column, value in plan.filled.items():
        setattr(kept, column, value)
    if plan.added_names:
        kept.other_names = "\n".join(
            split_other_names("\n".join([kept.other_names or "", *plan.added_names]))
        )
    if kind is PERSON:
        kept.notes = plan.notes
    kept.restricted = plan.restricted
    if kind is PERSON:
        # Accounts that were the removed person are the kept one now (an undo
        # leaves them there: the person they named still exists).
        db.session.execute(
            update(User).where(User.person_id == removed.id).values(person_id=kept.id)
        )
    # The removed record's names must be free before the kept one carries them.
    db.session.delete(removed)
    db.session.flush()
    kept.refresh_name_keys()
    db.session.flush()
    actor = acting_user()
    merge = DirectoryMerge(
        kind=kind.name,
        kept_id=kept.id,
        removed_id=removed_values["id"],
        removed=removed_values,
        kept_before=kept_before,
        kept_after=_columns(kept),
        added_names=plan.added_names,
        moved={table: [row.id for row in rows] for table, rows in plan.moved.items()},
        dropped=dropped,
        merged_by_id=actor.id if actor is not None else None,
    )
    db.session.add(merge)
    db.session.flush()
    record_event(
        f"merge_{kind.name}",
        target_type=kind.name,
        target_id=kept.id,
        summary=f"Merged {removed.label} (#{removed_values['id']}) into {kept.label}",
        details={
            "merge": merge.id,
            "removed": removed_values["id"],
            "moved": merge.moved,
            "dropped": [row["id"] for row in dropped],
            "meetings": sorted(plan.meetings),
            "added_names": plan.added_names,
        },
    )
    return merge


# --- Undo --------------------------------------------------------------------


def holder_id(merge: DirectoryMerge) -> int | None:
    """The id of the record that now holds what a merge gave its kept record.

    The kept record itself, or, if it was merged away since, the record it went
    into (followed through every later merge not undone); None if it is gone.
    """
    model = KINDS[merge.kind].model
    record_id = merge.kept_id
    seen: set[int] = set()
    while record_id not in seen:
        seen.add(record_id)
        if db.session.get(model, record_id) is not None:
            return record_id
        later = db.session.scalar(
            select(DirectoryMerge)
            .where(
                DirectoryMerge.kind == merge.kind,
                DirectoryMerge.removed_id == record_id,
                DirectoryMerge.undone_at.is_(None),
                DirectoryMerge.id > merge.id,
            )
            .order_by(DirectoryMerge.id.desc())
            .limit(1)
        )
        if later is None:
            return None
        record_id = later.kept_id
    return None


def merge_or_404(user, merge_id: int) -> tuple[DirectoryMerge, object]:
    """A merge the user may see and undo, with the record now holding it; 404 else.

    The same rule as merging: that record (which now holds both records'
    links; the kept one, or the one it was merged into since) must be visible,
    and fully so to an editor.
    """
    merge = db.session.get(DirectoryMerge, merge_id)
    if merge is None:
        abort(404)
    kind = KINDS[merge.kind]
    holder = holder_id(merge)
    if holder is None:
        abort(404)
    kept = visible_record_or_404(user, kind.model, holder)
    if merge_refusal(user, kind, [kept]) is not None:
        abort(404)
    return merge, kept


def undo_conflict(merge: DirectoryMerge, kept) -> tuple[str, object] | None:
    """(name, record) if another record than `kept` holds the removed record's own
    name (or short name) now; None if the undo may go.

    A name is one record's only: after the merge that name was free, so a record
    may have been given it since. Undoing then would leave two records of one
    name, the restored one refused by its own form; so the undo waits until
    that record is renamed (or merged into the kept one).
    """
    model = KINDS[merge.kind].model
    own_names = [merge.removed.get(column) for column in ("display_name", "name")]
    own_names.append(merge.removed.get("short_name"))
    for name in filter(None, own_names):
        for record in records_named(model, name):
            if record.id != kept.id:
                return name, record
    return None


def _still_unchanged(record, column: str, merge: DirectoryMerge) -> bool:
    return _columns(record).get(column) == merge.kept_after.get(column)


def undo_merge(merge: DirectoryMerge, kept) -> object:
    """Put back the removed record and every link the merge moved or dropped.

    `kept` is the record now holding the merge (`holder_id`): the kept record,
    or the one it was merged into since; then the links and names go back from
    that one, and its other fields stay (they are another record's now, except
    the removed record's notes, which are taken out again). Links changed since
    (a meeting saved without that participant) stay as they are now; so do the
    kept record's fields edited since the merge. Refuses (ValueError) while
    another record holds the removed record's own name (`undo_conflict`).
    """
    if undo_conflict(merge, kept) is not None:
        raise ValueError("another record holds the removed record's name")
    kind = KINDS[merge.kind]
    model = kind.model
    values = _from_json(model, merge.removed)
    if db.session.get(model, values["id"]) is not None:
        del values["id"]  # SQLite may have given the id to a newer record
    added = {name_key(name) for name in merge.added_names}
    kept.other_names = "\n".join(
        name
        for name in split_other_names(kept.other_names)
        if name_key(name) not in added
    )
    if kept.id == merge.kept_id:
        before = _from_json(model, merge.kept_before)
        for column, value in before.items():
            if column in ("id", "other_names", "name_keys", "name_skeletons"):
                continue
            if _still_unchanged(kept, column, merge):
                setattr(kept, column, value)
    elif kind is PERSON and values.get("notes"):
        kept.notes = _without_paragraphs(kept.notes, values["notes"])
    kept.refresh_name_keys()
    db.session.flush()
    # A name another record has taken since stays with it (a name is one
    # record's only); so do those of a merge into this record undone since.
    values["other_names"] = "\n".join(
        name
        for name in split_other_names(values.get("other_names", ""))
        if not records_named(model, name)
    )
    if kind is PERSON:
        for earlier in _undone_merges_into(merge):
            values["notes"] = _without_paragraphs(
                values.get("notes", ""), earlier.removed.get("notes") or ""
            )
    restored = model(**values)
    db.session.add(restored)
    db.session.flush()
    for link, column in _links(kind):
        ids = merge.moved.get(_table_key(link), [])
        if not ids:
            continue
        for row in db.session.scalars(
            select(link).where(link.id.in_(ids), getattr(link, column) == kept.id)
        ):
            setattr(row, column, restored.id)
    column = dict(kind.meeting_links)[Participation]
    for row_values in merge.dropped:
        row = _from_json(Participation, row_values)
        if db.session.get(Meeting, row["meeting_id"]) is None:
            continue
        if db.session.get(Participation, row["id"]) is not None:
            del row["id"]
        row[column] = restored.id
        db.session.add(Participation(**row))
    actor = acting_user()
    merge.undone_at = utc_now()
    merge.undone_by_id = actor.id if actor is not None else None
    db.session.flush()
    record_event(
        f"undo_merge_{kind.name}",
        target_type=kind.name,
        target_id=restored.id,
        summary=f"Undid the merge of {restored.label} into {kept.label}",
        details={"merge": merge.id, "kept": kept.id, "restored": restored.id},
    )
    return restored


def _undone_merges_into(merge: DirectoryMerge) -> list[DirectoryMerge]:
    """Earlier merges into the record `merge` removed, undone since it was removed."""
    return list(
        db.session.scalars(
            select(DirectoryMerge).where(
                DirectoryMerge.kind == merge.kind,
                DirectoryMerge.kept_id == merge.removed_id,
                DirectoryMerge.id < merge.id,
                DirectoryMerge.undone_at.is_not(None),
            )
        )
    )


def _without_paragraphs(text: str, removed: str) -> str:
    """`text` without the paragraphs of `removed` (notes a merge appended)."""
    gone = {paragraph.strip() for paragraph in removed.split("\n\n")}
    return "\n\n".join(
        paragraph
        for paragraph in (text or "").split("\n\n")
        if paragraph.strip() not in gone
    )


def merges_for(
    user, kind: Kind, limit: int = 100
) -> list[tuple[DirectoryMerge, object]]:
    """Recent merges of this kind whose record now holding them the user may fully
    see (the kept record, or the one it was merged into since), with that record."""
    visible = visible_records_for(user, kind.model).with_only_columns(kind.model.id)
    merges = db.session.scalars(
        select(DirectoryMerge)
        .where(DirectoryMerge.kind == kind.name)
        .order_by(DirectoryMerge.merged_at.desc(), DirectoryMerge.id.desc())
        .limit(limit)
    ).all()
    shown = []
    for merge in merges:
        holder = holder_id(merge)
        kept = (
            db.session.scalar(
                select(kind.model).where(
                    kind.model.id == holder, kind.model.id.in_(visible)
                )
            )
            if holder is not None
            else None
        )
        if kept is not None and merge_refusal(user, kind, [kept]) is None:
            shown.append((merge, kept))
    return shown
