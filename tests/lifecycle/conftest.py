"""A lab: the shared world with three products in the lifecycle (a QKD link, a 100-qubit processor and a
gravimeter) and an ethics officer, for every lifecycle test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from qtqms.kernel.actor import Actor
from qtqms.lifecycle.products import service as products
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from tests.builders import make_user
from tests.world import World, build_world


@dataclass
class Lab(World):
    ethics: Actor | None = None  # "ellis", ethics_officer


def build_lab(db: Engine, snapshots) -> Lab:
    world = snapshots.restore("world", build_world)
    lab = Lab(**world.__dict__, ethics=make_user(db, world.admin, "ellis", "ethics_officer"))
    for key, name, technology in (
        ("QKD-LINK", "QKD link", "communication"),
        ("QPU-100", "100-qubit processor", "computing"),
        ("GRAV-1", "Gravimeter", "sensing"),
    ):
        lab.run(lab.admin, org_service.add_product, ProductCreate(key=key, name=name, technology=technology))
        lab.run(lab.engineer, products.enrol_product, key)
    return lab


@pytest.fixture
def lab(db, snapshots) -> Lab:
    return snapshots.restore("lifecycle-lab", lambda db: build_lab(db, snapshots))


def demo_headers(db: Engine, username: str) -> dict[str, str]:
    """An API bearer token of one demo user."""
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from tests.builders import api_token

    with UnitOfWork(db) as uow:
        actor = identity_service.local_actor(uow, username)
    return {"Authorization": f"Bearer {api_token(db, actor)}"}
