"""Database states built once per test session and put back before each test that asks for one.

Building a world through the services (an organisation, its users, the shipped catalogue, the demo company)
costs from a tenth of a second to several seconds; putting a saved copy back costs milliseconds (SQLite: a copy of
the database file; PostgreSQL: the rows copied back from a schema holding them). Each state is built by an ordinary
builder function the first time a test needs it, saved, and restored for every later test; what the builder
returned (the actors, the demo credentials) is kept with it, which is sound because a restored database has the
same ids.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, text

import qtqms.db.audit  # noqa: F401  with the models, every table on Base.metadata
import qtqms.models  # noqa: F401
from qtqms.db.base import Base
from qtqms.kernel import clock

T = TypeVar("T")
EMPTY = "empty"


class Snapshots:
    """Named states of the test database. The empty, migrated state is saved when this is made."""

    def __init__(self, engine: Engine, directory: Path) -> None:
        self._engine = engine
        self._store = _PostgresStore(engine) if engine.dialect.name == "postgresql" else _SqliteStore(engine, directory)
        self._values: dict[str, Any] = {EMPTY: None}
        self._store.save(EMPTY)

    def empty(self) -> None:
        self._store.restore(EMPTY)

    def restore(self, name: str, build: Callable[[Engine], T]) -> T:
        """Put the state `name` back, building it with `build` from the empty database on first use; returns a
        copy of what `build` returned. A builder may restore another state first and build on top of it."""
        if name not in self._values:
            self.empty()
            # The real clock, whatever the test asking first has set: a saved state must not depend on test order.
            with clock.use(clock.SystemClock()):
                self._values[name] = build(self._engine)
            self._store.save(name)
        else:
            self._store.restore(name)
        return copy.copy(self._values[name])

    def close(self) -> None:
        self._store.close()


class _SqliteStore:
    def __init__(self, engine: Engine, directory: Path) -> None:
        assert engine.url.database, "the test database must be a file"
        self._engine = engine
        self._live = Path(engine.url.database)
        self._directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        return self._directory / f"{name}.sqlite"

    def save(self, name: str) -> None:
        self._engine.dispose()
        # The backup API copies a consistent image whatever sits in the write-ahead log.
        live, saved = sqlite3.connect(self._live), sqlite3.connect(self._path(name))
        try:
            live.backup(saved)
        finally:
            live.close()
            saved.close()

    def restore(self, name: str) -> None:
        self._engine.dispose()
        staged = self._live.with_name(self._live.name + ".restoring")
        shutil.copyfile(self._path(name), staged)
        for leftover in ("-wal", "-shm"):
            self._live.with_name(self._live.name + leftover).unlink(missing_ok=True)
        # A new file, not rewritten pages: a connection nobody closed keeps the old one and cannot corrupt this.
        os.replace(staged, self._live)

    def close(self) -> None:
        shutil.rmtree(self._directory, ignore_errors=True)


class _PostgresStore:
    """Each saved state is a schema of the test database holding a copy of every table that has rows, and the
    sequences' positions. Restoring deletes every row and copies the saved ones back, all inside the server:
    about 15 ms for a small world and 25 ms with the catalogue loaded, where making a whole database from a
    template (CREATE DATABASE ... TEMPLATE) took 150-400 ms, more than building a small world again."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._tables = Base.metadata.sorted_tables  # parents first
        self._saved: dict[str, _SavedState] = {}
        with engine.begin() as connection:
            for schema in connection.scalars(text(f"SELECT nspname FROM pg_namespace WHERE nspname LIKE '{_PREFIX}%'")):
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    def save(self, name: str) -> None:
        schema = _PREFIX + re.sub(r"\W", "_", name)
        with self._engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
            kept = [t.name for t in self._tables if connection.scalar(text(f"SELECT EXISTS (SELECT FROM {t.name})"))]
            for table in kept:
                connection.execute(text(f"CREATE TABLE {schema}.{table} AS TABLE public.{table}"))
            sequences = connection.execute(
                text(
                    "SELECT sequencename, coalesce(last_value, 1), last_value IS NOT NULL FROM pg_sequences"
                    " WHERE schemaname = 'public'"
                )
            ).all()
        self._saved[name] = _SavedState(schema, kept, [tuple(row) for row in sequences])

    def restore(self, name: str) -> None:
        saved = self._saved[name]
        with self._engine.begin() as connection:
            for table in reversed(self._tables):
                connection.execute(text(f"DELETE FROM {table.name}"))
            for table in saved.tables:
                connection.execute(text(f"INSERT INTO {table} SELECT * FROM {saved.schema}.{table}"))
            positions = ", ".join(f"setval('{seq}', {value}, {called})" for seq, value, called in saved.sequences)
            connection.execute(text(f"SELECT {positions}"))

    def close(self) -> None:
        with self._engine.begin() as connection:
            for saved in self._saved.values():
                connection.execute(text(f"DROP SCHEMA {saved.schema} CASCADE"))


_PREFIX = "snapshot_"


@dataclass(frozen=True)
class _SavedState:
    schema: str
    tables: list[str]  # those that had rows, parents first
    sequences: list[tuple[str, int, bool]]  # name, position, whether the position was used
