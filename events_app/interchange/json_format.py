"""The JSON interchange format (documented in README.md, "JSON format").

`meeting_to_record` writes one meeting; `record_to_form_data` turns a record
into the flat form data of the meeting form, so imported records are checked by
exactly the rules the web form applies.
"""

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from events_app.directory.resolve import split_topic_path
from events_app.models import Meeting, Topic

FORMAT_VERSION = 1
ROW_FIELDS = {
    "participants": ("person", "organization", "role", "attendance", "note"),
    "topics": ("name", "parent", "note"),
    "outcomes": ("text", "owner", "due", "status", "completed_on"),
    "sources": ("url", "title"),
}
# The Restricted mark of each record a row names (README "JSON format"),
# written only when set: {row key: the key naming the record}.
ROW_MARKS = {
    "participants": {
        "person_restricted": "person",
        "organization_restricted": "organization",
    },
    "topics": {"restricted": "name"},
    "outcomes": {"owner_restricted": "owner"},
}
# How many of the parents a topic's path names are marked, nearest first.
PARENT_MARKS = "restricted_parents"
ROW_KEYS = {
    list_name: {*keys, *ROW_MARKS.get(list_name, ())}
    | ({PARENT_MARKS} if list_name == "topics" else set())
    for list_name, keys in ROW_FIELDS.items()
}
SCALAR_FIELDS = (
    "title", "kind", "series", "series_number", "timezone", "status",
    "confidentiality", "online_url", "summary", "notes",
)  # fmt: skip
LOCATION_FIELDS = ("venue", "city", "country")
ACCESS_FIELDS = {"users": "access_users", "groups": "access_groups"}
RECORD_FIELDS = frozenset(
    {
        "uid",
        "start",
        "end",
        "all_day",
        "location",
        "access",
        *SCALAR_FIELDS,
        *ROW_FIELDS,
    }
)


class RecordShapeError(ValueError):
    """A record is not shaped like the format (wrong type, unknown key).

    `field` is the path inside the record ("participants[0]"), or "" for the
    record itself.
    """

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _wall_time_text(instant) -> str:
    """ "2025-03-14T10:00", with seconds only when there are some (nothing is lost)."""
    return instant.strftime("%Y-%m-%dT%H:%M:%S" if instant.second else "%Y-%m-%dT%H:%M")


def _owner_name(outcome) -> str | None:
    """The owner's own name, which finds the same record again when imported.

    (Not `owner_label`: "Name (SHORT)" matches no stored name, so importing it
    would create a new person.)
    """
    if outcome.owner_person is not None:
        return outcome.owner_person.display_name
    if outcome.owner_organization is not None:
        return outcome.owner_organization.name
    return None


def topic_marks(topic: Topic, ancestors: list[Topic]) -> dict:
    """The marks of a topic and of the parents its path names (`ancestors`,
    root first), as the format writes them: nothing for a free topic.

    Marks on a valid path always end it (a free topic never sits under a marked
    one), so a count of the nearest parents says which are marked.
    """
    if not topic.restricted:
        return {}
    count = 0
    for ancestor in reversed(ancestors):
        if not ancestor.restricted:
            break
        count += 1
    return {"restricted": True, **({PARENT_MARKS: count} if count else {})}


def _marked(key: str, record) -> dict:
    return {key: True} if record is not None and record.restricted else {}


def meeting_to_record(meeting: Meeting, *, marks: bool = False) -> dict:
    """One meeting as a JSON-ready dict in the interchange format.

    With `marks` (the export), each record a row names carries its Restricted
    mark; revision snapshots and comparisons leave marks out, as they record
    the meeting, not the directory.
    """
    start = meeting.local_start
    end = meeting.local_end
    if meeting.all_day:
        start_text = start.date().isoformat()
        end_text = meeting.last_date.isoformat()
    else:
        start_text = _wall_time_text(start)
        end_text = _wall_time_text(end) if end is not None else None
    return {
        "uid": meeting.uid,
        "title": meeting.title,
        "kind": meeting.kind,
        "start": start_text,
        "end": end_text,
        "timezone": meeting.timezone,
        "all_day": meeting.all_day,
        "status": meeting.status,
        "confidentiality": meeting.confidentiality,
        "series": meeting.series or None,
        "series_number": meeting.series_number,
        "location": {
            "venue": meeting.venue,
            "city": meeting.city,
            "country": meeting.country,
        },
        "online_url": meeting.online_url,
        "summary": meeting.summary,
        "notes": meeting.notes,
        "participants": [
            {
                "person": row.person.display_name if row.person else None,
                "organization": row.organization.name if row.organization else None,
                "role": row.role,
                "attendance": row.attendance,
                "note": row.note,
                **(
                    _marked("person_restricted", row.person)
                    | _marked("organization_restricted", row.organization)
                    if marks
                    else {}
                ),
            }
            for row in meeting.participations
        ],
        "topics": [
            {
                "name": row.topic.name,
                "parent": row.parent_path,
                "note": row.note,
                **(
                    topic_marks(
                        row.topic, row.topic.shown_ancestors(row.through_marked)
                    )
                    if marks
                    else {}
                ),
            }
            for row in meeting.meeting_topics
        ],
        "outcomes": [
            {
                "text": row.text,
                "owner": _owner_name(row),
                "due": row.due.isoformat() if row.due else None,
                "status": row.status,
                # Only when known: records of open outcomes stay as they were.
                **(
                    {"completed_on": row.completed_on.isoformat()}
                    if row.completed_on
                    else {}
                ),
                **(
                    _marked(
                        "owner_restricted", row.owner_person or row.owner_organization
                    )
                    if marks
                    else {}
                ),
            }
            for row in meeting.outcomes
        ],
        "sources": [{"url": row.url, "title": row.title} for row in meeting.sources],
        "access": {
            "users": sorted(user.email for user in meeting.access_users),
            "groups": sorted(group.name for group in meeting.access_groups),
        },
    }


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordShapeError(field, "must be text")
    return str(value)


def _split_instant(value, field: str) -> tuple[str, str]:
    """ "2025-03-14T10:00" -> ("2025-03-14", "10:00"); a date alone has no time."""
    text = _text(value, field).strip()
    if "T" in text:
        day, _, wall_time = text.partition("T")
        return day, wall_time
    if " " in text:
        day, _, wall_time = text.partition(" ")
        return day, wall_time
    return text, ""


def record_to_form_data(record) -> MultiDict:
    """Flatten a record into the meeting form's field names."""
    if not isinstance(record, dict):
        raise RecordShapeError("", "must be an object")
    unknown = set(record) - RECORD_FIELDS
    if unknown:
        raise RecordShapeError("", f"unknown keys {sorted(unknown)}")
    data = MultiDict()
    for key in SCALAR_FIELDS:
        # The zone is always passed on, so a record without one is refused
        # instead of being silently read as UTC (the form's default).
        if record.get(key) is not None or key == "timezone":
            data[key] = _text(record.get(key), key)
    all_day = record.get("all_day", False)
    if not isinstance(all_day, bool):
        raise RecordShapeError("all_day", "must be true or false")
    if all_day:
        data["all_day"] = "y"
    data["start_date"], data["start_time"] = _split_instant(
        record.get("start"), "start"
    )
    data["end_date"], data["end_time"] = _split_instant(record.get("end"), "end")
    if all_day:
        data["start_time"] = data["end_time"] = ""
    location = record.get("location") or {}
    if not isinstance(location, dict):
        raise RecordShapeError("location", "must be an object")
    unknown = set(location) - set(LOCATION_FIELDS)
    if unknown:
        raise RecordShapeError("location", f"unknown keys {sorted(unknown)}")
    for key in LOCATION_FIELDS:
        data[key] = _text(location.get(key), f"location.{key}")
    access = record.get("access") or {}
    if not isinstance(access, dict) or set(access) - set(ACCESS_FIELDS):
        raise RecordShapeError("access", 'must be {"users": [...], "groups": [...]}')
    for key, field_name in ACCESS_FIELDS.items():
        names = access.get(key) or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise RecordShapeError(f"access.{key}", "must be a list of text")
        for name in names:
            data.add(field_name, name)
    for list_name, keys in ROW_FIELDS.items():
        rows = record.get(list_name) or []
        if not isinstance(rows, list):
            raise RecordShapeError(list_name, "must be a list")
        for index, row in enumerate(rows):
            where = f"{list_name}[{index}]"
            if not isinstance(row, dict):
                raise RecordShapeError(where, "must be an object")
            unknown = set(row) - ROW_KEYS[list_name]
            if unknown:
                raise RecordShapeError(where, f"unknown keys {sorted(unknown)}")
            for key in keys:
                value = _text(row.get(key), f"{where}.{key}")
                if list_name == "topics" and key in ("name", "parent"):
                    continue
                # The first (text) field is always passed on: the form renumbers
                # rows missing from its data, and problems must name the file's row.
                if row.get(key) is not None or key == keys[0]:
                    data[f"{list_name}-{index}-{key}"] = value
            if list_name == "topics":
                name = _text(row.get("name"), f"{where}.name")
                parent = _text(row.get("parent"), f"{where}.parent")
                data[f"topics-{index}-topic"] = f"{parent} > {name}" if parent else name
    return data


def read_mark(record: dict, key: str, where: str) -> bool:
    """A record's Restricted mark under `key`: absent or null is no mark."""
    value = record.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RecordShapeError(f"{where}.{key}", _("must be true or false"))
    return value


def read_topic_marks(record: dict, where: str) -> tuple[bool, int]:
    """(marked, how many of the nearest parents named in "parent" are marked)."""
    marked = read_mark(record, "restricted", where)
    parent = record.get("parent")
    parents = len(split_topic_path(parent)) if isinstance(parent, str) else 0
    value = record.get(PARENT_MARKS)
    if value is None:
        return marked, 0
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= parents
    ):
        raise RecordShapeError(
            f"{where}.{PARENT_MARKS}",
            _(
                "must be a whole number from 0 to %(count)s, the number of "
                "parents named in “parent”",
                count=parents,
            ),
        )
    if value and not marked:
        raise RecordShapeError(
            f"{where}.{PARENT_MARKS}",
            _(
                "a topic under a parent marked restricted must be marked "
                "restricted too (“restricted”: true)"
            ),
        )
    return marked, value


def record_marks(record: dict) -> list[tuple[str, int, str, int]]:
    """The marks a meeting record's rows set, as (list, row index, key, parents).

    `parents` counts the marked parents of a topic (0 elsewhere). The record
    has passed `record_to_form_data`; a mark of the wrong type raises
    RecordShapeError naming its place.
    """
    found = []
    for list_name, keys in ROW_MARKS.items():
        for index, row in enumerate(record.get(list_name) or []):
            where = f"{list_name}[{index}]"
            if list_name == "topics":
                marked, parents = read_topic_marks(row, where)
                if marked:
                    found.append((list_name, index, "restricted", parents))
                continue
            for key in keys:
                if read_mark(row, key, where):
                    found.append((list_name, index, key, 0))
    return found


def form_field_to_record_path(field_name: str) -> str:
    """A form field as a record path: participants-0-role -> participants[0].role."""
    parts = field_name.split("-")
    if len(parts) == 3 and parts[0] in ROW_FIELDS:
        list_name, index, key = parts
        if list_name == "topics" and key == "topic":
            key = "name"
        return f"{list_name}[{index}].{key}"
    return {
        "start_date": "start",
        "start_time": "start",
        "end_date": "end",
        "end_time": "end",
        "venue": "location.venue",
        "access_users": "access.users",
        "access_groups": "access.groups",
        "city": "location.city",
        "country": "location.country",
    }.get(field_name, field_name)
