"""The JSON interchange format (documented in README.md, "JSON format").

`meeting_to_record` writes one meeting; `record_to_form_data` turns a record
into the flat form data of the meeting form, so imported records are checked by
exactly the rules the web form applies.
"""

from werkzeug.datastructures import MultiDict

from events_app.models import Meeting

FORMAT_VERSION = 1
ROW_FIELDS = {
    "participants": ("person", "organization", "role", "attendance", "note"),
    "topics": ("name", "parent", "note"),
    "outcomes": ("text", "owner", "due", "status", "completed_on"),
    "sources": ("url", "title"),
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


def meeting_to_record(meeting: Meeting) -> dict:
    """One meeting as a JSON-ready dict in the interchange format."""
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
            }
            for row in meeting.participations
        ],
        "topics": [
            {
                "name": row.topic.name,
                "parent": row.parent_path,
                "note": row.note,
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
            unknown = set(row) - set(keys)
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
