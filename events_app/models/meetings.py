"""A meeting and everything recorded about it."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Index, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from events_app.extensions import db
from events_app.models.choices import (
    Attendance,
    Confidentiality,
    MeetingKind,
    MeetingStatus,
    OutcomeStatus,
    ParticipantRole,
)
from events_app.models.directory import Organization, Person
from events_app.models.topics import Topic

if TYPE_CHECKING:
    from events_app.models.access import UserGroup
    from events_app.models.users import User


def new_meeting_uid() -> str:
    """A calendar UID that is random, permanent and carries no personal data."""
    return f"{uuid.uuid4()}@events-app"


def utc_now() -> datetime:
    """The current instant as the naive UTC value the database columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)


class MeetingTimes:
    """A meeting's time and place as pages show them, from its plain columns.

    Shared by `Meeting` and the plain rows pages keep instead of ORM objects
    (events_app/history.py `MeetingLine`): both need `start_utc`, `end_utc`,
    `timezone`, `all_day`, `venue`, `city` and `country`.
    """

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        """Aware start in the meeting's own time zone."""
        return self.start_utc.replace(tzinfo=UTC).astimezone(self.zone)

    @property
    def local_end(self) -> datetime | None:
        if self.end_utc is None:
            return None
        return self.end_utc.replace(tzinfo=UTC).astimezone(self.zone)

    @property
    def start_date(self) -> date:
        return self.local_start.date()

    @property
    def last_date(self) -> date:
        """Last day of an all-day meeting (inclusive); the start day otherwise."""
        if self.all_day and self.local_end is not None:
            return self.local_end.date() - timedelta(days=1)
        if self.local_end is not None:
            return self.local_end.date()
        return self.start_date

    @property
    def last_covered_date(self) -> date:
        """The last local day the meeting takes place on, as a calendar shows it.

        As `last_date`, except that a meeting ending at midnight ends on the
        day before (22:00 to 00:00 is an evening, not two days), and that it
        is never before the first day (an end before the start is ignored).
        """
        last = self.last_date
        end = self.local_end
        if not self.all_day and end is not None and end.time() == time(0):
            last -= timedelta(days=1)
        return max(last, self.start_date)

    @property
    def location_label(self) -> str:
        return ", ".join(part for part in (self.venue, self.city, self.country) if part)


class Meeting(MeetingTimes, db.Model):
    """One meeting.

    `start_utc`/`end_utc` hold the instant in naive UTC (portable across SQLite
    and PostgreSQL); `timezone` is the IANA zone it was entered in, so the local
    wall-clock time is always recoverable. All-day meetings keep local midnight
    of the first day and of the day after the last day (an exclusive end).
    """

    __tablename__ = "meeting"
    __table_args__ = (
        # Meetings not in the trash, newest first, with the columns the history
        # filters and counts read: a page walks this index and stops after a
        # page, and a count or a filter reads it alone, never the wide rows
        # (a count of a year's meetings: 410 ms to under 10 ms at 100,000).
        # Partial, so the trash (1 row in 100) is not in it: an index led by
        # `deleted_at` made SQLite's statistics read "not in the trash" as
        # matching 100 rows, and it then walked every meeting for each
        # organization of the index (2.8 s) or each filtered count.
        Index(
            "ix_meeting_live",
            "start_utc",
            "id",
            "confidentiality",
            "start_local_date",
            "kind",
            "status",
            "series",
            # Always empty here, but a column the query names must be in the
            # index for SQLite to read the index alone.
            "deleted_at",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # The trash page, newest first; only trashed rows, for the same reason.
        Index(
            "ix_meeting_trash",
            "deleted_at",
            sqlite_where=text("deleted_at IS NOT NULL"),
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
        # The calendar grid's days among meetings not in the trash: without it
        # SQLite walks the history's index over every meeting for a viewer (1.8 s
        # for a month at 100,000 meetings, against 20 ms with it). The last day
        # lets the grid skip, in the index, the meetings of the weeks before a
        # period that ended before it (a week's statement at 100,000 on SQLite:
        # 6.7 to 1.1 ms).
        Index(
            "ix_meeting_calendar",
            "start_local_date",
            "last_local_date",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_meeting_uid)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default=MeetingKind.MEETING)
    series: Mapped[str] = mapped_column(String(200), default="", index=True)
    series_number: Mapped[int | None]
    start_utc: Mapped[datetime] = mapped_column(index=True)
    start_local_date: Mapped[date] = mapped_column(index=True)
    # `last_covered_date`, kept like `start_local_date`: the calendar grid
    # shows a meeting on each day from one to the other.
    last_local_date: Mapped[date]
    end_utc: Mapped[datetime | None]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    all_day: Mapped[bool] = mapped_column(default=False)
    venue: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(120), default="")
    online_url: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.PLANNED)
    confidentiality: Mapped[str] = mapped_column(
        String(20), default=Confidentiality.INTERNAL, index=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    revision: Mapped[int] = mapped_column(default=1)
    # iCalendar SEQUENCE: grows only on changes a calendar app must show again
    # (time, place, title, status), unlike `revision`, which counts every edit.
    sequence: Mapped[int] = mapped_column(default=0)
    # Set when moved to the trash; only an admin's purge removes the row.
    deleted_at: Mapped[datetime | None]

    participations: Mapped[list["Participation"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="Participation.position",
    )
    meeting_topics: Mapped[list["MeetingTopic"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingTopic.position",
    )
    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="Outcome.position",
    )
    sources: Mapped[list["SourceLink"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="SourceLink.position",
    )

    access_users: Mapped[list["User"]] = relationship(
        secondary="meeting_access_user", order_by="User.email"
    )
    access_groups: Mapped[list["UserGroup"]] = relationship(
        secondary="meeting_access_group", order_by="UserGroup.name"
    )

    @property
    def series_label(self) -> str:
        if not self.series:
            return ""
        if self.series_number is not None:
            return f"{self.series}, meeting no. {self.series_number}"
        return self.series

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r}>"


def everything_about_meetings() -> list:
    """Loader options for writing whole meetings out (exports): a fixed few queries.

    Without them every participant, topic and outcome owner is one more query.
    """
    return [
        selectinload(Meeting.participations).selectinload(Participation.person),
        selectinload(Meeting.participations).selectinload(Participation.organization),
        selectinload(Meeting.meeting_topics).selectinload(MeetingTopic.topic),
        selectinload(Meeting.outcomes).selectinload(Outcome.owner_person),
        selectinload(Meeting.outcomes).selectinload(Outcome.owner_organization),
        selectinload(Meeting.sources),
        selectinload(Meeting.access_users),
        selectinload(Meeting.access_groups),
    ]


@event.listens_for(Meeting, "before_insert")
@event.listens_for(Meeting, "before_update")
def _keep_local_date(mapper, connection, meeting: Meeting) -> None:
    """Keep the local calendar dates in step, so date filters and the calendar
    grid match what people see."""
    meeting.start_local_date = meeting.local_start.date()
    meeting.last_local_date = meeting.last_covered_date


class Participation(db.Model):
    """A person and/or an organization taking part in a meeting, in one role."""

    __tablename__ = "participation"
    __table_args__ = (
        # A record's meetings, and who else was at each, read from the indexes
        # alone: the history pages and their figures follow these links
        # thousands of times for a busy person or organization.
        Index("ix_participation_person_meeting", "person_id", "meeting_id"),
        Index("ix_participation_organization_meeting", "organization_id", "meeting_id"),
        Index(
            "ix_participation_meeting_records",
            "meeting_id",
            "person_id",
            "organization_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        db.ForeignKey("meeting.id", ondelete="CASCADE")
    )
    person_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("person.id", ondelete="SET NULL")
    )
    organization_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("organization.id", ondelete="SET NULL")
    )
    role: Mapped[str] = mapped_column(String(20), default=ParticipantRole.PARTICIPANT)
    attendance: Mapped[str] = mapped_column(String(20), default=Attendance.UNKNOWN)
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="participations")
    person: Mapped[Person | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class MeetingTopic(db.Model):
    """A topic on a meeting's agenda, with a note of what was said on it."""

    __tablename__ = "meeting_topic"
    __table_args__ = (
        # The topics of a span of meetings, from the index alone (charts).
        Index("ix_meeting_topic_meeting_topic", "meeting_id", "topic_id"),
        # A topic's meetings from the index alone: the topic filter and page
        # list a busy topic's 8,000 meeting ids without reading the rows (its
        # history's first page 54 ms to 3 ms at 100,000 meetings on SQLite).
        Index("ix_meeting_topic_topic_id_meeting_id", "topic_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        db.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(db.ForeignKey("topic.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="meeting_topics")
    topic: Mapped[Topic] = relationship()

    @property
    def through_marked(self) -> bool:
        """Whether the topic's path here may name marked ancestors.

        Only a marked topic of a restricted meeting: everyone who sees such a
        meeting sees the marked parents of its topics (events_app/visibility.py).
        Anywhere else the path stops before a marked ancestor, whoever reads it
        (a page, a stored feed event, a revision).
        """
        return (
            self.topic.restricted
            and self.meeting is not None
            and self.meeting.confidentiality == Confidentiality.RESTRICTED.value
        )

    @property
    def path(self) -> str:
        """The topic's path as this meeting shows it to all who see it."""
        return self.topic.shown_path(self.through_marked)

    @property
    def parent_path(self) -> str | None:
        """The path of the topic's parent as `path` names it (None: none named)."""
        return self.topic.shown_parent_path(self.through_marked)


class Outcome(db.Model):
    """An agreement or follow-up, with who owns it and by when."""

    __tablename__ = "outcome"
    __table_args__ = (
        # The follow-ups list, a status at a time, soonest due first and those
        # without a date last: the database walks this index and stops after a
        # page instead of sorting every outcome (1.1 s at 100,000 on SQLite).
        Index(
            "ix_outcome_follow_up_order",
            "status",
            text("(due IS NULL)"),
            "due",
            "id",
        ),
        # Dated follow-ups of a status by due date (the home page's overdue and
        # next due, the follow-ups feed). PostgreSQL rewrites "(due IS NULL) =
        # false" as "due IS NOT NULL", which the index above cannot serve: it
        # sorted every open outcome instead (29 ms at 100,000, 1 ms with this).
        Index("ix_outcome_dated_order", "status", "due", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        db.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner_person_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    owner_organization_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    due: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=OutcomeStatus.OPEN)
    # The day it was marked done or dropped; None while open (see follow_ups/).
    completed_on: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="outcomes")
    owner_person: Mapped[Person | None] = relationship()
    owner_organization: Mapped[Organization | None] = relationship()

    @property
    def owner_label(self) -> str:
        if self.owner_person is not None:
            return self.owner_person.display_name
        if self.owner_organization is not None:
            return self.owner_organization.label
        return ""


class SourceLink(db.Model):
    """A link to where the meeting is documented, e.g. its public report."""

    __tablename__ = "source_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        db.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="sources")
