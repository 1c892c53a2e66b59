"""Crypto (PQC) pages: progress per product, the inventory (as of any day) with its upload form, scan history
with diffs, the migration plan."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, get_args
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from qtqms.identity.deps import CurrentActor
from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web.deps import PageNumber, RecordId, RecordQuery, Uow
from qtqms.kit.web.forms import attempt, refusal
from qtqms.kit.web.templating import render
from qtqms.pqc import service
from qtqms.pqc.domain import TaskStatus, parse_day
from qtqms.pqc.packs import policy_ids
from qtqms.pqc.schemas import (
    InventoryGrouping,
    InventorySort,
    InventoryView,
    ScanDetail,
    ScanTarget,
    TaskUpdate,
    TaskView,
)

router = APIRouter()

GROUPINGS = get_args(InventoryGrouping)
SORTS = get_args(InventorySort)
VERDICT_TONES = {"allowed": "ok", "deprecated": "warn", "disallowed": "bad", "unknown": "bad"}
UPLOAD_FIELDS = ("system", "policy", "as_of", "category")
DEFAULT_POLICY = ScanTarget.model_fields["policy"].default
DEFAULT_VIEW = {"group": "algorithm", "sort": "label", "q": "", "verdict": "", "as_of": ""}
# Problems listed under an upload's error: enough to fix a file, not a wall of schema messages.
SHOWN_PROBLEMS = 5
# Rows of the inventory on one page, and tasks of the plan (each a form of its own): a product with many systems
# has tens of thousands of assets, more than a browser should be sent at once.
PAGE_ROWS = 500
PLAN_ROWS = 100


def _choice(value: str, options: tuple[str, ...], default: str) -> str:
    return value if value in options else default


def _page_link(params: dict[str, str]) -> Any:
    """The link to a page number of the same view (empty parameters left out)."""
    query = {name: value for name, value in params.items() if value}
    return lambda number: "?" + urlencode({**query, "page": number})


@router.get("/pqc", response_class=HTMLResponse)
def overview(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    progress = service.list_progress(uow, actor)
    systems = service.list_systems(uow, actor)
    return render(request, "pqc/overview.html", {"progress": progress, "systems": systems})


def _inventory_page(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    key: str,
    params: dict[str, str],
    status_code: int = 200,
    *,
    day: date | None = None,
    page: PageNumber = 1,
    **extra: Any,
) -> Response:
    view = InventoryView(group=params["group"], sort=params["sort"], text=params["q"], verdict=params["verdict"],
                         as_of=day, page=page, page_rows=PAGE_ROWS)  # fmt: skip
    data = service.inventory_page(uow, actor, key, view)
    context = {
        "inventory": data,
        "first": (data.page - 1) * PAGE_ROWS + 1,
        "last": (data.page - 1) * PAGE_ROWS + sum(len(g.rows) for g in data.groups),
        "page_link": _page_link(params),
        "params": params,
        "groupings": GROUPINGS,
        "sorts": SORTS,
        "tones": VERDICT_TONES,
        "editable": can(actor, Permission.PQC_EDIT),
        "policies": policy_ids(),
        "upload": {"system": "", "policy": DEFAULT_POLICY, "as_of": "", "category": ""},
        "upload_open": False,
        "max_upload_mib": service.MAX_UPLOAD_BYTES // (1024 * 1024),
        **extra,
    }
    return render(request, "pqc/inventory.html", context, status_code)


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
    as_of: str = "",
    page: PageNumber = 1,
) -> Response:
    """Grouped, filtered, sorted and paged; with `as_of`, every asset judged as of that day (what breaks then)."""
    params = {"group": _choice(group, GROUPINGS, "algorithm"), "sort": _choice(sort, SORTS, "label"), "q": q,
              "verdict": verdict, "as_of": as_of.strip()}  # fmt: skip
    try:
        day = parse_day(params["as_of"], "as of")
    except InvalidInput as error:
        return _inventory_page(request, uow, actor, key, {**params, "as_of": ""}, 422, error=error.message)
    return _inventory_page(request, uow, actor, key, params, day=day, page=page)


@router.post("/pqc/products/{key}/scans", response_class=HTMLResponse)
async def upload_scan(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    """Multipart form: a CycloneDX CBOM or a `qtqms pqc scan --json` report, stored as a scan of a system."""
    form = await request.form()
    upload = form.get("file")
    chosen = isinstance(upload, UploadFile) and bool(upload.filename)
    content = await upload.read(service.MAX_UPLOAD_BYTES + 1) if chosen else b""  # type: ignore[union-attr]
    fields = {name: str(form.get(name, "")).strip() for name in UPLOAD_FIELDS}
    filename = upload.filename if chosen else ""  # type: ignore[union-attr]
    return await run_in_threadpool(_record_upload, request, uow, actor, key, fields, filename or "", content)


def _record_upload(
    request: Request, uow: Uow, actor: CurrentActor, key: str, fields: dict[str, str], filename: str, content: bytes
) -> Response:
    def record() -> ScanDetail:
        if not filename:
            raise InvalidInput(
                "file: choose a CBOM or scan report to upload", [Problem("no file chosen", field="file")]
            )
        target = ScanTarget(
            system=fields["system"],
            policy=fields["policy"] or DEFAULT_POLICY,
            as_of=fields["as_of"] or None,
            category=fields["category"] or None,
        )
        return service.record_upload(uow, actor, product=key, filename=filename, content=content, **target.model_dump())

    stored, error = attempt(uow, record, passing=(403, 404))
    if error:
        status_code, message = refusal(error, "upload ")
        problems = [str(p) for p in getattr(error, "problems", [])[:SHOWN_PROBLEMS]]
        return _inventory_page(
            request,
            uow,
            actor,
            key,
            DEFAULT_VIEW,
            status_code,
            upload=fields,
            upload_open=True,
            error=message,
            problems=problems,
        )
    return RedirectResponse(f"/pqc/products/{stored.product}/scans?scan={stored.id}", status_code=303)


@router.get("/pqc/products/{key}/scans", response_class=HTMLResponse)
def scans(request: Request, uow: Uow, actor: CurrentActor, key: str, scan: RecordQuery = None) -> Response:
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
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    key: str,
    status_code: int = 200,
    *,
    params: dict[str, str] | None = None,
    page: PageNumber = 1,
    **extra: object,
) -> Response:
    shown = params or {"status": "", "overdue": ""}
    view = TaskView(status=shown["status"] or None, overdue=bool(shown["overdue"]), page=page, page_rows=PLAN_ROWS)
    plan = service.plan_page(uow, actor, key, view)
    context = {
        "product": key,
        "plan": plan,
        "tasks": plan.tasks,
        "progress": plan.progress,
        "params": shown,
        "page_link": _page_link(shown),
        "editable": can(actor, Permission.PQC_EDIT),
        "statuses": [s.value for s in TaskStatus],
        "form": {},
        "form_task": None,
        "plan_owner": "",
        **extra,
    }
    return render(request, "pqc/plan.html", context, status_code)


@router.get("/pqc/products/{key}/plan", response_class=HTMLResponse)
def plan(
    request: Request, uow: Uow, actor: CurrentActor, key: str, status: str = "", overdue: str = "", page: PageNumber = 1
) -> Response:
    """The plan, one page at a time; `status` (open, in_progress, done) or `overdue` narrow it."""
    return _plan_page(request, uow, actor, key, params=_plan_params(status, overdue), page=page)


def _plan_params(status: str, overdue: str) -> dict[str, str]:
    return {"status": _choice(status, tuple(s.value for s in TaskStatus), ""), "overdue": "1" if overdue else ""}


def _plan_view(query: str) -> tuple[dict[str, str], int]:
    """The plan view a task form was sent from (its query string), to return to it."""
    fields = dict(parse_qsl(query))
    page = fields.get("page", "1")
    return _plan_params(fields.get("status", ""), fields.get("overdue", "")), int(page) if page.isdigit() else 1


@router.post("/pqc/products/{key}/plan", response_class=HTMLResponse)
def plan_tasks(
    request: Request, uow: Uow, actor: CurrentActor, key: str, owner: Annotated[str, Form()] = ""
) -> Response:
    try:
        created = service.plan_migration(uow, actor, key, owner=owner.strip() or None)
    except InvalidInput as error:  # an unknown owner; permission and product errors are not form problems
        uow.rollback()
        return _plan_page(request, uow, actor, key, error.http_status, error=error.message, plan_owner=owner)
    return _plan_page(request, uow, actor, key, notice=f"{len(created)} task(s) planned")


@router.post("/pqc/tasks/{task_id}", response_class=HTMLResponse)
def update_task(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    task_id: RecordId,
    product: Annotated[str, Form()],
    replacement: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    effort_days: Annotated[str, Form()] = "",
    view: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "replacement": replacement,
        "owner": owner,
        "deadline": deadline,
        "status": status,
        "effort_days": effort_days,
    }
    params, page = _plan_view(view)
    fields: dict[str, str | None] = {name: value for name, value in form.items() if value.strip()}
    fields.update({name: None for name in ("deadline", "effort_days") if not form[name].strip()})  # cleared
    task, error = attempt(uow, lambda: service.update_task(uow, actor, task_id, TaskUpdate(**fields)))
    if error:
        status_code, message = refusal(error, f"task {task_id} ")
        return _plan_page(request, uow, actor, product, status_code, params=params, page=page, error=message,
                          form=form, form_task=task_id)  # fmt: skip
    query = urlencode({**{name: value for name, value in params.items() if value}, "page": page})
    return RedirectResponse(f"/pqc/products/{task.product}/plan?{query}#task-{task_id}", status_code=303)
