"""An organisation with a control, a product, an asset to hang a risk on, one user per evidence role, and helpers
to reach the kept files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlCreate
from qtqms.evidence import store
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from qtqms.settings import get_settings
from tests.world import World, build_world, load_catalogue


@pytest.fixture
def desk(db, snapshots) -> World:
    """The shared world with a control and a product to cite."""

    def build(db: Engine) -> World:
        desk = snapshots.restore("world", build_world)
        control = ControlCreate(key="CTL-KEYS", title="Hybrid key establishment", owner="admin", status="implemented")
        desk.run(desk.admin, catalog_service.create_control, control)
        product = ProductCreate(key="QKD-LINK", name="QKD link", technology="communication")
        desk.run(desk.admin, org_service.add_product, product)
        return desk

    return snapshots.restore("evidence-desk", build)


@pytest.fixture
def catalogue(desk) -> World:
    """The desk with the shipped framework packs loaded (requirements to cite)."""
    load_catalogue(desk.db)
    return desk


def kept(sha256: str) -> Path:
    return store.blob_path(get_settings().blob_dir, sha256)


def store_files() -> set[Path]:
    """Every file in the store, temporary ones included (the data dir is shared by the whole test run)."""
    root = get_settings().blob_dir
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()
