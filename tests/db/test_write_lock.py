"""SQLite's single write lock is taken by a unit of work at its first write, not when it starts reading."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.models.org import Site
from tests.builders import make_org
from tests.conftest import IS_PG

pytestmark = pytest.mark.skipif(IS_PG, reason="SQLite's write lock")


def _another_writer_may_start(engine) -> bool:
    """Whether another connection could begin writing right now, without waiting."""
    other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


def test_a_writing_unit_of_work_holds_the_write_lock_from_its_first_write_to_its_end(db):
    admin = make_org(db)
    with UnitOfWork(db, write=True) as uow:
        actor = identity_service.local_actor(uow, "admin")  # authentication and checks read
        assert _another_writer_may_start(db)
        uow.actor = actor
        uow.session.add(Site(organisation_id=admin.organisation_id, name="Lab", country="DE"))
        uow.flush()
        assert not _another_writer_may_start(db)
        uow.commit()
        assert _another_writer_may_start(db)


def test_the_trail_head_is_read_under_the_write_lock(db):
    """Two writers that both read the head before either locked it would give two events the same place."""
    admin = make_org(db)
    locked_when_read = []

    def note(_connection, cursor, statement, *_rest) -> None:
        if "FROM trail_head" in statement:
            locked_when_read.append(cursor.connection.in_transaction and not _another_writer_may_start(db))

    event.listen(db, "before_cursor_execute", note)
    try:
        with UnitOfWork(db, write=True, actor=admin) as uow:
            uow.record("export", "risk_register", "all")
            uow.commit()
    finally:
        event.remove(db, "before_cursor_execute", note)
    assert locked_when_read == [True]


def test_a_writer_that_fails_passes_its_turn_on(db):
    admin = make_org(db)
    with pytest.raises(RuntimeError), UnitOfWork(db, write=True, actor=admin) as uow:
        uow.session.add(Site(organisation_id=admin.organisation_id, name="Lab", country="DE"))
        uow.flush()
        raise RuntimeError("the use case failed after writing")
    assert _another_writer_may_start(db)
    with UnitOfWork(db, write=True, actor=admin) as uow:  # would wait for a turn never given back, then fail
        uow.session.add(Site(organisation_id=admin.organisation_id, name="Lab", country="DE"))
        uow.commit()
