"""Test set-up: one migrated database per test process (SQLite, or PostgreSQL when QTQMS_TEST_PG_URL is set),
put back in a known state before every test (tests/snapshots.py), settings pointing at a throwaway data dir, a
fixed clock for tests that need one, and the web test client.

Under pytest-xdist every worker is its own process with its own data dir, so its own SQLite file; on PostgreSQL
each worker gets a database of its own named after the one given, e.g. qtqms_test_gw0."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_DATA_DIR = Path(tempfile.mkdtemp(prefix=f"qtqms-test-{_WORKER}-" if _WORKER else "qtqms-test-"))
atexit.register(shutil.rmtree, _DATA_DIR, ignore_errors=True)
os.environ["QTQMS_DATA_DIR"] = str(_DATA_DIR)
os.environ["QTQMS_ARGON2_PROFILE"] = "cheapest"
os.environ["QTQMS_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ.pop("QTQMS_CLI_USER", None)
PG_URL = os.environ.get("QTQMS_TEST_PG_URL", "")
IS_PG = bool(PG_URL)
if IS_PG and _WORKER:
    PG_URL = f"{PG_URL}_{_WORKER}"
DATABASE_URL = PG_URL or f"sqlite:///{_DATA_DIR / 'test.sqlite'}"
os.environ["QTQMS_DATABASE_URL"] = DATABASE_URL

from sqlalchemy import Engine, create_engine, make_url, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from qtqms.db import migrate  # noqa: E402
from qtqms.db.runtime import engine_for  # noqa: E402
from qtqms.db.uow import UnitOfWork  # noqa: E402
from qtqms.kernel import clock  # noqa: E402
from qtqms.settings import get_settings, reset_settings  # noqa: E402
from tests.snapshots import Snapshots  # noqa: E402
from tests.world import World, build_demo, build_world  # noqa: E402

# A weekday morning (UTC) for tests that pin the time, the day the slices' tests take as "today".
FIXED_NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def _worker_database(*, create: bool) -> None:
    """Drop this xdist worker's own PostgreSQL database, then make it afresh if `create`."""
    url = make_url(PG_URL)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)"))
        if create:
            connection.execute(text(f"CREATE DATABASE {url.database}"))
    server.dispose()


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
    if IS_PG and _WORKER:
        _worker_database(create=True)
    engine = engine_for(get_settings())
    _reset_schema(engine)
    yield engine
    engine.dispose()
    if IS_PG and _WORKER:
        _worker_database(create=False)


@pytest.fixture(scope="session")
def snapshots(engine: Engine) -> Iterator[Snapshots]:
    saved = Snapshots(engine, _DATA_DIR / "snapshots")
    yield saved
    saved.close()


@pytest.fixture
def db(engine: Engine, snapshots: Snapshots) -> Engine:
    """An empty, migrated database for this test."""
    snapshots.empty()
    return engine


@pytest.fixture
def world(db: Engine, snapshots: Snapshots) -> World:
    """An organisation with one user per working role and a second organisation (tests/world.py)."""
    return snapshots.restore("world", build_world)


@pytest.fixture
def demo(db: Engine, snapshots: Snapshots):
    """The demo company; every demo user's password but the admin's is PASSWORD. Returns its credentials."""
    return snapshots.restore("demo", build_demo)


@pytest.fixture
def uow(db: Engine) -> Iterator[UnitOfWork]:
    with UnitOfWork(db, write=True) as unit:
        yield unit


@pytest.fixture
def client(db):
    """The web app in process; ask for `world` (or another state) too to have someone to log in as."""
    from fastapi.testclient import TestClient

    from qtqms.app.web import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def fixed_clock() -> Iterator[clock.FixedClock]:
    """The process clock stopped at FIXED_NOW for this test: services, CLI defaults and timestamps all read it.
    Set its `at` to move it."""
    with clock.use(clock.FixedClock(FIXED_NOW)) as fixed:
        yield fixed
