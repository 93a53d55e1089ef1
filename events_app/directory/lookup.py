"""Finding people, organizations and topics by any of their names.

Each of these records keeps the keys of all its names in `name_keys` (see
events_app/directory/names.py), so "the same name" means the same key, whatever
the case, accents or punctuation.
"""

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from events_app.directory.likeness import likely_matches
from events_app.directory.names import NAME_MAX_LENGTH, key_pattern, name_key
from events_app.extensions import db

# Records a ?q= filter adds for other spellings, at most (best first).
LIKELY_SEARCH_RESULTS = 50


def search_clause(
    model, display_column, text: str, among: Select | None = None
) -> ColumnElement[bool]:
    """Condition for a ?q= filter: a key fragment of any name, a name substring, or
    a name likely the same in another spelling ("Лукашэнка" finds Lukashenka).

    The key comparison ignores case and accents and covers other names; the plain
    substring catches input whose punctuation matters to the user. Likely
    matches are looked for `among` the records the user may see.
    """
    text = " ".join((text or "").split())
    if not text:
        return true()
    conditions = [func.lower(display_column).contains(text.lower(), autoescape=True)]
    key = name_key(text)
    if key:
        # Keys hold only letters and digits, so they never contain LIKE wildcards.
        conditions.append(model.name_keys.like(f"%{key}%"))
    likely = likely_matches(model, text, among, LIKELY_SEARCH_RESULTS, typing=True)
    if likely:
        conditions.append(model.id.in_([match.record.id for match in likely]))
    return or_(*conditions)


def records_named(model, name: str, among: Select | None = None) -> list:
    """Records of `model` with `name` among their names (same key).

    `among` narrows the search to a select of `model`, such as the records the
    user may see; by default every record counts. A name longer than any record
    may have matches nothing (and would make too long a LIKE pattern).
    """
    if not name_key(name) or len(name) > NAME_MAX_LENGTH:
        return []
    candidates = select(model) if among is None else among
    return list(
        db.session.scalars(
            candidates.where(model.name_keys.like(key_pattern(name))).order_by(model.id)
        )
    )


def find_name_conflict(model, names: list[str], exclude_id: int | None = None):
    """The first (name, existing record) where a name is already used by another record.

    Returns None when every name is free. `exclude_id` is the record being
    edited, which may of course keep its own names.
    """
    for name in names:
        for record in records_named(model, name):
            if record.id != exclude_id:
                return name, record
    return None


def name_taken_message(name: str, existing_label: str, existing_url: str) -> Markup:
    """Form error for a name already used, linking to the record that uses it."""
    # The values go in through Markup's %, which escapes them.
    return Markup(
        _(
            '“%(name)s” is already recorded as <a href="%(url)s">%(label)s</a>;'
            " edit that record instead of creating a duplicate."
        )
    ) % {"name": name, "url": existing_url, "label": existing_label}
