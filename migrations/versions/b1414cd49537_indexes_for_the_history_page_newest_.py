"""Indexes for the history page (issue 10): newest first among meetings not in
the trash, and counts by confidentiality

Revision ID: b1414cd49537
Revises: 0aa0b0bdbdd3
Create Date: 2026-11-26 03:54:20.349533

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b1414cd49537'
down_revision = '0aa0b0bdbdd3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_deleted_at_confidentiality', ['deleted_at', 'confidentiality'], unique=False)
        batch_op.create_index('ix_meeting_listing', ['deleted_at', 'start_utc', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_listing')
        batch_op.drop_index('ix_meeting_deleted_at_confidentiality')
