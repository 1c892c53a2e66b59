"""The organisation page: scope statement, sites, products, exclusions and jurisdictions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from qtqms.identity.deps import CurrentActor
from qtqms.kernel.errors import NotFound
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.forms import FormErrors, FormState, run_form, see_other
from qtqms.kit.web.templating import render
from qtqms.org import service
from qtqms.org.domain import Technology
from qtqms.org.schemas import ExclusionCreate, JurisdictionCreate, OrganisationUpdate, ProductCreate, SiteCreate
from qtqms.trail import service as trail_service

router = APIRouter()

ADDERS = {
    "site": (SiteCreate, service.add_site),
    "product": (ProductCreate, service.add_product),
    "exclusion": (ExclusionCreate, service.add_exclusion),
    "jurisdiction": (JurisdictionCreate, service.add_jurisdiction),
}


def _page(request: Request, uow: Uow, actor: CurrentActor, status_code: int = 200, **extra: object) -> Response:
    scope = service.get_scope(uow, actor)
    context = {
        "scope": scope,
        "is_demo": scope.organisation.is_demo,
        "technologies": [t.value for t in Technology],
        "history": trail_service.history(uow, actor, "organisation", scope.organisation.id, limit=20),
        **extra,
        "forms": {kind: FormState() for kind in (*ADDERS, "statement")} | extra.get("forms", {}),
    }
    return render(request, "org/scope.html", context, status_code)


@router.get("/org", response_class=HTMLResponse)
def scope_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _page(request, uow, actor)


@router.post("/org/statement", response_class=HTMLResponse)
def update_statement(
    request: Request, uow: Uow, actor: CurrentActor, scope_statement: Annotated[str, Form()] = ""
) -> Response:
    typed = {"scope_statement": scope_statement}
    return run_form(
        uow,
        lambda: service.update_organisation(uow, actor, OrganisationUpdate(**typed)),
        fields=typed,
        done=lambda _: see_other("/org", "scope statement saved"),
        again=lambda errors: _refused(request, uow, actor, "statement", typed, errors),
    )


@router.post("/org/{kind}", response_class=HTMLResponse)
async def add_item(request: Request, uow: Uow, actor: CurrentActor, kind: str) -> Response:
    # Each kind has its own fields, so the form is read whole and validated by that kind's schema.
    form = {key: value for key, value in (await request.form()).items() if key != "csrf_token"}
    return await run_in_threadpool(_add, request, uow, actor, _known_kind(kind), form)


def _add(request: Request, uow: Uow, actor: CurrentActor, kind: str, form: dict) -> Response:
    schema, add = ADDERS[kind]
    return run_form(
        uow,
        lambda: add(uow, actor, schema(**{key: _coerce(value) for key, value in form.items()})),
        fields=schema.model_fields,
        done=lambda _: see_other("/org", f"{kind} added"),
        again=lambda errors: _refused(request, uow, actor, kind, form, errors),
    )


def _refused(request: Request, uow: Uow, actor: CurrentActor, kind: str, typed: dict, errors: FormErrors) -> Response:
    return _page(request, uow, actor, errors.status, forms={kind: FormState(typed, errors)}, open_form=kind)


def _known_kind(kind: str) -> str:
    if kind not in ADDERS:
        raise NotFound(f"unknown scope item '{kind}'")
    return kind


def _coerce(value: object) -> object:
    return True if value == "true" else value


@router.post("/org/{kind}/{item_id}/delete", response_class=HTMLResponse)
def remove_item(request: Request, uow: Uow, actor: CurrentActor, kind: str, item_id: RecordId) -> Response:
    service.remove_scope_item(uow, actor, _known_kind(kind), item_id)
    return see_other("/org", f"{kind} removed")
