"""Search index over everything a meeting holds (events_app/search/index.py)

SQLite: an FTS5 table; PostgreSQL: the unaccent extension, a `simple_unaccent`
text search configuration and a table with a generated tsvector and a GIN
index. Hand-written: autogenerate does not describe either (migrations/env.py
leaves them out of its comparison). Existing meetings are indexed here.

Revision ID: 5c1e7a9d3b20
Revises: 02a63f6012b8
Create Date: 2026-11-26 03:45:00.000000

"""
from alembic import op

from events_app.search.index import (
    create_search_index,
    drop_search_index,
    write_documents,
)


# revision identifiers, used by Alembic.
revision = '5c1e7a9d3b20'
down_revision = '02a63f6012b8'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    create_search_index(connection)
    write_documents(connection)


def downgrade():
    drop_search_index(op.get_bind())
