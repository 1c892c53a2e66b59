"""The shared world with the risk records most tests need (a product and two assets), the same with the shipped
catalogue and two controls to link risks to, and a helper that creates a risk."""

from __future__ import annotations

import pytest

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlCreate
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from qtqms.risk import service
from qtqms.risk.schemas import AssetCreate, RatingIn, RiskCreate
from tests.builders import api_token
from tests.world import World, build_world, load_catalogue


def _risk_team(snapshots) -> World:
    def build(db) -> World:
        team = snapshots.restore("world", build_world)
        product = ProductCreate(key="QKD-LINK", name="QKD link", technology="communication")
        team.run(team.admin, org_service.add_product, product)
        team.run(
            team.admin,
            service.create_asset,
            AssetCreate(key="QKD-RX", name="QKD receiver", kind="quantum-equipment", owner="emery", product="QKD-LINK"),
        )
        team.run(
            team.admin,
            service.create_asset,
            AssetCreate(key="KMS", name="Key management service", kind="service", owner="riley"),
        )
        return team

    return snapshots.restore("risk-team", build)


@pytest.fixture
def team(db, snapshots) -> World:
    return _risk_team(snapshots)


@pytest.fixture
def catalogue(team, snapshots) -> World:
    """The team with the shipped framework packs loaded and two controls to link risks to."""

    def build(db) -> World:
        team = _risk_team(snapshots)
        load_catalogue(db)
        for key, title in (("CTL-QKD-API", "QKD key-delivery API hardening"), ("CTL-KEYS", "Hybrid key establishment")):
            team.run(team.admin, catalog_service.create_control, ControlCreate(key=key, title=title, owner="riley"))
        return team

    return snapshots.restore("risk-catalogue", build)


def new_risk(
    team: World, actor: Actor, *, current=(2, 2), title="Detector blinding on the QKD receiver", **fields
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
def api(client, team):
    """Call /api/v1/risk as a team member (the risk owner unless told), each call with a token of its own."""

    def call(method: str, path: str, actor=None, **kwargs):
        token = api_token(team.db, actor or team.owner, f"t{call.count}")
        call.count += 1
        return client.request(method, f"/api/v1/risk{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)

    call.count = 0
    return call
