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
    "outcomes": ("text", "owner", "due", "status"),
    "sources": ("url", "title"),
}
SCALAR_FIELDS = (
    "title", "kind", "series", "series_number", "timezone", "status",
    "confidentiality", "online_url", "summary", "notes",
)  # fmt: skip


class RecordShapeError(ValueError):
    """A record is not shaped like the format (wrong type, unknown key)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def meeting_to_record(meeting: Meeting) -> dict:
    """One meeting as a JSON-ready dict in the interchange format."""
    start = meeting.local_start
    end = meeting.local_end
    if meeting.all_day:
        start_text = start.date().isoformat()
        end_text = meeting.last_date.isoformat()
    else:
        start_text = start.strftime("%Y-%m-%dT%H:%M")
        end_text = end.strftime("%Y-%m-%dT%H:%M") if end is not None else None
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
                "parent": row.topic.parent.path if row.topic.parent else None,
                "note": row.note,
            }
            for row in meeting.meeting_topics
        ],
        "outcomes": [
            {
                "text": row.text,
                "owner": row.owner_label or None,
                "due": row.due.isoformat() if row.due else None,
                "status": row.status,
            }
            for row in meeting.outcomes
        ],
        "sources": [{"url": row.url, "title": row.title} for row in meeting.sources],
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
        raise RecordShapeError("(record)", "must be an object")
    data = MultiDict()
    for key in SCALAR_FIELDS:
        if record.get(key) is not None:
            data[key] = _text(record[key], key)
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
    for key in ("venue", "city", "country"):
        data[key] = _text(location.get(key), f"location.{key}")
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
                if row.get(key) is not None:
                    data[f"{list_name}-{index}-{key}"] = value
            if list_name == "topics":
                name = _text(row.get("name"), f"{where}.name")
                parent = _text(row.get("parent"), f"{where}.parent")
                data[f"topics-{index}-topic"] = f"{parent} > {name}" if parent else name
    return data


def form_field_to_record_path(field_name: str) -> str:
    """Name a form field the way the JSON record does: participants-0-role -> participants[0].role."""
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
        "city": "location.city",
        "country": "location.country",
    }.get(field_name, field_name)
