"""The shipped migrations build exactly the models' schema, and go down and up again, on both backends."""

import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from qtqms.db import migrate
from qtqms.db.base import Base
from qtqms.db.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine
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
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


FILLERS = {
    sa.Boolean: False,
    sa.Integer: 0,
    sa.Float: 0.0,
    sa.DateTime: datetime(2026, 1, 1, tzinfo=UTC),
    sa.Date: date(2026, 1, 1),
    sa.JSON: {},
    sa.String: "x",
}


def _insert(connection, table_name: str, **values) -> int:
    """A row of a table as it stands at the current revision: required columns filled, `values` on top."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    row = {
        column.name: next(v for kind, v in FILLERS.items() if isinstance(column.type, kind))
        for column in table.columns
        if not column.nullable and not column.primary_key and column.server_default is None
    }
    return connection.execute(table.insert().values({**row, **values})).inserted_primary_key[0]


def test_0005_turns_requirement_links_into_references_keeps_unknown_ones_and_goes_back(fresh_engine):
    migrate.upgrade(fresh_engine, "0004")
    with fresh_engine.begin() as connection:
        organisation = _insert(connection, "organisation")
        user = _insert(connection, "user_account", organisation_id=organisation, username="riley")
        edition = _insert(connection, "framework_version", pack_id="iso27001-2022", version="1", is_current=True)
        requirement = _insert(connection, "catalog_requirement", framework_version_id=edition, ref="A.8.24")
        links = ["iso27001-2022:A.8.24", "iso27001-2022:A.99"]
        risk = _insert(connection, "risk", organisation_id=organisation, owner_id=user, number=1,
                       description="Keys leak.", linked_requirements=links)  # fmt: skip
        _insert(connection, "risk_assessment", risk_id=risk, ratings={"current": {"likelihood": 2, "impact": 2}})
    migrate.upgrade(fresh_engine, "0005")
    with fresh_engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM risk_assessment")) == 1  # not cascaded away
        assert connection.execute(text("SELECT risk_id, requirement_id FROM risk_requirement_link")).all() == [
            (1, requirement)
        ]
        description = connection.scalar(text("SELECT description FROM risk"))
    assert description.startswith("Keys leak.\n\n") and description.endswith("(migration 0005): iso27001-2022:A.99")
    migrate.downgrade(fresh_engine, "0004")
    with fresh_engine.connect() as connection:
        restored = connection.execute(
            sa.select(sa.column("linked_requirements", sa.JSON)).select_from(sa.table("risk"))
        )
        assert restored.scalar() == ["iso27001-2022:A.8.24"]
        assert connection.scalar(text("SELECT count(*) FROM risk_assessment")) == 1


def test_0010_starts_each_organisations_risk_counter_at_its_highest_number(fresh_engine):
    migrate.upgrade(fresh_engine, "0007")
    with fresh_engine.begin() as connection:
        first, second, empty = (_insert(connection, "organisation", name=name) for name in ("One", "Two", "None"))
        user = _insert(connection, "user_account", organisation_id=first, username="riley")
        for organisation, number in ((first, 1), (first, 7), (second, 3)):
            _insert(connection, "risk", organisation_id=organisation, owner_id=user, number=number)
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as connection:
        counters = connection.execute(text("SELECT organisation_id, kind, last_number FROM reference_counter"))
        assert sorted(counters) == [(first, "risk", 7), (second, "risk", 3)]
