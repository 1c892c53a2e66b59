"""Risk pages: register, heat maps, risk record, treatment plan, Mosca exposure, assets, matrices, threats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from qtqms.db.uow import UnitOfWork
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.downloads import download
from qtqms.kit.web.forms import FormErrors, run_form, see_other
from qtqms.kit.web.related import Panel, RelatedLink
from qtqms.kit.web.templating import render
from qtqms.org import service as org_service
from qtqms.risk import service
from qtqms.risk.charts import mosca_svg
from qtqms.risk.domain import Approach, AssetKind, RiskDomain, RiskStatus, Sensitivity, TreatmentOption
from qtqms.risk.schemas import (
    AcceptanceIn,
    ActionClose,
    ActionIn,
    AssessmentIn,
    AssetCreate,
    DataClassCreate,
    DataClassUpdate,
    ExposureCreate,
    RegisterQuery,
    RiskCreate,
    RiskUpdate,
    TreatmentIn,
)
from qtqms.trail import service as trail_service

router = APIRouter()

NOTICES = {
    "created": "Risk recorded.",
    "assessed": "Assessment recorded.",
    "treated": "Treatment plan saved.",
    "closed": "Action closed.",
    "accepted": "Acceptance signed and recorded.",
    "updated": "Risk updated.",
    "asset": "Asset added.",
    "data-class": "Data class saved.",
    "exposure": "Exposure recorded; Mosca's inequality re-run.",
    "years": "Migration time saved; Mosca's inequality re-run.",
    "basis": "Basis scenario changed; Mosca's inequality re-run.",
    "matrix": "Matrix choice saved. Risks already rated keep their matrix until re-assessed.",
}
RATING_FIELDS = ("likelihood", "impact")
ACTION_ROWS = 3


def _is_demo(uow: Uow, actor: CurrentActor) -> bool:
    return org_service.get_organisation(uow, actor).is_demo


def _context(request: Request, uow: Uow, actor: CurrentActor, **extra: Any) -> dict[str, Any]:
    return {
        "is_demo": _is_demo(uow, actor),
        "editable": can(actor, Permission.RISK_EDIT),
        "can_accept": can(actor, Permission.RISK_ACCEPT),
        "notice": NOTICES.get(request.query_params.get("done", "")),
        "form": {},
        **extra,
    }


async def _read_form(request: Request) -> FormData:
    return await request.form()


def _fields(form: FormData) -> dict[str, str]:
    return {key: str(value) for key, value in form.items() if key != "csrf_token"}


MULTI_SELECTS = ("assets", "linked_controls")


def _risk_form(form: FormData) -> dict[str, Any]:
    """A risk form's fields, with the multiple-choice lists (affected assets, linked controls) as lists."""
    return {**_fields(form), **{name: [str(value) for value in form.getlist(name)] for name in MULTI_SELECTS}}


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _rating(form: dict[str, str], kind: str) -> dict[str, str] | None:
    """A rating from '<kind>_likelihood' and '<kind>_impact'; both blank means not given."""
    values = {name: (form.get(f"{kind}_{name}") or "").strip() for name in RATING_FIELDS}
    return values if any(values.values()) else None


def _submit(
    request: Request,
    uow: Uow,
    form: dict[str, Any],
    action: Callable[[], object],
    success: str,
    page: Callable[[int, dict[str, Any]], Response],
) -> Response:
    """Run a form's use case through the shared form runner; a refusal shows the page again with what the user
    typed, the problems in plain words and, for the fields the form marks, which field each concerns."""

    def again(errors: FormErrors) -> Response:
        marked = [f"{name}: {message}" for name, messages in errors.fields.items() for message in messages]
        details = marked + errors.listed() if errors.fields else errors.listed()
        return page(errors.status, {"error": errors.summary() if errors.fields else errors.general[0],
                                    "details": details[1:] if not errors.fields else details,
                                    "form": form, "field_errors": errors.fields})  # fmt: skip

    return run_form(uow, action, fields=form, done=lambda _: see_other(success), again=again, passing=())


# --- register and heat maps -----------------------------------------------------------------------


@router.get("/risk", response_class=HTMLResponse)
def register_page(
    request: Request, uow: Uow, actor: CurrentActor, query: Annotated[RegisterQuery, Query()]
) -> Response:
    page = service.register(uow, actor, query)
    context = _context(
        request,
        uow,
        actor,
        page=page,
        query=query,
        links=urlencode(query.link_params()),
        domains=[d.value for d in RiskDomain],
        statuses=[s.value for s in RiskStatus],
    )
    return render(request, "risk/register.html", context)


@router.get("/risk/export.{fmt}")
def export(uow: Uow, actor: CurrentActor, fmt: str, query: Annotated[RegisterQuery, Query()]) -> Response:
    return download(*service.export_register(uow, actor, fmt, query))


@router.get("/risk/heatmap", response_class=HTMLResponse)
def heat_map_page(request: Request, uow: Uow, actor: CurrentActor, matrix: str = "", domain: str = "") -> Response:
    maps = service.heat_maps(uow, actor, matrix_id=matrix or None, domain_name=domain or None)
    context = _context(
        request,
        uow,
        actor,
        maps=maps,
        matrices=service.matrix_options(uow, actor),
        domains=[d.value for d in RiskDomain],
        query={"matrix": matrix, "domain": domain},
    )
    return render(request, "risk/heatmap.html", context)


@router.get("/risk/treatment", response_class=HTMLResponse)
def treatment_page(request: Request, uow: Uow, actor: CurrentActor, overdue: bool = False) -> Response:
    actions = service.treatment_plan(uow, actor, overdue_only=overdue)
    context = _context(request, uow, actor, actions=actions, overdue_only=overdue)
    return render(request, "risk/treatment.html", context)


# --- new risk -------------------------------------------------------------------------------------


def _choices(uow: Uow, actor: CurrentActor) -> dict[str, Any]:
    return {
        "domains": [d.value for d in RiskDomain],
        "approaches": [a.value for a in Approach],
        "threats": service.list_threats(uow, actor),
        "assets": service.list_assets(uow, actor),
        "controls": service.control_choices(uow, actor),
        "products": [p.key for p in org_service.list_products(uow, actor)],
        "domain_matrices": service.domain_matrices(uow, actor),
    }


def _new_page(request: Request, uow: Uow, actor: CurrentActor, status_code: int = 200, **extra: Any) -> Response:
    context = _context(request, uow, actor, **_choices(uow, actor), **extra)
    context["form"] = context["form"] or {"owner": actor.username, "approach": "event", "domain": "security"}
    return render(request, "risk/new.html", context, status_code)


@router.get("/risk/new", response_class=HTMLResponse)
def new_risk_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _new_page(request, uow, actor)


def _risk_fields(form: dict[str, Any]) -> dict[str, Any]:
    links = [part.strip() for part in form.get("linked_requirements", "").replace(",", "\n").splitlines()]
    return {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "threat": form.get("threat", ""),
        "vulnerabilities": form.get("vulnerabilities", ""),
        "existing_controls": form.get("existing_controls", ""),
        "product": _blank_to_none(form.get("product")),
        "owner": _blank_to_none(form.get("owner")),
        "linked_requirements": [link for link in links if link],
        **{name: form.get(name, []) for name in MULTI_SELECTS},
    }


@router.post("/risk/new", response_class=HTMLResponse)
async def create_risk(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    form = _risk_form(await _read_form(request))
    created: list[str] = []

    def action() -> None:
        data = RiskCreate(
            **_risk_fields(form),
            domain=form.get("domain", ""),
            approach=form.get("approach", "event"),
            **{kind: _rating(form, kind) for kind in ("inherent", "current", "residual")},
        )
        created.append(f"R-{service.create_risk(uow, actor, data).number:04d}")

    def page(status_code: int, extra: dict[str, Any]) -> Response:
        return _new_page(request, uow, actor, status_code, **extra)

    return await run_in_threadpool(_create_and_redirect, request, uow, form, action, created, page)


def _create_and_redirect(
    request: Request,
    uow: Uow,
    form: dict[str, Any],
    action: Callable[[], None],
    created: list[str],
    page: Callable[[int, dict[str, Any]], Response],
) -> Response:
    response = _submit(request, uow, form, action, "/risk", page)
    if created and isinstance(response, RedirectResponse):
        return RedirectResponse(f"/risk/{created[0]}?done=created", status_code=303)
    return response


# --- treatment plan, Mosca, assets, matrices, threats ---------------------------------------------


def _mosca_page(request: Request, uow: Uow, actor: CurrentActor, status_code: int = 200, **extra: Any) -> Response:
    report = service.mosca_report(uow, actor)
    charts = {
        dc.key: mosca_svg(dc, report.scenarios, start_year=report.as_of.year, basis=report.basis)
        for dc in report.data_classes
    }
    context = _context(
        request,
        uow,
        actor,
        report=report,
        charts=charts,
        data_classes=service.list_data_classes(uow, actor),
        assets=service.list_assets(uow, actor),
        sensitivities=[s.value for s in Sensitivity],
        **extra,
    )
    return render(request, "risk/mosca.html", context, status_code)


@router.get("/risk/mosca", response_class=HTMLResponse)
def mosca_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _mosca_page(request, uow, actor)


MOSCA_ACTIONS: dict[str, Callable[[Uow, CurrentActor, dict[str, str]], object]] = {
    "data-class": lambda uow, actor, f: service.create_data_class(
        uow,
        actor,
        DataClassCreate(
            key=f.get("key", ""),
            name=f.get("name", ""),
            shelf_life_years=f.get("shelf_life_years", ""),
            sensitivity=f.get("sensitivity", ""),
            owner=_blank_to_none(f.get("owner")),
            description=f.get("description", ""),
        ),
    ),
    "shelf-life": lambda uow, actor, f: service.update_data_class(
        uow, actor, f.get("data_class", ""), DataClassUpdate(shelf_life_years=f.get("shelf_life_years", ""))
    ),
    "exposure": lambda uow, actor, f: service.add_exposure(
        uow,
        actor,
        ExposureCreate(
            data_class=f.get("data_class", ""),
            system=f.get("system", ""),
            migration_years=_blank_to_none(f.get("migration_years")),
        ),
    ),
    "years": lambda uow, actor, f: service.set_migration_years(
        uow, actor, system=f.get("system", ""), years=f.get("years", ""), source="entered"
    ),
    "basis": lambda uow, actor, f: service.set_mosca_basis(uow, actor, f.get("scenario", "")),
}
MOSCA_NOTICES = {"data-class": "data-class", "shelf-life": "data-class", "exposure": "exposure", "years": "years"}


@router.post("/risk/mosca/{what}", response_class=HTMLResponse)
async def mosca_change(request: Request, uow: Uow, actor: CurrentActor, what: str) -> Response:
    form = _fields(await _read_form(request))
    change = MOSCA_ACTIONS.get(what)
    if change is None:
        return _mosca_page(request, uow, actor, 404, error=f"unknown Mosca input '{what}'")
    success = f"/risk/mosca?done={MOSCA_NOTICES.get(what, what)}"
    return await run_in_threadpool(
        _submit,
        request,
        uow,
        {**form, "what": what},
        lambda: change(uow, actor, form),
        success,
        lambda code, extra: _mosca_page(request, uow, actor, code, **extra),
    )


def _assets_page(request: Request, uow: Uow, actor: CurrentActor, status_code: int = 200, **extra: Any) -> Response:
    context = _context(
        request,
        uow,
        actor,
        assets=service.list_assets(uow, actor),
        kinds=[k.value for k in AssetKind],
        products=[p.key for p in org_service.list_products(uow, actor)],
        **extra,
    )
    return render(request, "risk/assets.html", context, status_code)


@router.get("/risk/assets", response_class=HTMLResponse)
def assets_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _assets_page(request, uow, actor)


@router.post("/risk/assets", response_class=HTMLResponse)
async def add_asset(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    form = _fields(await _read_form(request))

    def action() -> None:
        service.create_asset(uow, actor, AssetCreate(**{**form, "product": _blank_to_none(form.get("product"))}))

    return await run_in_threadpool(
        _submit,
        request,
        uow,
        form,
        action,
        "/risk/assets?done=asset",
        lambda code, extra: _assets_page(request, uow, actor, code, **extra),
    )


def _matrices_page(request: Request, uow: Uow, actor: CurrentActor, status_code: int = 200, **extra: Any) -> Response:
    context = _context(
        request,
        uow,
        actor,
        matrices=service.list_matrices(uow, actor),
        domain_matrices=service.domain_matrices(uow, actor),
        **extra,
    )
    return render(request, "risk/matrices.html", context, status_code)


@router.get("/risk/matrices", response_class=HTMLResponse)
def matrices_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _matrices_page(request, uow, actor)


@router.post("/risk/matrices", response_class=HTMLResponse)
async def choose_matrix(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    form = _fields(await _read_form(request))
    return await run_in_threadpool(
        _submit,
        request,
        uow,
        form,
        lambda: service.choose_matrix(uow, actor, form.get("domain", ""), form.get("matrix", "")),
        "/risk/matrices?done=matrix",
        lambda code, extra: _matrices_page(request, uow, actor, code, **extra),
    )


@router.get("/risk/threats", response_class=HTMLResponse)
def threats_page(request: Request, uow: Uow, actor: CurrentActor, category: str = "") -> Response:
    threats = service.list_threats(uow, actor, category=category or None)
    return render(request, "risk/threats.html", _context(request, uow, actor, threats=threats, category=category))


# --- one risk -------------------------------------------------------------------------------------


def _risk_page(
    request: Request, uow: Uow, actor: CurrentActor, ref: str, status_code: int = 200, **extra: Any
) -> Response:
    risk = service.get_risk(uow, actor, ref)
    context = _context(
        request,
        uow,
        actor,
        risk=risk,
        **_choices(uow, actor),
        options=[o.value for o in TreatmentOption],
        action_rows=range(ACTION_ROWS),
        assessments=service.assessment_history(uow, actor, ref),
        history=trail_service.history(uow, actor, "risk", service.risk_id(uow, actor, ref), limit=30)
        if can(actor, Permission.TRAIL_READ)
        else None,
        **extra,
    )
    return render(request, "risk/detail.html", context, status_code)


@router.get("/risk/{ref}", response_class=HTMLResponse)
def risk_page(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    return _risk_page(request, uow, actor, ref)


def _treatment(form: dict[str, str]) -> TreatmentIn:
    """The plan's action rows; a row left entirely blank is not an action."""
    actions = []
    for index in range(ACTION_ROWS):
        row = {name: (form.get(f"action{index}_{name}") or "").strip() for name in ("title", "owner", "due_date")}
        if any(row.values()):
            actions.append(ActionIn(**{**row, "due_date": row["due_date"] or None}))
    return TreatmentIn(option=form.get("option", ""), plan=form.get("plan", ""), actions=actions)


RISK_ACTIONS: dict[str, Callable[[Uow, CurrentActor, str, dict[str, Any]], object]] = {
    "assess": lambda uow, actor, ref, f: service.assess_risk(
        uow,
        actor,
        ref,
        AssessmentIn(**{k: _rating(f, k) for k in ("inherent", "current", "residual")}, note=f.get("note", "")),
    ),
    "treat": lambda uow, actor, ref, f: service.treat_risk(uow, actor, ref, _treatment(f)),
    "accept": lambda uow, actor, ref, f: service.accept_risk(
        uow,
        actor,
        ref,
        AcceptanceIn(
            password=f.get("password", ""),
            justification=f.get("justification", ""),
            expires_on=_blank_to_none(f.get("expires_on")),
        ),
    ),
    "edit": lambda uow, actor, ref, f: service.update_risk(uow, actor, ref, RiskUpdate(**_risk_fields(f))),
}
RISK_NOTICES = {"assess": "assessed", "treat": "treated", "accept": "accepted", "edit": "updated"}


@router.post("/risk/{ref}/{what}", response_class=HTMLResponse)
async def change_risk(request: Request, uow: Uow, actor: CurrentActor, ref: str, what: str) -> Response:
    form = _risk_form(await _read_form(request))
    change = RISK_ACTIONS.get(what)
    if change is None:
        return _risk_page(request, uow, actor, ref, 404, error=f"unknown change '{what}'")
    kept = {key: value for key, value in form.items() if key != "password"}  # never echo a password back
    return await run_in_threadpool(
        _submit,
        request,
        uow,
        {**kept, "what": what},
        lambda: change(uow, actor, ref, form),
        f"/risk/{ref}?done={RISK_NOTICES[what]}",
        lambda code, extra: _risk_page(request, uow, actor, ref, code, **extra),
    )


@router.post("/risk/{ref}/actions/{action_id}/close", response_class=HTMLResponse)
async def close_action(request: Request, uow: Uow, actor: CurrentActor, ref: str, action_id: RecordId) -> Response:
    form = _fields(await _read_form(request))
    data = {"note": form.get("note", ""), "residual": _rating(form, "residual")}
    return await run_in_threadpool(
        _submit,
        request,
        uow,
        {**form, "what": f"close{action_id}"},
        lambda: service.close_action(uow, actor, action_id, ActionClose(**data)),
        f"/risk/{ref}?done=closed",
        lambda code, extra: _risk_page(request, uow, actor, ref, code, **extra),
    )


def risks_treating_controls(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> Panel:
    """The catalogue's control page shows, per control, the risks it treats."""
    treated = service.risks_treated_by_controls(uow, actor)
    return Panel(
        "Treats",
        {
            key: [
                RelatedLink(
                    r.ref,
                    f"/risk/{r.ref}",
                    f"{r.title} ({r.status}{', ' + r.current.level_label if r.current else ''})",
                )
                for r in treated.get(key, [])
            ]
            for key in keys
        },
    )
