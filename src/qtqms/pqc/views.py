"""Crypto (PQC) pages: progress per product, the inventory, scan history with diffs, the migration plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from qtqms.kernel.errors import DomainError
from qtqms.kernel.rbac import Permission, can
from qtqms.pqc import service
from qtqms.pqc.domain import TaskStatus
from qtqms.pqc.schemas import InventoryRow, TaskUpdate
from qtqms.web.deps import CurrentActor, Uow
from qtqms.web.forms import refusal
from qtqms.web.templating import render

router = APIRouter()

GROUPINGS = {
    "algorithm": lambda row: row.family,
    "verdict": lambda row: row.verdict or "not judged",
    "deadline": lambda row: str(row.deadline.year) if row.deadline else "no deadline",
}
SORTS = {
    "label": lambda row: row.label.lower(),
    "verdict": lambda row: row.verdict or "~",
    "deadline": lambda row: (row.deadline is None, row.deadline),
    "occurrences": lambda row: -row.occurrences,
    "system": lambda row: (row.system, row.label.lower()),
}
VERDICT_TONES = {"allowed": "ok", "deprecated": "warn", "disallowed": "bad", "unknown": "bad"}


def _choice(value: str, options: dict, default: str) -> str:
    return value if value in options else default


def _grouped(rows: list[InventoryRow], group: str, sort: str) -> list[tuple[str, list[InventoryRow]]]:
    groups: dict[str, list[InventoryRow]] = {}
    for row in sorted(rows, key=SORTS[sort]):
        groups.setdefault(GROUPINGS[group](row), []).append(row)
    return sorted(groups.items())


def _matches(row: InventoryRow, text: str, verdict: str) -> bool:
    wanted = not verdict or (row.verdict or "not judged") == verdict
    return wanted and (not text or text.lower() in f"{row.label} {row.system} {' '.join(row.locations)}".lower())


@router.get("/pqc", response_class=HTMLResponse)
def overview(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    progress = service.list_progress(uow, actor)
    systems = service.list_systems(uow, actor)
    return render(request, "pqc/overview.html", {"progress": progress, "systems": systems})


@router.get("/pqc/products/{key}", response_class=HTMLResponse)
def inventory(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    key: str,
    group: str = "algorithm",
    sort: str = "label",
    q: str = "",
    verdict: str = "",
) -> Response:
    data = service.get_inventory(uow, actor, key)
    group, sort = _choice(group, GROUPINGS, "algorithm"), _choice(sort, SORTS, "label")
    shown = [row for row in data.rows if _matches(row, q, verdict)]
    context = {
        "inventory": data,
        "groups": _grouped(shown, group, sort),
        "shown": len(shown),
        "params": {"group": group, "sort": sort, "q": q, "verdict": verdict},
        "groupings": list(GROUPINGS),
        "sorts": list(SORTS),
        "verdicts": sorted({row.verdict or "not judged" for row in data.rows}),
        "tones": VERDICT_TONES,
    }
    return render(request, "pqc/inventory.html", context)


@router.get("/pqc/products/{key}/scans", response_class=HTMLResponse)
def scans(request: Request, uow: Uow, actor: CurrentActor, key: str, scan: int | None = None) -> Response:
    history = service.list_scans(uow, actor, key)
    chosen = scan or _newest_with_predecessor(history)
    diff = service.diff_scan(uow, actor, chosen) if chosen else None
    if diff is not None and diff.newer.product != key:
        diff = None
    context = {"product": key, "history": history, "diff": diff, "tones": VERDICT_TONES}
    return render(request, "pqc/scans.html", context)


def _newest_with_predecessor(history: list) -> int | None:
    """The scan whose diff says most by default: the newest one of a system scanned more than once."""
    for index, scan in enumerate(history):
        if any(older.system == scan.system for older in history[index + 1 :]):
            return scan.id
    return history[0].id if history else None


def _plan_page(
    request: Request, uow: Uow, actor: CurrentActor, key: str, status_code: int = 200, **extra: object
) -> Response:
    context = {
        "product": key,
        "tasks": service.list_tasks(uow, actor, key),
        "progress": service.get_progress(uow, actor, key),
        "editable": can(actor, Permission.PQC_EDIT),
        "statuses": [s.value for s in TaskStatus],
        "form": {},
        "form_task": None,
        **extra,
    }
    return render(request, "pqc/plan.html", context, status_code)


@router.get("/pqc/products/{key}/plan", response_class=HTMLResponse)
def plan(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    return _plan_page(request, uow, actor, key)


@router.post("/pqc/products/{key}/plan", response_class=HTMLResponse)
def plan_tasks(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    created = service.plan_migration(uow, actor, key)
    return _plan_page(request, uow, actor, key, notice=f"{len(created)} task(s) planned")


@router.post("/pqc/tasks/{task_id}", response_class=HTMLResponse)
def update_task(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    task_id: int,
    product: Annotated[str, Form()],
    replacement: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    effort_days: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "replacement": replacement,
        "owner": owner,
        "deadline": deadline,
        "status": status,
        "effort_days": effort_days,
    }
    try:
        fields = {name: value for name, value in form.items() if value.strip()}
        if not deadline.strip():
            fields["deadline"] = None
        task = service.update_task(uow, actor, task_id, TaskUpdate(**fields))
    except (ValidationError, DomainError) as error:
        if getattr(error, "http_status", 0) == 403:
            raise
        uow.rollback()
        status_code, message = refusal(error, f"task {task_id} ")
        return _plan_page(request, uow, actor, product, status_code, error=message, form=form, form_task=task_id)
    return RedirectResponse(f"/pqc/products/{task.product}/plan#task-{task_id}", status_code=303)
