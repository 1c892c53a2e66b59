"""Engine construction: SQLite pragmas and transaction control, pooling sized by the settings.

SQLite, deliberately:
- WAL journal: a reader works on a snapshot and neither waits for the writer nor holds it up; only writers queue,
  one at a time, for the database's single write lock.
- A unit of work that may write does not take that lock when it starts: its reads run outside a transaction
  (each on the latest data, as PostgreSQL's READ COMMITTED does), and its first write begins the write
  transaction (BEGIN IMMEDIATE), held until commit. So authentication and the checks a use case makes before it
  writes never hold other writers up. Writers of one process queue for the lock in turn (_Writers). Code that
  reads a row in order to change it (a counter, the trail head) calls `take_write_lock` first; PostgreSQL's
  FOR UPDATE does the same there.
- Busy timeout 30 s: a writer waits for the lock rather than failing. A request holds it for milliseconds, bulk
  work (a pack import, the demo) for a few seconds; waiting longer than 30 s means something holds the lock
  that should not, and the request fails with an error instead of hanging.
- synchronous=NORMAL: with WAL a commit survives a crash of the process; a power cut may lose the last commits,
  never the database's consistency.
Reading transactions begin with a plain BEGIN: one snapshot for the whole request.
"""

from __future__ import annotations

import os
import sqlite3
import threading

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qtqms.kernel.errors import ConfigurationError

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITES = "qtqms_writes"
DEFAULT_POOL_SIZE = 20
_READS = frozenset({"SELECT", "PRAGMA"})
_WRITERS = "qtqms_writers"  # in a connection record's info: the _Writers of its database
_HAS_TURN = "qtqms_has_write_turn"


class _Writers:
    """This process's writers of one SQLite database, in turn. SQLite's own wait for the write lock polls with
    growing sleeps, so under load a newcomer often beats a writer that has waited for seconds and the unlucky ones
    reach the busy timeout; queueing here first makes the wait fair, and leaves SQLite's wait to writers in other
    processes (the command line)."""

    def __init__(self) -> None:
        self._turn = threading.Lock()

    def begin(self, dbapi_connection, info: dict) -> None:
        if dbapi_connection.in_transaction:
            return
        if not self._turn.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise sqlite3.OperationalError("database is locked: this process's other writers took too long")
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._turn.release()
            raise
        info[_HAS_TURN] = True

    def end(self, info: dict) -> None:
        if info.pop(_HAS_TURN, False):
            self._turn.release()


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite opens transactions lazily and in its own way; take that over so SAVEPOINTs work and the write
    # lock is taken by BEGIN IMMEDIATE (an upgrade from a read transaction fails at once when another writer is busy).
    writers = _Writers()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        record.info[_WRITERS] = writers

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if not connection.get_execution_options().get(WRITES, False):
            connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(connection, cursor, statement, _parameters, _context, _executemany) -> None:
        if connection.get_execution_options().get(WRITES, False) and statement.lstrip()[:6].upper() not in _READS:
            writers.begin(cursor.connection, connection.info)

    # The turn passes on when the transaction ends, whichever way it ends.
    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection) -> None:
        if not connection.invalidated:  # an invalidated connection's turn passed on with it (below)
            writers.end(connection.info)

    @event.listens_for(engine, "reset")
    @event.listens_for(engine, "invalidate")
    def _on_reset(_dbapi_connection, record, _state) -> None:
        writers.end(record.info)

    @event.listens_for(engine, "checkin")
    @event.listens_for(engine, "close")
    def _on_return(_dbapi_connection, record) -> None:
        writers.end(record.info)


def take_write_lock(connection: Connection) -> None:
    """Before reading what this transaction is about to change: on SQLite, begin the write transaction now."""
    if connection.dialect.name == "sqlite" and connection.get_execution_options().get(WRITES, False):
        connection.info[_WRITERS].begin(connection.connection.dbapi_connection, connection.info)


def _create_private(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only: it holds password hashes and sealed keys. SQLite gives
    its -wal and -shm files the database file's mode."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return  # a missing folder: let SQLite say so when it connects


def make_engine(url: str, *, echo: bool = False, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """An engine for `url` keeping up to `pool_size` connections; a malformed URL or a missing driver is one
    ConfigurationError."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(f"QTQMS_DATABASE_URL is not a valid database URL: {url!r}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigurationError(f"QTQMS_DATABASE_URL: unsupported database '{parsed.get_backend_name()}'")
    # No overflow: the web app admits as many requests at once as there are connections (kit.web.deps), so a
    # request never waits for one while holding a thread that another request needs to finish.
    pooling = {"pool_size": pool_size, "max_overflow": 0}
    try:
        if parsed.get_backend_name() == "sqlite":
            _create_private(parsed.database)
            engine = create_engine(parsed, echo=echo, **pooling)
            _configure_sqlite(engine)
            return engine
        return create_engine(parsed, echo=echo, pool_pre_ping=True, **pooling)
    except ModuleNotFoundError as error:
        raise ConfigurationError(
            f"QTQMS_DATABASE_URL needs the driver '{error.name}': pip install 'qtqms[pg]'"
        ) from None
