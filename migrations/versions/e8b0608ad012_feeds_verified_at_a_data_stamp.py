"""Feeds verified at a data stamp: a feed whose stored events a build found all
current is rebuilt at the same data stamp without checking them again

Revision ID: e8b0608ad012
Revises: c9a30b96065a
Create Date: 2026-11-26 07:28:56.101824

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8b0608ad012"
down_revision = "c9a30b96065a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "verified_feed",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_verified_feed")),
    )
    with op.batch_alter_table("verified_feed", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verified_feed_data_version"), ["data_version"], unique=False
        )


def downgrade():
    with op.batch_alter_table("verified_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verified_feed_data_version"))

    op.drop_table("verified_feed")
