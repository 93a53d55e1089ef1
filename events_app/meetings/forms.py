"""The meeting form: the meeting's own fields plus rows of participants, topics,
outcomes and sources. The JSON import feeds the same form, so both paths obey
exactly the same validation rules.
"""

from datetime import datetime, time, timedelta
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from events_app.date_range import DATE_INPUT_LIMITS, date_in_range, day_in_range
from events_app.directory.did_you_mean import chosen_record, question_about
from events_app.directory.forms import name_choice_fields
from events_app.extensions import db
from events_app.form_fields import CheckboxListField
from events_app.input_rules import AppForm, AppSubform
from events_app.meetings.timezone_places import zone_named, zones_matching
from events_app.models import Organization, Person, User, UserGroup
from events_app.models.choices import (
    Attendance,
    Confidentiality,
    MeetingKind,
    MeetingStatus,
    OutcomeStatus,
    ParticipantRole,
    choices_of,
)

EMPTY_ROWS = {"participants": 3, "topics": 3, "outcomes": 2, "sources": 2}
ROW_HEADINGS = {
    "participants": "Participant",
    "topics": "Topic",
    "outcomes": "Outcome",
    "sources": "Source",
}
ROWS_ADDED_PER_CLICK = 3
# Rows per list (participants, topics, ...): the form refuses more, the page's
# "add rows" script stops there, and the .ics import keeps the first ones.
MAXIMUM_ROWS = 200
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


# Names the tz database ships that are no place: the host's own zone (which
# would change the meaning of saved times with the server) and a placeholder.
NOT_PLACES = frozenset({"localtime", "Factory"})


@cache
def known_timezones() -> frozenset[str]:
    """IANA zone names a meeting may be in (read once: the list walks the disk)."""
    return frozenset(available_timezones()) - NOT_PLACES


def zone_for_place(value):
    """A typed city or country ("Vilnius", "France") becomes its zone's name."""
    value = strip_text(value)
    if not value or value in known_timezones():
        return value
    return zone_named(value) or value


def valid_timezone(form, field) -> None:
    """The zone must be a real IANA name such as Europe/Paris (or name one)."""
    if field.data in known_timezones():
        return
    candidates = zones_matching(field.data or "", limit=6)
    if len(candidates) == 1:
        place = candidates[0]
        raise ValidationError(f"Did you mean {place.zone} ({place.label})?")
    if candidates:
        listed = "; ".join(f"{place.zone} ({place.label})" for place in candidates)
        raise ValidationError(f"Several time zones match: {listed}. Type one of them.")
    raise ValidationError(
        "Use an IANA time zone name such as Europe/Paris, or a city or country "
        "(Vilnius, France)."
    )


def web_url(form, field) -> None:
    """An absolute http(s) URL with a host; anything else (javascript:) is refused."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError("Enter a full web address starting with https://")


def strip_text(value):
    """Trim text; a field missing from the submitted data counts as empty text."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


class ChoiceField(SelectField):
    """A select whose error names the accepted values (helpful for JSON imports too)."""

    def pre_validate(self, form) -> None:
        accepted_values = [choice.value for choice in self.choices]
        if self.data not in accepted_values:
            accepted = ", ".join(accepted_values)
            raise ValidationError(f"Choose one of: {accepted}.")


class RowList(FieldList):
    """Rows of a meeting form with a maximum that refuses longer lists.

    WTForms' own `max_entries` drops the rows past it without a word; here every
    posted row stays in the form (so the page shows them again) and validation
    fails. Request limits (MAX_FORM_PARTS) bound how many rows can arrive.
    """

    def __init__(self, unbound_field, maximum_rows: int = MAXIMUM_ROWS, **kwargs):
        super().__init__(unbound_field, **kwargs)
        self.maximum_rows = maximum_rows

    def validate(self, form, extra_validators=()) -> bool:
        valid = super().validate(form, extra_validators)
        if len(self.entries) > self.maximum_rows:
            self.errors.append(
                f"At most {self.maximum_rows} rows; this has {len(self.entries)}. "
                "Remove some rows; nothing was saved."
            )
            return False
        return valid

    @property
    def list_errors(self) -> list[str]:
        """Errors of the list itself, not of its rows."""
        return [error for error in self.errors if isinstance(error, str)]


class RowWithNames(AppSubform):
    """A row whose name fields may ask "did you mean" before creating a record.

    `NAMED_RECORDS` maps each name field to the models it may name; each has a
    `<name>_choice` and `<name>_keep_spelling` field holding the answer.
    """

    NAMED_RECORDS: dict[str, tuple] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions: dict = {}

    def ask_about_names(self, user) -> bool:
        """Fill `questions` for this row's names; whether every one is decided."""
        self.questions = {}
        for name, models in self.NAMED_RECORDS.items():
            question = question_about(
                self[name].data, self[f"{name}_choice"].data, user, models
            )
            if question is not None:
                self.questions[name] = question
        return all(question.decided for question in self.questions.values())

    def record_named(self, name: str, user):
        """The existing record chosen for this row's `name`, or None (chosen_record)."""
        return chosen_record(
            self[name].data,
            self[f"{name}_choice"].data,
            self[f"{name}_keep_spelling"].data,
            user,
            self.NAMED_RECORDS[name],
        )


class ParticipantRowForm(RowWithNames):
    NAMED_RECORDS = {"person": (Person,), "organization": (Organization,)}

    person = StringField(
        "Person",
        filters=[strip_text],
        validators=[Length(max=200)],
    )
    person_choice, person_keep_spelling = name_choice_fields()
    organization = StringField(
        "Organization represented",
        filters=[strip_text],
        validators=[Length(max=200)],
    )
    organization_choice, organization_keep_spelling = name_choice_fields()
    role = ChoiceField(
        "Role", choices=choices_of(ParticipantRole), default=ParticipantRole.PARTICIPANT
    )
    attendance = ChoiceField(
        "Attendance", choices=choices_of(Attendance), default=Attendance.ATTENDED
    )
    note = StringField("Note", filters=[strip_text], validators=[Length(max=1000)])

    def is_blank(self) -> bool:
        return not (self.person.data or self.organization.data or self.note.data)

    def validate_person(self, field) -> None:
        if not self.is_blank() and not (self.person.data or self.organization.data):
            raise ValidationError("Name a person or an organization.")


class TopicRowForm(AppSubform):
    topic = StringField(
        "Topic",
        filters=[strip_text],
        validators=[Length(max=300)],
        description='Use "Parent > Topic" for a sub-topic.',
    )
    note = TextAreaField(
        "What was said", filters=[strip_text], validators=[Length(max=20000)]
    )

    def is_blank(self) -> bool:
        return not (self.topic.data or self.note.data)

    def validate_topic(self, field) -> None:
        if self.note.data and not field.data:
            raise ValidationError("Name the topic this note belongs to.")


class OutcomeRowForm(RowWithNames):
    NAMED_RECORDS = {"owner": (Person, Organization)}

    text = TextAreaField(
        "Agreement or follow-up", filters=[strip_text], validators=[Length(max=5000)]
    )
    owner = StringField(
        "Owner (person or organization)",
        filters=[strip_text],
        validators=[Length(max=200)],
    )
    owner_choice, owner_keep_spelling = name_choice_fields()
    due = DateField(
        "Due", validators=[Optional(), date_in_range], render_kw=DATE_INPUT_LIMITS
    )
    status = ChoiceField("Status", choices=choices_of(OutcomeStatus), default="open")
    # Carried hidden, so that an edit keeps the day it was done or dropped.
    completed_on = DateField(
        "Done or dropped on", validators=[Optional(), date_in_range]
    )

    def is_blank(self) -> bool:
        return not (self.text.data or self.owner.data or self.due.data)

    def validate_text(self, field) -> None:
        if not self.is_blank() and not field.data:
            raise ValidationError("Say what was agreed.")


class SourceRowForm(AppSubform):
    url = StringField(
        "Link", filters=[strip_text], validators=[Length(max=2000), web_url]
    )
    title = StringField("Title", filters=[strip_text], validators=[Length(max=300)])

    def is_blank(self) -> bool:
        return not (self.url.data or self.title.data)

    def validate_url(self, field) -> None:
        if self.title.data and not field.data:
            raise ValidationError("Give the link this title belongs to.")


class AccessUsersField(CheckboxListField):
    """Users listed by display name; the page carries user ids, never e-mail addresses.

    `data` holds e-mail addresses, the interchange format's key for users, so
    the web form (ids), the JSON import and restored revisions (addresses)
    fill it alike. Only a form filled from an interchange record accepts
    addresses: were the web form to take them, an editor could learn from the
    answer whether an address has an account. Deactivated users are offered
    only while they are on the list.
    """

    def offer(self, users, *, accept_emails: bool = False) -> None:
        """Offer these users; call once the form has read its input."""
        users = list(users)
        self._email_of = {str(user.id): user.email for user in users}
        known = dict(self._email_of)
        if accept_emails:
            known.update({user.email: user.email for user in users})
        given = [str(value) for value in self.data or []]
        self.unknown = [value for value in given if value not in known]
        self.coerce = self._as_email
        self.data = [known[value] for value in given if value in known]
        self.choices = [
            (str(user.id), user.name)
            for user in users
            if user.active or user.email in self.data
        ]

    def _as_email(self, value) -> str:
        return self._email_of.get(str(value), str(value))

    def pre_validate(self, form) -> None:
        if self.unknown:
            raise ValidationError(f"Unknown: {', '.join(self.unknown)}.")
        super().pre_validate(form)


class MeetingForm(AppForm):
    """All of a meeting on one form; blank rows are ignored when saving."""

    title = StringField(
        "Title",
        filters=[strip_text],
        validators=[
            DataRequired("Give the meeting a title."),
            Length(max=300),
        ],
    )
    kind = ChoiceField(
        "Kind", choices=choices_of(MeetingKind), default=MeetingKind.MEETING
    )
    series = StringField(
        "Series",
        filters=[strip_text],
        validators=[Length(max=200)],
        description="e.g. Alliance for a Democratic Belarus",
    )
    series_number = IntegerField(
        "Number in series",
        validators=[
            Optional(),
            NumberRange(1, 100000, "Use a number from 1 to 100000."),
        ],
    )
    all_day = BooleanField("All day")
    start_date = DateField(
        "Start date",
        validators=[InputRequired("Give the start date."), date_in_range],
        render_kw=DATE_INPUT_LIMITS,
    )
    start_time = TimeField("Start time", format=TIME_FORMATS, validators=[Optional()])
    end_date = DateField(
        "End date", validators=[Optional(), date_in_range], render_kw=DATE_INPUT_LIMITS
    )
    end_time = TimeField("End time", format=TIME_FORMATS, validators=[Optional()])
    timezone = StringField(
        "Time zone",
        filters=[zone_for_place],
        validators=[DataRequired("Give the time zone."), valid_timezone],
        default="UTC",
    )
    venue = StringField(
        "Venue",
        filters=[strip_text],
        validators=[Length(max=300)],
    )
    city = StringField(
        "City",
        filters=[strip_text],
        validators=[Length(max=120)],
    )
    country = StringField(
        "Country",
        filters=[strip_text],
        validators=[Length(max=120)],
    )
    online_url = StringField(
        "Online link", filters=[strip_text], validators=[Length(max=2000), web_url]
    )
    status = ChoiceField(
        "Status", choices=choices_of(MeetingStatus), default=MeetingStatus.HELD
    )
    confidentiality = ChoiceField(
        "Confidentiality",
        choices=choices_of(Confidentiality),
        default=Confidentiality.INTERNAL,
        description="Public: anyone; internal: signed-in users; restricted: "
        "admins and the access list below.",
    )
    summary = TextAreaField(
        "Summary", filters=[strip_text], validators=[Length(max=5000)]
    )
    notes = TextAreaField(
        "Notes / minutes (Markdown)",
        filters=[strip_text],
        validators=[Length(max=200000)],
    )
    participants = RowList(FormField(ParticipantRowForm))
    topics = RowList(FormField(TopicRowForm))
    outcomes = RowList(FormField(OutcomeRowForm))
    sources = RowList(FormField(SourceRowForm))
    access_users = AccessUsersField(
        "Users",
        description="Restricted meetings: besides admins, only these users and "
        "the members of these groups may see the meeting.",
    )
    access_groups = CheckboxListField("Groups")
    revision = HiddenField()

    def __init__(self, *args, from_record: bool = False, **kwargs):
        """`from_record`: filled from an interchange record, which names users by
        e-mail (the JSON import, a restored revision); the web form names them by id.
        """
        super().__init__(*args, **kwargs)
        self.from_record = from_record
        self.access_users.offer(
            db.session.scalars(select(User).order_by(User.display_name, User.id)),
            accept_emails=from_record,
        )
        self.access_groups.choices = [
            (name, name)
            for name in db.session.scalars(
                select(UserGroup.name).order_by(UserGroup.name)
            )
        ]

    def validate_start_time(self, field) -> None:
        if not self.all_day.data and field.data is not None:
            self._check_wall_time_exists(self.start_date.data, field.data, field)

    def validate_end_time(self, field) -> None:
        if self.all_day.data or field.data is None:
            return
        self._check_wall_time_exists(
            self.end_date.data or self.start_date.data, field.data, field
        )

    def validate_end_date(self, field) -> None:
        if not self.all_day.data and field.data and self.end_time.data is None:
            raise ValidationError("Give the end time too, or leave the end date empty.")

    def _check_wall_time_exists(self, day, wall_time: time, field) -> None:
        if not self._days_usable(day):
            return
        if local_to_utc(day, wall_time, self.timezone.data) is None:
            raise ValidationError(
                f"{wall_time:%H:%M} does not exist on {day} in {self.timezone.data} "
                "(the clocks move forward then)."
            )

    # The fields whose values the cross-field checks below combine.
    WHEN_FIELDS = ("all_day", "start_date", "start_time", "end_date", "end_time")

    def validate(self, extra_validators=None) -> bool:
        """Every check in one pass: the cross-field ones run whenever the fields
        they read are valid themselves, whatever errors other fields have."""
        valid = super().validate(extra_validators)
        if not self.all_day.data and self.start_time.data is None:
            if not self.start_time.errors:
                self.start_time.errors = [
                    *self.start_time.errors,
                    "Give the start time, or tick All day.",
                ]
            valid = False
        when_valid = not any(self[name].errors for name in self.WHEN_FIELDS) and (
            not self.timezone.errors
        )
        start, end = self.instants() if when_valid else (None, None)
        if start is not None and end is not None and end <= start:
            message = (
                "The last day cannot be before the first."
                if self.all_day.data
                else "The end must be after the start."
            )
            (
                self.end_time
                if not self.all_day.data and self.end_time.data
                else self.end_date
            ).errors.append(message)
            valid = False
        return valid

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, field label, message) of every error, in page order.

        Row fields are labelled with their list and row ("Participant 2:
        Person"); a list's own errors point at its section.
        """
        summary = []
        for field in self:
            if isinstance(field, RowList):
                heading = ROW_HEADINGS.get(field.name, field.name)
                for number, row in enumerate(field, start=1):
                    for subfield in row.form:
                        for message in subfield.errors:
                            label = f"{heading} {number}: {subfield.label.text}"
                            summary.append((subfield.id, label, message))
                for message in field.list_errors:
                    summary.append((field.name, heading + "s", message))
            else:
                for message in field.errors:
                    if isinstance(message, str):
                        summary.append((field.id, field.label.text, message))
        return summary

    def instants(self) -> tuple[datetime | None, datetime | None]:
        """Start and end as naive UTC (the storage form), or None where not given."""
        zone = self.timezone.data
        day = self.start_date.data
        if not self._days_usable(day, self.end_date.data):
            return None, None
        if self.all_day.data:
            last_day = self.end_date.data or day
            return (
                local_to_utc(day, time(0, 0), zone),
                local_to_utc(last_day + timedelta(days=1), time(0, 0), zone),
            )
        if self.start_time.data is None:
            return None, None
        start = local_to_utc(day, self.start_time.data, zone)
        end = None
        if self.end_time.data is not None:
            end = local_to_utc(self.end_date.data or day, self.end_time.data, zone)
        return start, end

    def _days_usable(self, *days) -> bool:
        """Whether the zone is known and the days (None: not given) are in range.

        Only then is zone arithmetic safe: out of range it can overflow.
        """
        return (
            days[0] is not None
            and self.timezone.data in known_timezones()
            and all(day is None or day_in_range(day) for day in days)
        )

    def ask_about_names(self, user) -> bool:
        """Ask "did you mean" for every likely name (see RowWithNames); all decided?

        Every row is asked, so the page shows every question at once.
        """
        decided = [
            row.form.ask_about_names(user)
            for rows in (self.participants, self.outcomes)
            for row in rows
            if not row.form.is_blank()
        ]
        return all(decided)

    def name_questions(self) -> list[tuple[str, object]]:
        """(field name, question) of every name `ask_about_names` asked about."""
        return [
            (row.form[name].name, question)
            for rows in (self.participants, self.outcomes)
            for row in rows
            for name, question in getattr(row.form, "questions", {}).items()
        ]

    def ensure_empty_rows(self) -> None:
        """Pad each row list so a few empty rows are always there to fill in."""
        for name, count in EMPTY_ROWS.items():
            rows = getattr(self, name)
            blanks = sum(1 for row in rows if row.form.is_blank())
            for _ in range(max(0, count - blanks)):
                if len(rows) < rows.maximum_rows:
                    rows.append_entry()

    def add_rows(self, name: str) -> None:
        """The no-JavaScript "add more rows" button: re-render with more empty rows."""
        rows = getattr(self, name, None)
        if name in EMPTY_ROWS and rows is not None:
            for _ in range(ROWS_ADDED_PER_CLICK):
                if len(rows) < rows.maximum_rows:
                    rows.append_entry()


def local_to_utc(day, wall_time: time, zone_name: str) -> datetime | None:
    """Naive UTC instant of a local wall-clock time, or None if the clocks skip it.

    An ambiguous time (clocks going back) takes its first occurrence.
    """
    from datetime import UTC

    zone = ZoneInfo(zone_name)
    local = datetime.combine(day, wall_time).replace(tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant.replace(tzinfo=None)
