"""Follow-ups: outcome completed_on

The day an outcome was marked done or dropped; outcomes already done keep
None (the day is not known). An index on (status, due) for the follow-ups list.

Revision ID: 306f4037b07c
Revises: b1414cd49537
Create Date: 2026-11-26 07:02:39.066480

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '306f4037b07c'
down_revision = 'b1414cd49537'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_outcome_status_due', ['status', 'due'], unique=False)



def downgrade():
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_status_due')
        batch_op.drop_column('completed_on')

