"""The labelled corpus is data for the accuracy test, not tests to collect; the shared world with two products
for the QMS-side tests."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from tests.world import World, build_world

collect_ignore_glob = ["corpus/*"]

DEMO_SOURCE = Path(str(resources.files("qtqms.pqc") / "demo_source"))


@pytest.fixture
def team(db, snapshots) -> World:
    def build(db) -> World:
        world = snapshots.restore("world", build_world)
        for key in ("QKD-LINK", "GRAV-1"):
            world.run(world.admin, org_service.add_product, ProductCreate(key=key, name=key, technology="sensing"))
        return world

    return snapshots.restore("pqc-team", build)
