"""Assets and data classes: what risks affect, and Mosca's x (a data class's shelf life) and y (a system's
migration time)."""

from __future__ import annotations

from qtqms.db.scoping import add_unique
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, authorize
from qtqms.models.risk import (
    Asset,
    DataClass,
)
from qtqms.risk import domain
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    AssetKind,
    Sensitivity,
)
from qtqms.risk.schemas import (
    AssetCreate,
    AssetRead,
    DataClassCreate,
    DataClassRead,
    DataClassUpdate,
)
from qtqms.risk.service._common import PLAN_SOURCE, _asset, _data_class, _product_id
from qtqms.risk.service.mosca import _enter_years, _refresh_mosca


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
    scope = authorize(actor, Permission.READ)
    found = repo.assets(uow.session, scope)
    owners = identity_service.usernames(uow, [a.owner_id for a in found], scope)
    products = repo.product_keys(uow.session, scope, [a.product_id for a in found])
    return [_asset_read(a, owners, products) for a in found]


def create_asset(uow: UnitOfWork, actor: Actor, data: AssetCreate) -> AssetRead:
    """An asset of a product that has a PQC migration plan takes its Mosca y from that plan."""
    scope = authorize(actor, Permission.RISK_EDIT)
    product_id = _product_id(uow, actor, data.product)
    plan = repo.plan_years(uow.session, scope, product_id) if product_id else None
    asset = Asset(
        organisation_id=scope.organisation_id,
        key=domain.check_key(data.key, "key"),
        name=data.name,
        kind=domain.parse_choice(AssetKind, data.kind, "kind").value,
        description=data.description,
        owner_id=identity_service.active_member_id(uow, actor, data.owner, "owner"),
        product_id=product_id,
        migration_years=plan.years if plan else None,
        migration_years_source=PLAN_SOURCE + str(data.product) if plan else "",
    )
    add_unique(uow.session, asset, f"asset '{data.key}'")
    uow.flush()
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
    scope = authorize(actor, Permission.READ)
    found = repo.data_classes(uow.session, scope)
    owners = identity_service.usernames(uow, [d.owner_id for d in found], scope)
    return [_data_class_read(d, owners) for d in found]


def create_data_class(uow: UnitOfWork, actor: Actor, data: DataClassCreate) -> DataClassRead:
    scope = authorize(actor, Permission.RISK_EDIT)
    owner = data.owner or actor.username
    data_class = DataClass(
        organisation_id=scope.organisation_id,
        key=domain.check_key(data.key, "key"),
        name=data.name,
        description=data.description,
        shelf_life_years=domain.check_years(data.shelf_life_years, "shelf_life_years"),
        sensitivity=domain.parse_choice(Sensitivity, data.sensitivity, "sensitivity").value,
        owner_id=identity_service.active_member_id(uow, actor, owner, "owner"),
    )
    add_unique(uow.session, data_class, f"data class '{data.key}'")
    uow.flush()
    return _data_class_read(data_class, {data_class.owner_id: owner})


def update_data_class(uow: UnitOfWork, actor: Actor, key: str, data: DataClassUpdate) -> DataClassRead:
    """A new shelf life or sensitivity re-runs Mosca's inequality and updates the risks it raised."""
    scope = authorize(actor, Permission.RISK_EDIT)
    data_class = _data_class(uow, scope, key)
    if data.shelf_life_years is not None:
        data_class.shelf_life_years = domain.check_years(data.shelf_life_years, "shelf_life_years")
    if data.sensitivity is not None:
        data_class.sensitivity = domain.parse_choice(Sensitivity, data.sensitivity, "sensitivity").value
    for name in ("name", "description"):
        if getattr(data, name) is not None:
            setattr(data_class, name, getattr(data, name))
    uow.flush()
    _refresh_mosca(uow, actor, scope)
    return _data_class_read(data_class, identity_service.usernames(uow, [data_class.owner_id], scope))


def set_migration_years(
    uow: UnitOfWork, actor: Actor, *, system: str, years: object, source: str = "entered"
) -> AssetRead:
    """Mosca's y for one system, entered by hand (an estimate, or where no PQC migration plan covers it)."""
    scope = authorize(actor, Permission.RISK_EDIT)
    asset = _asset(uow, scope, system)
    _enter_years(uow, scope, asset, years, source.strip() or "entered", "years")
    uow.flush()
    _refresh_mosca(uow, actor, scope)
    return _asset_read(asset, identity_service.usernames(uow, [asset.owner_id], scope), {})
