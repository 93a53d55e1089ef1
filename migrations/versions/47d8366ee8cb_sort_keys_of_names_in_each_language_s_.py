"""Sort keys of names in each language's order (ICU collation), and name skeletons
in the search index (issue 13: data in any script)

People, organizations and topics get the ICU sort keys of their name in both
orders of events_app/language/collation.py, filled here for existing records;
people and organizations are indexed by (key, id) in each order, replacing the
(lower(name), id) indexes of a7c3e5f1b9d2, which no page sorts by any more.

The search index gets a column of the transliterated word skeletons of each
document (events_app/search/index.py), so a Latin query finds Cyrillic text and
back: it is created anew and every meeting's document rewritten.

Revision ID: 47d8366ee8cb
Revises: 0f2b648a1ffa
Create Date: 2026-11-26 10:46:13.313062

"""
from alembic import op
import sqlalchemy as sa

from events_app.language.collation import ORDERINGS, sort_key
from events_app.search.index import (
    create_search_index,
    drop_search_index,
    write_documents,
)


# revision identifiers, used by Alembic.
revision = '47d8366ee8cb'
down_revision = '0f2b648a1ffa'
branch_labels = None
depends_on = None

# Each table's name column, and whether its keys are indexed.
NAMED = {"organization": ("name", True), "person": ("display_name", True), "topic": ("name", False)}
BATCH = 500


def _empty_bytes():
    """An empty byte string as a server default, until the keys are filled."""
    if op.get_bind().dialect.name == "sqlite":
        return sa.text("X''")
    return sa.text("'\\x'::bytea")


def upgrade():
    op.drop_index("ix_person_name_order", table_name="person")
    op.drop_index("ix_organization_name_order", table_name="organization")
    for table_name in NAMED:
        for ordering in ORDERINGS:
            op.add_column(
                table_name,
                sa.Column(
                    f"sort_key_{ordering}",
                    sa.LargeBinary(),
                    nullable=False,
                    server_default=_empty_bytes(),
                ),
            )
    fill_sort_keys()
    for table_name, (_, indexed) in NAMED.items():
        if indexed:
            for ordering in ORDERINGS:
                op.create_index(
                    f"ix_{table_name}_{ordering}_order",
                    table_name,
                    [f"sort_key_{ordering}", "id"],
                    unique=False,
                )
    connection = op.get_bind()
    drop_search_index(connection)
    create_search_index(connection)
    write_documents(connection)


def fill_sort_keys():
    """Compute every existing record's sort keys, as events_app/directory/name_order.py
    does on each save, a batch of records at a time."""
    connection = op.get_bind()
    for table_name, (name_column, _) in NAMED.items():
        key_columns = [f"sort_key_{ordering}" for ordering in ORDERINGS]
        table = sa.table(
            table_name,
            sa.column("id"),
            sa.column(name_column),
            *(sa.column(column, sa.LargeBinary()) for column in key_columns),
        )
        update = (
            table.update()
            .where(table.c.id == sa.bindparam("record_id"))
            .values({column: sa.bindparam(f"new_{column}") for column in key_columns})
        )
        last_id = 0
        while True:
            rows = connection.execute(
                sa.select(table.c.id, table.c[name_column])
                .where(table.c.id > last_id)
                .order_by(table.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            connection.execute(
                update,
                [
                    {
                        "record_id": record_id,
                        **{
                            f"new_sort_key_{ordering}": sort_key(name, ordering)
                            for ordering in ORDERINGS
                        },
                    }
                    for record_id, name in rows
                ],
            )
            last_id = rows[-1][0]


def downgrade():
    # The search index keeps its skeletons column, which the older code leaves
    # empty and never reads.
    for table_name, (_, indexed) in NAMED.items():
        if indexed:
            for ordering in ORDERINGS:
                op.drop_index(f"ix_{table_name}_{ordering}_order", table_name=table_name)
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for ordering in ORDERINGS:
                batch_op.drop_column(f"sort_key_{ordering}")
    op.create_index(
        "ix_person_name_order", "person", [sa.func.lower(sa.text("display_name")), "id"]
    )
    op.create_index(
        "ix_organization_name_order",
        "organization",
        [sa.func.lower(sa.text("name")), "id"],
    )
