"""The last local day of a meeting, for the calendar grid

Revision ID: 281cfc5a20db
Revises: 8d66768e7a55
Create Date: 2026-11-26 14:15:32.847553

The month and week grids (events_app/meetings/calendar_view.py) show a
meeting on every day it covers, from `start_local_date` to this date
(`Meeting.last_covered_date`). Filled here as the start date, then, for the
few meetings that end on a later local day, from their times and zone.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "281cfc5a20db"
down_revision = "8d66768e7a55"
branch_labels = None
depends_on = None


def last_covered_date(start_utc, end_utc, zone_name, all_day) -> date:
    """As `MeetingTimes.last_covered_date` at this revision."""
    zone = ZoneInfo(zone_name)
    first = start_utc.replace(tzinfo=UTC).astimezone(zone).date()
    if end_utc is None:
        return first
    end = end_utc.replace(tzinfo=UTC).astimezone(zone)
    last = end.date()
    if all_day or end.time() == time(0):
        last -= timedelta(days=1)
    return max(last, first)


def as_datetime(value) -> datetime:
    # SQLite gives the raw text back to a plain `select` of the table.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def upgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_local_date", sa.Date(), nullable=True))
    meeting = sa.table(
        "meeting",
        sa.column("id", sa.Integer),
        sa.column("start_utc", sa.DateTime),
        sa.column("end_utc", sa.DateTime),
        sa.column("timezone", sa.String),
        sa.column("all_day", sa.Boolean),
        sa.column("start_local_date", sa.Date),
        sa.column("last_local_date", sa.Date),
    )
    connection = op.get_bind()
    connection.execute(
        meeting.update().values(last_local_date=meeting.c.start_local_date)
    )
    later = []
    rows = connection.execute(
        sa.select(
            meeting.c.id,
            meeting.c.start_utc,
            meeting.c.end_utc,
            meeting.c.timezone,
            meeting.c.all_day,
            meeting.c.start_local_date,
        ).where(meeting.c.end_utc.is_not(None))
    )
    for id_, start_utc, end_utc, zone_name, all_day, start_local_date in rows:
        last = last_covered_date(
            as_datetime(start_utc), as_datetime(end_utc), zone_name, all_day
        )
        if isinstance(start_local_date, str):
            start_local_date = date.fromisoformat(start_local_date)
        # Never before the start date kept (the grid would then skip it).
        if last > start_local_date:
            later.append({"meeting_id": id_, "last": last})
    if later:
        connection.execute(
            meeting.update()
            .where(meeting.c.id == sa.bindparam("meeting_id"))
            .values(last_local_date=sa.bindparam("last")),
            later,
        )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.alter_column(
            "last_local_date", existing_type=sa.Date(), nullable=False
        )
        # With the last day, the grid skips in the index the meetings of the
        # weeks before a period that ended before it.
        batch_op.drop_index("ix_meeting_calendar")
        batch_op.create_index(
            "ix_meeting_calendar",
            ["start_local_date", "last_local_date"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
    # SQLite's batch mode rebuilds the table and drops its statistics; without
    # them the grid's read takes the confidentiality index (2 s at 100,000).
    # Only where statistics were gathered before (`flask reindex` does), as in
    # c3d5e7f9a1b2: a new database gets none.
    if (
        connection.dialect.name != "sqlite"
        or connection.execute(
            sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).first()
    ):
        op.execute("ANALYZE meeting")


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_calendar")
        batch_op.create_index(
            "ix_meeting_calendar",
            ["start_local_date"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_column("last_local_date")
