"""Follow-ups: outcome completed_on, and the follow-ups list's index

The day an outcome was marked done or dropped; outcomes already done keep
None (the day is not known). The index serves the follow-ups list's order
(status, undated last, due date, id); it is an expression index, which
autogenerate cannot compare on SQLite, so it is written here by hand.

Revision ID: c9a30b96065a
Revises: 5b6c1a49c876
Create Date: 2026-11-26 07:13:40.042624

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c9a30b96065a"
down_revision = "5b6c1a49c876"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
    op.create_index(
        "ix_outcome_follow_up_order",
        "outcome",
        ["status", sa.text("(due IS NULL)"), "due", "id"],
    )


def downgrade():
    op.drop_index("ix_outcome_follow_up_order", table_name="outcome")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_column("completed_on")
