"""Risk use cases per ISO/IEC 27005: assets, scenarios, assessment, treatment, signed acceptance, Mosca exposure."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlRead
from qtqms.db.uow import UnitOfWork
from qtqms.esign import domain as esign_domain
from qtqms.esign import service as esign_service
from qtqms.esign.domain import Meaning
from qtqms.identity import service as identity_service
from qtqms.kernel import clock, hashchain
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problem
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.export import ExportFile, check_format, table_file
from qtqms.kit.subjects import Subject
from qtqms.models.catalog import Control
from qtqms.models.risk import (
    Asset,
    DataClass,
    MoscaExposure,
    ProductMigrationYears,
    Risk,
    RiskAcceptance,
    RiskAssessment,
    RiskAssetLink,
    RiskControlLink,
    RiskMatrixChoice,
    RiskRequirementLink,
    RiskSettings,
    TreatmentAction,
)
from qtqms.org import service as org_service
from qtqms.risk import domain, packs
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    RATING_KINDS,
    UNRATED,
    AcceptanceState,
    AcceptanceVerdict,
    ActionStatus,
    Approach,
    AssetKind,
    Rating,
    RiskDomain,
    RiskMatrix,
    RiskState,
    Sensitivity,
    TreatmentOption,
)
from qtqms.risk.schemas import (
    AcceptanceIn,
    AcceptanceRead,
    ActionClose,
    ActionRead,
    AssessmentIn,
    AssetCreate,
    AssetRead,
    DataClassCreate,
    DataClassRead,
    DataClassUpdate,
    ExposureCreate,
    HeatCell,
    HeatMap,
    LevelRead,
    LinkedControl,
    LinkedRequirement,
    MatrixRead,
    MoscaDataClassRead,
    MoscaPointRead,
    MoscaReport,
    MoscaSystemRead,
    RatingIn,
    RatingRead,
    RegisterPage,
    RegisterQuery,
    RiskCreate,
    RiskRead,
    RiskRow,
    RiskUpdate,
    ScaleRead,
    ScenarioRead,
    ThreatRead,
    TreatedRisk,
    TreatmentIn,
)

PLAN_SOURCE = "pqc-plan:"  # the source of a y set by a product's PQC migration plan, e.g. 'pqc-plan:QKD-LINK'
COUNT_CAP = 1000  # the register says "1,000+" rather than count every matching row
EXPORT_BATCH = 500  # exported rows whose acceptances are verified together: a few queries a batch, not a row


def _invalid(message: str, field: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", [Problem(message, field=field)])


def _product_id(uow: UnitOfWork, actor: Actor, key: str | None) -> int | None:
    if not key:
        return None
    try:
        return org_service.get_product(uow, actor, key).id
    except NotFound:
        raise _invalid(f"no product '{key}'", "product") from None


# --- matrices, threats and the organisation's choices ---------------------------------------------


def matrix_for(uow: UnitOfWork, actor: Actor, risk_domain: str) -> RiskMatrix:
    """The matrix the organisation uses for a risk domain (the 5x5 one until it picks another)."""
    choice = repo.matrix_choices(uow.session, actor.organisation_id).get(risk_domain)
    return packs.shipped().matrix(choice.matrix_id if choice else packs.DEFAULT_MATRIX)


def _matrix_read(matrix: RiskMatrix, used_for: list[str]) -> MatrixRead:
    return MatrixRead(
        id=matrix.id,
        title=matrix.info.title,
        version=matrix.version,
        size=matrix.size,
        source=matrix.info.source,
        verified_on=matrix.info.verified_on,
        notes=list(matrix.info.notes),
        likelihood=[ScaleRead(**vars(s)) for s in matrix.likelihood],
        impact=[ScaleRead(**vars(s)) for s in matrix.impact],
        levels=[
            LevelRead(**{**vars(level), "decision": level.decision.value, "accept_roles": list(level.accept_roles)})
            for level in matrix.levels
        ],
        grid=[list(row) for row in matrix.grid],
        used_for=used_for,
    )


def list_matrices(uow: UnitOfWork, actor: Actor) -> list[MatrixRead]:
    authorize(actor, Permission.READ)
    in_use = domain_matrices(uow, actor)
    return [
        _matrix_read(m, [d for d, used in in_use.items() if used == m.id])
        for m in sorted(packs.shipped().matrices.values(), key=lambda m: m.id)
    ]


def matrix_options(uow: UnitOfWork, actor: Actor) -> list[tuple[str, str]]:
    """(id, size) of every shipped matrix, for a matrix picker: no query, nothing built per matrix."""
    authorize(actor, Permission.READ)
    return [(m.id, m.size) for m in sorted(packs.shipped().matrices.values(), key=lambda m: m.id)]


def domain_matrices(uow: UnitOfWork, actor: Actor) -> dict[str, str]:
    """Risk domain -> id of the matrix it uses."""
    authorize(actor, Permission.READ)
    choices = repo.matrix_choices(uow.session, actor.organisation_id)
    return {d.value: (choices[d.value].matrix_id if d.value in choices else packs.DEFAULT_MATRIX) for d in RiskDomain}


def choose_matrix(uow: UnitOfWork, actor: Actor, risk_domain: str, matrix_id: str) -> MatrixRead:
    """Risk criteria are a management decision; risks already rated keep their matrix until re-assessed."""
    authorize(actor, Permission.RISK_ACCEPT)
    chosen_domain = domain.parse_choice(RiskDomain, risk_domain, "domain").value
    matrix = packs.shipped().matrix(matrix_id)
    choice = repo.matrix_choices(uow.session, actor.organisation_id).get(chosen_domain)
    if choice is None:
        uow.session.add(
            RiskMatrixChoice(organisation_id=actor.organisation_id, domain=chosen_domain, matrix_id=matrix.id)
        )
    else:
        choice.matrix_id = matrix.id
    uow.flush()
    return _matrix_read(matrix, [chosen_domain])


def list_threats(uow: UnitOfWork, actor: Actor, *, category: str | None = None) -> list[ThreatRead]:
    authorize(actor, Permission.READ)
    return [
        ThreatRead(
            ref=ref,
            id=t.id,
            title=t.title,
            description=t.description,
            category=t.category,
            domains=list(t.domains),
            affects=list(t.affects),
        )
        for ref, t in packs.shipped().all_threats()
        if category is None or t.category == category
    ]


# --- assets and data classes --------------------------------------------------------------------


def _asset_read(asset: Asset, owners: dict[int, str], products: dict[int, str]) -> AssetRead:
    return AssetRead(
        id=asset.id,
        key=asset.key,
        name=asset.name,
        kind=asset.kind,
        description=asset.description,
        owner=owners.get(asset.owner_id, ""),
        product=products.get(asset.product_id) if asset.product_id else None,
        migration_years=asset.migration_years,
        migration_years_source=asset.migration_years_source,
    )


def list_assets(uow: UnitOfWork, actor: Actor) -> list[AssetRead]:
    authorize(actor, Permission.READ)
    found = repo.assets(uow.session, actor.organisation_id)
    owners = identity_service.usernames(uow, [a.owner_id for a in found])
    products = repo.product_keys(uow.session, [a.product_id for a in found])
    return [_asset_read(a, owners, products) for a in found]


def _add_unique(uow: UnitOfWork, row: Any, describe: str) -> None:
    uow.session.add(row)
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:
        raise Conflict(f"{describe} already exists") from None
    uow.flush()


def create_asset(uow: UnitOfWork, actor: Actor, data: AssetCreate) -> AssetRead:
    """An asset of a product that has a PQC migration plan takes its Mosca y from that plan."""
    authorize(actor, Permission.RISK_EDIT)
    product_id = _product_id(uow, actor, data.product)
    plan = repo.plan_years(uow.session, product_id) if product_id else None
    asset = Asset(
        organisation_id=actor.organisation_id,
        key=domain.check_key(data.key, "key"),
        name=data.name,
        kind=domain.parse_choice(AssetKind, data.kind, "kind").value,
        description=data.description,
        owner_id=identity_service.active_member_id(uow, actor, data.owner, "owner"),
        product_id=product_id,
        migration_years=plan.years if plan else None,
        migration_years_source=PLAN_SOURCE + str(data.product) if plan else "",
    )
    _add_unique(uow, asset, f"asset '{data.key}'")
    return _asset_read(asset, {asset.owner_id: data.owner}, {asset.product_id: data.product} if data.product else {})


def _data_class_read(data_class: DataClass, owners: dict[int, str]) -> DataClassRead:
    return DataClassRead(
        id=data_class.id,
        key=data_class.key,
        name=data_class.name,
        description=data_class.description,
        shelf_life_years=data_class.shelf_life_years,
        sensitivity=data_class.sensitivity,
        owner=owners.get(data_class.owner_id, ""),
    )


def list_data_classes(uow: UnitOfWork, actor: Actor) -> list[DataClassRead]:
    authorize(actor, Permission.READ)
    found = repo.data_classes(uow.session, actor.organisation_id)
    owners = identity_service.usernames(uow, [d.owner_id for d in found])
    return [_data_class_read(d, owners) for d in found]


def create_data_class(uow: UnitOfWork, actor: Actor, data: DataClassCreate) -> DataClassRead:
    authorize(actor, Permission.RISK_EDIT)
    owner = data.owner or actor.username
    data_class = DataClass(
        organisation_id=actor.organisation_id,
        key=domain.check_key(data.key, "key"),
        name=data.name,
        description=data.description,
        shelf_life_years=domain.check_years(data.shelf_life_years, "shelf_life_years"),
        sensitivity=domain.parse_choice(Sensitivity, data.sensitivity, "sensitivity").value,
        owner_id=identity_service.active_member_id(uow, actor, owner, "owner"),
    )
    _add_unique(uow, data_class, f"data class '{data.key}'")
    return _data_class_read(data_class, {data_class.owner_id: owner})


def update_data_class(uow: UnitOfWork, actor: Actor, key: str, data: DataClassUpdate) -> DataClassRead:
    """A new shelf life or sensitivity re-runs Mosca's inequality and updates the risks it raised."""
    authorize(actor, Permission.RISK_EDIT)
    data_class = _data_class(uow, actor, key)
    if data.shelf_life_years is not None:
        data_class.shelf_life_years = domain.check_years(data.shelf_life_years, "shelf_life_years")
    if data.sensitivity is not None:
        data_class.sensitivity = domain.parse_choice(Sensitivity, data.sensitivity, "sensitivity").value
    for name in ("name", "description"):
        if getattr(data, name) is not None:
            setattr(data_class, name, getattr(data, name))
    uow.flush()
    _refresh_mosca(uow, actor)
    return _data_class_read(data_class, identity_service.usernames(uow, [data_class.owner_id]))


def _data_class(uow: UnitOfWork, actor: Actor, key: str) -> DataClass:
    found = repo.data_class_by_key(uow.session, actor.organisation_id, key)
    if found is None:
        raise NotFound(f"data class '{key}' not found")
    return found


def _asset(uow: UnitOfWork, actor: Actor, key: str, field: str = "system") -> Asset:
    found = repo.asset_by_key(uow.session, actor.organisation_id, key)
    if found is None:
        raise NotFound(f"{field} '{key}' not found among the assets")
    return found


# --- Mosca ---------------------------------------------------------------------------------------


def add_exposure(uow: UnitOfWork, actor: Actor, data: ExposureCreate) -> MoscaReport:
    """Record that a system protects a data class; a harvest-now-decrypt-later risk follows if it is exposed."""
    authorize(actor, Permission.RISK_EDIT)
    data_class = _data_class(uow, actor, data.data_class)
    asset = _asset(uow, actor, data.system)
    if data.migration_years is not None:
        _enter_years(uow, asset, data.migration_years, "entered", "migration_years")
    exposure = MoscaExposure(organisation_id=actor.organisation_id, data_class_id=data_class.id, asset_id=asset.id)
    _add_unique(uow, exposure, f"exposure of '{data_class.key}' through '{asset.key}'")
    _refresh_mosca(uow, actor)
    return mosca_report(uow, actor)


def _set_years(asset: Asset, years: float, source: str) -> None:
    asset.migration_years = years
    asset.migration_years_source = source[:80]


def _enter_years(uow: UnitOfWork, asset: Asset, years: object, source: str, field: str) -> None:
    """A y given by hand. Where the asset's product has a PQC migration plan, the plan's y wins: it is set again
    on every change to the plan, so a value typed over it would be silently lost; the plan is what to change."""
    if source.startswith(PLAN_SOURCE):
        raise _invalid(f"'{PLAN_SOURCE}…' is reserved for the y a PQC migration plan sets", "source")
    plan = repo.plan_years(uow.session, asset.product_id) if asset.product_id else None
    if plan is not None:
        product = repo.product_keys(uow.session, [asset.product_id])[plan.product_id]
        raise Conflict(
            f"{field}: the y of {asset.key} comes from the PQC migration plan of {product} "
            f"({PLAN_SOURCE}{product}, {plan.years:g} years); change that plan's tasks to change it"
        )
    _set_years(asset, domain.check_years(years, field), source)


def set_migration_years(
    uow: UnitOfWork, actor: Actor, *, system: str, years: object, source: str = "entered"
) -> AssetRead:
    """Mosca's y for one system, entered by hand (an estimate, or where no PQC migration plan covers it)."""
    authorize(actor, Permission.RISK_EDIT)
    asset = _asset(uow, actor, system)
    _enter_years(uow, asset, years, source.strip() or "entered", "years")
    uow.flush()
    _refresh_mosca(uow, actor)
    return _asset_read(asset, identity_service.usernames(uow, [asset.owner_id]), {})


def apply_migration_plan(uow: UnitOfWork, actor: Actor, *, product: str, years: float | None) -> None:
    """Mosca's y of every asset of a product from the product's PQC migration plan, then Mosca re-run, in the
    caller's transaction (None: the product has no plan yet, nothing changes).

    No permission check of its own: the PQC service calls it after checking its own (an engineer who plans a
    migration need not hold risk:edit), as the consequence of a change it authorised. No entry point calls it.
    """
    if years is None:
        return
    product_id = _product_id(uow, actor, product)
    assert product_id is not None
    checked = domain.check_years(years, "years")
    plan = repo.plan_years(uow.session, product_id)
    if plan is None:
        uow.session.add(
            ProductMigrationYears(organisation_id=actor.organisation_id, product_id=product_id, years=checked)
        )
    elif plan.years != checked:
        plan.years = checked
    source = PLAN_SOURCE + product
    for asset in repo.assets_of_product(uow.session, actor.organisation_id, product_id):
        if (asset.migration_years, asset.migration_years_source) != (checked, source):
            _set_years(asset, checked, source)
    uow.flush()
    _refresh_mosca(uow, actor)


def _basis(uow: UnitOfWork, actor: Actor) -> str:
    found = repo.settings(uow.session, actor.organisation_id)
    return found.mosca_scenario if found else packs.shipped().crqc.default


def set_mosca_basis(uow: UnitOfWork, actor: Actor, scenario: str) -> MoscaReport:
    """Which CRQC scenario raises risks is a risk criterion, so it takes the right to accept risks."""
    authorize(actor, Permission.RISK_ACCEPT)
    scenarios = packs.shipped().crqc
    if scenarios.get(scenario) is None:
        known = ", ".join(s.key for s in scenarios.scenarios)
        raise _invalid(f"unknown scenario '{scenario}' (known: {known})", "scenario")
    found = repo.settings(uow.session, actor.organisation_id)
    if found is None:
        uow.session.add(RiskSettings(organisation_id=actor.organisation_id, mosca_scenario=scenario))
    else:
        found.mosca_scenario = scenario
    uow.flush()
    _refresh_mosca(uow, actor)
    return mosca_report(uow, actor)


def _points(data_class: DataClass, asset: Asset, as_of_year: int) -> list[domain.MoscaPoint]:
    if asset.migration_years is None:
        return []
    return [
        domain.mosca_point(s, x=data_class.shelf_life_years, y=asset.migration_years, as_of_year=as_of_year)
        for s in packs.shipped().crqc.scenarios
    ]


def _refresh_mosca(uow: UnitOfWork, actor: Actor) -> None:
    """Raise or update a harvest-now-decrypt-later risk wherever x + y > z under the basis scenario.

    Runs as a consequence of a change its caller authorised (a new x, y, exposure or basis scenario)."""
    basis = _basis(uow, actor)
    as_of_year = clock.today().year
    for exposure, data_class, asset, risk in repo.exposures(uow.session, actor.organisation_id):
        points = _points(data_class, asset, as_of_year)
        basis_point = next((p for p in points if p.scenario == basis), None)
        if basis_point is None:
            continue
        if risk is None and basis_point.exposed:
            exposure.risk_id = _raise_hndl_risk(uow, actor, data_class, asset, points, basis).id
        elif risk is not None:
            _update_hndl_risk(uow, actor, risk, data_class, asset, points, basis)
    uow.flush()


def _hndl_rating(matrix: RiskMatrix, data_class: DataClass, points: Sequence[domain.MoscaPoint]) -> Rating:
    return domain.hndl_rating(matrix, points, Sensitivity(data_class.sensitivity))


def _raise_hndl_risk(
    uow: UnitOfWork, actor: Actor, data_class: DataClass, asset: Asset, points: list[domain.MoscaPoint], basis: str
) -> Risk:
    matrix = matrix_for(uow, actor, RiskDomain.SECURITY.value)
    rating = _hndl_rating(matrix, data_class, points)
    risk = _new_risk(
        uow,
        actor,
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
    _rate(uow, actor, risk, matrix, ratings, note="computed from Mosca's inequality")
    return risk


def _update_hndl_risk(
    uow: UnitOfWork,
    actor: Actor,
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
    _rate(uow, actor, risk, matrix, ratings, note="recomputed from Mosca's inequality")


def mosca_report(uow: UnitOfWork, actor: Actor, *, as_of: date | None = None) -> MoscaReport:
    """Per data class and protecting system, x, y, z, margin and deadline under every CRQC scenario."""
    authorize(actor, Permission.READ)
    as_of = as_of or clock.today()
    scenarios = packs.shipped().crqc
    classes: dict[int, MoscaDataClassRead] = {
        d.id: MoscaDataClassRead(key=d.key, name=d.name, x=d.shelf_life_years, sensitivity=d.sensitivity, systems=[])
        for d in repo.data_classes(uow.session, actor.organisation_id)
    }
    exposures = repo.exposures(uow.session, actor.organisation_id)
    verdicts = _verdicts(uow, actor, list({risk.id: risk for *_, risk in exposures if risk}.values()))
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
        basis=_basis(uow, actor),
        pack=f"{scenarios.info.id}@{scenarios.info.version}",
        pack_verified_on=scenarios.info.verified_on,
        scenarios=[ScenarioRead(**{**vars(s)}) for s in scenarios.scenarios],
        data_classes=list(classes.values()),
    )


# --- risk scenarios -----------------------------------------------------------------------------


def _rating(risk: Risk, kind: str) -> Rating | None:
    likelihood, impact = getattr(risk, f"{kind}_likelihood"), getattr(risk, f"{kind}_impact")
    return None if likelihood is None else Rating(likelihood, impact)


def _state(uow: UnitOfWork, risk: Risk) -> RiskState:
    return _states(uow, [risk])[risk.id]


def _states(uow: UnitOfWork, risks: Sequence[Risk]) -> dict[int, RiskState]:
    """The material state of each risk, from the same few queries however many risks."""
    links = repo.material_links(uow.session, [risk.id for risk in risks])
    return {risk.id: _state_of(risk, links[risk.id]) for risk in risks}


def _state_of(risk: Risk, links: repo.MaterialLinks) -> RiskState:
    return RiskState(
        matrix_id=risk.matrix_id,
        matrix_version=risk.matrix_version,
        inherent=_rating(risk, "inherent"),
        current=_rating(risk, "current"),
        residual=_rating(risk, "residual"),
        treatment_option=risk.treatment_option,
        asset_ids=tuple(links.asset_ids),
        title=risk.title,
        description=risk.description,
        domain=risk.domain,
        approach=risk.approach,
        threat=risk.threat_ref,
        vulnerabilities=risk.vulnerabilities,
        existing_controls=risk.existing_controls,
        product_id=risk.product_id,
        treatment_plan=risk.treatment_plan,
        treatment_actions=tuple(f"due {due}, owner {owner}: {title}" for title, owner, due, _ in links.actions),
        data_class_ids=tuple(links.data_class_ids),
        requirement_ids=tuple(links.requirement_ids),
        control_ids=tuple(links.control_ids),
    )


def _new_risk(uow: UnitOfWork, actor: Actor, *, matrix: RiskMatrix, **fields: Any) -> Risk:
    risk = Risk(
        organisation_id=actor.organisation_id,
        number=repo.next_risk_number(uow.session, actor.organisation_id),
        created_by_id=actor.user_id or None,
        matrix_id=matrix.id,
        matrix_version=matrix.version,
        status=domain.RiskStatus.IDENTIFIED.value,
        acceptance_status=AcceptanceState.NONE.value,
        **fields,
    )
    uow.session.add(risk)
    uow.flush()
    return risk


def _replace_links(uow: UnitOfWork, risk: Risk, link: type[repo.RiskLink], column: str, ids: Sequence[int]) -> None:
    """Make the risk's rows of one link table exactly `ids`: rows no longer wanted go, new ones come."""
    uow.replace_rows(
        repo.links_of(uow.session, link, risk.id),
        lambda row: getattr(row, column),
        ids,
        lambda target_id: link(risk_id=risk.id, **{column: target_id}),
    )
    uow.flush()


def _resolved(found: Mapping[Any, int], wanted: Sequence[Any], field: str, unknown: Callable[[Any], str]) -> list[int]:
    """The id of every wanted item; the unknown ones are all reported, each by its position, and nothing changes."""
    missing = [Problem(unknown(item), field=f"{field}[{i}]") for i, item in enumerate(wanted) if item not in found]
    if missing:
        raise InvalidInput(str(missing[0]), missing)
    return [found[item] for item in wanted]


def _asset_ids(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> list[int]:
    found = {a.key: a.id for a in repo.assets_by_keys(uow.session, actor.organisation_id, keys)}
    return _resolved(found, keys, "assets", lambda key: f"no asset '{key}'")


def _requirement_ids(uow: UnitOfWork, links: Sequence[str]) -> list[int]:
    """A link names a requirement of its framework's current edition, which is what a new link points to."""
    wanted = domain.split_requirement_links(links)
    found = repo.current_requirement_ids(uow.session, wanted)
    return _resolved(
        found,
        wanted,
        "linked_requirements",
        lambda ref: f"no requirement '{ref[1]}' in the current edition of '{ref[0]}' (see 'qtqms catalog list')",
    )


def _control_ids(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> list[int]:
    found = repo.control_ids(uow.session, actor.organisation_id, keys)
    return _resolved(found, keys, "linked_controls", lambda key: f"no control '{key}' in this organisation")


def _check_threat(threat: str) -> str:
    if threat:
        packs.shipped().threat(threat)
    return threat


def _ratings_in(data: RiskCreate | AssessmentIn) -> dict[str, RatingIn]:
    return {kind: getattr(data, kind) for kind in RATING_KINDS if getattr(data, kind) is not None}


def _checked_ratings(matrix: RiskMatrix, ratings: dict[str, RatingIn]) -> dict[str, Rating]:
    """Every rating must be a cell of the matrix; all problems are reported together and nothing changes."""
    problems = [p for kind, r in ratings.items() for p in matrix.rating_problems(r.likelihood, r.impact, f"{kind}.")]
    if problems:
        raise InvalidInput(str(problems[0]), problems)
    return {kind: Rating(r.likelihood, r.impact) for kind, r in ratings.items()}


def create_risk(uow: UnitOfWork, actor: Actor, data: RiskCreate) -> Risk:
    authorize(actor, Permission.RISK_EDIT)
    risk_domain = domain.parse_choice(RiskDomain, data.domain, "domain").value
    approach = domain.parse_choice(Approach, data.approach, "approach").value
    if approach == Approach.ASSET.value and not data.assets:
        raise _invalid("an asset-based scenario names at least one affected asset", "assets")
    matrix = matrix_for(uow, actor, risk_domain)
    ratings = _checked_ratings(matrix, _ratings_in(data))
    asset_ids = _asset_ids(uow, actor, data.assets)
    requirement_ids = _requirement_ids(uow, data.linked_requirements)
    control_ids = _control_ids(uow, actor, data.linked_controls)
    risk = _new_risk(
        uow,
        actor,
        title=data.title,
        description=data.description,
        domain=risk_domain,
        approach=approach,
        threat_ref=_check_threat(data.threat),
        vulnerabilities=data.vulnerabilities,
        existing_controls=data.existing_controls,
        owner_id=identity_service.active_member_id(uow, actor, data.owner or actor.username, "owner"),
        product_id=_product_id(uow, actor, data.product),
        matrix=matrix,
    )
    _replace_links(uow, risk, RiskAssetLink, "asset_id", asset_ids)
    _replace_links(uow, risk, RiskRequirementLink, "requirement_id", requirement_ids)
    _replace_links(uow, risk, RiskControlLink, "control_id", control_ids)
    if ratings:
        _rate(uow, actor, risk, matrix, ratings, note="first assessment")
    else:
        _refresh(uow, risk)
    return risk


def _risk(uow: UnitOfWork, actor: Actor, ref: str) -> Risk:
    risk = repo.risk_by_number(uow.session, actor.organisation_id, domain.parse_ref(ref))
    if risk is None:
        raise NotFound(f"risk {ref} not found")
    return risk


def update_risk(uow: UnitOfWork, actor: Actor, ref: str, data: RiskUpdate) -> Risk:
    """Describe the risk better. Every change but a new owner is material: it voids a standing acceptance."""
    authorize(actor, Permission.RISK_EDIT)
    risk = _risk(uow, actor, ref)
    changes = data.model_dump(exclude_none=True)
    if "threat" in changes:
        risk.threat_ref = _check_threat(changes.pop("threat"))
    if "owner" in changes:
        risk.owner_id = identity_service.active_member_id(uow, actor, changes.pop("owner"), "owner")
    if "product" in changes:
        risk.product_id = _product_id(uow, actor, changes.pop("product"))
    if "linked_requirements" in changes:
        ids = _requirement_ids(uow, changes.pop("linked_requirements"))
        _replace_links(uow, risk, RiskRequirementLink, "requirement_id", ids)
    if "linked_controls" in changes:
        _replace_links(
            uow, risk, RiskControlLink, "control_id", _control_ids(uow, actor, changes.pop("linked_controls"))
        )
    if "assets" in changes:
        _replace_links(uow, risk, RiskAssetLink, "asset_id", _asset_ids(uow, actor, changes.pop("assets")))
    for key, value in changes.items():
        setattr(risk, key, value)
    _refresh(uow, risk)
    return risk


def assess_risk(uow: UnitOfWork, actor: Actor, ref: str, data: AssessmentIn) -> Risk:
    """Rate a risk under the matrix its domain uses now; moving to a new matrix needs a full re-rating."""
    authorize(actor, Permission.RISK_EDIT)
    risk = _risk(uow, actor, ref)
    given = _ratings_in(data)
    if not given:
        raise _invalid("give at least one of inherent, current or residual likelihood and impact", "ratings")
    matrix = matrix_for(uow, actor, risk.domain)
    if (risk.matrix_id, risk.matrix_version) != (matrix.id, matrix.version):
        missing = [kind for kind in ("inherent", "current") if kind not in given]
        if missing:
            raise _invalid(
                f"{domain.format_ref(risk.number)} was rated under {risk.matrix_id}@{risk.matrix_version}; "
                f"the {risk.domain} domain now uses {matrix.id}@{matrix.version}: give inherent and current "
                "ratings to re-assess it under that matrix",
                missing[0],
            )
    _rate(uow, actor, risk, matrix, _checked_ratings(matrix, given), note=data.note)
    return risk


def _set_rating(risk: Risk, matrix: RiskMatrix, kind: str, rating: Rating | None) -> None:
    level = matrix.level_of(rating.likelihood, rating.impact).index if rating else UNRATED
    setattr(risk, f"{kind}_likelihood", rating.likelihood if rating else None)
    setattr(risk, f"{kind}_impact", rating.impact if rating else None)
    setattr(risk, f"{kind}_level", level)


def _heat_keys(risk: Risk) -> list[repo.HeatKey]:
    """The heat-map cells a risk sits in: its inherent rating, and its residual (else current) rating."""
    residual = _rating(risk, "residual") or _rating(risk, "current")
    return [
        (risk.matrix_id, risk.matrix_version, kind, rating.likelihood, rating.impact, risk.domain)
        for kind, rating in (("inherent", _rating(risk, "inherent")), ("residual", residual))
        if rating is not None
    ]


def _rate(
    uow: UnitOfWork, actor: Actor, risk: Risk, matrix: RiskMatrix, ratings: dict[str, Rating], *, note: str
) -> None:
    """Every rating change passes here: under a new matrix the ratings not given are cleared, never carried over."""
    before = _heat_keys(risk)
    if (risk.matrix_id, risk.matrix_version) != (matrix.id, matrix.version):
        risk.matrix_id, risk.matrix_version = matrix.id, matrix.version
        for kind in RATING_KINDS:
            _set_rating(risk, matrix, kind, None)
    for kind, rating in ratings.items():
        _set_rating(risk, matrix, kind, rating)
    repo.move_heat(uow.session, risk.organisation_id, before, _heat_keys(risk))
    now = clock.now()
    risk.assessed_by_id = actor.user_id or None
    risk.assessed_at = now
    uow.session.add(
        RiskAssessment(
            risk_id=risk.id,
            assessed_by_id=actor.user_id or None,
            assessed_at=now,
            matrix_id=matrix.id,
            matrix_version=matrix.version,
            ratings={k: {"likelihood": r.likelihood, "impact": r.impact} for k, r in ratings.items()},
            note=note,
        )
    )
    _refresh(uow, risk)


def _refresh(uow: UnitOfWork, risk: Risk) -> None:
    """Recompute the state hash, void a standing acceptance the change invalidates, and re-derive the status."""
    uow.flush()
    state = _state(uow, risk)
    new_hash = state.hash()
    if risk.state_hash and new_hash != risk.state_hash and risk.acceptance_status == AcceptanceState.VALID.value:
        _invalidate_acceptances(uow, risk, state)
    risk.state_hash = new_hash
    open_count, closed_count = repo.action_counts(uow.session, risk.id)
    accepted = risk.acceptance_status == AcceptanceState.VALID.value
    risk.status = domain.derive_status(
        rated=state.current is not None, open_actions=open_count, closed_actions=closed_count, accepted=accepted
    ).value
    risk.next_review_date = risk.accepted_until if accepted else _next_review(risk)
    uow.flush()


def _next_review(risk: Risk) -> date | None:
    level = packs.shipped().matrix(risk.matrix_id).level(risk.current_level)
    if level is None or risk.assessed_at is None:
        return None
    return date.fromordinal(risk.assessed_at.date().toordinal() + level.review_days)


def _invalidate_acceptances(uow: UnitOfWork, risk: Risk, state: RiskState) -> None:
    now = clock.now()
    for acceptance in repo.standing_acceptances(uow.session, risk.id):
        now_state = domain.accepted_state(state, _decision(acceptance))
        changes = esign_domain.changed_fields(acceptance.state, now_state)
        acceptance.invalidated_at = now
        acceptance.invalidated_reason = esign_domain.changed_reason(_subject(risk), Meaning.ACCEPTED, changes)
    risk.acceptance_status = AcceptanceState.INVALID.value
    risk.accepted_until = None


# --- treatment ------------------------------------------------------------------------------------


def treat_risk(uow: UnitOfWork, actor: Actor, ref: str, data: TreatmentIn) -> Risk:
    """Choose modify, retain, avoid or share; the plan's actions each need an owner and a due date."""
    authorize(actor, Permission.RISK_EDIT)
    risk = _risk(uow, actor, ref)
    option = domain.parse_choice(TreatmentOption, data.option, "option")
    actions = [a.model_dump() for a in data.actions]
    problems = domain.treatment_problems(option, actions)
    if problems:
        raise InvalidInput(str(problems[0]), problems)
    owners = [
        identity_service.active_member_id(uow, actor, a.owner, f"actions[{i}].owner")
        for i, a in enumerate(data.actions)
    ]
    risk.treatment_option = option.value
    risk.treatment_plan = data.plan
    risk.treatment_by_id = actor.user_id or None
    for action, owner_id in zip(data.actions, owners, strict=True):
        uow.session.add(
            TreatmentAction(
                organisation_id=actor.organisation_id,
                risk_id=risk.id,
                title=action.title.strip(),
                owner_id=owner_id,
                due_date=action.due_date,
                status=ActionStatus.OPEN.value,
            )
        )
    _refresh(uow, risk)
    return risk


def close_action(uow: UnitOfWork, actor: Actor, action_id: int, data: ActionClose) -> Risk:
    """Closing the last open action re-assesses the residual risk, which then is the risk's current level."""
    authorize(actor, Permission.RISK_EDIT)
    action = repo.action(uow.session, actor.organisation_id, action_id)
    if action is None:
        raise NotFound(f"treatment action {action_id} not found")
    if action.status != ActionStatus.OPEN.value:
        raise Conflict(f"treatment action {action_id} is already closed")
    risk = repo.risk_by_id(uow.session, action.risk_id)
    assert risk is not None
    open_count, _ = repo.action_counts(uow.session, risk.id)
    if open_count == 1 and data.residual is None:
        raise _invalid(
            f"this closes the last open action of {domain.format_ref(risk.number)}: "
            "give the residual likelihood and impact achieved",
            "residual",
        )
    matrix = packs.shipped().matrix(risk.matrix_id)
    ratings = _checked_ratings(matrix, {"residual": data.residual}) if data.residual else {}
    action.status = ActionStatus.DONE.value
    action.closed_at = clock.now()
    action.closed_by_id = actor.user_id or None
    action.note = data.note
    if ratings:
        ratings["current"] = ratings["residual"]
        _rate(uow, actor, risk, matrix, ratings, note=f"residual re-assessed on closing action {action_id}")
    else:
        _refresh(uow, risk)
    return risk


def treatment_plan(uow: UnitOfWork, actor: Actor, *, overdue_only: bool = False, limit: int = 200) -> list[ActionRead]:
    """Open treatment actions, earliest due first, overdue ones marked."""
    authorize(actor, Permission.READ)
    today = clock.today()
    rows = repo.open_actions(
        uow.session, actor.organisation_id, overdue_before=today if overdue_only else None, limit=min(limit, 1000)
    )
    return [
        ActionRead(
            id=a.id,
            risk_ref=domain.format_ref(number),
            risk_title=title,
            title=a.title,
            owner=owner,
            due_date=a.due_date,
            status=a.status,
            overdue=a.due_date < today,
        )
        for a, number, title, owner in rows
    ]


# --- acceptance -----------------------------------------------------------------------------------


def accept_risk(uow: UnitOfWork, actor: Actor, ref: str, data: AcceptanceIn) -> Risk:
    """Signed acceptance by a user whose role may accept the level, never the creator, assessor or treatment
    chooser, bound to the hash of the risk's whole material state and of the decision itself."""
    authorize(actor, Permission.RISK_ACCEPT)
    risk = _risk(uow, actor, ref)
    in_force = matrix_for(uow, actor, risk.domain)
    if (risk.matrix_id, risk.matrix_version) != (in_force.id, in_force.version):
        raise Conflict(
            f"{ref} is rated under {risk.matrix_id}@{risk.matrix_version} but its domain uses "
            f"{in_force.id}@{in_force.version}: re-assess it before accepting it"
        )
    state = _state(uow, risk)
    today = clock.today()
    expires_on = data.expires_on or domain.default_expiry(in_force, state, today)
    refusal = domain.acceptance_refusal(
        in_force,
        state,
        role=actor.role,
        acceptor_id=actor.user_id,
        proposers={
            "created": risk.created_by_id,
            "last_assessed": risk.assessed_by_id,
            "chose_the_treatment_of": risk.treatment_by_id,
        },
        expires_on=expires_on,
        today=today,
    )
    if refusal is not None:
        raise (PermissionDenied if refusal.forbidden else InvalidInput)(refusal.message)
    level, _ = domain.effective_level(in_force, state) or (None, None)
    assert level is not None
    decision = domain.AcceptanceDecision(actor.user_id, data.justification, expires_on, level.key, level.label)
    signed_state = hashchain.plain(domain.accepted_state(state, decision))
    signature = esign_service.sign(
        uow, actor, _subject(risk), Meaning.ACCEPTED, data.password, state=signed_state, expires_on=expires_on
    )
    now = clock.now()
    for previous in repo.standing_acceptances(uow.session, risk.id):
        previous.invalidated_at = now
        previous.invalidated_reason = "superseded by a later acceptance"
    uow.session.add(
        RiskAcceptance(
            organisation_id=actor.organisation_id,
            risk_id=risk.id,
            accepted_by_id=actor.user_id,
            signature_id=signature.id,
            accepted_at=now,
            level_key=level.key,
            level_label=level.label,
            state=signed_state,
            state_hash=signature.state_hash,
            justification=data.justification,
            expires_on=expires_on,
        )
    )
    risk.acceptance_status = AcceptanceState.VALID.value
    risk.accepted_until = expires_on
    risk.state_hash = state.hash()
    _refresh(uow, risk)
    return risk


def _subject(risk: Risk) -> esign_domain.Subject:
    return esign_domain.Subject("risk", str(risk.id), f"{domain.format_ref(risk.number)} {risk.title}")


def _decision(acceptance: RiskAcceptance) -> domain.AcceptanceDecision:
    return domain.AcceptanceDecision(
        accepted_by_id=acceptance.accepted_by_id,
        justification=acceptance.justification,
        expires_on=acceptance.expires_on,
        level_key=acceptance.level_key,
        level_label=acceptance.level_label,
    )


def _verdicts(uow: UnitOfWork, actor: Actor, risks: Sequence[Risk]) -> dict[int, AcceptanceVerdict]:
    """The one place a risk's acceptance is decided, for every reader: the signature of a claimed acceptance
    is verified over the risk's present state, for a whole page of risks in a fixed number of queries."""
    claiming = [r for r in risks if domain.claims_acceptance(r.acceptance_status, r.status)]
    links = repo.material_links(uow.session, [r.id for r in claiming])
    states = {r.id: _state_of(r, links[r.id]) for r in claiming}
    standing = repo.latest_standing_acceptances(uow.session, list(states))
    checks = [
        esign_service.StateCheck(a.signature_id, domain.accepted_state(states[risk_id], _decision(a)), a.state)
        for risk_id, a in standing.items()
    ]
    verified = esign_service.verify_all(uow, actor, checks) if checks else {}
    verdicts = {}
    for risk in risks:
        actions = [status for *_, status in links[risk.id].actions] if risk.id in links else []
        acceptance = standing.get(risk.id)
        verdicts[risk.id] = domain.acceptance_verdict(
            verified[acceptance.signature_id] if acceptance else None,
            stored_acceptance=risk.acceptance_status,
            stored_status=risk.status,
            rated=risk.current_likelihood is not None,
            open_actions=actions.count(ActionStatus.OPEN.value),
            closed_actions=len(actions) - actions.count(ActionStatus.OPEN.value),
        )
    return verdicts


def _verdict(uow: UnitOfWork, actor: Actor, risk: Risk) -> AcceptanceVerdict:
    return _verdicts(uow, actor, [risk])[risk.id]


def _row_verdicts(uow: UnitOfWork, actor: Actor, rows: Sequence[Row[Any]]) -> dict[int, AcceptanceVerdict]:
    """Register rows hold only the columns shown: those that claim an acceptance are read whole and verified."""
    claiming = [r.id for r in rows if domain.claims_acceptance(r.acceptance_status, r.status)]
    verified = _verdicts(uow, actor, repo.risks_by_ids(uow.session, actor.organisation_id, claiming))
    return {r.id: verified.get(r.id) or domain.as_stored(r.acceptance_status, r.status) for r in rows}


def _acceptance_read(acceptance: RiskAcceptance, names: dict[int, str], verdict: AcceptanceVerdict) -> AcceptanceRead:
    """An acceptance as the record page lists it: the standing one as the risk's verdict says, the others with
    why they stopped."""
    if acceptance.invalidated_at is not None:
        valid, validity = False, f"invalid: {acceptance.invalidated_reason}"
    elif verdict.validity:
        valid, validity = verdict.acceptance == AcceptanceState.VALID, verdict.validity
    else:
        valid, validity = False, "invalid: the risk does not record this acceptance as standing"
    return AcceptanceRead(
        id=acceptance.id,
        accepted_by=names.get(acceptance.accepted_by_id, ""),
        accepted_at=acceptance.accepted_at,
        level_label=acceptance.level_label,
        state_hash=acceptance.state_hash,
        justification=acceptance.justification,
        expires_on=acceptance.expires_on,
        signature_id=acceptance.signature_id,
        valid=valid,
        validity=validity,
        invalidated_at=acceptance.invalidated_at,
        invalidated_reason=acceptance.invalidated_reason,
    )


# --- reading ------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _rating_read(matrix_id: str, likelihood: int | None, impact: int | None) -> RatingRead | None:
    """How one cell of a shipped matrix reads. A matrix has a few dozen cells and a register page shows 150
    ratings, so each cell is built once per process and shared (read-only) by every page that shows it."""
    matrix = packs.shipped().matrices.get(matrix_id)
    if likelihood is None or impact is None or matrix is None:
        return None
    level = matrix.level_of(likelihood, impact)
    return RatingRead(
        likelihood=likelihood, impact=impact, level_key=level.key, level_label=level.label, tone=level.tone
    )


def _ratings_read(risk: Risk | Row[Any]) -> dict[str, RatingRead | None]:
    return {
        kind: _rating_read(risk.matrix_id, getattr(risk, f"{kind}_likelihood"), getattr(risk, f"{kind}_impact"))
        for kind in RATING_KINDS
    }


def _treat_by(risk: Risk, verdict: AcceptanceVerdict) -> date | None:
    """When the level's acceptance criterion says a not-accepted risk must be treated by."""
    level = packs.shipped().matrix(risk.matrix_id).level(risk.current_level)
    if level is None or level.max_treat_days is None or risk.assessed_at is None:
        return None
    if verdict.acceptance in (AcceptanceState.VALID, AcceptanceState.EXPIRED):
        return None
    return date.fromordinal(risk.assessed_at.date().toordinal() + level.max_treat_days)


def get_risk(uow: UnitOfWork, actor: Actor, ref: str) -> RiskRead:
    """The risk with its treatment, and every acceptance checked against its signature and the present state."""
    authorize(actor, Permission.READ)
    risk = _risk(uow, actor, ref)
    state = _state(uow, risk)
    actions = repo.actions_of(uow.session, risk.id)
    acceptances = repo.acceptances_of(uow.session, risk.id)
    names = identity_service.usernames(
        uow,
        [risk.owner_id, risk.created_by_id, risk.assessed_by_id]
        + [a.owner_id for a in actions]
        + [a.accepted_by_id for a in acceptances],
    )
    today = clock.today()
    verdict = _verdict(uow, actor, risk)
    in_force = matrix_for(uow, actor, risk.domain)
    threat = packs.shipped().threat(risk.threat_ref) if risk.threat_ref else None
    return RiskRead(
        ref=domain.format_ref(risk.number),
        title=risk.title,
        description=risk.description,
        approach=risk.approach,
        domain=risk.domain,
        threat=risk.threat_ref,
        threat_title=threat.title if threat else "",
        vulnerabilities=risk.vulnerabilities,
        existing_controls=risk.existing_controls,
        assets=[a.key for a in repo.assets_by_ids(uow.session, list(state.asset_ids))],
        product=repo.product_keys(uow.session, [risk.product_id]).get(risk.product_id) if risk.product_id else None,
        owner=names.get(risk.owner_id, ""),
        created_by=names.get(risk.created_by_id) if risk.created_by_id else None,
        assessed_by=names.get(risk.assessed_by_id) if risk.assessed_by_id else None,
        assessed_at=risk.assessed_at,
        matrix=f"{risk.matrix_id}@{risk.matrix_version}",
        matrix_in_force=f"{in_force.id}@{in_force.version}",
        needs_reassessment=(risk.matrix_id, risk.matrix_version) != (in_force.id, in_force.version),
        **_ratings_read(risk),
        treatment_option=risk.treatment_option,
        treatment_plan=risk.treatment_plan,
        treat_by=_treat_by(risk, verdict),
        actions=[
            ActionRead(
                id=a.id,
                risk_ref=domain.format_ref(risk.number),
                title=a.title,
                owner=names.get(a.owner_id, ""),
                due_date=a.due_date,
                status=a.status,
                overdue=a.status == ActionStatus.OPEN.value and a.due_date < today,
                closed_at=a.closed_at,
                note=a.note,
            )
            for a in actions
        ],
        status=verdict.status,
        acceptance_status=verdict.acceptance,
        accepted_until=verdict.until,
        acceptances=[_acceptance_read(a, names, verdict) for a in acceptances],
        next_review_date=risk.next_review_date,
        linked_requirements=[
            LinkedRequirement(
                link=f"{version.pack_id}:{requirement.ref}",
                framework=version.pack_id,
                requirement=requirement.ref,
                label=requirement.label,
                edition=version.version,
                current=version.is_current,
            )
            for version, requirement in repo.linked_requirements(uow.session, risk.id)
        ],
        linked_controls=[_linked_control(c) for c in repo.linked_controls(uow.session, risk.id)],
        source=risk.source,
        computation=risk.computation,
        state_hash=risk.state_hash,
    )


def control_choices(uow: UnitOfWork, actor: Actor) -> list[LinkedControl]:
    """The organisation's controls a risk may be linked to."""
    authorize(actor, Permission.READ)
    return [_linked_control(c) for c in catalog_service.list_controls(uow, actor)]


def _linked_control(control: Control | ControlRead) -> LinkedControl:
    return LinkedControl(key=control.key, title=control.title, status=control.status)


def risks_treated_by_controls(uow: UnitOfWork, actor: Actor) -> dict[str, list[TreatedRisk]]:
    """Control key -> the risks linked to it, for the catalogue's control page; the same few queries for every
    control."""
    authorize(actor, Permission.READ)
    treated: dict[str, list[TreatedRisk]] = {}
    linked = repo.risks_by_control(uow.session, actor.organisation_id)
    verdicts = _verdicts(uow, actor, list({risk.id: risk for _, risk in linked}.values()))
    for key, risk in linked:
        current = _ratings_read(risk)["current"]
        status = verdicts[risk.id].status
        row = TreatedRisk(ref=domain.format_ref(risk.number), title=risk.title, status=status, current=current)
        treated.setdefault(key, []).append(row)
    return treated


def assessment_history(uow: UnitOfWork, actor: Actor, ref: str) -> list[dict[str, Any]]:
    authorize(actor, Permission.READ)
    risk = _risk(uow, actor, ref)
    rows = repo.assessments(uow.session, risk.id)
    names = identity_service.usernames(uow, [r.assessed_by_id for r in rows])
    return [
        {
            "assessed_at": r.assessed_at,
            "assessed_by": names.get(r.assessed_by_id or 0, "system"),
            "matrix": f"{r.matrix_id}@{r.matrix_version}",
            "ratings": r.ratings,
            "note": r.note,
        }
        for r in rows
    ]


def risk_id(uow: UnitOfWork, actor: Actor, ref: str) -> int:
    """The internal id behind a reference, for the audit-trail history of the risk."""
    authorize(actor, Permission.READ)
    return _risk(uow, actor, ref).id


# --- the register -------------------------------------------------------------------------------


def _register_filter(uow: UnitOfWork, actor: Actor, query: RegisterQuery) -> repo.RegisterFilter:
    number = None
    if query.search:
        try:
            number = domain.parse_ref(query.search)
        except InvalidInput:
            number = None
    return repo.RegisterFilter(
        domain=domain.parse_choice(RiskDomain, query.domain, "domain").value if query.domain else None,
        status=domain.parse_choice(domain.RiskStatus, query.status, "status").value if query.status else None,
        level=query.level,
        owner_id=identity_service.active_member_id(uow, actor, query.owner, "owner") if query.owner else None,
        product_id=_product_id(uow, actor, query.product),
        source=query.source,
        search=query.search,
        number=number,
    )


def register(uow: UnitOfWork, actor: Actor, query: RegisterQuery | None = None) -> RegisterPage:
    """One page of the register, filtered and sorted, by keyset; two queries whatever the page size."""
    authorize(actor, Permission.READ)
    query = query or RegisterQuery()
    where = _register_filter(uow, actor, query)
    found, next_cursor = repo.register_page(
        uow.session,
        actor.organisation_id,
        where,
        sort=query.sort,
        descending=query.descending,
        cursor=query.cursor,
        limit=query.limit,
    )
    verdicts = _row_verdicts(uow, actor, found)
    total = repo.register_count(uow.session, actor.organisation_id, where, cap=COUNT_CAP)
    return RegisterPage(
        rows=[_row(found_row, verdicts[found_row.id]) for found_row in found],
        total=min(total, COUNT_CAP),
        total_capped=total > COUNT_CAP,
        next_cursor=next_cursor,
        sort=query.sort,
        descending=query.descending,
    )


def _row(risk: Row[Any], verdict: AcceptanceVerdict) -> RiskRow:
    """A register row from the repository's columns (repo.REGISTER_COLUMNS): typed database values, so it is
    built without validation, which was a tenth of a register page's time."""
    return RiskRow.model_construct(
        ref=domain.format_ref(risk.number),
        title=risk.title,
        domain=risk.domain,
        status=verdict.status,
        owner=risk.owner_name,
        product=risk.product_key,
        **_ratings_read(risk),
        acceptance=verdict.acceptance,
        accepted_until=verdict.until,
        next_review_date=risk.next_review_date,
        source=risk.source,
        updated_at=risk.updated_at,
    )


EXPORT_COLUMNS = (
    "ref",
    "title",
    "domain",
    "status",
    "owner",
    "product",
    "inherent",
    "current",
    "residual",
    "current level",
    "acceptance",
    "accepted until",
    "next review",
    "source",
)
EXPORT_FORMATS = ("csv", "xlsx")


def export_rows(uow: UnitOfWork, actor: Actor, query: RegisterQuery | None = None) -> Iterator[list[str]]:
    """Every risk matching the query's filters as plain cells, in the query's order (its page is not used)."""
    authorize(actor, Permission.READ)
    query = query or RegisterQuery()
    where = _register_filter(uow, actor, query)
    stream = iter(
        repo.register_stream(uow.session, actor.organisation_id, where, sort=query.sort, descending=query.descending)
    )
    while batch := list(itertools.islice(stream, EXPORT_BATCH)):
        verdicts = _row_verdicts(uow, actor, batch)
        yield from (_export_cells(_row(found, verdicts[found.id])) for found in batch)


def _export_cells(row: RiskRow) -> list[Any]:
    return [
        row.ref,
        row.title,
        row.domain,
        row.status,
        row.owner,
        row.product or "",
        _cell(row.inherent),
        _cell(row.current),
        _cell(row.residual),
        row.current.level_label if row.current else "",
        row.acceptance,
        row.accepted_until.isoformat() if row.accepted_until else "",
        row.next_review_date.isoformat() if row.next_review_date else "",
        row.source,
    ]


def _cell(rating: RatingRead | None) -> str:
    return f"L{rating.likelihood} x I{rating.impact}" if rating else ""


def export_register(uow: UnitOfWork, actor: Actor, fmt: str, query: RegisterQuery | None = None) -> ExportFile:
    """The register, filtered and sorted as `query` says, as a CSV or XLSX file."""
    check_format(fmt, EXPORT_FORMATS)
    rows = export_rows(uow, actor, query)
    return table_file(EXPORT_COLUMNS, rows, fmt, "risk-register", formats=EXPORT_FORMATS, sheet="risk register")


# --- heat maps ------------------------------------------------------------------------------------


HEAT_KINDS = ("inherent", "residual")


def heat_map(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kind: str = "inherent",
    matrix_id: str | None = None,
    domain_name: str | None = None,
) -> HeatMap:
    """Counts per cell of one matrix; risks rated under another matrix are counted as not shown, never re-rated."""
    if kind not in HEAT_KINDS:
        raise _invalid(f"unknown heat map '{kind}' (use inherent or residual)", "kind")
    return heat_maps(uow, actor, kinds=(kind,), matrix_id=matrix_id, domain_name=domain_name)[0]


def heat_maps(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kinds: Sequence[str] = HEAT_KINDS,
    matrix_id: str | None = None,
    domain_name: str | None = None,
) -> list[HeatMap]:
    """Several heat maps of the same risks, from one read of the maintained cell counts."""
    authorize(actor, Permission.READ)
    chosen_domain = domain.parse_choice(RiskDomain, domain_name, "domain").value if domain_name else None
    if matrix_id:
        matrix = packs.shipped().matrix(matrix_id)
    else:
        matrix = matrix_for(uow, actor, chosen_domain or RiskDomain.SECURITY.value)
    cells = repo.heat_cells(uow.session, actor.organisation_id, domain=chosen_domain)
    return [
        _heat_map(
            matrix,
            kind,
            {key[1:]: n for key, n in cells.items() if key[0] == kind},
            repo.unrated_count(uow.session, actor.organisation_id, kind=kind, domain=chosen_domain),
        )
        for kind in kinds
    ]


def _heat_map(matrix: RiskMatrix, kind: str, cells: Mapping[tuple[str, str, int, int], int], unrated: int) -> HeatMap:
    """One matrix's cells; risks counted under other matrices or not rated are only counted, as not shown."""
    here = (matrix.id, matrix.version)
    counts = {cell[2:]: n for cell, n in cells.items() if cell[:2] == here}
    rows = [
        [
            _heat_cell(matrix, likelihood, impact, counts.get((likelihood, impact), 0))
            for impact in range(1, len(matrix.impact) + 1)
        ]
        for likelihood in range(len(matrix.likelihood), 0, -1)
    ]
    shown = sum(counts.values())
    return HeatMap(
        kind=kind,
        matrix=f"{matrix.id}@{matrix.version}",
        likelihood_labels=[s.label for s in matrix.likelihood],
        impact_labels=[s.label for s in matrix.impact],
        rows=rows,
        total=shown,
        not_shown=sum(cells.values()) - shown + unrated,
    )


def rebuild_heat_counts(uow: UnitOfWork, actor: Actor) -> int:
    """Recount the heat-map cells from the register (after a bulk import or a repair); returns the risks counted."""
    authorize(actor, Permission.RISK_EDIT)
    return repo.rebuild_heat(uow.session, actor.organisation_id)


def _heat_cell(matrix: RiskMatrix, likelihood: int, impact: int, count: int) -> HeatCell:
    level = matrix.level_of(likelihood, impact)
    return HeatCell(
        likelihood=likelihood,
        impact=impact,
        count=count,
        level_key=level.key,
        level_label=level.label,
        colour=level.colour,
    )


def find_risks(uow: UnitOfWork, actor: Actor, refs: Sequence[str]) -> dict[str, Subject]:
    """Risks by reference (R-0042, r-42), as other slices cite them (evidence of a treatment)."""
    authorize(actor, Permission.READ)
    wanted = {}
    for ref in refs:
        with suppress(InvalidInput):
            wanted[ref] = domain.parse_ref(ref)
    found = {r.number: r for r in repo.risks_by_numbers(uow.session, actor.organisation_id, set(wanted.values()))}
    subjects = {}
    for ref, number in wanted.items():
        if number in found:
            canonical = domain.format_ref(number)
            subjects[ref] = Subject("risk", canonical, found[number].title, f"/risk/{canonical}")
    return subjects
