"""`Database`: an SQLAlchemy engine for a URL, sessions, and the Alembic upgrade of its schema.

SQLite by default (one file under the user's data directory) and PostgreSQL by URL
(`postgresql+psycopg://user:password@host:5432/name`, the `postgres` extra). Passwords in URLs
are never printed: every message shows `redact_url(url)`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from movenet.errors import MovenetError
from movenet.storage.paths import data_dir

DEFAULT_DB_NAME = "movenet.db"
# How long SQLite waits for another writer's lock before failing (the watcher, the web app and a
# CLI command may write at once). 30 s: far longer than any of our transactions.
SQLITE_BUSY_TIMEOUT_S = 30.0
MIGRATIONS = Path(__file__).with_name("migrations")
INSTALL_HINT = "install the db extra: pip install -e '.[db]' (and '.[db,postgres]' for PostgreSQL)"


class DatabaseError(MovenetError, RuntimeError):
    """A database that cannot be reached, opened or migrated (the URL in it is redacted)."""


def _sqlalchemy():
    try:
        import sqlalchemy
    except ImportError as exc:
        raise DatabaseError(f"the database needs SQLAlchemy and Alembic: {INSTALL_HINT}") from exc
    return sqlalchemy


def default_database_url() -> str:
    """`sqlite:///<data dir>/movenet.db`."""
    return f"sqlite:///{data_dir() / DEFAULT_DB_NAME}"


def redact_url(url: object) -> str:
    """The URL with its password replaced by ***, safe to print or log."""
    text = str(url)
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(text)
    except Exception:  # not a database URL: hide anything between '://' user ':' and '@'
        import re

        return re.sub(r"(://[^:/@\s]*:)[^@/\s]*@", r"\1***@", text)
    return parsed.render_as_string(hide_password=True)


def _check_url(url: str) -> str:
    sqlalchemy = _sqlalchemy()
    try:
        parsed = sqlalchemy.engine.make_url(url)
    except Exception:
        raise DatabaseError(
            f"not a database URL: {redact_url(url)!r}; accepted: sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST[:PORT]/NAME") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(f"unsupported database {backend!r} in {redact_url(url)}: use sqlite or postgresql")
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not the default psycopg2
    return parsed.render_as_string(hide_password=False)


class Database:
    """One database: `engine`, `session()`, `upgrade()`, `revision()`."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        sqlalchemy = _sqlalchemy()
        self.url = _check_url(url or default_database_url())
        self.safe_url = redact_url(self.url)
        parsed = sqlalchemy.engine.make_url(self.url)
        self.backend = parsed.get_backend_name()
        if self.backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict = {"echo": echo, "future": True}
        if self.backend == "sqlite":
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
        else:
            kwargs["pool_pre_ping"] = True  # a restarted server: reconnect instead of failing once
        try:
            self.engine = sqlalchemy.create_engine(self.url, **kwargs)
        except ImportError as exc:  # the driver (psycopg) is missing
            raise DatabaseError(f"no driver for {self.safe_url}: {exc.name or exc}; {INSTALL_HINT}") from None
        if self.backend == "sqlite":
            sqlalchemy.event.listen(self.engine, "connect", _sqlite_pragmas)
        from sqlalchemy.orm import sessionmaker

        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Database({self.safe_url!r})"

    @contextlib.contextmanager
    def session(self) -> Iterator:
        """A Session committed when the block ends without an exception, rolled back otherwise."""
        from sqlalchemy.exc import OperationalError

        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise DatabaseError(f"database {self.safe_url}: {_first_line(exc.orig or exc)}") from None

    def _alembic_config(self):
        try:
            from alembic.config import Config
        except ImportError as exc:
            raise DatabaseError(f"migrations need Alembic: {INSTALL_HINT}") from exc
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["database"] = self
        return config

    def upgrade(self, target: str = "heads") -> None:
        """Create or migrate the schema to `target` (default: the newest revision of every branch)."""
        from alembic import command
        from sqlalchemy.exc import OperationalError

        try:
            command.upgrade(self._alembic_config(), target)
        except OperationalError as exc:
            raise DatabaseError(f"cannot migrate {self.safe_url}: {_first_line(exc.orig or exc)}") from None

    def downgrade(self, target: str) -> None:
        from alembic import command

        command.downgrade(self._alembic_config(), target)

    def revision(self) -> set[str]:
        """The revisions the database is at (one per branch; empty for a new database)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the one writer
    cursor.close()


def _first_line(exc: object) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
