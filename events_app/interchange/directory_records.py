"""People, organizations and topics in the interchange format."""

from events_app.directory.names import (
    OTHER_NAMES_MAX_COUNT,
    name_key,
    split_other_names,
)
from events_app.directory.resolve import (
    clean_name,
    find_organization,
    find_person,
    organization_named,
    person_named,
    topic_at_path,
)
from events_app.directory.restricted_marks import (
    marked_on_path,
    marked_organization_message,
    marked_parent_message,
    marking_refusal,
)
from events_app.extensions import db
from events_app.input_rules import control_characters_in
from events_app.interchange.json_format import (
    PARENT_MARKS,
    RecordShapeError,
    read_mark,
    read_topic_marks,
    topic_marks,
)
from events_app.models import Organization, Person, Topic
from events_app.models.choices import OrganizationKind
from events_app.visibility import (
    OPERATOR,
    visible_organizations_for,
    visible_people_for,
    visible_topics_for,
)


class DirectoryRefused(ValueError):
    """Directory records the import may not write; nothing was kept.

    `problems` holds (place in the document, message) pairs.
    """

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


LIMITS = {"name": 200, "short_name": 50, "country": 100, "title": 200}
# Text that may hold several lines (tab and line breaks allowed).
MULTILINE_KEYS = {"notes", "description"}


def organization_to_record(organization: Organization) -> dict:
    return {
        "name": organization.name,
        "short_name": organization.short_name or None,
        "kind": organization.kind,
        "country": organization.country or None,
        "other_names": split_other_names(organization.other_names),
        **({"restricted": True} if organization.restricted else {}),
    }


def person_to_record(person: Person) -> dict:
    return {
        "name": person.display_name,
        "other_names": split_other_names(person.other_names),
        "organization": person.organization.name if person.organization else None,
        "title": person.title or None,
        "notes": person.notes or None,
        **({"restricted": True} if person.restricted else {}),
    }


def topic_to_record(topic: Topic) -> dict:
    return {
        "name": topic.name,
        "parent": topic.shown_parent_path(),
        "description": topic.description or None,
        **topic_marks(topic, topic.shown_ancestors()),
    }


def directory_to_records(user=OPERATOR) -> dict:
    """The organizations, people and topics `user` may see, in a stable order.

    The operator (the default) sees, and so exports, the whole directory.
    """
    return {
        "organizations": [
            organization_to_record(organization)
            for organization in db.session.scalars(
                visible_organizations_for(user).order_by(Organization.id)
            )
        ],
        "people": [
            person_to_record(person)
            for person in db.session.scalars(
                visible_people_for(user).order_by(Person.id)
            )
        ],
        "topics": [
            topic_to_record(topic)
            for topic in db.session.scalars(visible_topics_for(user).order_by(Topic.id))
        ],
    }


def _string(record: dict, key: str, where: str, required: bool = False) -> str:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise RecordShapeError(f"{where}.{key}", "is required")
        return ""
    if not isinstance(value, str):
        raise RecordShapeError(f"{where}.{key}", "must be text")
    value = clean_name(value) if key in LIMITS else value.strip()
    limit = LIMITS.get(key, 20000)
    if len(value) > limit:
        raise RecordShapeError(f"{where}.{key}", f"is longer than {limit} characters")
    if control_characters_in(value, multiline=key in MULTILINE_KEYS):
        raise RecordShapeError(f"{where}.{key}", "contains control characters")
    return value


def _other_names(record: dict, where: str) -> str:
    names = record.get("other_names") or []
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise RecordShapeError(f"{where}.other_names", "must be a list of text")
    if any(len(name) > 200 for name in names):
        raise RecordShapeError(f"{where}.other_names", "has a name over 200 characters")
    if any(control_characters_in(name) for name in names):
        raise RecordShapeError(f"{where}.other_names", "contains control characters")
    names = split_other_names("\n".join(names))
    if len(names) > OTHER_NAMES_MAX_COUNT:
        raise RecordShapeError(
            f"{where}.other_names", f"has more than {OTHER_NAMES_MAX_COUNT} names"
        )
    return "\n".join(names)


def check_directory(document: dict) -> list[str]:
    """Problems in the directory sections, each as "section[index].field: message"."""
    problems = []
    for section, keys in (
        ("organizations", ("name", "short_name", "kind", "country", "other_names")),
        ("people", ("name", "other_names", "organization", "title", "notes")),
        ("topics", ("name", "parent", "description")),
    ):
        marks = {"restricted"} | ({PARENT_MARKS} if section == "topics" else set())
        records = document.get(section) or []
        if not isinstance(records, list):
            problems.append(f"{section}: must be a list")
            continue
        for index, record in enumerate(records):
            where = f"{section}[{index}]"
            try:
                if not isinstance(record, dict):
                    raise RecordShapeError(where, "must be an object")
                unknown = set(record) - set(keys) - marks
                if unknown:
                    raise RecordShapeError(where, f"unknown keys {sorted(unknown)}")
                _string(record, "name", where, required=True)
                for key in keys:
                    if key not in ("name", "other_names"):
                        _string(record, key, where)
                if section == "topics":
                    read_topic_marks(record, where)
                else:
                    read_mark(record, "restricted", where)
                if "other_names" in keys:
                    _other_names(record, where)
                kind = record.get("kind") or OrganizationKind.OTHER.value
                if section == "organizations" and kind not in {
                    member.value for member in OrganizationKind
                }:
                    raise RecordShapeError(f"{where}.kind", f"unknown kind {kind!r}")
            except RecordShapeError as error:
                problems.append(f"{error.field}: {error}")
    return problems


def _merged_names(
    stored_name: str | None, stored_other_names: str, record: dict, where: str
) -> tuple[str, str]:
    """The name and other names after importing `record` onto a stored record.

    No name is ever lost: a record found through one of its other names keeps its
    own name (the imported one joins its other names), and other names add up.
    A new spelling of the same name (case, accents) replaces the stored one.
    """
    imported_name = _string(record, "name", where)
    if stored_name is None or name_key(stored_name) == name_key(imported_name):
        name = imported_name
    else:
        name = stored_name
    candidates = [
        imported_name,
        *split_other_names(_other_names(record, where)),
        *split_other_names(stored_other_names),
    ]
    other_names = [
        candidate
        for candidate in split_other_names("\n".join(candidates))
        if name_key(candidate) != name_key(name)
    ]
    return name, "\n".join(other_names)


def _names_past_limit(record, other_names: str, where: str) -> list[tuple[str, str]]:
    """The problem of a record the import would give more other names than its
    form accepts (a form could not save it again), as a list of 0 or 1."""
    count = len(split_other_names(other_names))
    if count <= OTHER_NAMES_MAX_COUNT:
        return []
    return [
        (
            f"{where}.other_names",
            f"would give {record.label} {count} other names with those stored, "
            f"more than the {OTHER_NAMES_MAX_COUNT} a record keeps",
        )
    ]


def give_mark(record, where: str, newly_marked: list) -> None:
    """Mark `record` restricted; if it was free, remember it with the place of
    the mark in the document, for `refused_marks`. Nothing here clears a mark."""
    if not record.restricted:
        record.restricted = True
        newly_marked.append((where, record))


def mark_parents(topic: Topic, count: int, where: str, newly_marked: list) -> None:
    """Mark the `count` nearest parents of `topic` (see `give_mark`)."""
    ancestor = topic.parent
    for _ in range(count):
        if ancestor is None:
            return
        give_mark(ancestor, where, newly_marked)
        ancestor = ancestor.parent


def refused_marks(newly_marked: list) -> list[tuple[str, str]]:
    """(place in the document, why) for each mark the import gave that the
    rules of events_app/directory/restricted_marks.py refuse, once everything
    is written: marked, the record would still be shown by a meeting that is
    not restricted, a free sub-topic or a free person."""
    db.session.flush()
    problems = []
    for where, record in newly_marked:
        refusal = marking_refusal(record)
        if refusal is not None:
            problems.append((where, refusal))
    return problems


def apply_directory(document: dict) -> list:
    """Create or update organizations, people and topics (already checked).

    A key left out of a record leaves the stored value alone; a key given as
    null or "" clears it. `"restricted": true` marks the record (and
    `restricted_parents` the nearest parents of a topic); no mark is ever
    cleared. A record marked restricted is never made the usual organization
    or parent of one that is not, and a record never gets more other names
    than its form accepts (its stored ones and the file's together):
    DirectoryRefused names each such record (by its place in the document) and
    the caller rolls back. Returns the records newly marked, with their places,
    for `refused_marks` once the meetings are written too.
    """
    refused = []
    newly_marked: list = []
    for index, record in enumerate(document.get("organizations") or []):
        where = "organization"
        organization = find_organization(record["name"])
        if organization is None:
            organization = organization_named(record["name"])
            stored_name = None
        else:
            stored_name = organization.name
        organization.name, organization.other_names = _merged_names(
            stored_name, organization.other_names or "", record, where
        )
        refused += _names_past_limit(
            organization, organization.other_names, f"organizations[{index}]"
        )
        for key in ("short_name", "country"):
            if key in record:
                setattr(organization, key, _string(record, key, where))
        if "kind" in record or stored_name is None:
            organization.kind = record.get("kind") or OrganizationKind.OTHER.value
        if read_mark(record, "restricted", where):
            give_mark(organization, f"organizations[{index}].restricted", newly_marked)
        organization.refresh_name_keys()
        db.session.flush()
    for index, record in enumerate(document.get("people") or []):
        where = "person"
        person = find_person(record["name"])
        if person is None:
            person = person_named(record["name"])
            stored_name = None
        else:
            stored_name = person.display_name
        person.display_name, person.other_names = _merged_names(
            stored_name, person.other_names or "", record, where
        )
        refused += _names_past_limit(person, person.other_names, f"people[{index}]")
        if read_mark(record, "restricted", where):
            give_mark(person, f"people[{index}].restricted", newly_marked)
        if "organization" in record:
            organization_name = _string(record, "organization", where)
            person.organization = (
                organization_named(organization_name) if organization_name else None
            )
            organization = person.organization
            if (
                organization is not None
                and organization.restricted
                and not person.restricted
            ):
                refused.append(
                    (
                        f"people[{index}].organization",
                        marked_organization_message(organization),
                    )
                )
        for key in ("title", "notes"):
            if key in record:
                setattr(person, key, _string(record, key, where))
        person.refresh_name_keys()
        db.session.flush()
    for index, record in enumerate(document.get("topics") or []):
        parent = _string(record, "parent", "topic")
        path = f"{parent} > {record['name']}" if parent else record["name"]
        topic = topic_at_path(path)
        restricted, parents = read_topic_marks(record, "topic")
        if restricted:
            give_mark(topic, f"topics[{index}].restricted", newly_marked)
            where = f"topics[{index}].{PARENT_MARKS}"
            mark_parents(topic, parents, where, newly_marked)
        marked = marked_on_path(topic.parent) if not topic.restricted else None
        if marked is not None:
            refused.append((f"topics[{index}].parent", marked_parent_message(marked)))
        if "description" in record:
            topic.description = _string(record, "description", "topic")
        db.session.flush()
    if refused:
        raise DirectoryRefused(refused)
    return newly_marked
