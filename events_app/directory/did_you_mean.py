"""“Did you mean …?”: ask before a typed name creates a likely duplicate.

A form that would create a person or organization from typed text (the meeting
form's participants and outcome owners, the "add a person / organization"
pages) first asks, for each name likely the same as a record the user may see
(events_app/directory/likeness.py), whether it is that record or a new one. The
answer is posted with the row (a radio button, `choice`), so it works without
JavaScript:

- `NEW`: a new record is made; that row is never asked about again.
- a record's choice value ("person-12"): that record is linked, and the typed
  spelling becomes one of its other names if `keep_spelling` is ticked.
- nothing, or a record no longer among the likely ones (the name was retyped,
  or the value names a record the user may not see): the row is undecided and
  nothing is saved.

An exact match of a name or other name still links silently (no question), and
records the user may not see are never offered or linked. Imports do not ask:
they link exact matches and make the rest anew (see events_app/directory/resolve.py).
"""

from dataclasses import dataclass

from flask import g, has_request_context

from events_app.directory.likeness import LikelyMatch, likely_matches
from events_app.directory.lookup import records_named
from events_app.directory.names import (
    NAME_MAX_LENGTH,
    OTHER_NAMES_MAX_COUNT,
    name_key,
    split_other_names,
)
from events_app.models import Organization, Person
from events_app.visibility import visible_records_for

# The answer "none of these: a new record".
NEW = "new"

# Suggestions offered per name, at most.
MAXIMUM_SUGGESTIONS = 3

KIND_OF = {Person: "person", Organization: "organization"}


def choice_value(record) -> str:
    """The posted value that chooses `record`: "person-12", "organization-3"."""
    return f"{KIND_OF[type(record)]}-{record.id}"


def other_names_shown(record, limit: int = 4) -> list[str]:
    """A few other names of a record, to tell it apart in "did you mean"."""
    return split_other_names(record.other_names)[:limit]


@dataclass
class NameQuestion:
    """A typed name and the records the user may see that it likely names."""

    typed: str
    matches: list[LikelyMatch]
    chosen: object = None  # NEW, one of the matches' records, or None (undecided)

    @property
    def decided(self) -> bool:
        return self.chosen is not None


def _exactly_named(typed: str, user, models) -> bool:
    return any(
        records_named(model, typed, among=visible_records_for(user, model))
        for model in models
    )


def _likely_once(model, typed: str, user) -> list[LikelyMatch]:
    """`likely_matches` for a "did you mean", looked up once per request.

    A form save asks about each row, then resolves each decided row: without
    this, every typed name was looked up twice (a third of a meeting save).
    The question a row resolves is then the very one it was asked.
    """
    if not has_request_context():
        return _likely(model, typed, user)
    asked = g.setdefault("likely_records_asked", {})
    key = (model.__name__, typed, getattr(user, "id", None))
    if key not in asked:
        asked[key] = _likely(model, typed, user)
    return asked[key]


def _likely(model, typed: str, user) -> list[LikelyMatch]:
    return likely_matches(
        model, typed, among=visible_records_for(user, model), limit=MAXIMUM_SUGGESTIONS
    )


def likely_records(typed: str, user, models) -> list[LikelyMatch]:
    """Records of `models` that `user` may see and `typed` likely names, best first.

    Empty when a visible record has exactly this name: that one links silently.
    """
    if not typed or _exactly_named(typed, user, models):
        return []
    matches = [match for model in models for match in _likely_once(model, typed, user)]
    matches.sort(key=lambda match: -match.score)
    return matches[:MAXIMUM_SUGGESTIONS]


def question_about(typed: str, choice: str | None, user, models) -> NameQuestion | None:
    """The question a typed name raises, with the posted answer applied; None if none.

    No question: an empty name, an exact match, or no likely record.
    """
    matches = likely_records(typed, user, models)
    if not matches:
        return None
    question = NameQuestion(typed, matches)
    if choice == NEW:
        question.chosen = NEW
    else:
        question.chosen = next(
            (m.record for m in matches if choice_value(m.record) == choice), None
        )
    return question


def chosen_record(typed: str, choice: str | None, keep_spelling: bool, user, models):
    """The existing record a decided question chose for `typed`, or None.

    None means: resolve the name as usual (exact match, else a new record). When
    `keep_spelling`, the typed spelling is added to the record's other names.
    """
    question = question_about(typed, choice, user, models)
    if question is None or question.chosen in (None, NEW):
        return None
    record = question.chosen
    if keep_spelling:
        add_other_name(record, typed)
    return record


def spelling_left_out(record, name: str) -> bool:
    """Whether a spelling to keep was left out because the record has as many
    other names as it may (the one reason worth telling: the others are a
    name already held, perhaps by a hidden record, or none at all)."""
    names = split_other_names(record.other_names)
    return (
        len(names) >= OTHER_NAMES_MAX_COUNT
        and name_key(name) not in {name_key(other) for other in names}
        and name_key(name) != name_key(record.label)
    )


def add_other_name(record, name: str) -> bool:
    """Add `name` to a record's other names, unless any record already has it.

    A name is one record's only (as the directory forms require); one that a
    hidden record holds is skipped silently, which reveals nothing about it.
    Answers whether the name was added.
    """
    name = " ".join(name.split())
    model = type(record)
    if not name_key(name) or len(name) > NAME_MAX_LENGTH or records_named(model, name):
        return False
    names = split_other_names(record.other_names)
    if len(names) >= OTHER_NAMES_MAX_COUNT:
        return False
    record.other_names = "\n".join([*names, name])
    record.refresh_name_keys()
    return True
