"""The unit of work keeps what must outlive a rolled-back use case, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import NotAuthenticated
from qtqms.models.identity import LoginAttempt
from qtqms.models.org import Organisation, Site
from qtqms.trail import service as trail_service

ADMIN = Actor(user_id=0, username="tester", role="admin", organisation_id=1)


def attempt(username: str) -> LoginAttempt:
    return LoginAttempt(username=username, attempted_at=datetime.now(UTC))


def count(db, model, *where) -> int:
    with db.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_kept_rows_and_events_outlive_the_rollback_and_the_rest_is_undone(db):
    with UnitOfWork(db, write=True, actor=ADMIN) as uow:
        uow.session.add(Organisation(name="Rolled back"))
        uow.keep_after_rollback(Organisation(name="Kept"))
        uow.keep_after_rollback(attempt("kim"))
        uow.record("password_refused", "user_account", 7, label="kim", keep=True)
        uow.record("export", "risk_register", 0)
        uow.flush()
    assert count(db, Organisation, Organisation.name == "Rolled back") == 0
    assert count(db, Organisation, Organisation.name == "Kept") == 1
    assert count(db, LoginAttempt) == 1
    with db.connect() as connection:
        kept = connection.execute(select(AuditEvent.action, AuditEvent.entity_label, AuditEvent.actor_name)).all()
    assert sorted(kept) == [("create", "Kept", "tester"), ("password_refused", "kim", "tester")]
    with UnitOfWork(db, actor=ADMIN) as uow:
        assert trail_service.verify(uow, ADMIN).intact


def test_a_use_case_that_raises_keeps_its_refusal_record(db):
    with pytest.raises(NotAuthenticated), UnitOfWork(db, write=True) as uow:
        uow.keep_after_rollback(attempt("kim"))
        raise NotAuthenticated("password does not match")
    assert count(db, LoginAttempt) == 1


def test_a_committed_unit_of_work_writes_a_kept_row_once(db):
    with UnitOfWork(db, write=True, actor=ADMIN) as uow:
        uow.keep_after_rollback(attempt("kim"))
        uow.record("password_refused", "user_account", 7, keep=True)
        uow.commit()
    with UnitOfWork(db, write=True, actor=ADMIN) as uow:
        uow.session.add(Site(organisation_id=1, name="Never written", country="DE"))
    assert count(db, LoginAttempt) == 1 and count(db, AuditEvent) == 1 and count(db, Site) == 0
