"""/api/v1/pqc: the crypto inventory per product and system, scan history and diffs, and the migration plan."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, RecordQuery, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.pqc import service
from qtqms.pqc.schemas import (
    Inventory,
    InventoryPage,
    InventoryView,
    PlanRequest,
    Progress,
    ScanDetail,
    ScanDiff,
    ScanImport,
    ScanRead,
    SystemRead,
    TaskPage,
    TaskRead,
    TaskUpdate,
    TaskView,
)

router = APIRouter(prefix="/api/v1/pqc", tags=["pqc"], responses=ERROR_RESPONSES)
CREATED = status.HTTP_201_CREATED


@router.get("/systems", response_model=list[SystemRead], summary="Systems whose crypto is inventoried")
def list_systems(uow: Uow, actor: CurrentActor, product: str | None = None) -> list[SystemRead]:
    return service.list_systems(uow, actor, product)


@router.get("/products/{key}/inventory", response_model=Inventory, summary="A product's current crypto inventory")
def get_inventory(
    key: str,
    uow: Uow,
    actor: CurrentActor,
    as_of: Annotated[date | None, Query(description="Judge each asset as of this day (what breaks then)")] = None,
) -> Inventory:
    return service.get_inventory(uow, actor, key, as_of)


@router.get(
    "/products/{key}/inventory/page",
    response_model=InventoryPage,
    summary="One page of a product's inventory: grouped, filtered, sorted and counted by the database",
)
def inventory_page(key: str, uow: Uow, actor: CurrentActor, view: Annotated[InventoryView, Query()]) -> InventoryPage:
    return service.inventory_page(uow, actor, key, view)


@router.get("/products/{key}/scans", response_model=list[ScanRead], summary="A product's scan history, newest first")
def list_scans(key: str, uow: Uow, actor: CurrentActor, system: str | None = None) -> list[ScanRead]:
    return service.list_scans(uow, actor, key, system)


@router.post(
    "/scans",
    response_model=ScanDetail,
    status_code=CREATED,
    summary="Store a CycloneDX CBOM or a `qtqms pqc scan --json` report as a scan",
)
def record_scan(data: ScanImport, uow: Uow, actor: CurrentActor) -> ScanDetail:
    target = data.model_dump(include={"product", "system", "policy", "as_of", "category"})
    if data.report is not None:
        return service.record_report(uow, actor, report=data.report, name="api-upload.scan.json", **target)
    assert data.cbom is not None
    return service.import_cbom_document(uow, actor, document=data.cbom, name="api-upload.cbom.json", **target)


@router.get("/scans/{scan_id}", response_model=ScanDetail, summary="A scan and its assets")
def get_scan(scan_id: RecordId, uow: Uow, actor: CurrentActor) -> ScanDetail:
    return service.get_scan(uow, actor, scan_id)


@router.get("/scans/{scan_id}/diff", response_model=ScanDiff, summary="What changed since the previous scan")
def diff_scan(scan_id: RecordId, uow: Uow, actor: CurrentActor, against: RecordQuery = None) -> ScanDiff:
    return service.diff_scan(uow, actor, scan_id, against)


@router.get("/products/{key}/tasks", response_model=list[TaskRead], summary="A product's migration plan")
def list_tasks(key: str, uow: Uow, actor: CurrentActor) -> list[TaskRead]:
    return service.list_tasks(uow, actor, key)


@router.get(
    "/products/{key}/plan", response_model=TaskPage, summary="One page of a product's migration plan, with progress"
)
def plan_page(key: str, uow: Uow, actor: CurrentActor, view: Annotated[TaskView, Query()]) -> TaskPage:
    return service.plan_page(uow, actor, key, view)


@router.post(
    "/products/{key}/tasks",
    response_model=list[TaskRead],
    status_code=CREATED,
    summary="Plan tasks for every asset the policy deprecates, disallows or cannot judge",
)
def plan_migration(key: str, data: PlanRequest, uow: Uow, actor: CurrentActor) -> list[TaskRead]:
    return service.plan_migration(uow, actor, key, owner=data.owner)


@router.patch("/tasks/{task_id}", response_model=TaskRead, summary="Update a migration task")
def update_task(task_id: RecordId, data: TaskUpdate, uow: Uow, actor: CurrentActor) -> TaskRead:
    return service.update_task(uow, actor, task_id, data)


@router.get("/progress", response_model=list[Progress], summary="Migration progress of every product")
def list_progress(uow: Uow, actor: CurrentActor) -> list[Progress]:
    return service.list_progress(uow, actor)


@router.get("/products/{key}/progress", response_model=Progress, summary="A product's migration progress and y")
def get_progress(key: str, uow: Uow, actor: CurrentActor) -> Progress:
    return service.get_progress(uow, actor, key)
