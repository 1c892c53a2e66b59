"""Mosca's inequality: data classes exposed through systems, the CRQC scenario that raises risks, the y a PQC
migration plan sets, and the harvest-now-decrypt-later risks that follow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from qtqms.db.scoping import add_unique
from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict
from qtqms.kernel.rbac import OrgScope, Permission, authorize
from qtqms.models.risk import (
    Asset,
    DataClass,
    MoscaExposure,
    ProductMigrationYears,
    Risk,
    RiskAssetLink,
    RiskSettings,
)
from qtqms.risk import domain, packs
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    Approach,
    Rating,
    RiskDomain,
    RiskMatrix,
    Sensitivity,
)
from qtqms.risk.schemas import (
    ExposureCreate,
    MoscaDataClassRead,
    MoscaPointRead,
    MoscaReport,
    MoscaSystemRead,
    ScenarioRead,
)
from qtqms.risk.service._common import (
    PLAN_SOURCE,
    _asset,
    _data_class,
    _invalid,
    _product_id,
    _rating,
    _verdicts,
)
from qtqms.risk.service.criteria import _matrix_for
from qtqms.risk.service.scenarios import _new_risk, _rate, _replace_links


def add_exposure(uow: UnitOfWork, actor: Actor, data: ExposureCreate) -> MoscaReport:
    """Record that a system protects a data class; a harvest-now-decrypt-later risk follows if it is exposed."""
    scope = authorize(actor, Permission.RISK_EDIT)
    data_class = _data_class(uow, scope, data.data_class)
    asset = _asset(uow, scope, data.system)
    if data.migration_years is not None:
        _enter_years(uow, scope, asset, data.migration_years, "entered", "migration_years")
    exposure = MoscaExposure(organisation_id=scope.organisation_id, data_class_id=data_class.id, asset_id=asset.id)
    add_unique(uow.session, exposure, f"exposure of '{data_class.key}' through '{asset.key}'")
    uow.flush()
    _refresh_mosca(uow, actor, scope)
    return mosca_report(uow, actor)


def _set_years(asset: Asset, years: float, source: str) -> None:
    asset.migration_years = years
    asset.migration_years_source = source[:80]


def _enter_years(uow: UnitOfWork, scope: OrgScope, asset: Asset, years: object, source: str, field: str) -> None:
    """A y given by hand. Where the asset's product has a PQC migration plan, the plan's y wins: it is set again
    on every change to the plan, so a value typed over it would be silently lost; the plan is what to change."""
    if source.startswith(PLAN_SOURCE):
        raise _invalid(f"'{PLAN_SOURCE}…' is reserved for the y a PQC migration plan sets", "source")
    plan = repo.plan_years(uow.session, scope, asset.product_id) if asset.product_id else None
    if plan is not None:
        product = repo.product_keys(uow.session, scope, [asset.product_id])[plan.product_id]
        raise Conflict(
            f"{field}: the y of {asset.key} comes from the PQC migration plan of {product} "
            f"({PLAN_SOURCE}{product}, {plan.years:g} years); change that plan's tasks to change it"
        )
    _set_years(asset, domain.check_years(years, field), source)


def apply_migration_plan(uow: UnitOfWork, actor: Actor, *, product: str, years: float | None) -> None:
    """Mosca's y of every asset of a product from the product's PQC migration plan, then Mosca re-run, in the
    caller's transaction (None: the product has no plan yet, nothing changes).

    No permission check of its own: the PQC service calls it after checking its own (an engineer who plans a
    migration need not hold risk:edit), as the consequence of a change it authorised. No entry point calls it.
    The scope is the actor's as any member who may read the register has it: the write was authorised upstream.
    """
    if years is None:
        return
    scope = authorize(actor, Permission.READ)
    product_id = _product_id(uow, actor, product)
    assert product_id is not None
    checked = domain.check_years(years, "years")
    plan = repo.plan_years(uow.session, scope, product_id)
    if plan is None:
        uow.session.add(
            ProductMigrationYears(organisation_id=scope.organisation_id, product_id=product_id, years=checked)
        )
    elif plan.years != checked:
        plan.years = checked
    source = PLAN_SOURCE + product
    for asset in repo.assets_of_product(uow.session, scope, product_id):
        if (asset.migration_years, asset.migration_years_source) != (checked, source):
            _set_years(asset, checked, source)
    uow.flush()
    _refresh_mosca(uow, actor, scope)


def _basis(uow: UnitOfWork, scope: OrgScope) -> str:
    found = repo.settings(uow.session, scope)
    return found.mosca_scenario if found else packs.shipped().crqc.default


def set_mosca_basis(uow: UnitOfWork, actor: Actor, scenario: str) -> MoscaReport:
    """Which CRQC scenario raises risks is a risk criterion, so it takes the right to accept risks."""
    scope = authorize(actor, Permission.RISK_ACCEPT)
    scenarios = packs.shipped().crqc
    if scenarios.get(scenario) is None:
        known = ", ".join(s.key for s in scenarios.scenarios)
        raise _invalid(f"unknown scenario '{scenario}' (known: {known})", "scenario")
    found = repo.settings(uow.session, scope)
    if found is None:
        uow.session.add(RiskSettings(organisation_id=scope.organisation_id, mosca_scenario=scenario))
    else:
        found.mosca_scenario = scenario
    uow.flush()
    _refresh_mosca(uow, actor, scope)
    return mosca_report(uow, actor)


def _points(data_class: DataClass, asset: Asset, as_of_year: int) -> list[domain.MoscaPoint]:
    if asset.migration_years is None:
        return []
    return [
        domain.mosca_point(s, x=data_class.shelf_life_years, y=asset.migration_years, as_of_year=as_of_year)
        for s in packs.shipped().crqc.scenarios
    ]


def _refresh_mosca(uow: UnitOfWork, actor: Actor, scope: OrgScope) -> None:
    """Raise or update a harvest-now-decrypt-later risk wherever x + y > z under the basis scenario.

    Runs as a consequence of a change its caller authorised (a new x, y, exposure or basis scenario)."""
    basis = _basis(uow, scope)
    as_of_year = clock.today().year
    for exposure, data_class, asset, risk in repo.exposures(uow.session, scope):
        points = _points(data_class, asset, as_of_year)
        basis_point = next((p for p in points if p.scenario == basis), None)
        if basis_point is None:
            continue
        if risk is None and basis_point.exposed:
            exposure.risk_id = _raise_hndl_risk(uow, actor, scope, data_class, asset, points, basis).id
        elif risk is not None:
            _update_hndl_risk(uow, actor, scope, risk, data_class, asset, points, basis)
    uow.flush()


def _hndl_rating(matrix: RiskMatrix, data_class: DataClass, points: Sequence[domain.MoscaPoint]) -> Rating:
    return domain.hndl_rating(matrix, points, Sensitivity(data_class.sensitivity))


def _raise_hndl_risk(
    uow: UnitOfWork,
    actor: Actor,
    scope: OrgScope,
    data_class: DataClass,
    asset: Asset,
    points: list[domain.MoscaPoint],
    basis: str,
) -> Risk:
    matrix = _matrix_for(uow, scope, RiskDomain.SECURITY.value)
    rating = _hndl_rating(matrix, data_class, points)
    risk = _new_risk(
        uow,
        actor,
        scope,
        title=f"Harvest now, decrypt later: {data_class.name} through {asset.name}"[:200],
        description="Raised automatically from Mosca's inequality: data recorded today may be decrypted "
        "by a quantum computer while it must still be secret.",
        domain=RiskDomain.SECURITY.value,
        approach=Approach.ASSET.value,
        threat_ref=packs.HNDL_THREAT,
        owner_id=data_class.owner_id,
        product_id=asset.product_id,
        matrix=matrix,
        source="mosca",
        computation=domain.hndl_computation(data_class.name, asset.name, points, basis, rating),
    )
    _replace_links(uow, risk, RiskAssetLink, "asset_id", [asset.id])
    ratings = {"inherent": rating, "current": rating}
    _rate(uow, actor, scope, risk, matrix, ratings, note="computed from Mosca's inequality")
    return risk


def _update_hndl_risk(
    uow: UnitOfWork,
    actor: Actor,
    scope: OrgScope,
    risk: Risk,
    data_class: DataClass,
    asset: Asset,
    points: list[domain.MoscaPoint],
    basis: str,
) -> None:
    """New inputs update the computed inherent rating; a current rating someone re-assessed is left to them."""
    matrix = packs.shipped().matrix(risk.matrix_id)
    rating = _hndl_rating(matrix, data_class, points)
    risk.computation = domain.hndl_computation(data_class.name, asset.name, points, basis, rating)
    old = _rating(risk, "inherent")
    if old == rating:
        uow.flush()
        return
    ratings = {"inherent": rating}
    if _rating(risk, "current") == old:
        ratings["current"] = rating
    _rate(uow, actor, scope, risk, matrix, ratings, note="recomputed from Mosca's inequality")


def mosca_report(uow: UnitOfWork, actor: Actor, *, as_of: date | None = None) -> MoscaReport:
    """Per data class and protecting system, x, y, z, margin and deadline under every CRQC scenario."""
    scope = authorize(actor, Permission.READ)
    as_of = as_of or clock.today()
    scenarios = packs.shipped().crqc
    classes: dict[int, MoscaDataClassRead] = {
        d.id: MoscaDataClassRead(key=d.key, name=d.name, x=d.shelf_life_years, sensitivity=d.sensitivity, systems=[])
        for d in repo.data_classes(uow.session, scope)
    }
    exposures = repo.exposures(uow.session, scope)
    verdicts = _verdicts(uow, actor, scope, list({risk.id: risk for *_, risk in exposures if risk}.values()))
    for _exposure, data_class, asset, risk in exposures:
        classes[data_class.id].systems.append(
            MoscaSystemRead(
                system=asset.key,
                name=asset.name,
                y=asset.migration_years,
                y_source=asset.migration_years_source,
                y_plan=asset.migration_years_source.removeprefix(PLAN_SOURCE)
                if asset.migration_years_source.startswith(PLAN_SOURCE)
                else None,
                points=[MoscaPointRead(**vars(p)) for p in _points(data_class, asset, as_of.year)],
                risk=domain.format_ref(risk.number) if risk else None,
                risk_status=verdicts[risk.id].status if risk else None,
            )
        )
    return MoscaReport(
        as_of=as_of,
        basis=_basis(uow, scope),
        pack=f"{scenarios.info.id}@{scenarios.info.version}",
        pack_verified_on=scenarios.info.verified_on,
        scenarios=[ScenarioRead(**{**vars(s)}) for s in scenarios.scenarios],
        data_classes=list(classes.values()),
    )
