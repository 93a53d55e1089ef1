"""The search index: one document per meeting, kept current on every write.

A meeting's document is its title plus a body holding everything else it
records: summary, notes, venue, city, country, series, each participant's
names and other names with their organization's names, short name and other
names, the participants' notes, topics with the meeting's notes on them,
outcomes with their owners, and sources. It is assembled by one SELECT in SQL
(`document_select`); beside it each document keeps `skeletons`: the name
skeleton of each of its words (events_app/directory/skeletons.py, the
transliterated, spelling-folded form the name-likeness work compares), which
Python computes as the document is written, so that a query finds text in the
other script (search/query.py: "Tsikhanouskaya" and "Tikhanovskaya" find
"Ціханоўская", "Лукашэнка" finds "Lukashenka"). That Python is most of a
rebuild's time (20,000 meetings: 0.8 s in SQL alone, about 5 s with it).

Storage is each database's own full-text engine, created by the migration and,
for `db.create_all()` (tests, benchmarks), by the DDL below:

- SQLite: the FTS5 table `meeting_search(title, body, skeletons)` whose rowid is the
  meeting id, tokenizer `unicode61 remove_diacritics 2` (case and accents
  folded, Latin and Cyrillic alike). It keeps its own copy of the text, which
  `snippet()` needs (a contentless table has none to quote, and no existing
  table holds the assembled document for an external-content one).
- PostgreSQL: the table `meeting_search(meeting_id, title, body, skeletons,
  document)`, `document` a generated `tsvector` with a GIN index, in the text
  search configuration `simple_unaccent`: the language-neutral `simple`
  dictionary after `unaccent`, since records mix languages. Title words weigh
  A, body words B, skeletons D, for ranking and highlighting. Beside it, two
  more generated `tsvector`s hold each kind of words apart, each with a GIN
  index: `written_words` (title and body) and `skeleton_words`. Queries find
  matches in those (search/matching.py), never by weight in `document`: GIN
  keeps no weights, so such a query had every candidate's document read
  again to check them (20 to 30 ms for a word in 1% of 100,000 meetings,
  against 3 without). They are stored columns, not indexed expressions: a
  plan testing meetings one by one would recompute an expression from the
  text for each (2 s for a word in a third of the meetings).

Freshness: a session listener notes every meeting a flush touches (the meeting
itself, its participants, topics, outcomes, sources, and every meeting of a
person, organization or topic whose names change or which is deleted) and
rewrites those documents on the same connection before the flush returns, so
the index commits or rolls back with the change: saves, restores, merges,
purges and renames alike. Bulk SQL statements on these tables bypass the
session; after one (or a database restored from elsewhere), run
`flask --app events_app reindex`.
"""

from functools import reduce

from sqlalchemy import (
    Connection,
    column,
    delete,
    event,
    func,
    inspect,
    literal,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session, aliased

from events_app.directory.skeletons import text_skeleton
from events_app.extensions import db
from events_app.models import (
    Meeting,
    MeetingTopic,
    Organization,
    Outcome,
    Participation,
    Person,
    SourceLink,
    Topic,
)

SEARCH_TABLE = "meeting_search"
TEXT_SEARCH_CONFIGURATION = "simple_unaccent"

SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
    "title, body, skeletons, tokenize = 'unicode61 remove_diacritics 2')",
]


def _tsvector_sql(column: str) -> str:
    return f"to_tsvector('{TEXT_SEARCH_CONFIGURATION}'::regconfig, {column})"


# PostgreSQL's generated tsvector columns, each GIN-indexed: their expressions.
TSVECTOR_COLUMNS = {
    "document": (
        f"setweight({_tsvector_sql('title')}, 'A') "
        f"|| setweight({_tsvector_sql('body')}, 'B') "
        f"|| setweight({_tsvector_sql('skeletons')}, 'D')"
    ),
    "written_words": f"{_tsvector_sql('title')} || {_tsvector_sql('body')}",
    "skeleton_words": _tsvector_sql("skeletons"),
}

# The columns queries look words up in; `document` is read row by row only.
INDEXED_TSVECTOR_COLUMNS = ("written_words", "skeleton_words")


def tsvector_column_sql(name: str) -> str:
    """The definition of a generated tsvector column of `TSVECTOR_COLUMNS`."""
    return f"{name} tsvector GENERATED ALWAYS AS ({TSVECTOR_COLUMNS[name]}) STORED"


POSTGRESQL_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""
    DO $$ BEGIN
      IF NOT EXISTS (
        SELECT 1 FROM pg_ts_config WHERE cfgname = '{TEXT_SEARCH_CONFIGURATION}'
      ) THEN
        CREATE TEXT SEARCH CONFIGURATION {TEXT_SEARCH_CONFIGURATION} (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION {TEXT_SEARCH_CONFIGURATION}
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
      END IF;
    END $$
    """,
    f"""
    CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} (
      meeting_id integer PRIMARY KEY REFERENCES meeting (id) ON DELETE CASCADE,
      title text NOT NULL,
      body text NOT NULL,
      skeletons text NOT NULL DEFAULT '',
      {", ".join(map(tsvector_column_sql, TSVECTOR_COLUMNS))}
    )
    """,
    *(
        f"CREATE INDEX IF NOT EXISTS ix_{SEARCH_TABLE}_{name} "
        f"ON {SEARCH_TABLE} USING gin ({name})"
        for name in INDEXED_TSVECTOR_COLUMNS
    ),
]
DROP_DDL = {
    "sqlite": [f"DROP TABLE IF EXISTS {SEARCH_TABLE}"],
    "postgresql": [
        f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {TEXT_SEARCH_CONFIGURATION}",
    ],
}
CREATE_DDL = {"sqlite": SQLITE_DDL, "postgresql": POSTGRESQL_DDL}

# The key column: FTS5 tables key rows by their rowid.
KEY_COLUMN = {"sqlite": "rowid", "postgresql": "meeting_id"}


def search_table(dialect: str):
    """The index as a lightweight table, for queries (see search/matching.py)."""
    return table(
        SEARCH_TABLE,
        column(KEY_COLUMN[dialect]),
        column("title"),
        column("body"),
        column("skeletons"),
        *(map(column, TSVECTOR_COLUMNS) if dialect == "postgresql" else []),
    )


def is_search_table(name: str) -> bool:
    """Whether a table belongs to the index (FTS5 adds `meeting_search_data` etc.),
    which the models do not describe: migrations/env.py leaves them alone."""
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


def create_search_index(connection: Connection) -> None:
    """Create the index's tables (and on PostgreSQL its configuration), if missing."""
    for statement in CREATE_DDL[connection.dialect.name]:
        connection.execute(text(statement))


def drop_search_index(connection: Connection) -> None:
    """Drop what `create_search_index` created."""
    for statement in DROP_DDL[connection.dialect.name]:
        connection.execute(text(statement))


@event.listens_for(db.metadata, "after_create")
def _create_with_the_tables(target, connection: Connection, **kw) -> None:
    create_search_index(connection)


@event.listens_for(db.metadata, "before_drop")
def _drop_with_the_tables(target, connection: Connection, **kw) -> None:
    # On PostgreSQL its foreign key would keep `meeting` from being dropped.
    drop_search_index(connection)


# --- Documents -----------------------------------------------------------------

# Between the parts of the body, and between the fields of one of its rows.
SEPARATOR = " · "
FIELD_SEPARATOR = ", "


def _listed(separator: str, *values):
    """The non-empty values, separated, as one string ('' when all are empty)."""
    pieces = [
        func.coalesce(literal(separator) + func.nullif(value, ""), "")
        for value in values
    ]
    joined = reduce(lambda left, right: left + right, pieces)
    return func.substr(joined, len(separator) + 1)


def _each(row_text, part, *joins):
    """The texts of a meeting's rows of one kind (`part`), separated, as one string.

    `joins` are (target, on clause) pairs outer-joined to the part.
    """
    statement = select(func.aggregate_strings(func.nullif(row_text, ""), SEPARATOR))
    statement = statement.select_from(part)
    for target, on_clause in joins:
        statement = statement.outerjoin(target, on_clause)
    return statement.where(part.meeting_id == Meeting.id).scalar_subquery()


def _names(person, organization) -> list:
    return [
        person.display_name,
        _one_line(person.other_names),
        organization.name,
        organization.short_name,
        _one_line(organization.other_names),
    ]


def _one_line(other_names):
    """Other names are kept one a line; a snippet reads them as a list."""
    return func.replace(other_names, "\n", FIELD_SEPARATOR)


def document_select(meeting_ids=None):
    """A select of (meeting id, title, body) for these meetings (None: all)."""
    person, organization = aliased(Person), aliased(Organization)
    participants = _each(
        _listed(FIELD_SEPARATOR, *_names(person, organization), Participation.note),
        Participation,
        (person, person.id == Participation.person_id),
        (organization, organization.id == Participation.organization_id),
    )
    topics = _each(
        _listed(FIELD_SEPARATOR, Topic.name, MeetingTopic.note),
        MeetingTopic,
        (Topic, Topic.id == MeetingTopic.topic_id),
    )
    owner, owner_organization = aliased(Person), aliased(Organization)
    outcomes = _each(
        _listed(FIELD_SEPARATOR, Outcome.text, *_names(owner, owner_organization)),
        Outcome,
        (owner, owner.id == Outcome.owner_person_id),
        (owner_organization, owner_organization.id == Outcome.owner_organization_id),
    )
    sources = _each(
        _listed(FIELD_SEPARATOR, SourceLink.title, SourceLink.url), SourceLink
    )
    body = _listed(
        SEPARATOR,
        Meeting.summary,
        Meeting.notes,
        Meeting.venue,
        Meeting.city,
        Meeting.country,
        Meeting.series,
        participants,
        topics,
        outcomes,
        sources,
    )
    statement = select(Meeting.id, Meeting.title, body)
    if meeting_ids is not None:
        statement = statement.where(Meeting.id.in_(meeting_ids))
    return statement


def write_documents(connection: Connection, meeting_ids=None) -> None:
    """Rewrite the documents of these meetings (None: all) from what they hold now.

    A meeting that no longer exists just loses its document.
    """
    dialect = connection.dialect.name
    index = search_table(dialect)
    key = index.c[KEY_COLUMN[dialect]]
    if meeting_ids is None:
        connection.execute(delete(index))
        meeting_ids = connection.execute(select(Meeting.id).order_by(Meeting.id))
        meeting_ids = meeting_ids.scalars().all()
    else:
        connection.execute(delete(index).where(key.in_(meeting_ids)))
    meeting_ids = sorted(meeting_ids)
    for start in range(0, len(meeting_ids), BATCH):
        documents = connection.execute(
            document_select(meeting_ids[start : start + BATCH])
        ).all()
        if documents:
            connection.execute(
                index.insert(),
                [
                    {
                        key.name: meeting_id,
                        "title": title,
                        "body": body,
                        "skeletons": text_skeleton(f"{title} {body}"),
                    }
                    for meeting_id, title, body in documents
                ],
            )


def rebuild_search_index() -> int:
    """Rewrite every meeting's document in one transaction; returns the count.

    The `flask --app events_app reindex` command; also callable from Python
    (benchmarks, after bulk loads). It also refreshes the planner statistics:
    without them SQLite reads "not in the trash" as selective and sorts every
    meeting for a page of a common word's matches instead of walking them by
    date (3 s instead of 5 ms at 100,000 meetings, see search/results.py).
    """
    write_documents(db.session.connection())
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Meeting)) or 0


# --- Keeping documents current -------------------------------------------------

MEETING_PARTS = (Participation, MeetingTopic, Outcome, SourceLink)
NAMED_RECORDS = {
    Person: ("display_name", "other_names"),
    Organization: ("name", "short_name", "other_names"),
    Topic: ("name",),
}
STALE_KEY = "search_stale_meetings"
# Meetings rewritten per statement: IN lists well below SQLite's parameter limit.
BATCH = 500


def _meetings_naming(session: Session, record) -> set[int]:
    """Ids of the meetings whose documents carry this record's names."""
    if isinstance(record, Topic):
        statement = select(MeetingTopic.meeting_id).where(
            MeetingTopic.topic_id == record.id
        )
    else:
        link = "person_id" if isinstance(record, Person) else "organization_id"
        owner = (
            "owner_person_id" if isinstance(record, Person) else "owner_organization_id"
        )
        statement = (
            select(Participation.meeting_id)
            .where(getattr(Participation, link) == record.id)
            .union(
                select(Outcome.meeting_id).where(getattr(Outcome, owner) == record.id)
            )
        )
    return set(session.execute(statement).scalars())


def _names_changed(record) -> bool:
    attributes = inspect(record).attrs
    return any(
        attributes[name].history.has_changes() for name in NAMED_RECORDS[type(record)]
    )


@event.listens_for(Session, "before_flush")
def _note_renamed_and_deleted_records(session: Session, flush_context, instances):
    """Meetings naming a record renamed or deleted in this flush, read before it.

    Read now because after the flush a deleted record's links are gone.
    """
    stale: set[int] = set()
    for record in (*session.dirty, *session.deleted):
        if (
            type(record) in NAMED_RECORDS
            and inspect(record).persistent
            and (record in session.deleted or _names_changed(record))
        ):
            stale |= _meetings_naming(session, record)
    if stale:
        session.info.setdefault(STALE_KEY, set()).update(stale)


def _meeting_ids_of(record) -> set[int]:
    if isinstance(record, Meeting):
        return {record.id}
    history = inspect(record).attrs.meeting_id.history
    return {
        meeting_id
        for meeting_id in (*history.sum(), record.meeting_id)
        if meeting_id is not None
    }


@event.listens_for(Session, "after_flush")
def _rewrite_stale_documents(session: Session, flush_context) -> None:
    """Rewrite the documents of every meeting this flush changed, on its connection."""
    stale: set[int] = session.info.pop(STALE_KEY, set())
    for record in (*session.new, *session.dirty, *session.deleted):
        if isinstance(record, (Meeting, *MEETING_PARTS)):
            stale |= _meeting_ids_of(record)
    stale.discard(None)
    if stale:
        write_documents(session.connection(), stale)


@event.listens_for(Session, "after_rollback")
def _forget_stale_meetings(session: Session) -> None:
    session.info.pop(STALE_KEY, None)
