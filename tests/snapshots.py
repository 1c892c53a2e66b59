"""Database states built once per test session and put back before each test that asks for one.

Building a world through the services (an organisation, its users, the shipped catalogue, the demo company)
costs from half a second to several seconds; putting a saved copy back costs milliseconds on SQLite (a file copy)
and a fraction of a second on PostgreSQL (a database made from a template). Each state is built by an ordinary
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
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

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
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._database = engine.url.database
        assert self._database and re.fullmatch(r"\w+", self._database), self._database
        self._server = create_engine(
            engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self._saved: set[str] = set()

    def _name(self, state: str) -> str:
        return self._database + "_" + re.sub(r"\W", "_", state)

    def _copy(self, source: str, target: str) -> None:
        self._engine.dispose()
        with self._server.connect() as server:
            server.execute(text(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)"))
            # A template must have no other session; a connection a test leaked would make this fail.
            server.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :source"),
                {"source": source},
            )
            server.execute(text(f"CREATE DATABASE {target} TEMPLATE {source}"))

    def save(self, name: str) -> None:
        self._copy(self._database, self._name(name))
        self._saved.add(name)

    def restore(self, name: str) -> None:
        self._copy(self._name(name), self._database)

    def close(self) -> None:
        self._engine.dispose()
        with self._server.connect() as server:
            for name in self._saved:
                server.execute(text(f"DROP DATABASE IF EXISTS {self._name(name)} WITH (FORCE)"))
        self._server.dispose()
