"""An organisation with the shipped packs loaded, one user per catalogue role, and a query counter."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from qtqms.catalog import service
from qtqms.catalog.schemas import ControlCreate, RequirementRef
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import service as evidence_service
from qtqms.kernel.actor import Actor
from tests.builders import make_org, make_user
from tests.web.conftest import client  # noqa: F401  the web tests' TestClient fixture


@dataclass
class World:
    db: Engine
    admin: Actor
    quality: Actor
    engineer: Actor
    viewer: Actor

    def run(self, actor: Actor, use_case, *args, **kwargs):
        """Run one use case as `actor` and commit, as the web and CLI entry points do."""
        with UnitOfWork(self.db, write=True, actor=actor) as uow:
            result = use_case(uow, actor, *args, **kwargs)
            uow.commit()
            return result

    def read(self, actor: Actor, use_case, *args, **kwargs):
        with UnitOfWork(self.db, actor=actor) as uow:
            return use_case(uow, actor, *args, **kwargs)

    def control(self, key: str, *refs: str, status: str = "implemented", evidence: bool = True, **dates):
        """A control linked to 'pack|requirement' refs, with one URL evidence record unless told otherwise."""
        links = [RequirementRef(framework=r.split("|")[0], requirement=r.split("|")[1]) for r in refs]
        data = ControlCreate(key=key, title=f"Control {key}", owner="admin", status=status, requirements=links)
        self.run(self.admin, service.create_control, data)
        if evidence:
            self.run(
                self.admin,
                evidence_service.add_url,
                "control",
                key,
                title=f"{key} record",
                url="https://example.org/evidence",
                **dates,
            )


@pytest.fixture
def world(db) -> World:
    admin = make_org(db)
    with UnitOfWork(db, write=True, actor=admin) as uow:
        service.sync_shipped_packs(uow, admin)
        uow.commit()
    return World(
        db=db,
        admin=admin,
        quality=make_user(db, admin, "quinn", "quality_manager"),
        engineer=make_user(db, admin, "emery", "engineer"),
        viewer=make_user(db, admin, "val", "viewer"),
    )
