"""Engine construction: SQLite pragmas and transaction control, PostgreSQL pooling."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qtqms.kernel.errors import ConfigurationError

SQLITE_BUSY_TIMEOUT_MS = 5000
IMMEDIATE = "qtqms_immediate"


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite opens transactions lazily and in its own way; take that over so SAVEPOINTs work and
    # write transactions take the write lock up front (BEGIN IMMEDIATE) instead of failing on upgrade.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`; a malformed URL or a missing driver is one ConfigurationError."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(f"QTQMS_DATABASE_URL is not a valid database URL: {url!r}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigurationError(f"QTQMS_DATABASE_URL: unsupported database '{parsed.get_backend_name()}'")
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, echo=echo)
            _configure_sqlite(engine)
            return engine
        return create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except ModuleNotFoundError as error:
        raise ConfigurationError(
            f"QTQMS_DATABASE_URL needs the driver '{error.name}': pip install 'qtqms[pg]'"
        ) from None
