"""Crypto inventory queries (each filtered to the caller's organisation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtqms.models.identity import User
from qtqms.models.org import Product
from qtqms.models.pqc import PqcAsset, PqcScan, PqcSystem, PqcTask


def product_by_key(session: Session, organisation_id: int, key: str) -> Product | None:
    return session.scalar(select(Product).where(Product.organisation_id == organisation_id, Product.key == key))


def products(session: Session, organisation_id: int) -> list[Product]:
    return list(
        session.scalars(select(Product).where(Product.organisation_id == organisation_id).order_by(Product.key))
    )


def system_by_name(session: Session, product_id: int, name: str) -> PqcSystem | None:
    return session.scalar(select(PqcSystem).where(PqcSystem.product_id == product_id, PqcSystem.name == name))


def systems(session: Session, organisation_id: int, product_id: int | None = None) -> list[PqcSystem]:
    stmt = select(PqcSystem).where(PqcSystem.organisation_id == organisation_id)
    if product_id is not None:
        stmt = stmt.where(PqcSystem.product_id == product_id)
    return list(session.scalars(stmt.order_by(PqcSystem.product_id, PqcSystem.name)))


def scan(session: Session, organisation_id: int, scan_id: int) -> PqcScan | None:
    found = session.get(PqcScan, scan_id)
    return found if found is not None and found.organisation_id == organisation_id else None


def scans(session: Session, system_ids: Sequence[int]) -> list[PqcScan]:
    """Newest first."""
    if not system_ids:
        return []
    stmt = select(PqcScan).where(PqcScan.system_id.in_(system_ids)).order_by(PqcScan.id.desc())
    return list(session.scalars(stmt))


def latest_scans(session: Session, system_ids: Sequence[int]) -> list[PqcScan]:
    if not system_ids:
        return []
    newest = (
        select(func.max(PqcScan.id)).where(PqcScan.system_id.in_(system_ids)).group_by(PqcScan.system_id)
    ).scalar_subquery()
    return list(session.scalars(select(PqcScan).where(PqcScan.id.in_(newest)).order_by(PqcScan.system_id)))


def previous_scan(session: Session, scan: PqcScan) -> PqcScan | None:
    stmt = (
        select(PqcScan)
        .where(PqcScan.system_id == scan.system_id, PqcScan.id < scan.id)
        .order_by(PqcScan.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def assets(session: Session, scan_ids: Sequence[int]) -> list[PqcAsset]:
    if not scan_ids:
        return []
    return list(session.scalars(select(PqcAsset).where(PqcAsset.scan_id.in_(scan_ids)).order_by(PqcAsset.label)))


def asset_rows(session: Session, scan_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The assets of scans as plain dicts, by label: an inventory can hold tens of thousands, too many for ORM
    objects (or even row mappings) to be cheap."""
    if not scan_ids:
        return []
    columns = [column for column in PqcAsset.__table__.columns if column.name != "id"]
    names = [column.name for column in columns]
    stmt = select(*columns).where(PqcAsset.scan_id.in_(scan_ids)).order_by(PqcAsset.label)
    return [dict(zip(names, row, strict=True)) for row in session.connection().execute(stmt)]


def task_statuses(session: Session, system_ids: Sequence[int]) -> dict[tuple[int, str], str]:
    """(system id, asset label) → status of each migration task of the systems."""
    if not system_ids:
        return {}
    stmt = select(PqcTask.system_id, PqcTask.asset_label, PqcTask.status).where(PqcTask.system_id.in_(system_ids))
    return {(system_id, label): status for system_id, label, status in session.execute(stmt)}


def tasks(session: Session, system_ids: Sequence[int]) -> list[PqcTask]:
    if not system_ids:
        return []
    stmt = select(PqcTask).where(PqcTask.system_id.in_(system_ids))
    return list(session.scalars(stmt.order_by(PqcTask.deadline.is_(None), PqcTask.deadline, PqcTask.id)))


def task(session: Session, organisation_id: int, task_id: int) -> PqcTask | None:
    found = session.get(PqcTask, task_id)
    return found if found is not None and found.organisation_id == organisation_id else None


def user_by_username(session: Session, organisation_id: int, username: str) -> User | None:
    return session.scalar(select(User).where(User.organisation_id == organisation_id, User.username == username))


def usernames(session: Session, user_ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in user_ids if i}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all())
