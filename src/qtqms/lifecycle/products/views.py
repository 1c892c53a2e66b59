"""Lifecycle product pages: the list of products in the lifecycle, and one product's page (its profile, typed
parameters, and the panels the other lifecycle sub-slices add: gate, ELSPI, red lines, export classification)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from qtqms.evidence import service as evidence_service
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.forms import FormErrors, FormState, run_form, see_other
from qtqms.kit.web.related import panels
from qtqms.kit.web.templating import render
from qtqms.lifecycle.products import service
from qtqms.lifecycle.products.domain import CustomerClass
from qtqms.lifecycle.products.packs import parameter_pack
from qtqms.lifecycle.products.schemas import ProductProfile, ProductQuery, ProfileUpdate

router = APIRouter()

# Panels other sub-slices add to a product's page (registered from their manifests).
PANEL_KIND = "lifecycle.product"
LINES = ("intended_uses", "intended_users", "foreseeable_misuses")
CODES = ("developed_in", "sold_in", "used_in", "customer_classes")


@router.get("/lifecycle/products", response_class=HTMLResponse)
def products_page(request: Request, uow: Uow, actor: CurrentActor, query: Annotated[ProductQuery, Query()]) -> Response:
    page = service.list_products(uow, actor, query)
    context = {
        "page_rows": page,
        "query": query,
        "waiting": service.not_enrolled(uow, actor),
        "editable": can(actor, Permission.LIFECYCLE_EDIT),
        "domains": parameter_pack().domains,
    }
    return render(request, "lifecycle/products.html", context)


@router.post("/lifecycle/products/{key}/enrol", response_class=HTMLResponse)
def enrol(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    service.enrol_product(uow, actor, key)
    return see_other(f"/lifecycle/products/{key}", f"{key} enrolled at S0 Conception")


def _values(profile: ProductProfile) -> dict[str, Any]:
    values: dict[str, Any] = {name: "\n".join(getattr(profile, name)) for name in LINES}
    values |= {name: ", ".join(getattr(profile, name)) for name in CODES}
    values |= {
        "domain": profile.domain,
        "description": profile.description,
        "trl": profile.trl or "",
        "safety_critical": profile.safety_critical,
    }
    values |= {f"parameters.{p.name}": "" if p.value is None else p.value for p in profile.parameters}
    return values


def _page(
    request: Request, uow: Uow, actor: CurrentActor, key: str, form: FormState | None = None, status_code: int = 200
) -> Response:
    profile = service.get_profile(uow, actor, key)
    context = {
        "profile": profile,
        "form": form or FormState(_values(profile)),
        "editable": can(actor, Permission.LIFECYCLE_EDIT),
        "domains": [(d.id, d.title) for d in parameter_pack().domains],
        "customer_classes": [c.value for c in CustomerClass],
        "panels": panels(uow, actor, PANEL_KIND, [key]),
        "evidence": evidence_service.list_evidence(uow, actor, subject_type="product", subject_id=key),
    }
    return render(request, "lifecycle/product.html", context, status_code)


@router.get("/lifecycle/products/{key}", response_class=HTMLResponse)
def product_page(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    return _page(request, uow, actor, key)


def _update(form: dict[str, str]) -> ProfileUpdate:
    given: dict[str, Any] = {name: form.get(name, "").splitlines() for name in LINES}
    given |= {name: form.get(name, "").split(",") for name in CODES}
    given |= {"description": form.get("description", ""), "safety_critical": form.get("safety_critical") == "true"}
    if form.get("domain"):
        given["domain"] = form["domain"]
    if form.get("trl", "").strip():
        given["trl"] = form["trl"]
    given["parameters"] = {n.removeprefix("parameters."): v for n, v in form.items() if n.startswith("parameters.")}
    return ProfileUpdate(**given)


@router.post("/lifecycle/products/{key}", response_class=HTMLResponse)
async def update(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_save, request, uow, actor, key, form)


def _save(request: Request, uow: Uow, actor: CurrentActor, key: str, form: dict[str, str]) -> Response:
    def again(errors: FormErrors) -> Response:
        return _page(request, uow, actor, key, FormState(form, errors), errors.status)

    return run_form(
        uow,
        lambda: service.update_profile(uow, actor, key, _update(form)),
        fields=[*form, *ProfileUpdate.model_fields],
        done=lambda _: see_other(f"/lifecycle/products/{key}", "product profile saved"),
        again=again,
    )
