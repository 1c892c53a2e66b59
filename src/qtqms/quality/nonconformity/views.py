"""Nonconformity pages: the list, raising one, and one nonconformity with its CAPA forms."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from qtqms.db.uow import UnitOfWork
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.downloads import download
from qtqms.kit.web.forms import FormState, run_form, see_other
from qtqms.kit.web.templating import render
from qtqms.org import service as org_service
from qtqms.quality.nonconformity import service
from qtqms.quality.nonconformity.domain import CAUSE_CATEGORIES, ActionKind, Severity, Source, Status
from qtqms.quality.nonconformity.schemas import (
    ActionDone,
    ActionIn,
    CheckIn,
    ClosureIn,
    InvestigationIn,
    NcStepIn,
    NonconformityCreate,
    NonconformityQuery,
)
from qtqms.trail import service as trail_service

router = APIRouter()
BASE = "/quality/nonconformities"
FORMS = ("investigation", "action", "done", "step", "check", "close")


def _names(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _choices(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    return {
        "sources": [s.value for s in Source],
        "severities": [s.value for s in Severity],
        "statuses": [s.value for s in Status],
        "action_kinds": [k.value for k in ActionKind],
        "cause_categories": CAUSE_CATEGORIES,
        "products": [p.key for p in org_service.list_products(uow, actor)],
    }


@router.get(BASE, response_class=HTMLResponse)
def list_page(
    request: Request, uow: Uow, actor: CurrentActor, query: Annotated[NonconformityQuery, Query()]
) -> Response:
    page = service.list_nonconformities(uow, actor, query)
    context = {"page": page, "query": query, "links": urlencode(query.link_params()),
               "editable": can(actor, Permission.NONCONFORMITY_EDIT), **_choices(uow, actor)}  # fmt: skip
    return render(request, "quality/nonconformity/list.html", context)


@router.get(BASE + "/export.{fmt}")
def export(uow: Uow, actor: CurrentActor, fmt: str, query: Annotated[NonconformityQuery, Query()]) -> Response:
    return download(*service.export_nonconformities(uow, actor, fmt, query))


def _new_page(request: Request, uow: UnitOfWork, actor: Actor, state: FormState, status_code: int = 200) -> Response:
    return render(request, "quality/nonconformity/new.html", {"form": state, **_choices(uow, actor)}, status_code)


@router.get(BASE + "/new", response_class=HTMLResponse)
def new_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _new_page(request, uow, actor, FormState({"source": "incident", "severity": "minor"}))


async def _typed(request: Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items() if key != "csrf_token"}


@router.post(BASE + "/new", response_class=HTMLResponse)
async def create(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    typed = await _typed(request)

    def use_case():
        plain = ("title", "description", "source", "severity", "process", "containment")
        data = NonconformityCreate(
            **{key: typed.get(key, "") for key in plain},
            product=typed.get("product") or None, owner=typed.get("owner") or None,
            detected_on=typed.get("detected_on") or None,
            **{key: _names(typed.get(key, "")) for key in ("requirements", "documents", "risks")},
        )  # fmt: skip
        return service.raise_nonconformity(uow, actor, data)

    return await run_in_threadpool(
        run_form, uow, use_case, fields=NonconformityCreate.model_fields,
        done=lambda made: see_other(f"{BASE}/{made.ref}", f"{made.ref} raised"),
        again=lambda errors: _new_page(request, uow, actor, FormState(typed, errors), errors.status),
    )  # fmt: skip


def _page(
    request: Request, uow: UnitOfWork, actor: Actor, ref: str, *, status_code: int = 200,
    forms: dict[str, FormState] | None = None, open_form: str = "",
) -> Response:  # fmt: skip
    nc = service.get_nonconformity(uow, actor, ref)
    investigation = FormState(
        {
            "containment": nc.containment,
            "cause_method": nc.cause_method or "5 whys",
            "whys": "\n".join(nc.whys),
            "cause_categories": " ".join(nc.cause_categories),
            "root_cause": nc.root_cause,
            "effectiveness_criteria": nc.effectiveness_criteria,
        }
    )
    context = {
        "nc": nc,
        "forms": {name: FormState() for name in FORMS} | {"investigation": investigation} | (forms or {}),
        "open_form": open_form,
        "editable": can(actor, Permission.NONCONFORMITY_EDIT),
        "can_close": can(actor, Permission.NONCONFORMITY_CLOSE),
        "history": trail_service.history(
            uow, actor, "nonconformity", service.nonconformity_id(uow, actor, ref), limit=20
        ),  # fmt: skip
        **_choices(uow, actor),
    }
    return render(request, "quality/nonconformity/detail.html", context, status_code)


@router.get(BASE + "/{ref}", response_class=HTMLResponse)
def detail_page(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    return _page(request, uow, actor, ref)


def _post(
    request: Request, uow: UnitOfWork, actor: Actor, ref: str, name: str, typed: dict[str, str],
    use_case: Callable[[], object], notice: str, fields: Collection[str],
) -> Response:  # fmt: skip
    return run_form(
        uow, use_case, fields=fields, done=lambda _: see_other(f"{BASE}/{ref}", notice),
        again=lambda errors: _page(request, uow, actor, ref, status_code=errors.status,
                                   forms={name: FormState(typed, errors)}, open_form=name),
    )  # fmt: skip


@router.post(BASE + "/{ref}/investigation", response_class=HTMLResponse)
async def investigation(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)

    def use_case():
        data = InvestigationIn(
            containment=typed.get("containment"), cause_method=typed.get("cause_method") or None,
            whys=[line for line in typed.get("whys", "").splitlines() if line.strip()],
            cause_categories=_names(typed.get("cause_categories", "")), root_cause=typed.get("root_cause"),
            effectiveness_criteria=typed.get("effectiveness_criteria"), reason=typed.get("reason", ""),
        )  # fmt: skip
        return service.update_investigation(uow, actor, ref, data)

    return await run_in_threadpool(_post, request, uow, actor, ref, "investigation", typed, use_case,
                                   "analysis saved", InvestigationIn.model_fields)  # fmt: skip


@router.post(BASE + "/{ref}/actions", response_class=HTMLResponse)
async def add_action(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "action", typed,
        lambda: service.add_action(uow, actor, ref, ActionIn(**typed)), "action planned", ActionIn.model_fields,
    )  # fmt: skip


@router.post(BASE + "/{ref}/actions/{action_id}/done", response_class=HTMLResponse)
async def complete_action(request: Request, uow: Uow, actor: CurrentActor, ref: str, action_id: RecordId) -> Response:
    typed = await _typed(request)
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "done", typed,
        lambda: service.complete_action(uow, actor, action_id, ActionDone(outcome=typed.get("outcome", ""))),
        "action done", ("outcome",),
    )  # fmt: skip


@router.post(BASE + "/{ref}/steps", response_class=HTMLResponse)
async def take_step(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "step", typed,
        lambda: service.take_step(uow, actor, ref, NcStepIn(action=typed.get("action", ""),
                                                             reason=typed.get("reason", ""))),
        f"{ref}: {typed.get('action', '')} done", ("action", "reason"),
    )  # fmt: skip


@router.post(BASE + "/{ref}/check", response_class=HTMLResponse)
async def check(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)
    password = typed.pop("password", "")
    passed = typed.get("passed") == "true"
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "check", typed,
        lambda: service.check_effectiveness(uow, actor, ref, CheckIn(passed=passed, note=typed.get("note", ""),
                                                                     password=password)),
        "effectiveness check signed" + ("" if passed else ": it failed, so the actions start again"),
        CheckIn.model_fields,
    )  # fmt: skip


@router.post(BASE + "/{ref}/close", response_class=HTMLResponse)
async def close(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)
    password = typed.pop("password", "")
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "close", typed,
        lambda: service.close(uow, actor, ref, ClosureIn(password=password, comment=typed.get("comment", ""))),
        f"{ref} closed with your signature", ClosureIn.model_fields,
    )  # fmt: skip
