"""The history's person, organization and topic filters, typed as names.

Each filter is a text field (with suggestions while typing, see
events_app/static/name_suggestions.js) beside a hidden id field: links and
feeds keep using `?person=12`, and the field shows that record's name. A form
sent with a typed name (`?person_name=Kupreychyk`) is resolved here, among the
records the viewer may see only:

- a name or other name of exactly one record (or of the record whose id came
  along, as the suggestions send it) sets that filter;
- several records so named, or names only *likely* the same ("Kupreichyk" for
  "Kupreychyk"): the page lists them to pick from, and the filter is not set
  (a likely match is only ever suggested, as everywhere in the directory);
- nothing: a message next to the field.

A record the viewer may not see is never named, listed or told apart from one
that does not exist.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from events_app.directory.likeness import likely_matches
from events_app.directory.lookup import records_named
from events_app.directory.names import NAME_MAX_LENGTH
from events_app.directory.pages import SUGGESTIONS_LIMIT
from events_app.directory.resolve import clean_name, find_topic, split_topic_path
from events_app.extensions import db
from events_app.input_rules import database_id
from events_app.meetings.filters import UNKNOWN_RECORD, MeetingFilters
from events_app.models import Organization, Person, Topic
from events_app.topic_tree import preload_ancestors, visible_path
from events_app.visibility import (
    sees_record_id,
    topics_among,
    visible_records_for,
    visible_topic_ids_for,
)

# Query argument of each filter's id, and the kind of record it names.
FILTERED_RECORDS = {"person": Person, "organization": Organization, "topic": Topic}
# What a field says above its matches: one likely record, or several to choose from.
ONE_MATCH_QUESTION = {
    "person": _l("Did you mean this person?"),
    "organization": _l("Did you mean this organization?"),
    "topic": _l("Did you mean this topic?"),
}
# What a field says when no record the viewer may see has the typed name.
NONE_NAMED = {
    "person": _l("No person you may see is named “%(name)s”."),
    "organization": _l("No organization you may see is named “%(name)s”."),
    "topic": _l("No topic you may see is named “%(name)s”."),
}


def name_argument(argument: str) -> str:
    """The query argument of the typed name of a filter: "person" -> "person_name"."""
    return f"{argument}_name"


@dataclass
class RecordFilterField:
    """What one person, organization or topic filter field shows."""

    argument: str  # "person", "organization" or "topic": the id's query argument
    text: str = ""  # the field's value: the chosen record's name, or what was typed
    # Records to pick from, each with the name to show for it.
    matches: list[tuple[object, str]] = field(default_factory=list)
    message: str = ""  # why the typed name set no filter

    @property
    def name_argument(self) -> str:
        """The query argument the field sends its text as."""
        return name_argument(self.argument)

    @property
    def matches_question(self) -> str:
        """The words above the matches: "Did you mean this person?" or "Which one?"."""
        if len(self.matches) == 1:
            return str(ONE_MATCH_QUESTION[self.argument])
        return _("Which one? Several match “%(name)s”:", name=self.text)

    @property
    def unresolved(self) -> bool:
        """Whether a typed name is waiting to be picked from the matches or retyped."""
        return bool(self.matches or self.message)


def record_filter_fields(
    filters: MeetingFilters, args: MultiDict, user
) -> dict[str, RecordFilterField]:
    """Resolve the typed names in `args` onto `filters`; the fields to show.

    A filter whose name field was sent follows the name (an emptied field
    drops the filter, whatever id the hidden field still holds); one without
    (a link, a feed's address) follows its id.
    """
    fields = {}
    for argument, model in FILTERED_RECORDS.items():
        typed = args.get(name_argument(argument))
        if typed is None:
            fields[argument] = _field_for_id(filters, argument, model, user)
        else:
            fields[argument] = _field_for_name(filters, argument, model, typed, user)
    return fields


def typed_names_sent(args: MultiDict) -> bool:
    """Whether the request carries any typed filter name (a sent filter form)."""
    return any(name_argument(argument) in args for argument in FILTERED_RECORDS)


def sent_form_to_tidy(filters, record_fields: dict, args: MultiDict) -> bool:
    """Whether the request is a sent filter form, valid and resolved, to redirect to
    its tidy address: the form sends every field (empty ones too) and typed
    names, and a bookmark should keep only the filters in force, by id.
    """
    resolved = not any(field.unresolved for field in record_fields.values())
    return (
        not filters.errors
        and resolved
        and (any(value == "" for value in args.values()) or typed_names_sent(args))
    )


def record_name(record, visible_topic_ids: set[int] | None = None) -> str:
    """The name a filter field shows: a topic's path through visible topics only."""
    if isinstance(record, Topic):
        return visible_path(record, visible_topic_ids)
    return record.display_name if isinstance(record, Person) else record.name


def _field_for_id(filters, argument: str, model, user) -> RecordFilterField:
    """The field of a filter given by id: the record's name, if the viewer sees it."""
    shown = RecordFilterField(argument)
    record_id = getattr(filters, f"{argument}_id")
    if argument in filters.errors:
        shown.message = filters.errors[argument]
    if not record_id:
        return shown
    visible_ids = visible_topic_ids_for(user) if model is Topic else None
    if model is not Topic:
        seen = sees_record_id(user, model, record_id)
        record = (
            db.session.scalar(select(model).where(model.id == record_id))
            if seen
            else None
        )
    elif visible_ids is None or record_id in visible_ids:
        record = db.session.scalar(select(Topic).where(Topic.id == record_id))
    else:
        record = None
    if record is None:
        # Hidden and missing alike; the filter stays, and finds nothing.
        shown.message = str(UNKNOWN_RECORD[argument])
        return shown
    if model is Topic:
        preload_ancestors([record.id])
    shown.text = record_name(record, visible_ids)
    return shown


def _field_for_name(
    filters, argument: str, model, typed: str, user
) -> RecordFilterField:
    """The field of a filter sent as a typed name: resolved, or matches to pick."""
    text = clean_name(typed)[:NAME_MAX_LENGTH]
    shown = RecordFilterField(argument, text=text)
    chosen_id = getattr(filters, f"{argument}_id")
    filters.errors.pop(argument, None)  # the name decides, not the hidden id
    setattr(filters, f"{argument}_id", None)
    if not text:
        return shown
    visible_ids = visible_topic_ids_for(user) if model is Topic else None
    exact = _records_named(model, text, user, visible_ids)
    chosen = next((record for record in exact if record.id == chosen_id), None)
    if chosen is None and len(exact) == 1:
        chosen = exact[0]
    if chosen is not None:
        setattr(filters, f"{argument}_id", chosen.id)
        if model is Topic:
            preload_ancestors([chosen.id])
        shown.text = record_name(chosen, visible_ids)
        return shown
    candidates = exact or [
        match.record
        for match in likely_matches(
            model,
            text,
            among=_visible(model, user, visible_ids),
            limit=SUGGESTIONS_LIMIT,
            typing=True,
        )
    ]
    if model is Topic:
        preload_ancestors(record.id for record in candidates)
    shown.matches = [
        (record, record_name(record, visible_ids)) for record in candidates
    ]
    if not shown.matches:
        shown.message = str(NONE_NAMED[argument]) % {"name": text}
    return shown


def _visible(model, user, visible_topic_ids: set[int] | None):
    if model is Topic:
        return topics_among(visible_topic_ids)
    return visible_records_for(user, model)


def _records_named(model, text: str, user, visible_topic_ids) -> list:
    """Visible records with `text` among their names (for a topic, or as its path)."""
    if model is Topic and len(split_topic_path(text)) > 1:
        topic = find_topic(text, user)
        return [topic] if topic is not None else []
    return records_named(model, text, among=_visible(model, user, visible_topic_ids))


@dataclass
class ChosenRecord:
    """One record chosen outside a filter form (the account's directory person)."""

    person_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)


def chosen_person_field(form: MultiDict, user) -> tuple[RecordFilterField, int | None]:
    """Resolve a sent person field (typed name, hidden id) among people `user` sees.

    As for the filters: a sent name decides (an emptied one chooses nobody);
    without one, the id does. A hidden or missing person gives the same
    message. Returns the field to show and the chosen person's id.
    """
    chosen = ChosenRecord()
    raw = (form.get("person") or "").strip()
    if raw:
        chosen.person_id = database_id(raw)
        if chosen.person_id is None:
            chosen.errors["person"] = str(UNKNOWN_RECORD["person"])
    typed = form.get(name_argument("person"))
    if typed is None:
        shown = _field_for_id(chosen, "person", Person, user)
    else:
        shown = _field_for_name(chosen, "person", Person, typed, user)
    return shown, None if shown.unresolved else chosen.person_id
