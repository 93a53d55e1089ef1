"""Index for the calendar view: local start dates among meetings not in the trash

Revision ID: 5b6c1a49c876
Revises: c3d5e7f9a1b2
Create Date: 2026-11-26 07:31:40.452265

The month and week grids (events_app/meetings/calendar_view.py) read the
meetings of a range of local dates among those not in the trash; with only
the single-column date index, SQLite walks the history's index over every
meeting. Partial, like ix_meeting_live, so the trash is not in it.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b6c1a49c876'
down_revision = 'c3d5e7f9a1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(
            'ix_meeting_calendar',
            ['start_local_date'],
            unique=False,
            sqlite_where=sa.text('deleted_at IS NULL'),
            postgresql_where=sa.text('deleted_at IS NULL'),
        )


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_calendar')
