"""Crypto inventory use cases: record scans of a product's systems, diff them, plan and track the migration."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from qtqms.kernel.rbac import OrgScope, Permission, authorize
from qtqms.kit.paging import page_numbers
from qtqms.models.pqc import PqcAsset, PqcScan, PqcSystem, PqcTask
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductRead
from qtqms.pqc import domain
from qtqms.pqc import packs as pqc_packs
from qtqms.pqc import repository as repo
from qtqms.pqc.domain import TaskStatus
from qtqms.pqc.scanner import (
    VERDICT_SEVERITY,
    Assessment,
    Finding,
    PolicyPack,
    Verdict,
    evaluate,
)
from qtqms.pqc.schemas import (
    AssetRead,
    ChangeRead,
    Inventory,
    InventoryGroup,
    InventoryPage,
    InventoryRow,
    InventoryView,
    Progress,
    ScanDetail,
    ScanDiff,
    ScanRead,
    ScanReport,
    SystemRead,
    TaskPage,
    TaskRead,
    TaskUpdate,
    TaskView,
)
from qtqms.risk import service as risk_service

MAX_LOCATIONS = 5
# An uploaded CBOM or scan report: a large repository's is a few MB; more is refused before it is parsed.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
NEEDS_MIGRATION = {Verdict.DEPRECATED.value, Verdict.DISALLOWED.value, Verdict.UNKNOWN.value}
UNDECIDED = "to be decided (no suggested replacement)"
# Overdue tasks named at the top of a plan page: the soonest due; the status filter shows the rest.
SHOWN_OVERDUE = 50
# Assets named under "what breaks as of": the first by label; grouping by verdict shows the rest.
SHOWN_WORSE = 50


# ---------- products and systems ----------


def _product(uow: UnitOfWork, actor: Actor, key: str) -> ProductRead:
    return org_service.get_product(uow, actor, key)


def _system(uow: UnitOfWork, scope: OrgScope, product: ProductRead, name: str, *, create: bool = False) -> PqcSystem:
    found = repo.system_by_name(uow.session, scope, product.id, name)
    if found is not None:
        return found
    if not create:
        raise NotFound(f"product '{product.key}' has no system '{name}'")
    system = PqcSystem(organisation_id=scope.organisation_id, product_id=product.id, name=name.strip())
    uow.session.add(system)
    uow.flush()
    return system


def list_systems(uow: UnitOfWork, actor: Actor, product_key: str | None = None) -> list[SystemRead]:
    scope = authorize(actor, Permission.READ)
    product = _product(uow, actor, product_key) if product_key else None
    keys = {p.id: p.key for p in repo.products(uow.session, scope)}
    found = repo.systems(uow.session, scope, product.id if product else None)
    return [SystemRead(id=s.id, product=keys[s.product_id], name=s.name, description=s.description) for s in found]


# ---------- recording scans ----------


def record_scan(
    uow: UnitOfWork,
    actor: Actor,
    *,
    product: str,
    system: str,
    findings: Iterable[Finding],
    source: str,
    source_ref: str = "",
    policy: str = "nist-ir-8547",
    as_of: date | None = None,
    category: str | None = None,
    summary: dict[str, Any] | None = None,
) -> ScanDetail:
    """Store one inventory of a system, each distinct asset judged under the policy as of a day."""
    scope = authorize(actor, Permission.PQC_EDIT)
    pack = pqc_packs.policy(policy)
    if category:
        pack.category_date(category)  # an unknown category is refused even when no asset needs it
    day = as_of or clock.today()
    found = list(findings)
    target = _system(uow, scope, _product(uow, actor, product), system, create=True)
    scan = PqcScan(
        organisation_id=scope.organisation_id,
        system_id=target.id,
        scanned_at=clock.now(),
        scanned_by_id=actor.user_id or None,
        source=source,
        source_ref=source_ref[:300],
        policy_id=pack.id,
        policy_version=pack.version,
        as_of=day,
        summary={},
    )
    uow.session.add(scan)
    uow.flush()
    rows = _asset_rows(scan.id, found, list(evaluate(found, pack, day, category)), pack)
    uow.session.add_all(rows)
    scan.summary = {**(summary or {}), "findings": len(found), "assets": len(rows), "verdicts": _counts(rows)}
    uow.flush()
    return _scan_detail(uow, scope, scan, rows)


def import_cbom_document(
    uow: UnitOfWork, actor: Actor, *, product: str, system: str, document: dict[str, Any], name: str = "", **kwargs: Any
) -> ScanDetail:
    """Store a third-party CycloneDX CBOM as a scan of a system (source cbom-import)."""
    authorize(actor, Permission.PQC_EDIT)
    from qtqms.pqc.scanner import cbom_findings

    findings = cbom_findings(document, Path(name).name or "cbom.json")
    return record_scan(
        uow, actor, product=product, system=system, findings=findings, source="cbom-import", source_ref=name, **kwargs
    )


def record_report(
    uow: UnitOfWork, actor: Actor, *, product: str, system: str, report: ScanReport, name: str = "", **kwargs: Any
) -> ScanDetail:
    """Store the JSON report of `qtqms pqc scan --json` as a scan of a system, as `scan --record` would have."""
    authorize(actor, Permission.PQC_EDIT)
    return record_scan(
        uow,
        actor,
        product=product,
        system=system,
        findings=[finding.to_finding() for finding in report.findings],
        source="scanner",
        source_ref=name,
        summary=report.summary,
        **kwargs,
    )


def record_upload(
    uow: UnitOfWork, actor: Actor, *, product: str, system: str, filename: str, content: bytes, **kwargs: Any
) -> ScanDetail:
    """Store an uploaded file as a scan: a CycloneDX CBOM (ours or a third party's) or a `scan --json` report.

    Which one it is comes from the document (`bomFormat` or `findings`); a file that is too large, not JSON or
    neither is refused with where it went wrong, before anything is stored.
    """
    authorize(actor, Permission.PQC_EDIT)
    name = Path(filename).name or "upload.json"
    document = _json_upload(name, content)
    target = {"product": product, "system": system, "name": name, **kwargs}
    if isinstance(document, dict) and "bomFormat" in document:
        return import_cbom_document(uow, actor, document=document, **target)
    if isinstance(document, dict) and "findings" in document:
        return record_report(uow, actor, report=_scan_report(name, document), **target)
    message = "neither a CycloneDX CBOM (no bomFormat) nor a `qtqms pqc scan --json` report (no findings)"
    raise InvalidInput(f"{name}: {message}", [Problem(message, name, "/")])


def _json_upload(name: str, content: bytes) -> Any:
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"{name}: larger than the upload limit of {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
    if not content.strip():
        raise InvalidInput(f"{name}: the file is empty")
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{name}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{name}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None


def _scan_report(name: str, document: dict[str, Any]) -> ScanReport:
    try:
        return ScanReport.model_validate(document)
    except ValidationError as error:
        problems = [Problem(e["msg"], name, "".join(f"/{part}" for part in e["loc"])) for e in error.errors()]
        first = problems[0]
        raise InvalidInput(f"{name}: not a valid scan report at {first.field}: {first.message}", problems) from None


def _asset_rows(
    scan_id: int, findings: list[Finding], assessments: list[Assessment], pack: PolicyPack
) -> list[PqcAsset]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.label, []).append(finding)
    worst: dict[str, Assessment] = {}
    for assessment in assessments:
        label = assessment.finding.label
        if label not in worst or VERDICT_SEVERITY[assessment.verdict] > VERDICT_SEVERITY[worst[label].verdict]:
            worst[label] = assessment
    return [_asset_row(scan_id, label, group, worst.get(label), pack) for label, group in sorted(groups.items())]


def _asset_row(
    scan_id: int, label: str, group: list[Finding], assessment: Assessment | None, pack: PolicyPack
) -> PqcAsset:
    algorithm = group[0].algorithm
    return PqcAsset(
        scan_id=scan_id,
        label=label[:200],
        asset_type=group[0].asset_type.value,
        family=algorithm.family,
        primitive=algorithm.primitive.value,
        parameter=algorithm.parameter,
        classical_bits=algorithm.classical_bits,
        quantum_vulnerable=algorithm.quantum_vulnerable,
        verdict=assessment.verdict.value if assessment else None,
        rule_id=assessment.rule_id if assessment else None,
        deadline=_deadline(assessment, pack),
        occurrences=len(group),
        locations=[f"{f.path}:{f.line}" for f in group[:MAX_LOCATIONS]],
    )


def _deadline(assessment: Assessment | None, pack: PolicyPack) -> date | None:
    """When the policy stops allowing the asset: its disallowed date, else the date it becomes deprecated."""
    if assessment is None or assessment.rule_id is None:
        return None
    if assessment.disallowed_from is not None:
        return assessment.disallowed_from
    rule = next(r for r in pack.rules if r.id == assessment.rule_id)
    return rule.deprecated_from


def _counts(rows: list[PqcAsset]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        key = row.verdict or "not judged"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


# ---------- reading scans ----------


def _scan_reads(uow: UnitOfWork, scope: OrgScope, scans: list[PqcScan]) -> list[ScanRead]:
    if not scans:
        return []
    systems = {s.id: s for s in repo.systems(uow.session, scope)}
    keys = {p.id: p.key for p in repo.products(uow.session, scope)}
    users = identity_service.usernames(uow, [s.scanned_by_id for s in scans], scope)
    return [
        ScanRead(
            id=s.id,
            product=keys[systems[s.system_id].product_id],
            system=systems[s.system_id].name,
            scanned_at=s.scanned_at,
            scanned_by=users.get(s.scanned_by_id or 0, ""),
            source=s.source,  # type: ignore[arg-type]
            source_ref=s.source_ref,
            policy_id=s.policy_id,
            policy_version=s.policy_version,
            as_of=s.as_of,
            summary=s.summary,
        )
        for s in scans
    ]


def _scan_detail(uow: UnitOfWork, scope: OrgScope, scan: PqcScan, rows: list[PqcAsset]) -> ScanDetail:
    (read,) = _scan_reads(uow, scope, [scan])
    return ScanDetail(**read.model_dump(), assets=[AssetRead.model_validate(r) for r in rows])


def get_scan(uow: UnitOfWork, actor: Actor, scan_id: int) -> ScanDetail:
    scope = authorize(actor, Permission.READ)
    scan = repo.scan(uow.session, scope, scan_id)
    return _scan_detail(uow, scope, scan, repo.assets(uow.session, [scan.id]))


def list_scans(uow: UnitOfWork, actor: Actor, product_key: str, system: str | None = None) -> list[ScanRead]:
    """A product's scan history, newest first (one system's when named)."""
    scope = authorize(actor, Permission.READ)
    product = _product(uow, actor, product_key)
    systems = [_system(uow, scope, product, system)] if system else repo.systems(uow.session, scope, product.id)
    return _scan_reads(uow, scope, repo.scans(uow.session, scope, [s.id for s in systems]))


def diff_scan(uow: UnitOfWork, actor: Actor, scan_id: int, against: int | None = None) -> ScanDiff:
    """Assets added, removed or judged differently since the system's previous scan (or a chosen one)."""
    scope = authorize(actor, Permission.READ)
    newer = repo.scan(uow.session, scope, scan_id)
    older = repo.scan(uow.session, scope, against) if against else repo.previous_scan(uow.session, scope, newer)
    if older is not None and older.system_id != newer.system_id:
        raise InvalidInput(f"scan {older.id} is of another system than scan {newer.id}")
    verdicts = _verdicts(uow, [newer.id] + ([older.id] if older else []))
    changes = domain.diff_verdicts(verdicts.get(older.id, {}) if older else {}, verdicts.get(newer.id, {}))
    reads = _scan_reads(uow, scope, [newer] + ([older] if older else []))
    return ScanDiff(
        newer=reads[0],
        older=reads[1] if older else None,
        **{
            kind: [ChangeRead(label=c.label, before=c.before, after=c.after) for c in items]
            for kind, items in changes.items()
        },
    )


def _verdicts(uow: UnitOfWork, scan_ids: list[int]) -> dict[int, dict[str, str | None]]:
    result: dict[int, dict[str, str | None]] = {i: {} for i in scan_ids}
    for asset in repo.assets(uow.session, scan_ids):
        result[asset.scan_id][asset.label] = asset.verdict
    return result


def get_inventory(uow: UnitOfWork, actor: Actor, product_key: str, as_of: date | None = None) -> Inventory:
    """A product's whole current inventory: the assets of each system's latest scan, with their task's status.

    With `as_of`, each asset is judged as of that day by the rule its scan's policy matched (what breaks
    then); otherwise verdicts are as each scan recorded them. Assets are read as plain rows, not ORM
    objects: a product with many systems has tens of thousands (the web page reads one page of them with
    `inventory_page` instead).
    """
    scope = authorize(actor, Permission.READ)
    product = _product(uow, actor, product_key)
    systems = {s.id: s.name for s in repo.systems(uow.session, scope, product.id)}
    latest = repo.latest_scans(uow.session, scope, list(systems))
    scan_of = {s.id: s for s in latest}
    statuses = repo.task_statuses(uow.session, scope, list(systems))
    judged = _judged(repo.verdict_rules(uow.session, scope, list(scan_of)), as_of) if as_of else {}
    rows = []
    for asset in repo.asset_rows(uow.session, list(scan_of)):
        scan = scan_of[asset["scan_id"]]
        recorded = asset["verdict"]
        asset.update(
            system=systems[scan.system_id],
            task_status=statuses.get((scan.system_id, asset["label"])),
            recorded_verdict=recorded,
            verdict=judged.get((scan.policy_id, asset["rule_id"], asset["deadline"]), recorded),
        )
        rows.append(InventoryRow.model_validate(asset))
    return Inventory(
        product=product.key,
        rows=rows,
        scans=_scan_reads(uow, scope, latest),
        as_of=as_of,
        unjudged_policies=_unjudged(latest, as_of),
    )


def inventory_page(uow: UnitOfWork, actor: Actor, product_key: str, view: InventoryView) -> InventoryPage:
    """One page of a product's current inventory, grouped, filtered, sorted and counted by the database.

    The cost does not grow with the inventory's size beyond what the database does: verdicts as of a day are
    judged once per (policy, rule, deadline) and handed to the query, and only one page of rows is read.
    """
    scope = authorize(actor, Permission.READ)
    product = _product(uow, actor, product_key)
    latest = repo.latest_scans(uow.session, scope, _product_system_ids(uow, scope, product))
    rules = repo.verdict_rules(uow.session, scope, [s.id for s in latest])
    judged = _judged(rules, view.as_of) if view.as_of else {}
    query = repo.InventoryQuery([s.id for s in latest], judged, view.text.strip(), view.verdict)
    by_verdict: Counter[tuple[str | None, str | None]] = Counter()
    sizes: Counter[str] = Counter()
    for count in repo.inventory_counts(uow.session, scope, query, view.group):
        by_verdict[count.verdict, count.recorded_verdict] += count.assets
        if count.matching:
            sizes[count.group] += count.matching
    verdicts = [(now, then, assets) for (now, then), assets in by_verdict.items()]
    shown = sum(sizes.values())
    at = page_numbers(view.page, shown, view.page_rows)
    names = sorted(sizes)
    found = repo.inventory_rows(uow.session, scope, query, view.group, view.sort, names, at.offset, view.page_rows)
    worse = [(now, then) for now, then, _ in verdicts if _worse(now, then)]
    return InventoryPage(
        product=product.key,
        scans=_scan_reads(uow, scope, latest),
        as_of=view.as_of,
        unjudged_policies=_unjudged(latest, view.as_of),
        total=sum(count for _, _, count in verdicts),
        shown=shown,
        verdicts=sorted({now or repo.NOT_JUDGED for now, _, _ in verdicts}),
        turning_points=sorted({deadline for _, _, deadline in rules if deadline}),
        groups=[
            InventoryGroup(name=name, size=sizes[name], rows=[InventoryRow.model_validate(r) for r in rows])
            for name, rows in groupby(found, key=lambda row: row.pop("group"))
        ],
        page=at.page,
        pages=at.pages,
        worse=[
            InventoryRow.model_validate(r) for r in repo.inventory_worse(uow.session, scope, query, worse, SHOWN_WORSE)
        ],
        worse_count=sum(count for now, then, count in verdicts if (now, then) in worse),
    )


def _worse(now: str | None, then: str | None) -> bool:
    """Judged worse as of a day than the scan recorded."""
    return now is not None and then is not None and VERDICT_SEVERITY[Verdict(now)] > VERDICT_SEVERITY[Verdict(then)]


def _judged(rules: Iterable[repo.VerdictRule], day: date) -> dict[repo.VerdictRule, str]:
    """The verdict as of `day` of each (policy, rule, deadline) assets were judged by when they were scanned.

    Which rule matches an asset does not depend on the day, only that rule's dates do; the asset's recorded
    deadline is the rule's disallowed date resolved for the scan's category. Rules of a policy that cannot be
    loaded (a user's pack file recorded by path), or no longer in its pack, are left out: their assets keep
    their recorded verdicts.
    """
    rules = list(rules)
    packs = {
        policy_id: pqc_packs.policy(policy_id) for policy_id in {p for p, _, _ in rules} & set(pqc_packs.policy_ids())
    }
    current = {(policy_id, rule.id): rule for policy_id, pack in packs.items() for rule in pack.rules}
    judged = {}
    for policy_id, rule_id, deadline in rules:
        rule = current.get((policy_id, rule_id))
        if rule is not None:
            disallowed = deadline if rule.disallowed_from is not None else None
            judged[(policy_id, rule_id, deadline)] = (rule.verdict or rule.dated_verdict(day, disallowed)).value
    return judged


def _unjudged(scans: list[PqcScan], as_of: date | None) -> list[str]:
    """Policies of the scans that cannot be judged anew as of a day (a pack file of the user's own)."""
    return sorted({s.policy_id for s in scans} - set(pqc_packs.policy_ids())) if as_of else []


# ---------- migration tasks ----------


def plan_migration(uow: UnitOfWork, actor: Actor, product_key: str, *, owner: str | None = None) -> list[TaskRead]:
    """One task per asset of the latest scans that the policy deprecates, disallows or cannot judge.

    The replacement comes from the versioned replacement table and the deadline from the policy; assets
    that already have a task keep it (owners may have edited it).
    """
    scope = authorize(actor, Permission.PQC_EDIT)
    owner_id = identity_service.active_member_id(uow, actor, owner or actor.username)
    inventory = get_inventory(uow, actor, product_key)
    systems = {s.name: s.id for s in repo.systems(uow.session, scope, _product(uow, actor, product_key).id)}
    created = [
        _new_task(scope, systems[row.system], row, owner_id)
        for row in inventory.rows
        if row.verdict in NEEDS_MIGRATION and row.task_status is None
    ]
    uow.session.add_all(created)
    uow.flush()
    _feed_mosca(uow, actor, product_key)
    return _task_reads(uow, scope, created)


def _feed_mosca(uow: UnitOfWork, actor: Actor, product_key: str) -> None:
    """The plan's y becomes Mosca's y of the product's risk assets, re-running Mosca in this same transaction."""
    years = _product_progress(uow, actor, product_key).migration_years
    risk_service.apply_migration_plan(uow, actor, product=product_key, years=years)


def _new_task(scope: OrgScope, system_id: int, row: InventoryRow, owner_id: int) -> PqcTask:
    table = pqc_packs.replacements()
    suggestion = table.suggest(row.model_dump())
    return PqcTask(
        organisation_id=scope.organisation_id,
        system_id=system_id,
        asset_label=row.label,
        replacement=suggestion.replacement if suggestion else UNDECIDED,
        rationale=f"{suggestion.rationale} [{table.label}:{suggestion.id}]" if suggestion else "",
        owner_id=owner_id,
        deadline=row.deadline,
        status=TaskStatus.OPEN.value,
        effort_days=suggestion.effort_days if suggestion else None,
    )


def _task_reads(uow: UnitOfWork, scope: OrgScope, tasks: list[PqcTask]) -> list[TaskRead]:
    systems = {s.id: s for s in repo.systems(uow.session, scope)}
    keys = {p.id: p.key for p in repo.products(uow.session, scope)}
    owners = identity_service.usernames(uow, [t.owner_id for t in tasks], scope)
    day = clock.today()
    return [
        TaskRead(
            id=t.id,
            product=keys[systems[t.system_id].product_id],
            system=systems[t.system_id].name,
            asset_label=t.asset_label,
            replacement=t.replacement,
            rationale=t.rationale,
            owner=owners.get(t.owner_id, ""),
            deadline=t.deadline,
            status=TaskStatus(t.status),
            effort_days=t.effort_days,
            overdue=_overdue(t, day),
        )
        for t in tasks
    ]


def _overdue(task: PqcTask, day: date) -> bool:
    return task.status != TaskStatus.DONE.value and task.deadline is not None and task.deadline < day


def _product_system_ids(uow: UnitOfWork, scope: OrgScope, product: ProductRead) -> list[int]:
    return [s.id for s in repo.systems(uow.session, scope, product.id)]


def list_tasks(uow: UnitOfWork, actor: Actor, product_key: str) -> list[TaskRead]:
    """A product's whole migration plan, soonest deadline first (the web page reads one page with `plan_page`)."""
    scope = authorize(actor, Permission.READ)
    product = _product(uow, actor, product_key)
    return _task_reads(uow, scope, repo.tasks(uow.session, scope, _product_system_ids(uow, scope, product)))


def plan_page(uow: UnitOfWork, actor: Actor, product_key: str, view: TaskView) -> TaskPage:
    """One page of a product's plan (of one status, or only the overdue tasks, when asked), soonest deadline first,
    with the plan's progress and the overdue tasks due soonest; counted by the database."""
    scope = authorize(actor, Permission.READ)
    product = _product(uow, actor, product_key)
    system_ids = _product_system_ids(uow, scope, product)
    day = clock.today()
    wanted = {"status": view.status.value if view.status else None, "overdue_on": day if view.overdue else None}
    shown = repo.task_count(uow.session, scope, system_ids, **wanted)
    at = page_numbers(view.page, shown, view.page_rows)
    listed = repo.tasks(uow.session, scope, system_ids, **wanted, offset=at.offset, limit=view.page_rows)
    overdue = repo.tasks(uow.session, scope, system_ids, overdue_on=day, limit=SHOWN_OVERDUE)
    reads = _task_reads(uow, scope, listed + overdue)
    return TaskPage(
        product=product.key,
        progress=_progress(product.key, repo.task_totals(uow.session, scope, system_ids, day), day),
        tasks=reads[: len(listed)],
        shown=shown,
        overdue=reads[len(listed) :],
        page=at.page,
        pages=at.pages,
    )


def update_task(uow: UnitOfWork, actor: Actor, task_id: int, data: TaskUpdate) -> TaskRead:
    """Change a task's replacement, owner, deadline, effort or status (open, in progress, done)."""
    scope = authorize(actor, Permission.PQC_EDIT)
    task = repo.task(uow.session, scope, task_id)
    changes = data.model_dump(exclude_unset=True)
    if "owner" in changes:
        task.owner_id = identity_service.active_member_id(uow, actor, changes.pop("owner"))
    for key, value in changes.items():
        if value is None and key in {"replacement", "status"}:
            raise InvalidInput(f"{key}: may not be empty", [Problem("may not be empty", field=key)])
        setattr(task, key, value.value if isinstance(value, TaskStatus) else value)
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:
        raise Conflict(f"task {task_id} could not be saved") from None
    uow.flush()
    updated = _task_reads(uow, scope, [task])[0]
    _feed_mosca(uow, actor, updated.product)
    return updated


def get_progress(uow: UnitOfWork, actor: Actor, product_key: str) -> Progress:
    """Progress = done / total tasks; y for Mosca comes from the open ones."""
    authorize(actor, Permission.READ)
    return _product_progress(uow, actor, product_key)


def _product_progress(uow: UnitOfWork, actor: Actor, product_key: str) -> Progress:
    scope = authorize(actor, Permission.READ)
    product = _product(uow, actor, product_key)
    day = clock.today()
    totals = repo.task_totals(uow.session, scope, _product_system_ids(uow, scope, product), day)
    return _progress(product.key, totals, day)


def _progress(product_key: str, totals: list[tuple[int, str, int, int, Any, Any]], day: date) -> Progress:
    """A product's progress from its task totals per status (see `repo.task_totals`)."""
    by_status = {status: 0 for status in TaskStatus}
    overdue = 0
    pending = []
    for _, status, count, late, latest_deadline, largest_effort in totals:
        by_status[TaskStatus(status)] += count
        overdue += late
        if status != TaskStatus.DONE.value:
            # y is the latest end over the open tasks, each ending at max(deadline, effort from today): the latest
            # deadline and the largest effort of a status give the same maximum as its tasks one by one.
            pending.append((latest_deadline, largest_effort))
    total = sum(by_status.values())
    return Progress(
        product=product_key,
        total=total,
        done=by_status[TaskStatus.DONE],
        in_progress=by_status[TaskStatus.IN_PROGRESS],
        open=by_status[TaskStatus.OPEN],
        overdue=overdue,
        percent=round(100 * by_status[TaskStatus.DONE] / total) if total else 0,
        migration_years=domain.migration_years(pending, day) if total else None,
    )


def list_progress(uow: UnitOfWork, actor: Actor) -> list[Progress]:
    """Every product's migration progress, in product-key order."""
    scope = authorize(actor, Permission.READ)
    products = repo.products(uow.session, scope)
    systems = repo.systems(uow.session, scope)
    day = clock.today()
    totals = repo.task_totals(uow.session, scope, [s.id for s in systems], day)
    return [_progress(p.key, [row for row in totals if row[0] == p.id], day) for p in products]


def migration_years(uow: UnitOfWork, actor: Actor, product_key: str) -> float | None:
    """Mosca's y for a product: years until its open migration tasks can be finished (None: no plan yet).

    Each open task ends at its deadline, but never sooner than its remaining effort allows from today
    (220 working days a year); the product's y is the latest such end. 0.0 once every task is done.
    """
    authorize(actor, Permission.READ)
    return _product_progress(uow, actor, product_key).migration_years
