"""The meeting form: the meeting's own fields plus rows of participants, topics,
outcomes and sources. The JSON import feeds the same form, so both paths obey
exactly the same validation rules.
"""

from datetime import datetime, time, timedelta
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from events_app.directory.did_you_mean import (
    chosen_record,
    question_about,
    spelling_left_out,
)
from events_app.directory.forms import name_choice_fields
from events_app.extensions import db
from events_app.form_fields import CheckboxListField, OptionsKeptSelect
from events_app.input_rules import AppForm, AppSubform
from events_app.language.collation import collation_key
from events_app.language.formatting import format_number, format_time, zone_label
from events_app.meetings.timezone_places import (
    place_label,
    zone_named,
    zones_matching,
)
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

# Empty rows a list offers when it has none filled yet (one below filled rows).
EMPTY_ROWS = {"participants": 3, "topics": 3, "outcomes": 2, "sources": 2}
# How the error summary names a row ("Participant 2") and a whole list.
ROW_HEADINGS = {
    "participants": _l("Participant %(number)d"),
    "topics": _l("Topic %(number)d"),
    "outcomes": _l("Outcome %(number)d"),
    "sources": _l("Source %(number)d"),
}
LIST_HEADINGS = {
    "participants": _l("Participants"),
    "topics": _l("Topics"),
    "outcomes": _l("Outcomes"),
    "sources": _l("Sources"),
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
        raise ValidationError(
            _("Did you mean %(zone)s?", zone=place_label(candidates[0]))
        )
    if candidates:
        listed = "; ".join(place_label(place) for place in candidates)
        raise ValidationError(
            _("Several time zones match: %(zones)s. Type one of them.", zones=listed)
        )
    raise ValidationError(
        _(
            "Use an IANA time zone name such as Europe/Paris, or a city or country "
            "(Vilnius, France)."
        )
    )


def web_url(form, field) -> None:
    """An absolute http(s) URL with a host; anything else (javascript:) is refused."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError(_("Enter a full web address starting with https://"))


def strip_text(value):
    """Trim text; a field missing from the submitted data counts as empty text."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


class ChoiceField(SelectField):
    """A select whose error names the accepted values (helpful for JSON imports too)."""

    widget = OptionsKeptSelect()

    def pre_validate(self, form) -> None:
        accepted_values = [choice.value for choice in self.choices]
        if self.data not in accepted_values:
            accepted = ", ".join(accepted_values)
            raise ValidationError(_("Choose one of: %(values)s.", values=accepted))


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
                _(
                    "At most %(maximum)s rows; this has %(count)s. "
                    "Remove some rows; nothing was saved.",
                    maximum=format_number(self.maximum_rows),
                    count=format_number(len(self.entries)),
                )
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
        self.unkept_spellings: list[tuple[str, str]] = []

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
        """The existing record chosen for this row's `name`, or None (chosen_record).

        A spelling to keep that the record has no room for is noted in
        `unkept_spellings`, for the page to say so once the meeting is saved.
        """
        record = chosen_record(
            self[name].data,
            self[f"{name}_choice"].data,
            self[f"{name}_keep_spelling"].data,
            user,
            self.NAMED_RECORDS[name],
        )
        if (
            record is not None
            and self[f"{name}_keep_spelling"].data
            and spelling_left_out(record, self[name].data)
        ):
            self.unkept_spellings.append((self[name].data, record.label))
        return record


class ParticipantRowForm(RowWithNames):
    NAMED_RECORDS = {"person": (Person,), "organization": (Organization,)}

    person = StringField(
        _l("Person"),
        filters=[strip_text],
        validators=[Length(max=200)],
    )
    person_choice, person_keep_spelling = name_choice_fields()
    organization = StringField(
        _l("Organization represented"),
        filters=[strip_text],
        validators=[Length(max=200)],
    )
    organization_choice, organization_keep_spelling = name_choice_fields()
    role = ChoiceField(
        _l("Role"),
        choices=choices_of(ParticipantRole),
        default=ParticipantRole.PARTICIPANT,
    )
    attendance = ChoiceField(
        _l("Attendance"), choices=choices_of(Attendance), default=Attendance.ATTENDED
    )
    note = StringField(_l("Note"), filters=[strip_text], validators=[Length(max=1000)])

    def is_blank(self) -> bool:
        return not (self.person.data or self.organization.data or self.note.data)

    def validate_person(self, field) -> None:
        if not self.is_blank() and not (self.person.data or self.organization.data):
            raise ValidationError(_("Name a person or an organization."))


class TopicRowForm(AppSubform):
    topic = StringField(
        _l("Topic"),
        filters=[strip_text],
        validators=[Length(max=300)],
        description=_l('Use "Parent > Topic" for a sub-topic.'),
    )
    note = TextAreaField(
        _l("What was said"), filters=[strip_text], validators=[Length(max=20000)]
    )

    def is_blank(self) -> bool:
        return not (self.topic.data or self.note.data)

    def validate_topic(self, field) -> None:
        if self.note.data and not field.data:
            raise ValidationError(_("Name the topic this note belongs to."))


class OutcomeRowForm(RowWithNames):
    NAMED_RECORDS = {"owner": (Person, Organization)}

    text = TextAreaField(
        _l("Agreement or follow-up"),
        filters=[strip_text],
        validators=[Length(max=5000)],
    )
    owner = StringField(
        _l("Owner (person or organization)"),
        filters=[strip_text],
        validators=[Length(max=200)],
    )
    owner_choice, owner_keep_spelling = name_choice_fields()
    due = DateField(
        _l("Due"), validators=[Optional(), date_in_range], render_kw=DATE_INPUT_LIMITS
    )
    status = ChoiceField(
        _l("Status"), choices=choices_of(OutcomeStatus), default="open"
    )
    # Carried hidden, so that an edit keeps the day it was done or dropped.
    completed_on = DateField(
        _l("Done or dropped on"), validators=[Optional(), date_in_range]
    )

    def is_blank(self) -> bool:
        return not (self.text.data or self.owner.data or self.due.data)

    def validate_text(self, field) -> None:
        if not self.is_blank() and not field.data:
            raise ValidationError(_("Say what was agreed."))


class SourceRowForm(AppSubform):
    url = StringField(
        _l("Link"), filters=[strip_text], validators=[Length(max=2000), web_url]
    )
    title = StringField(_l("Title"), filters=[strip_text], validators=[Length(max=300)])

    def is_blank(self) -> bool:
        return not (self.url.data or self.title.data)

    def validate_url(self, field) -> None:
        if self.title.data and not field.data:
            raise ValidationError(_("Give the link this title belongs to."))


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
            raise ValidationError(
                _("Unknown: %(values)s.", values=", ".join(self.unknown))
            )
        super().pre_validate(form)


class MeetingForm(AppForm):
    """All of a meeting on one form; blank rows are ignored when saving."""

    title = StringField(
        _l("Title"),
        filters=[strip_text],
        validators=[
            DataRequired(_l("Give the meeting a title.")),
            Length(max=300),
        ],
    )
    kind = ChoiceField(
        _l("Kind"), choices=choices_of(MeetingKind), default=MeetingKind.MEETING
    )
    series = StringField(
        _l("Series"),
        filters=[strip_text],
        validators=[Length(max=200)],
        description=_l("e.g. Alliance for a Democratic Belarus"),
    )
    series_number = IntegerField(
        _l("Number in series"),
        validators=[
            Optional(),
            NumberRange(1, 100000, _l("Use a number from 1 to 100000.")),
        ],
    )
    all_day = BooleanField(_l("All day"))
    start_date = DateField(
        _l("Start date"),
        validators=[InputRequired(_l("Give the start date.")), date_in_range],
        render_kw=DATE_INPUT_LIMITS,
    )
    start_time = TimeField(
        _l("Start time"), format=TIME_FORMATS, validators=[Optional()]
    )
    end_date = DateField(
        _l("End date"),
        validators=[Optional(), date_in_range],
        render_kw=DATE_INPUT_LIMITS,
    )
    end_time = TimeField(_l("End time"), format=TIME_FORMATS, validators=[Optional()])
    timezone = StringField(
        _l("Time zone"),
        filters=[zone_for_place],
        validators=[DataRequired(_l("Give the time zone.")), valid_timezone],
        default="UTC",
    )
    venue = StringField(
        _l("Venue"),
        filters=[strip_text],
        validators=[Length(max=300)],
    )
    city = StringField(
        _l("City"),
        filters=[strip_text],
        validators=[Length(max=120)],
    )
    country = StringField(
        _l("Country"),
        filters=[strip_text],
        validators=[Length(max=120)],
    )
    online_url = StringField(
        _l("Online link"), filters=[strip_text], validators=[Length(max=2000), web_url]
    )
    status = ChoiceField(
        _l("Status"), choices=choices_of(MeetingStatus), default=MeetingStatus.HELD
    )
    confidentiality = ChoiceField(
        _l("Confidentiality"),
        choices=choices_of(Confidentiality),
        default=Confidentiality.INTERNAL,
        description=_l(
            "Public: anyone; internal: signed-in users; restricted: "
            "admins and the access list below."
        ),
    )
    summary = TextAreaField(
        _l("Summary"), filters=[strip_text], validators=[Length(max=5000)]
    )
    notes = TextAreaField(
        _l("Notes / minutes (Markdown)"),
        filters=[strip_text],
        validators=[Length(max=200000)],
    )
    participants = RowList(FormField(ParticipantRowForm))
    topics = RowList(FormField(TopicRowForm))
    outcomes = RowList(FormField(OutcomeRowForm))
    sources = RowList(FormField(SourceRowForm))
    access_users = AccessUsersField(
        _l("Users"),
        description=_l(
            "Restricted meetings: besides admins, only these users and "
            "the members of these groups may see the meeting."
        ),
    )
    access_groups = CheckboxListField(_l("Groups"))
    revision = HiddenField()

    def __init__(self, *args, from_record: bool = False, **kwargs):
        """`from_record`: filled from an interchange record, which names users by
        e-mail (the JSON import, a restored revision); the web form names them by id.
        """
        super().__init__(*args, **kwargs)
        self.from_record = from_record
        self.access_users.offer(
            sorted(
                db.session.scalars(select(User)),
                key=lambda user: (collation_key(user.display_name), user.id),
            ),
            accept_emails=from_record,
        )
        self.access_groups.choices = [
            (name, name)
            for name in sorted(
                db.session.scalars(select(UserGroup.name)), key=collation_key
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
            raise ValidationError(
                _("Give the end time too, or leave the end date empty.")
            )

    def _check_wall_time_exists(self, day, wall_time: time, field) -> None:
        if not self._days_usable(day):
            return
        if local_to_utc(day, wall_time, self.timezone.data) is None:
            # The day stays in ISO form, as typed in a date field and as the
            # JSON import writes it.
            raise ValidationError(
                _(
                    "%(time)s does not exist on %(day)s in %(zone)s "
                    "(the clocks move forward then).",
                    time=format_time(wall_time),
                    day=day.isoformat(),
                    zone=zone_label(self.timezone.data),
                )
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
                    _("Give the start time, or tick All day."),
                ]
            valid = False
        when_valid = not any(self[name].errors for name in self.WHEN_FIELDS) and (
            not self.timezone.errors
        )
        start, end = self.instants() if when_valid else (None, None)
        if start is not None and end is not None and end <= start:
            message = (
                _("The last day cannot be before the first.")
                if self.all_day.data
                else _("The end must be after the start.")
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
                for number, row in enumerate(field, start=1):
                    row_heading = str(ROW_HEADINGS[field.name]) % {"number": number}
                    for subfield in row.form:
                        for message in subfield.errors:
                            label = _(
                                "%(row)s: %(field)s",
                                row=row_heading,
                                field=subfield.label.text,
                            )
                            summary.append((subfield.id, label, str(message)))
                for message in field.list_errors:
                    summary.append(
                        (field.name, str(LIST_HEADINGS[field.name]), message)
                    )
            else:
                for message in field.errors:
                    if not isinstance(message, dict | list):
                        summary.append((field.id, str(field.label.text), str(message)))
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

    def unkept_spellings(self) -> list[tuple[str, str]]:
        """(spelling, record's name) of each spelling to keep that a record had
        no room for (see RowWithNames.record_named), once the form is saved."""
        return [
            spelling
            for rows in (self.participants, self.outcomes)
            for row in rows
            for spelling in row.form.unkept_spellings
        ]

    def name_questions(self) -> list[tuple[str, object]]:
        """(field name, question) of every name `ask_about_names` asked about."""
        return [
            (row.form[name].name, question)
            for rows in (self.participants, self.outcomes)
            for row in rows
            for name, question in getattr(row.form, "questions", {}).items()
        ]

    def ensure_empty_rows(self) -> None:
        """Pad each row list so empty rows are there to fill in: a few in an
        empty list, one below rows already filled (more come with "Add")."""
        for name, count in EMPTY_ROWS.items():
            rows = getattr(self, name)
            blanks = sum(1 for row in rows if row.form.is_blank())
            if blanks < len(rows):
                count = 1
            for _blank in range(max(0, count - blanks)):
                if len(rows) < rows.maximum_rows:
                    rows.append_entry()

    def add_rows(self, name: str) -> None:
        """The no-JavaScript "add more rows" button: re-render with more empty rows."""
        rows = getattr(self, name, None)
        if name in EMPTY_ROWS and rows is not None:
            for _added in range(ROWS_ADDED_PER_CLICK):
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
