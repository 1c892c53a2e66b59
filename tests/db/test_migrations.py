"""The shipped migrations build exactly the models' schema, and go down and up again, on both backends."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from qtqms.db import migrate
from qtqms.db.base import Base
from qtqms.db.engine import make_engine
from tests.conftest import IS_PG, PG_URL


@pytest.fixture
def fresh_engine(tmp_path):
    if not IS_PG:
        engine = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
        yield engine
        engine.dispose()
        return
    name = f"qtqms_migr_{uuid.uuid4().hex[:8]}"
    server = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine = make_engine(PG_URL.rsplit("/", 1)[0] + "/" + name)
    yield engine
    engine.dispose()
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name}"))
    server.dispose()


def test_upgrade_matches_the_models_then_downgrades_to_nothing_and_back(fresh_engine):
    migrate.upgrade(fresh_engine)
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()
    with fresh_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert connection.execute(text("SELECT last_seq FROM trail_head WHERE id = 1")).scalar() == 0
    migrate.downgrade(fresh_engine, "base")
    assert set(inspect(fresh_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(fresh_engine)
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()
