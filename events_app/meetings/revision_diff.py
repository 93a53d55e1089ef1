"""A revision comparison a person can read at a glance.

Takes the field-by-field changes between two meeting records (interchange
format, see `events_app.audit.record_changes`) and says what changed:

- text and single values: the words removed and added, marked in place
  ("Meeting on <del>sanctions</del><ins>transit</ins> in Vilnius");
- participants, topics, outcomes and sources: each row added, removed or
  changed, a row matched across the two records by what identifies it (a
  participant by person and organization, a topic by its path, a source by its
  address, an outcome by its text), so reordering rows reports nothing;
- location and the access list: each part that changed, names added or
  removed.

Every piece of user text is escaped here before it is wrapped in <ins>/<del>,
so the Markup returned is safe to print as is.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from events_app.language.formatting import date_and_time, format_date
from events_app.models.choices import label

# How the rows of each list are told apart, and their fields in reading order.
ROW_KEYS = {
    "participants": ("person", "organization"),
    "topics": ("parent", "name"),
    "outcomes": ("text",),
    "sources": ("url",),
}
ROW_FIELDS = {
    "participants": ("person", "organization", "role", "attendance", "note"),
    "topics": ("parent", "name", "note"),
    "outcomes": ("text", "owner", "due", "status"),
    "sources": ("url", "title"),
}
# The meeting's fields in the order the meeting page reads them.
FIELD_ORDER = (
    "title", "kind", "status", "confidentiality", "start", "end", "all_day",
    "timezone", "series", "series_number", "location", "online_url", "summary",
    "notes", "participants", "topics", "outcomes", "sources", "access", "uid",
)  # fmt: skip
# Fields whose values are vocabulary words, shown by their labels.
VOCABULARY_FIELDS = {"kind", "status", "confidentiality", "role", "attendance"}
# How a page names each field of a meeting record and of its rows.
FIELD_LABELS = {
    "title": _l("Title"),
    "kind": _l("Kind"),
    "status": _l("Status"),
    "confidentiality": _l("Confidentiality"),
    "start": _l("Start"),
    "end": _l("End"),
    "all_day": _l("All day"),
    "timezone": _l("Time zone"),
    "series": _l("Series"),
    "series_number": _l("Number in series"),
    "location": _l("Location"),
    "venue": _l("Venue"),
    "city": _l("City"),
    "country": _l("Country"),
    "online_url": _l("Online link"),
    "summary": _l("Summary"),
    "notes": _l("Notes"),
    "participants": _l("Participants"),
    "topics": _l("Topics"),
    "outcomes": _l("Outcomes"),
    "sources": _l("Sources"),
    "access": _l("Who may see it"),
    "users": _l("Users"),
    "groups": _l("Groups"),
    "uid": _l("Calendar identifier (UID)"),
    "person": _l("Person"),
    "organization": _l("Organization"),
    "role": _l("Role"),
    "attendance": _l("Attendance"),
    "note": _l("Note"),
    "parent": _l("Parent topic"),
    "name": _l("Name"),
    "text": _l("Agreement or follow-up"),
    "owner": _l("Owner"),
    "due": _l("Due"),
    "completed_on": _l("Done or dropped on"),
    "url": _l("Link"),
}
# What happened to a row, as the revision page heads it.
CHANGE_HEADINGS = {
    "added": _l("Added:"),
    "removed": _l("Removed:"),
    "changed": _l("Changed:"),
}
# Fields holding a day ("2025-03-14") or a day or a wall time ("2025-03-14T10:00"),
# shown as the reader's language writes dates.
DAY_FIELDS = {"due", "completed_on", "start", "end"}
# Words and the spaces between them: the units a text change is marked in.
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class RowDiff:
    """One row of a list that was added, removed or changed."""

    change: str  # "added", "removed" or "changed"
    text: Markup  # the row (added, removed) or its changed parts marked

    @property
    def heading(self) -> str:
        """ "Added:", "Removed:" or "Changed:" in the reader's language."""
        return str(CHANGE_HEADINGS[self.change])


@dataclass
class FieldDiff:
    """What happened to one field of the meeting."""

    name: str
    text: Markup | None = None  # a value's change marked in place
    rows: list[RowDiff] = field(default_factory=list)  # a list's changed rows


def field_label(name: str) -> str:
    """A record field's name as pages show it ("series_number": "Number in series")."""
    return str(FIELD_LABELS[name]) if name in FIELD_LABELS else label(name)


def revision_action(action: str) -> str:
    """What saved a revision, in words ("follow_up_done": "Follow up done").

    Revisions and audit events share their action names, and so their labels.
    """
    return label(action)


def describe_changes(changes: dict) -> list[FieldDiff]:
    """Readable differences from {field: [old, new]} (old first), field by field."""
    described = []
    for name in sorted(changes, key=_reading_position):
        old, new = changes[name]
        if name in ROW_KEYS:
            described.append(
                FieldDiff(name, rows=row_changes(name, old or [], new or []))
            )
        elif isinstance(old, dict) or isinstance(new, dict):
            described.append(FieldDiff(name, rows=part_changes(old or {}, new or {})))
        else:
            described.append(FieldDiff(name, text=_value_diff(name, old, new)))
    return described


def record_value(name: str, value) -> Markup:
    """A record field's value as pages show it (the conflict page's "saved now").

    Rows one per line, a grouped field's parts labelled, words for
    vocabulary values, dates as the reader's language writes them.
    """
    if name in ROW_KEYS:
        rows = [_row_text(name, row) for row in value or []]
        return Markup("<br>").join(rows) if rows else escape(_("(empty)"))
    if isinstance(value, dict):
        parts = [
            _labelled(part, ", ".join(item) if isinstance(item, list) else item)
            for part, item in sorted(value.items())
            if item not in (None, "", [])
        ]
        return Markup("; ").join(parts) if parts else escape(_("(empty)"))
    return escape(_as_text(name, value))


def word_diff(old: str, new: str) -> Markup:
    """`new` with the words taken from `old` in <del> and the words added in <ins>.

    Spacing is not a change: a line break typed as CRLF (as browsers send
    text areas) equals one typed as LF, and runs of spaces equal one space.
    """
    old_tokens = _TOKENS.findall(old)
    new_tokens = _TOKENS.findall(new)
    old_words = [_spacing_blind(token) for token in old_tokens]
    new_words = [_spacing_blind(token) for token in new_tokens]
    if old_words == new_words:
        return Markup('%s <span class="muted">%s</span>') % (
            new,
            _("(only spacing changed)"),
        )
    pieces = []
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = "".join(old_tokens[old_start:old_end])
        added = "".join(new_tokens[new_start:new_end])
        if operation == "equal":
            pieces.append(escape(added))
            continue
        if removed:
            pieces.append(Markup("<del>%s</del>") % removed)
        if added:
            pieces.append(Markup("<ins>%s</ins>") % added)
    return Markup("").join(pieces)


def row_changes(name: str, old_rows: list[dict], new_rows: list[dict]) -> list[RowDiff]:
    """Rows of one list added, removed or changed between two records."""
    keys = ROW_KEYS[name]
    old_keys = [_row_key(row, keys) for row in old_rows]
    new_keys = [_row_key(row, keys) for row in new_rows]
    found = []
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        olds = old_rows[old_start:old_end]
        news = new_rows[new_start:new_end]
        if operation == "equal" or (operation == "replace" and len(olds) == len(news)):
            # Same row (or one edited in place): report the parts that differ.
            for old, new in zip(olds, news, strict=True):
                if old != new:
                    found.append(RowDiff("changed", _changed_row(name, old, new)))
            continue
        found.extend(RowDiff("removed", _row_text(name, row)) for row in olds)
        found.extend(RowDiff("added", _row_text(name, row)) for row in news)
    return found


def part_changes(old: dict, new: dict) -> list[RowDiff]:
    """The parts of a grouped field (location, access list) that changed."""
    found = []
    for part in sorted(set(old) | set(new)):
        before, after = old.get(part), new.get(part)
        if before == after:
            continue
        if isinstance(before, list) or isinstance(after, list):
            for item in sorted(set(before or []) - set(after or [])):
                found.append(RowDiff("removed", _labelled(part, item)))
            for item in sorted(set(after or []) - set(before or [])):
                found.append(RowDiff("added", _labelled(part, item)))
            continue
        found.append(
            RowDiff("changed", _labelled(part, _value_diff(part, before, after)))
        )
    return found


def _labelled(name: str, value) -> Markup:
    """ "Person: Alice": a field's label and its value (escaped unless Markup)."""
    return escape(_("%(name)s: %(value)s")) % {
        "name": field_label(name),
        "value": value,
    }


def _reading_position(name: str) -> tuple[int, str]:
    return (
        FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER),
        name,
    )


def _spacing_blind(token: str) -> str:
    if token.isspace():
        return "\n" if "\n" in token else " "
    return token


def _row_key(row: dict, keys: tuple[str, ...]) -> tuple:
    return tuple(" ".join(str(row.get(key) or "").lower().split()) for key in keys)


def _row_text(name: str, row: dict) -> Markup:
    parts = [
        _labelled(part, _as_text(part, row.get(part)))
        for part in ROW_FIELDS[name]
        if row.get(part) not in (None, "")
    ]
    return Markup("; ").join(parts)


def _changed_row(name: str, old: dict, new: dict) -> Markup:
    identity = Markup(", ").join(
        escape(new.get(key)) for key in ROW_KEYS[name] if new.get(key)
    )
    parts = [
        _labelled(part, _value_diff(part, old.get(part), new.get(part)))
        for part in ROW_FIELDS[name]
        if old.get(part) != new.get(part)
    ]
    return Markup("%s — %s") % (identity, Markup("; ").join(parts))


def _value_diff(name: str, old, new) -> Markup:
    return word_diff(_as_text(name, old), _as_text(name, new))


def _as_text(name: str, value) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in VOCABULARY_FIELDS and isinstance(value, str):
        return label(value)
    if name in DAY_FIELDS and isinstance(value, str):
        return _day_text(value)
    return str(value)


def _day_text(value: str) -> str:
    """ "2025-03-14T10:00" as "Fri 14 Mar 2025, 10:00"; other text as it is."""
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value)
            return date_and_time(moment, moment)
        return format_date(date.fromisoformat(value))
    except ValueError:
        return value
