"""An organisation with a control, a product, an asset to hang a risk on, one user per evidence role, and helpers
to reach the kept files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlCreate
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import store
from qtqms.kernel.actor import Actor
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from qtqms.settings import get_settings
from tests.builders import make_org, make_user


@dataclass
class Desk:
    db: Engine
    admin: Actor
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


@pytest.fixture
def desk(db) -> Desk:
    admin = make_org(db)
    desk = Desk(db=db, admin=admin, engineer=make_user(db, admin, "emery", "engineer"),
                viewer=make_user(db, admin, "val", "viewer"))  # fmt: skip
    control = ControlCreate(key="CTL-KEYS", title="Hybrid key establishment", owner="admin", status="implemented")
    desk.run(admin, catalog_service.create_control, control)
    desk.run(admin, org_service.add_product, ProductCreate(key="QKD-LINK", name="QKD link", technology="communication"))
    return desk


@pytest.fixture
def catalogue(desk) -> Desk:
    """The desk with the shipped framework packs loaded (requirements to cite)."""
    with UnitOfWork(desk.db, write=True, actor=desk.admin) as uow:
        catalog_service.sync_shipped_packs(uow, desk.admin)
        uow.commit()
    return desk


def kept(sha256: str) -> Path:
    return store.blob_path(get_settings().blob_dir, sha256)


def store_files() -> set[Path]:
    """Every file in the store, temporary ones included (the data dir is shared by the whole test run)."""
    root = get_settings().blob_dir
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def second_organisation(engine: Engine) -> Actor:
    """Another organisation's admin ("outsider"), to show that nothing of the first is seen or touched."""
    from qtqms.identity import service as identity_service

    with UnitOfWork(engine, write=True) as uow:
        org_service.initialise(uow, organisation_name="Other Photonics", admin_username="outsider")
        uow.commit()
        return identity_service.local_actor(uow, "outsider")
