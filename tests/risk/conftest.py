"""A small organisation with one user per risk role, and a helper that runs a use case in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlCreate
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from qtqms.risk import service
from qtqms.risk.schemas import AssetCreate, RatingIn, RiskCreate
from tests.builders import api_token, make_org, make_user
from tests.web.conftest import client  # noqa: F401  the web tests' TestClient fixture


@dataclass
class Team:
    db: Engine
    admin: Actor
    owner: Actor  # risk_owner
    engineer: Actor
    viewer: Actor
    owner2: Actor  # a second risk_owner, to accept what the first proposed

    def run(self, actor: Actor, use_case, *args, **kwargs):
        """Run one use case as `actor` and commit, as the web and CLI entry points do."""
        with UnitOfWork(self.db, write=True, actor=actor) as uow:
            result = use_case(uow, actor, *args, **kwargs)
            uow.commit()
            return result


@pytest.fixture
def team(db) -> Team:
    admin = make_org(db)
    team = Team(
        db=db,
        admin=admin,
        owner=make_user(db, admin, "riley", "risk_owner"),
        engineer=make_user(db, admin, "emery", "engineer"),
        viewer=make_user(db, admin, "val", "viewer"),
        owner2=make_user(db, admin, "robin", "risk_owner"),
    )
    team.run(admin, org_service.add_product, ProductCreate(key="QKD-LINK", name="QKD link", technology="communication"))
    team.run(
        admin,
        service.create_asset,
        AssetCreate(key="QKD-RX", name="QKD receiver", kind="quantum-equipment", owner="emery", product="QKD-LINK"),
    )
    team.run(
        admin,
        service.create_asset,
        AssetCreate(key="KMS", name="Key management service", kind="service", owner="riley"),
    )
    return team


@pytest.fixture
def catalogue(team) -> Team:
    """The team with the shipped framework packs loaded and two controls to link risks to."""
    with UnitOfWork(team.db, write=True, actor=team.admin) as uow:
        catalog_service.sync_shipped_packs(uow, team.admin)
        uow.commit()
    for key, title in (("CTL-QKD-API", "QKD key-delivery API hardening"), ("CTL-KEYS", "Hybrid key establishment")):
        team.run(team.admin, catalog_service.create_control, ControlCreate(key=key, title=title, owner="riley"))
    return team


def new_risk(
    team: Team, actor: Actor, *, current=(2, 2), title="Detector blinding on the QKD receiver", **fields
) -> str:
    rating = RatingIn(likelihood=current[0], impact=current[1]) if current else None
    data = RiskCreate(
        title=title,
        domain=fields.pop("domain", "security"),
        threat=fields.pop("threat", "qtqms-threats:Q-QKD-BLIND"),
        assets=fields.pop("assets", ["QKD-RX"]),
        inherent=rating,
        current=rating,
        **fields,
    )
    with UnitOfWork(team.db, write=True, actor=actor) as uow:
        risk = service.create_risk(uow, actor, data)
        uow.commit()
        return f"R-{risk.number:04d}"


@pytest.fixture
def api(client, team):  # noqa: F811  `client` is the imported fixture
    """Call /api/v1/risk as a team member (the risk owner unless told), each call with a token of its own."""

    def call(method: str, path: str, actor=None, **kwargs):
        token = api_token(team.db, actor or team.owner, f"t{call.count}")
        call.count += 1
        return client.request(method, f"/api/v1/risk{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)

    call.count = 0
    return call
