"""A user's directory person, for their own follow-ups

Revision ID: e9f4a2899f5d
Revises: a7c3e5f1b9d2
Create Date: 2026-11-26 08:16:00.306129

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e9f4a2899f5d"
down_revision = "a7c3e5f1b9d2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_user_account_person_id"), ["person_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_user_account_person_id_person"),
            "person",
            ["person_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_user_account_person_id_person"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_user_account_person_id"))
        batch_op.drop_column("person_id")
