"""Mosca's y from the PQC migration plan: set on every asset of the product when the plan is made or a task
changes, Mosca re-run in the same transaction, and the plan's y winning over a value typed by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qtqms.kernel import rbac
from qtqms.kernel.errors import Conflict, InvalidInput
from qtqms.models.pqc import PqcTask
from qtqms.pqc import service as pqc
from qtqms.pqc.schemas import TaskUpdate
from qtqms.risk import service
from qtqms.risk.schemas import AssetCreate, DataClassCreate, ExposureCreate
from qtqms.risk.service import mosca
from tests.builders import api_token, log_in, record_pqc_scan
from tests.pqc.conftest import DEMO_SOURCE

PLAN = "pqc-plan:QKD-LINK"


@pytest.fixture
def planned(team, monkeypatch):
    """QKD key data (x=3: exposed under the median once the plan sets y, not with y=0) protected by the product's
    key-management service, a scan of the product's controller, and an engineer who may plan the migration but,
    here, not edit the risk register."""
    engineer = rbac.Role.ENGINEER
    monkeypatch.setitem(rbac.ROLE_PERMISSIONS, engineer, rbac.ROLE_PERMISSIONS[engineer] - {rbac.Permission.RISK_EDIT})
    asset = AssetCreate(key="QKD-KMS", name="Key management", kind="service", owner="emery", product="QKD-LINK")
    team.run(team.owner, service.create_asset, asset)
    data_class = DataClassCreate(key="qkd-keys", name="QKD keys", shelf_life_years=3, sensitivity="critical")
    team.run(team.owner, service.create_data_class, data_class)
    team.run(team.owner, service.add_exposure, ExposureCreate(data_class="qkd-keys", system="QKD-KMS"))
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "controller", DEMO_SOURCE / "controller")
    return team


def system(team, key: str = "QKD-KMS"):
    report = team.read(team.viewer, service.mosca_report)
    return next(s for dc in report.data_classes for s in dc.systems if s.system == key)


def assets(team) -> dict[str, tuple[float | None, str]]:
    return {a.key: (a.migration_years, a.migration_years_source) for a in team.read(team.viewer, service.list_assets)}


def test_planning_a_migration_sets_y_on_the_products_assets_and_raises_the_risk(planned):
    assert system(planned).y is None and system(planned).risk is None
    with pytest.raises(rbac.PermissionDenied):  # the engineer really lacks risk:edit here
        planned.run(planned.engineer, service.set_migration_years, system="KMS", years=1)
    planned.run(planned.engineer, pqc.plan_migration, "QKD-LINK")
    years = planned.read(planned.viewer, pqc.migration_years, "QKD-LINK")
    assert years > 1
    assert assets(planned) == {"QKD-KMS": (years, PLAN), "QKD-RX": (years, PLAN), "KMS": (None, "")}
    shown = system(planned)
    assert (shown.y, shown.y_source, shown.y_plan) == (years, PLAN, "QKD-LINK")
    assert [p.y for p in shown.points] == [years] * 3
    risk = planned.read(planned.viewer, service.get_risk, shown.risk)
    assert risk.source == "mosca" and risk.created_by == "emery" and f"y={years:g}" in risk.computation


def test_a_task_change_moves_y_and_updates_the_raised_risk_in_the_same_transaction(planned):
    planned.run(planned.engineer, pqc.plan_migration, "QKD-LINK")
    ref = system(planned).risk
    before = planned.read(planned.viewer, service.get_risk, ref)
    for task in planned.read(planned.viewer, pqc.list_tasks, "QKD-LINK"):
        planned.run(planned.engineer, pqc.update_task, task.id, TaskUpdate(status="done"))
    assert system(planned).y == 0.0 and assets(planned)["QKD-KMS"] == (0.0, PLAN)
    after = planned.read(planned.viewer, service.get_risk, ref)
    assert "y=0" in after.computation and after.inherent.likelihood < before.inherent.likelihood
    assert not any(p.exposed for p in system(planned).points)


def test_if_the_register_cannot_follow_the_plan_nothing_of_the_plan_is_written(planned, monkeypatch):
    def broken(*_args, **_kwargs):
        raise InvalidInput("years: the register refused it")

    monkeypatch.setattr(mosca, "_refresh_mosca", broken)
    with pytest.raises(InvalidInput):
        planned.run(planned.engineer, pqc.plan_migration, "QKD-LINK")
    with planned.db.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(PqcTask)) == 0
    assert assets(planned)["QKD-KMS"] == (None, "")


def test_the_plan_wins_over_a_value_entered_by_hand(planned):
    planned.run(planned.owner, service.set_migration_years, system="QKD-KMS", years=2)
    assert assets(planned)["QKD-KMS"] == (2, "entered")
    planned.run(planned.engineer, pqc.plan_migration, "QKD-LINK")
    years = planned.read(planned.viewer, pqc.migration_years, "QKD-LINK")
    assert assets(planned)["QKD-KMS"] == (years, PLAN)
    with pytest.raises(Conflict, match=r"comes from the PQC migration plan of QKD-LINK \(pqc-plan:QKD-LINK"):
        planned.run(planned.owner, service.set_migration_years, system="QKD-KMS", years=1)
    typed_over = ExposureCreate(data_class="qkd-keys", system="QKD-RX", migration_years=1)
    with pytest.raises(Conflict, match="migration_years: the y of QKD-RX"):
        planned.run(planned.owner, service.add_exposure, typed_over)
    assert assets(planned)["QKD-KMS"] == (years, PLAN)
    planned.run(planned.owner, service.set_migration_years, system="KMS", years=1.5, source="vendor estimate")
    assert assets(planned)["KMS"] == (1.5, "vendor estimate")
    with pytest.raises(InvalidInput, match="reserved") as error:
        planned.run(planned.owner, service.set_migration_years, system="KMS", years=1, source="pqc-plan:QKD-LINK")
    assert error.value.problems[0].field == "source"


def test_an_asset_added_to_a_planned_product_takes_the_plans_y(planned):
    planned.run(planned.engineer, pqc.plan_migration, "QKD-LINK")
    years = planned.read(planned.viewer, pqc.migration_years, "QKD-LINK")
    created = planned.run(
        planned.owner,
        service.create_asset,
        AssetCreate(key="QKD-AUTH", name="Authentication channel", kind="software", owner="riley", product="QKD-LINK"),
    )
    assert (created.migration_years, created.migration_years_source) == (years, PLAN)


def test_the_api_refuses_a_y_typed_over_the_plan_with_409_and_the_page_says_where_y_comes_from(client, planned):
    planned.run(planned.engineer, pqc.plan_migration, "QKD-LINK")
    token = api_token(planned.db, planned.owner)
    response = client.put(
        "/api/v1/risk/assets/QKD-KMS/migration-years", json={"years": 1}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 409 and "PQC migration plan of QKD-LINK" in response.json()["error"]["message"]
    log_in(client, "val")
    page = client.get("/risk/mosca").text
    assert 'href="/pqc/products/QKD-LINK/plan">PQC migration plan of QKD-LINK</a>' in page
