"""Test set-up: one migrated database per run (SQLite, or PostgreSQL when QTQMS_TEST_PG_URL is set),
emptied before every test, and settings pointing at a throwaway data dir."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_DATA_DIR = Path(tempfile.mkdtemp(prefix="qtqms-test-"))
os.environ["QTQMS_DATA_DIR"] = str(_DATA_DIR)
os.environ["QTQMS_ARGON2_PROFILE"] = "cheapest"
os.environ["QTQMS_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ.pop("QTQMS_CLI_USER", None)
PG_URL = os.environ.get("QTQMS_TEST_PG_URL", "")
DATABASE_URL = PG_URL or f"sqlite:///{_DATA_DIR / 'test.sqlite'}"
os.environ["QTQMS_DATABASE_URL"] = DATABASE_URL

from sqlalchemy import Engine, text  # noqa: E402

from qtqms.db import migrate  # noqa: E402
from qtqms.db.base import Base  # noqa: E402
from qtqms.db.runtime import engine_for  # noqa: E402
from qtqms.db.uow import UnitOfWork  # noqa: E402
from qtqms.settings import get_settings, reset_settings  # noqa: E402

IS_PG = bool(PG_URL)


def _reset_schema(engine: Engine) -> None:
    if IS_PG:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)


@pytest.fixture(scope="session", autouse=True)
def cited_records() -> None:
    """Every slice's citable records (evidence is attached to them), as the web app and the CLI install them."""
    from qtqms.app.slices import SLICES
    from qtqms.kit import subjects

    subjects.install(SLICES)


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    reset_settings()
    engine = engine_for(get_settings())
    _reset_schema(engine)
    yield engine
    engine.dispose()


def empty_database(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if IS_PG:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("INSERT INTO trail_head (id, last_seq, last_hash) VALUES (1, 0, :h)"), {"h": "0" * 64})


@pytest.fixture
def db(engine: Engine) -> Engine:
    """An empty, migrated database for this test."""
    empty_database(engine)
    return engine


@pytest.fixture
def uow(db: Engine) -> Iterator[UnitOfWork]:
    with UnitOfWork(db, write=True) as unit:
        yield unit
