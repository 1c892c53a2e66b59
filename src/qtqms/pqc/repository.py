"""Crypto inventory queries, each within the scope's organisation. The assets of a scan are reached through their
scan (the asset table has no organisation of its own): the functions that read them by scan ids alone are given
ids a scoped query found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, Subquery, and_, case, cast, extract, func, literal, or_, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.models.org import Product
from qtqms.models.pqc import PqcAsset, PqcScan, PqcSystem, PqcTask
from qtqms.pqc.domain import TaskStatus


def products(session: Session, scope: OrgScope) -> list[Product]:
    return list(session.scalars(scoped(select(Product), Product, scope).order_by(Product.key)))


def system_by_name(session: Session, scope: OrgScope, product_id: int, name: str) -> PqcSystem | None:
    stmt = select(PqcSystem).where(PqcSystem.product_id == product_id, PqcSystem.name == name)
    return session.scalar(scoped(stmt, PqcSystem, scope))


def systems(session: Session, scope: OrgScope, product_id: int | None = None) -> list[PqcSystem]:
    stmt = scoped(select(PqcSystem), PqcSystem, scope)
    if product_id is not None:
        stmt = stmt.where(PqcSystem.product_id == product_id)
    return list(session.scalars(stmt.order_by(PqcSystem.product_id, PqcSystem.name)))


def scan(session: Session, scope: OrgScope, scan_id: int) -> PqcScan:
    return one_or_404(session, scoped(select(PqcScan).where(PqcScan.id == scan_id), PqcScan, scope), f"scan {scan_id}")


def scans(session: Session, scope: OrgScope, system_ids: Sequence[int]) -> list[PqcScan]:
    """Newest first."""
    if not system_ids:
        return []
    stmt = scoped(select(PqcScan).where(PqcScan.system_id.in_(system_ids)), PqcScan, scope)
    return list(session.scalars(stmt.order_by(PqcScan.id.desc())))


def latest_scans(session: Session, scope: OrgScope, system_ids: Sequence[int]) -> list[PqcScan]:
    if not system_ids:
        return []
    newest = (
        select(func.max(PqcScan.id)).where(PqcScan.system_id.in_(system_ids)).group_by(PqcScan.system_id)
    ).scalar_subquery()
    stmt = scoped(select(PqcScan).where(PqcScan.id.in_(newest)), PqcScan, scope)
    return list(session.scalars(stmt.order_by(PqcScan.system_id)))


def previous_scan(session: Session, scope: OrgScope, scan: PqcScan) -> PqcScan | None:
    stmt = scoped(select(PqcScan).where(PqcScan.system_id == scan.system_id, PqcScan.id < scan.id), PqcScan, scope)
    return session.scalar(stmt.order_by(PqcScan.id.desc()).limit(1))


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


# What a verdict as of a day depends on: the scan's policy, the rule the asset matched, the asset's recorded deadline
# (the rule's disallowed date resolved for the scan's category).
VerdictRule = tuple[str, str, date | None]
NOT_JUDGED = "not judged"
NO_DEADLINE = "no deadline"


@dataclass(frozen=True)
class InventoryQuery:
    """Which assets of an inventory are meant, and how they are judged and filtered."""

    scan_ids: Sequence[int]
    judged: Mapping[VerdictRule, str] = field(default_factory=dict)  # empty: verdicts as recorded
    text: str = ""
    verdict: str = ""


def verdict_rules(session: Session, scope: OrgScope, scan_ids: Sequence[int]) -> list[VerdictRule]:
    """The distinct (policy, rule, deadline) the scans' assets were judged by: a few dozen, however many assets."""
    if not scan_ids:
        return []
    stmt = (
        select(PqcScan.policy_id, PqcAsset.rule_id, PqcAsset.deadline)
        .join(PqcScan, PqcScan.id == PqcAsset.scan_id)
        .where(PqcAsset.scan_id.in_(scan_ids), PqcAsset.rule_id.is_not(None))
        .distinct()
    )
    stmt = scoped(stmt, PqcScan, scope)
    return [(policy, rule, deadline) for policy, rule, deadline in session.execute(stmt)]


def _judged_verdict(judged: Mapping[VerdictRule, str]) -> ColumnElement[Any]:
    """The verdict of each asset as `judged` says for its (policy, rule, deadline), else as recorded: one CASE
    branch per verdict instead of judging every row in Python."""
    if not judged:
        return PqcAsset.verdict
    by_verdict: dict[str, list[ColumnElement[bool]]] = {}
    for (policy, rule, deadline), verdict in judged.items():
        on_day = PqcAsset.deadline.is_(None) if deadline is None else PqcAsset.deadline == deadline
        by_verdict.setdefault(verdict, []).append(and_(PqcScan.policy_id == policy, PqcAsset.rule_id == rule, on_day))
    return case(*((or_(*rules), literal(verdict)) for verdict, rules in by_verdict.items()), else_=PqcAsset.verdict)


def _inventory(scope: OrgScope, query: InventoryQuery, *, detail: bool = False) -> Subquery:
    """The inventory's rows: what grouping, filtering and ordering need (read from the covering index
    `ix_pqc_asset_inventory` but for a text search), or with `detail` every column a page shows."""
    shown = [PqcAsset.asset_type, PqcAsset.primitive, PqcAsset.parameter, PqcAsset.classical_bits,
             PqcAsset.quantum_vulnerable, PqcAsset.rule_id, PqcTask.status.label("task_status")]  # fmt: skip
    stmt = (
        select(
            PqcAsset.id,
            PqcAsset.scan_id,
            PqcAsset.label,
            PqcAsset.family,
            PqcAsset.deadline,
            PqcAsset.occurrences,
            PqcAsset.locations,
            PqcSystem.name.label("system"),
            PqcAsset.verdict.label("recorded_verdict"),
            _judged_verdict(query.judged).label("verdict"),
            *(shown if detail else []),
        )
        .join(PqcScan, PqcScan.id == PqcAsset.scan_id)
        .join(PqcSystem, PqcSystem.id == PqcScan.system_id)
        .where(PqcAsset.scan_id.in_(query.scan_ids))
    )
    stmt = scoped(stmt, PqcScan, scope)
    if detail:
        stmt = stmt.outerjoin(
            PqcTask, and_(PqcTask.system_id == PqcScan.system_id, PqcTask.asset_label == PqcAsset.label)
        )
    return stmt.subquery("inventory")


def _group_key(rows: Subquery, group: str) -> ColumnElement[str]:
    if group == "verdict":
        return func.coalesce(rows.c.verdict, NOT_JUDGED)
    if group == "deadline":
        return func.coalesce(cast(extract("year", rows.c.deadline), String), NO_DEADLINE)
    return rows.c.family


def _filters(rows: Subquery, query: InventoryQuery) -> list[ColumnElement[bool]]:
    """The page's search (label, system or locations, any case) and verdict filter."""
    wanted = []
    if query.text:
        searched = rows.c.label + " " + rows.c.system + " " + cast(rows.c.locations, String)
        wanted.append(func.lower(searched).contains(query.text.lower(), autoescape=True))
    if query.verdict:
        wanted.append(func.coalesce(rows.c.verdict, NOT_JUDGED) == query.verdict)
    return wanted


def _order(rows: Subquery, sort: str) -> list[ColumnElement[Any]]:
    by_label = [func.lower(rows.c.label), rows.c.system, rows.c.id]  # ties broken the same way on every page
    first = {
        "verdict": [rows.c.verdict.is_(None), rows.c.verdict],
        "deadline": [rows.c.deadline.is_(None), rows.c.deadline],
        "occurrences": [rows.c.occurrences.desc()],
        "system": [rows.c.system],
    }
    return [*first.get(sort, []), *by_label]


class InventoryCount(NamedTuple):
    group: str
    verdict: str | None
    recorded_verdict: str | None
    assets: int  # in the whole inventory
    matching: int  # of those, the ones that match the page's filters


def inventory_counts(session: Session, scope: OrgScope, query: InventoryQuery, group: str) -> list[InventoryCount]:
    """The inventory counted by (group, verdict, recorded verdict), with and without the filters, in one pass."""
    if not query.scan_ids:
        return []
    rows = _inventory(scope, query)
    key = _group_key(rows, group)
    wanted = _filters(rows, query)
    matching = func.count().filter(and_(*wanted)) if wanted else func.count()
    stmt = select(key, rows.c.verdict, rows.c.recorded_verdict, func.count(), matching).group_by(
        key, rows.c.verdict, rows.c.recorded_verdict
    )
    return [InventoryCount(*row) for row in session.execute(stmt)]


def _plain(stmt: Any, session: Session) -> list[dict[str, Any]]:
    """Rows as plain dicts, without the row id that only orders them."""
    result = session.execute(stmt)
    names = list(result.keys())
    return [{name: value for name, value in zip(names, row, strict=True) if name != "id"} for row in result]


def inventory_rows(
    session: Session,
    scope: OrgScope,
    query: InventoryQuery,
    group: str,
    sort: str,
    groups: Sequence[str],
    offset: int,
    limit: int,
) -> list[dict[str, Any]]:
    """One page of the matching assets, group by group in the order of `groups` (each row names its `group`),
    sorted within each."""
    if not query.scan_ids or not groups:
        return []

    def ordered(rows: Subquery) -> list[ColumnElement[Any]]:
        position = case({name: index for index, name in enumerate(groups)}, value=_group_key(rows, group))
        return [position, *_order(rows, sort)]

    # The page's ids are found on the narrow rows, then only those rows are read whole: sorting every asset's
    # whole row (locations and all) to keep 500 of them is what made the page slow (`inventory_worse` alike).
    narrow = _inventory(scope, query)
    page = select(narrow.c.id).where(*_filters(narrow, query)).order_by(*ordered(narrow)).offset(offset).limit(limit)
    rows = _inventory(scope, query, detail=True)
    stmt = select(rows, _group_key(rows, group).label("group")).where(rows.c.id.in_(page)).order_by(*ordered(rows))
    return _plain(stmt, session)


def inventory_worse(
    session: Session, scope: OrgScope, query: InventoryQuery, pairs: Sequence[tuple[str, str]], limit: int
) -> list[dict[str, Any]]:
    """The first assets (by label) whose (verdict, recorded verdict) is one of `pairs`."""
    if not query.scan_ids or not pairs:
        return []
    narrow = _inventory(scope, query)
    worse = or_(*(and_(narrow.c.verdict == now, narrow.c.recorded_verdict == then) for now, then in pairs))
    first = select(narrow.c.id).where(worse).order_by(*_order(narrow, "label")).limit(limit)
    rows = _inventory(scope, query, detail=True)
    return _plain(select(rows).where(rows.c.id.in_(first)).order_by(*_order(rows, "label")), session)


def task_statuses(session: Session, scope: OrgScope, system_ids: Sequence[int]) -> dict[tuple[int, str], str]:
    """(system id, asset label) → status of each migration task of the systems."""
    if not system_ids:
        return {}
    stmt = select(PqcTask.system_id, PqcTask.asset_label, PqcTask.status).where(PqcTask.system_id.in_(system_ids))
    stmt = scoped(stmt, PqcTask, scope)
    return {(system_id, label): status for system_id, label, status in session.execute(stmt)}


def _overdue(day: date) -> ColumnElement[bool]:
    return and_(PqcTask.status != TaskStatus.DONE.value, PqcTask.deadline < day)


def _task_filters(
    scope: OrgScope, system_ids: Sequence[int], status: str | None, overdue_on: date | None
) -> list[ColumnElement[bool]]:
    wanted = [PqcTask.organisation_id == scope.organisation_id, PqcTask.system_id.in_(system_ids)]
    if status:
        wanted.append(PqcTask.status == status)
    if overdue_on:
        wanted.append(_overdue(overdue_on))
    return wanted


def tasks(
    session: Session,
    scope: OrgScope,
    system_ids: Sequence[int],
    *,
    status: str | None = None,
    overdue_on: date | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[PqcTask]:
    """Soonest deadline first; only those of a status, or overdue on a day, when asked; a slice when asked."""
    if not system_ids:
        return []
    stmt = select(PqcTask).where(*_task_filters(scope, system_ids, status, overdue_on))
    stmt = stmt.order_by(PqcTask.deadline.is_(None), PqcTask.deadline, PqcTask.id).offset(offset).limit(limit)
    return list(session.scalars(stmt))


def task_count(
    session: Session, scope: OrgScope, system_ids: Sequence[int], *, status: str | None, overdue_on: date | None
) -> int:
    if not system_ids:
        return 0
    stmt = select(func.count()).select_from(PqcTask).where(*_task_filters(scope, system_ids, status, overdue_on))
    return session.scalar(stmt) or 0


def task_totals(
    session: Session, scope: OrgScope, system_ids: Sequence[int], day: date
) -> list[tuple[int, str, int, int, Any, Any]]:
    """Per product and status: (product id, status, tasks, overdue on `day`, latest deadline, largest effort)."""
    if not system_ids:
        return []
    overdue = func.sum(case((_overdue(day), 1), else_=0))
    stmt = (
        select(
            PqcSystem.product_id,
            PqcTask.status,
            func.count(),
            overdue,
            func.max(PqcTask.deadline),
            func.max(PqcTask.effort_days),
        )
        .join(PqcSystem, PqcSystem.id == PqcTask.system_id)
        .where(PqcTask.system_id.in_(system_ids))
        .group_by(PqcSystem.product_id, PqcTask.status)
    )
    stmt = scoped(stmt, PqcTask, scope)
    return [tuple(row) for row in session.execute(stmt)]  # type: ignore[misc]


def task(session: Session, scope: OrgScope, task_id: int) -> PqcTask:
    stmt = scoped(select(PqcTask).where(PqcTask.id == task_id), PqcTask, scope)
    return one_or_404(session, stmt, f"migration task {task_id}")
