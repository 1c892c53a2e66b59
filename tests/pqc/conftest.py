"""The labelled corpus is data for the accuracy test, not tests to collect; a small team for the QMS-side tests."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import Engine

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from tests.builders import make_org, make_user
from tests.web.conftest import client  # noqa: F401  the web tests' TestClient fixture

collect_ignore_glob = ["corpus/*"]

DEMO_SOURCE = Path(str(resources.files("qtqms.pqc") / "demo_source"))


@dataclass
class Team:
    db: Engine
    admin: Actor
    engineer: Actor
    viewer: Actor

    def run(self, actor: Actor, use_case, *args, **kwargs):
        """Run one use case as `actor` in its own committed transaction, as the web and CLI entry points do."""
        with UnitOfWork(self.db, write=True, actor=actor) as uow:
            result = use_case(uow, actor, *args, **kwargs)
            uow.commit()
            return result


@pytest.fixture
def team(db) -> Team:
    admin = make_org(db)
    team = Team(db, admin, make_user(db, admin, "emery", "engineer"), make_user(db, admin, "val", "viewer"))
    for key in ("QKD-LINK", "GRAV-1"):
        team.run(admin, org_service.add_product, ProductCreate(key=key, name=key, technology="sensing"))
    return team
