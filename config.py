"""Configuration read from the environment, with safe defaults for a local install."""

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, else a key generated once into instance/.

    A key generated on first run and kept on disk means sessions survive restarts
    without anyone ever shipping a hard-coded secret.
    """
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    key_file = INSTANCE / "secret_key"
    if not key_file.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        # Workers starting together must all end up with one key: each writes
        # its own candidate aside, and only the first link to the real name
        # wins; the others read the winner's key.
        candidate = INSTANCE / f"secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        candidate.write_text(secrets.token_hex(32))
        candidate.chmod(0o600)
        try:
            os.link(candidate, key_file)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{INSTANCE / 'events_app.sqlite'}"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Settings for a normal run (`make run`, production)."""

    SECRET_KEY = None  # filled lazily by create_app so imports never write files
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MEETINGS_PER_PAGE = int(os.environ.get("MEETINGS_PER_PAGE", "25"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    # Absolute links in calendar files and e-mails; request host is used when unset.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    # Cookies only travel over https once the site is served over https.
    SESSION_COOKIE_SECURE = _flag(
        "SESSION_COOKIE_SECURE", PUBLIC_BASE_URL.startswith("https://")
    )
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Number of reverse proxies in front of the app whose X-Forwarded-* to trust.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # The product's name in page titles and the header; unset, "Meeting records"
    # in the reader's language (events_app/language/interface.py).
    APP_NAME = os.environ.get("APP_NAME", "")
    # The calendar feeds' name; unset, "Meetings" in the reader's language
    # (events_app/calendar/feed_words.py); a name set here is kept as is.
    CALENDAR_NAME = os.environ.get("CALENDAR_NAME", "")
    # A feed without from=/to= holds the meetings from the first day of the
    # month this many months ago onward (0: every meeting). Calendar apps give
    # up on feeds of many megabytes; see "Calendar feeds" in the README.
    FEED_WINDOW_MONTHS = int(os.environ.get("FEED_WINDOW_MONTHS", "12"))
    # ...and its events take at most this many bytes: when the window holds
    # more, its oldest meetings are left out (0: no limit).
    FEED_MAX_BYTES = int(os.environ.get("FEED_MAX_BYTES", str(4_000_000)))
    # May visitors who are not signed in see public meetings (pages and feed)?
    ANONYMOUS_ACCESS = _flag("ANONYMOUS_ACCESS", False)
    # Largest .ics file the import page accepts, and the zone for event times
    # that name none (floating times) when the file does not say either.
    ICS_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    ICS_IMPORT_DEFAULT_TIMEZONE = os.environ.get("ICS_IMPORT_DEFAULT_TIMEZONE", "UTC")
    # The viewers' zone (there is no per-user one): the calendar view names a
    # meeting's zone only when it differs, and takes "today" from it.
    DISPLAY_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "UTC")
    # Most events one .ics import takes (web page and `flask import-ics`): each
    # costs a few milliseconds to check, and a preview row.
    ICS_IMPORT_MAX_EVENTS = int(os.environ.get("ICS_IMPORT_MAX_EVENTS", "1000"))
    ICS_IMPORT_MAX_PARTICIPANTS = int(
        os.environ.get("ICS_IMPORT_MAX_PARTICIPANTS", "2000")
    )
    # No request may be larger; the .ics preview re-sends its file in base64
    # (4/3 of its size) as one form field, so both limits leave room for that.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024
    # Each response says how many SQL statements its request sent, in an
    # X-SQL-Statements header (events_app/sql_statement_count.py): for benchmarks.
    COUNT_SQL_STATEMENTS = _flag("COUNT_SQL_STATEMENTS", False)

    @staticmethod
    def resolve(app_config: dict) -> None:
        """Fill settings that need the filesystem or environment at start-up."""
        if not app_config.get("SECRET_KEY"):
            app_config["SECRET_KEY"] = _secret_key()
        if not app_config.get("SQLALCHEMY_DATABASE_URI"):
            app_config["SQLALCHEMY_DATABASE_URI"] = _database_url()
        _check_zone(app_config, "DISPLAY_TIMEZONE")


def _check_zone(app_config: dict, name: str) -> None:
    """Refuse to start with a zone setting tzdata does not know (not fail later)."""
    try:
        ZoneInfo(app_config.get(name) or "")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{name}={app_config.get(name)!r} is not a time zone; "
            "use an IANA name such as Europe/Paris or UTC."
        ) from None


class TestConfig(Config):
    """Settings for the test suite: in-memory SQLite, no CSRF tokens to thread."""

    TESTING = True
    # Most tests exercise what anonymous visitors may see; the default (no
    # anonymous access) has tests of its own.
    ANONYMOUS_ACCESS = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    WTF_CSRF_ENABLED = False
    MEETINGS_PER_PAGE = 5
    # Test meetings have fixed dates that "12 months ago" would leave behind as
    # the years pass; the window's own tests set it.
    FEED_WINDOW_MONTHS = 0
    # Hashing cost is not under test; scrypt's deliberate slowness would dominate.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
