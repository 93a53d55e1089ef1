"""gunicorn settings for `make serve-production`: several workers, one database.

Every worker is a whole app: nothing a request needs lives only in one
process (sessions, sign-in limits, the data version behind feed validators and
the written calendar events are all in the database), so workers, and hosts
behind a load balancer, can answer any request. Environment variables:
BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers, default twice the
CPU cores plus one), GUNICORN_TIMEOUT (seconds, default 60).
"""

import os

from sqlalchemy.engine import make_url

from config import _database_url

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
# A feed build reaching far back with from= can take seconds at 100,000 meetings.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# The app is created in each worker after the fork, so no database connection
# or pool is ever shared between processes.
preload_app = False
accesslog = "-"
# gunicorn's control socket has one default path per user: a second server on
# the machine (another site, a benchmark) would take it over. Nothing uses it.
control_socket_disable = True


def on_starting(server) -> None:
    """Say so when several workers would share an SQLite file."""
    backend = make_url(_database_url()).get_backend_name()
    if backend != "postgresql" and server.cfg.workers > 1:
        server.log.warning(
            "DATABASE_URL is %s: several workers work on SQLite, but writes wait "
            "for each other; use PostgreSQL in production.",
            backend,
        )
