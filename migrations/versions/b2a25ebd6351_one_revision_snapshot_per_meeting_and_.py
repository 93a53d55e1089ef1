"""One revision snapshot per meeting and revision number

Two saves at the same moment could both be accepted and keep two snapshots
under one revision number. Before the unique constraint can hold, the revisions
of each meeting with such twins are numbered again in the order they were saved
(1, 2, 3, ...), and the meeting's revision becomes the last number.

Revision ID: b2a25ebd6351
Revises: 8b0c1c1a9a87
Create Date: 2026-11-26 00:38:51.196221

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b2a25ebd6351"
down_revision = "8b0c1c1a9a87"
branch_labels = None
depends_on = None

meeting_revision = sa.table(
    "meeting_revision",
    sa.column("id", sa.Integer),
    sa.column("meeting_id", sa.Integer),
    sa.column("revision", sa.Integer),
)
meeting = sa.table("meeting", sa.column("id", sa.Integer), sa.column("revision", sa.Integer))


def renumber_twin_revisions() -> None:
    bind = op.get_bind()
    meetings_with_twins = bind.execute(
        sa.select(meeting_revision.c.meeting_id)
        .group_by(meeting_revision.c.meeting_id, meeting_revision.c.revision)
        .having(sa.func.count() > 1)
        .distinct()
    ).scalars().all()
    for meeting_id in sorted(set(meetings_with_twins)):
        in_saving_order = bind.execute(
            sa.select(meeting_revision.c.id)
            .where(meeting_revision.c.meeting_id == meeting_id)
            .order_by(meeting_revision.c.revision, meeting_revision.c.id)
        ).scalars().all()
        for number, revision_id in enumerate(in_saving_order, start=1):
            bind.execute(
                meeting_revision.update()
                .where(meeting_revision.c.id == revision_id)
                .values(revision=number)
            )
        bind.execute(
            meeting.update()
            .where(meeting.c.id == meeting_id)
            .values(revision=len(in_saving_order))
        )


def upgrade():
    renumber_twin_revisions()
    with op.batch_alter_table("meeting_revision", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_meeting_revision_meeting_id_revision", ["meeting_id", "revision"]
        )


def downgrade():
    with op.batch_alter_table("meeting_revision", schema=None) as batch_op:
        batch_op.drop_constraint("uq_meeting_revision_meeting_id_revision", type_="unique")
