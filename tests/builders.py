"""Plain functions that build the records tests need."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.identity.schemas import UserCreate
from qtqms.kernel.actor import Actor
from qtqms.org import service as org_service

PASSWORD = "correct-horse-42-battery"


def make_org(engine: Engine, name: str = "Test Quantum Ltd", admin_username: str = "admin") -> Actor:
    """An organisation with an admin whose password is PASSWORD; returns the admin actor. Usernames are unique
    across organisations, so a second organisation needs another `admin_username`."""
    with UnitOfWork(engine, write=True) as uow:
        organisation, _ = org_service.initialise(uow, organisation_name=name, admin_username=admin_username)
        admin = identity_service.local_actor(uow, admin_username)
        uow.actor = admin
        identity_service.set_password(uow, admin, admin_username, PASSWORD)
        uow.commit()
    return admin


def make_user(engine: Engine, admin: Actor, username: str, role: str) -> Actor:
    with UnitOfWork(engine, write=True, actor=admin) as uow:
        identity_service.create_user(uow, admin, UserCreate(username=username, role=role, password=PASSWORD))
        actor = identity_service.local_actor(uow, username)
        uow.commit()
        return actor


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def log_in(client, username: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text), "next": "/"},
        follow_redirects=False,
    )


def api_token(engine: Engine, actor: Actor, name: str = "test", days: int | None = 30) -> str:
    from qtqms.identity.schemas import TokenCreate

    with UnitOfWork(engine, write=True, actor=actor) as uow:
        _, secret = identity_service.create_token(uow, actor, TokenCreate(name=name, expires_in_days=days))
        uow.commit()
    return secret


def record_pqc_scan(engine: Engine, actor: Actor, product: str, system: str, path, **kwargs):
    """Scan a file or folder and store the inventory as a scan of the product's system."""
    from qtqms.pqc import service as pqc_service
    from qtqms.pqc.scanner import scan

    findings, summary = scan(path)
    with UnitOfWork(engine, write=True, actor=actor) as uow:
        stored = pqc_service.record_scan(
            uow, actor, product=product, system=system, findings=findings, source="scanner",
            source_ref=str(path), summary=summary.to_dict(), **kwargs,
        )  # fmt: skip
        uow.commit()
    return stored


@contextmanager
def query_counter(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block, to assert query counts instead of timings."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
