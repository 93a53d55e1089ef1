"""Extension objects, created here and bound to the app in the factory."""

import sqlite3

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_lower_for_every_script(dbapi_connection, connection_record) -> None:
    """Make SQLite's `lower()` fold every script, as PostgreSQL's does.

    SQLite's own `lower()` changes ASCII letters only, so a search for
    "матвей" would miss "Матвей", and names in Cyrillic or with accents
    would sort apart from their capitalised forms. Every search and sort
    goes through `func.lower`, so replacing it per connection fixes them all.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


@event.listens_for(Engine, "connect")
def _postgresql_without_jit(dbapi_connection, connection_record) -> None:
    """Turn PostgreSQL's JIT compilation off for the app's sessions.

    The visibility rule's subqueries make the planner's cost estimates of a
    history count run to millions, far past `jit_above_cost`, so PostgreSQL
    spent about a second compiling each (0.9 of 1.1 s for a series filter at
    100,000 meetings) to run a query that takes milliseconds. Short queries
    like this app's never gain from it.
    """
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()
