"""The app a benchmark measures: on BENCH_DATABASE_URL or a temporary SQLite file.

BENCH_DATABASE_URL names an EMPTY database to fill (e.g. a scratch PostgreSQL
database); its tables are dropped afterwards.
"""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig  # noqa: E402
from events_app import create_app  # noqa: E402
from events_app.extensions import db  # noqa: E402


@contextmanager
def benchmark_app(*, migrated: bool = False) -> Iterator[Flask]:
    """An app with empty tables; says which database it runs on.

    `migrated` builds the schema with the migrations, as an install does:
    tables that are not models (a full-text index, say) exist only that way.
    """
    database_url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            TestConfig,
            SQLALCHEMY_DATABASE_URI=database_url or f"sqlite:///{folder}/bench.sqlite",
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        )
        backend = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
        print(f"database: {backend}")
        with app.app_context():
            if migrated:
                upgrade()
            else:
                db.create_all()
        yield app
        with app.app_context():
            db.session.remove()
            if database_url:
                # Every table, the migrations' own ones included, not only the models'.
                tables = MetaData()
                tables.reflect(db.engine)
                tables.drop_all(db.engine)
            db.engine.dispose()
