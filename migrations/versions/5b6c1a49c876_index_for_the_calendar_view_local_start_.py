"""Index for the calendar view: local start dates among meetings not in the trash

Revision ID: 5b6c1a49c876
Revises: b1414cd49537
Create Date: 2026-11-26 07:31:40.452265

The month and week grids (events_app/meetings/calendar_view.py) read the
meetings of a range of local dates among those not in the trash; with only
the single-column date index, SQLite prefers ix_meeting_listing's
`deleted_at` and walks every meeting.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b6c1a49c876'
down_revision = 'b1414cd49537'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_calendar', ['deleted_at', 'start_local_date'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_calendar')
