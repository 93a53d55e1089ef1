"""Indexes for the history's counts (issue 10): partial ones for meetings
not in the trash (newest first, with the columns filters and counts read) and
the trash apart; participations by record and meeting, read alone

Revision ID: c3d5e7f9a1b2
Revises: b1414cd49537
Create Date: 2026-11-26 07:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d5e7f9a1b2'
down_revision = 'b1414cd49537'
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
TRASH = sa.text("deleted_at IS NOT NULL")


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_listing')
        batch_op.drop_index('ix_meeting_deleted_at_confidentiality')
        batch_op.drop_index('ix_meeting_deleted_at')
        batch_op.create_index(
            'ix_meeting_live',
            ['start_utc', 'id', 'confidentiality', 'start_local_date', 'kind', 'status', 'series', 'deleted_at'],
            unique=False,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )
        batch_op.create_index(
            'ix_meeting_trash',
            ['deleted_at'],
            unique=False,
            sqlite_where=TRASH,
            postgresql_where=TRASH,
        )


    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index('ix_participation_person_id')
        batch_op.drop_index('ix_participation_organization_id')
        batch_op.drop_index('ix_participation_meeting_id')
        batch_op.create_index('ix_participation_person_meeting', ['person_id', 'meeting_id'], unique=False)
        batch_op.create_index('ix_participation_organization_meeting', ['organization_id', 'meeting_id'], unique=False)
        batch_op.create_index('ix_participation_meeting_records', ['meeting_id', 'person_id', 'organization_id'], unique=False)
    # Planner statistics for the new indexes (the old ones' are gone with them):
    # without them SQLite guesses, and may walk every meeting again. Only where
    # statistics were gathered before (`flask reindex` does): a new database
    # gets none, as before.
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite' or bind.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    ).first():
        op.execute("ANALYZE")


def downgrade():
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index('ix_participation_meeting_records')
        batch_op.drop_index('ix_participation_organization_meeting')
        batch_op.drop_index('ix_participation_person_meeting')
        batch_op.create_index('ix_participation_meeting_id', ['meeting_id'], unique=False)
        batch_op.create_index('ix_participation_organization_id', ['organization_id'], unique=False)
        batch_op.create_index('ix_participation_person_id', ['person_id'], unique=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_trash')
        batch_op.drop_index('ix_meeting_live')
        batch_op.create_index('ix_meeting_deleted_at', ['deleted_at'], unique=False)
        batch_op.create_index('ix_meeting_deleted_at_confidentiality', ['deleted_at', 'confidentiality'], unique=False)
        batch_op.create_index('ix_meeting_listing', ['deleted_at', 'start_utc', 'id'], unique=False)
