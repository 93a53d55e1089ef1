"""Search: words as written and their skeletons in tsvectors of their own (PostgreSQL)

Revision ID: 8d66768e7a55
Revises: 8b370c1d1783
Create Date: 2026-11-26 11:58:00.000000

A query told the words as written from their skeletons by weight in the one
`document` tsvector; GIN keeps no weights, so every candidate's document was
read again to check them (events_app/search/index.py). Each kind of words now
has a generated tsvector and GIN index of its own; `document` stays for
ranking and highlighting, without an index, since no query looks words up in
it any more. SQLite's FTS5 table already keeps them in columns of their own.
An earlier migration creates the index with the code's own DDL (already holding
these), so each step here leaves alone what exists.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "8d66768e7a55"
down_revision = "8b370c1d1783"
branch_labels = None
depends_on = None

CONFIGURATION = "'simple_unaccent'::regconfig"
# As the migration writes them (later code may define its own).
COLUMNS = {
    "written_words": f"to_tsvector({CONFIGURATION}, title) "
    f"|| to_tsvector({CONFIGURATION}, body)",
    "skeleton_words": f"to_tsvector({CONFIGURATION}, skeletons)",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE meeting_search "
        + ", ".join(
            f"ADD COLUMN IF NOT EXISTS {name} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
            for name, expression in COLUMNS.items()
        )
    )
    for name in COLUMNS:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_meeting_search_{name} "
            f"ON meeting_search USING gin ({name})"
        )
    op.execute("DROP INDEX IF EXISTS ix_meeting_search_document")
    op.execute("ANALYZE meeting_search")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_meeting_search_document "
        "ON meeting_search USING gin (document)"
    )
    for name in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_meeting_search_{name}")
    op.execute(
        "ALTER TABLE meeting_search "
        + ", ".join(f"DROP COLUMN IF EXISTS {name}" for name in COLUMNS)
    )
