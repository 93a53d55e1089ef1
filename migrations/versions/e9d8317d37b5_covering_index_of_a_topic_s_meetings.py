"""Covering index of a topic's meetings (issue 10): (topic_id, meeting_id) in
place of topic_id alone, so a topic's meeting ids come from the index

Revision ID: e9d8317d37b5
Revises: 8bda4b9734b0
Create Date: 2026-11-26 07:42:13.191433

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e9d8317d37b5'
down_revision = '8bda4b9734b0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_topic', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_topic_topic_id_meeting_id', ['topic_id', 'meeting_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_meeting_topic_topic_id'))


def downgrade():
    with op.batch_alter_table('meeting_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_topic_topic_id'), ['topic_id'], unique=False)
        batch_op.drop_index('ix_meeting_topic_topic_id_meeting_id')
