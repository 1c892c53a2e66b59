"""ELSPI pages: the list of assessments, the assessment wizard (every answer saved as it is given, resumed on
return), sign-offs, and red-line hits with their signed clearances; panels on a product's page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from qtqms.db.uow import UnitOfWork
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.forms import FormErrors, FormState, run_form, see_other
from qtqms.kit.web.related import Panel, RelatedLink
from qtqms.kit.web.templating import render
from qtqms.lifecycle.elspi import service
from qtqms.lifecycle.elspi.packs import question_bank, red_lines
from qtqms.lifecycle.elspi.schemas import AnswerIn, AssessmentQuery, HitQuery, RedLineHitIn
from qtqms.lifecycle.products import service as products
from qtqms.lifecycle.products.schemas import ProductQuery

router = APIRouter()


@router.get("/lifecycle/elspi", response_class=HTMLResponse)
def assessments_page(
    request: Request, uow: Uow, actor: CurrentActor, query: Annotated[AssessmentQuery, Query()]
) -> Response:
    context = {
        "found": service.list_assessments(uow, actor, query),
        "query": query,
        "products": products.list_products(uow, actor, ProductQuery(limit=200)).rows,
        "editable": can(actor, Permission.ELSPI_EDIT),
        "bank": question_bank(),
    }
    return render(request, "lifecycle/elspi_list.html", context)


@router.post("/lifecycle/products/{key}/elspi", response_class=HTMLResponse)
def start(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    found = service.start_assessment(uow, actor, key)
    return see_other(f"/lifecycle/elspi/{found.ref}", f"{found.ref} started: answers are saved as you go")


def _page(
    request: Request, uow: Uow, actor: Actor, ref: str, form: FormState | None = None, status_code: int = 200
) -> Response:
    found = service.get_assessment(uow, actor, ref)
    values = {a.question: ("na" if a.score is None else a.score) for a in found.answers if a.answered}
    context: dict[str, Any] = {
        "a": found,
        "form": form or FormState(values),
        "dimensions": question_bank().dimensions,
        "editable": can(actor, Permission.ELSPI_EDIT) and found.status == "draft",
        "may_sign": found.status == "completed" and actor.role in found.missing_roles,
    }
    return render(request, "lifecycle/elspi.html", context, status_code)


@router.get("/lifecycle/elspi/{ref}", response_class=HTMLResponse)
def assessment_page(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    return _page(request, uow, actor, ref)


def _answers(form: dict[str, str]) -> list[AnswerIn]:
    given = []
    for question, value in form.items():
        if value == "" or question in ("csrf_token", "then"):
            continue
        score: int | None = None if value == "na" else int(value) if value.lstrip("-").isdigit() else -1
        given.append(AnswerIn(question=question, score=score))
    return given


@router.post("/lifecycle/elspi/{ref}/answers", response_class=HTMLResponse)
async def save_answers(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    return await run_in_threadpool(_save, request, uow, actor, ref, form)


def _save(request: Request, uow: Uow, actor: Actor, ref: str, form: dict[str, str]) -> Response:
    def use_case():
        answers = _answers(form)
        if answers:
            service.answer(uow, actor, ref, answers)
        return service.complete(uow, actor, ref) if form.get("then") == "complete" else None

    return run_form(
        uow,
        use_case,
        fields=list(form),
        done=lambda done: see_other(
            f"/lifecycle/elspi/{ref}", "assessment completed and scored" if done else "answers saved"
        ),
        again=lambda errors: _page(request, uow, actor, ref, FormState(form, errors), errors.status),
    )


@router.post("/lifecycle/elspi/{ref}/sign", response_class=HTMLResponse)
def sign(request: Request, uow: Uow, actor: CurrentActor, ref: str, password: Annotated[str, Form()] = "") -> Response:
    return run_form(
        uow,
        lambda: service.sign_off(uow, actor, ref, password),
        fields=["password"],
        done=lambda a: see_other(f"/lifecycle/elspi/{ref}", f"signed; {a.ref} is {a.status}"),
        again=lambda errors: _page(request, uow, actor, ref, FormState({}, errors), errors.status),
    )


@router.post("/lifecycle/elspi/{ref}/rescore", response_class=HTMLResponse)
def rescore(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    found = service.rescore(uow, actor, ref)
    return see_other(f"/lifecycle/elspi/{found.ref}", f"{found.ref} started from {ref} under the bank in force")


# ---- red lines ---------------------------------------------------------------------------------------------


def _hits_page(
    request: Request, uow: Uow, actor: Actor, query: HitQuery, form: FormState | None = None, status_code: int = 200
) -> Response:
    context = {
        "found": service.list_hits(uow, actor, query),
        "query": query,
        "pack": red_lines(),
        "products": products.list_products(uow, actor, ProductQuery(limit=200)).rows,
        "editable": can(actor, Permission.ELSPI_EDIT) or can(actor, Permission.LIFECYCLE_EDIT),
        "form": form or FormState({"product": query.product or ""}),
    }
    return render(request, "lifecycle/red_lines.html", context, status_code)


@router.get("/lifecycle/red-lines", response_class=HTMLResponse)
def hits_page(request: Request, uow: Uow, actor: CurrentActor, query: Annotated[HitQuery, Query()]) -> Response:
    return _hits_page(request, uow, actor, query)


@router.post("/lifecycle/red-lines", response_class=HTMLResponse)
def raise_hit(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    product: Annotated[str, Form()] = "",
    red_line: Annotated[str, Form()] = "",
    use_case: Annotated[str, Form()] = "",
) -> Response:
    typed = {"product": product, "red_line": red_line, "use_case": use_case}
    return run_form(
        uow,
        lambda: service.raise_red_line(uow, actor, product, RedLineHitIn(red_line=red_line, use_case=use_case)),
        fields=list(typed),
        done=lambda hit: see_other(f"/lifecycle/red-lines/{hit.id}", f"red-line hit {hit.id} recorded and escalated"),
        again=lambda errors: _hits_page(request, uow, actor, HitQuery(), FormState(typed, errors), errors.status),
    )


def _hit_page(
    request: Request, uow: Uow, actor: Actor, hit_id: RecordId, form: FormState | None = None, status_code: int = 200
) -> Response:
    hit = service.get_hit(uow, actor, hit_id)
    context = {
        "hit": hit,
        "form": form or FormState(),
        "may_clear": hit.status == "open" and actor.role in hit.missing_roles,
    }
    return render(request, "lifecycle/red_line.html", context, status_code)


@router.get("/lifecycle/red-lines/{hit_id}", response_class=HTMLResponse)
def hit_page(request: Request, uow: Uow, actor: CurrentActor, hit_id: RecordId) -> Response:
    return _hit_page(request, uow, actor, hit_id)


@router.post("/lifecycle/red-lines/{hit_id}/clear", response_class=HTMLResponse)
def clear(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    hit_id: RecordId,
    password: Annotated[str, Form()] = "",
    justification: Annotated[str, Form()] = "",
) -> Response:
    def again(errors: FormErrors) -> Response:
        return _hit_page(
            request, uow, actor, hit_id, FormState({"justification": justification}, errors), errors.status
        )

    return run_form(
        uow,
        lambda: service.clear_red_line(uow, actor, hit_id, password, justification),
        fields=["password", "justification"],
        done=lambda hit: see_other(f"/lifecycle/red-lines/{hit_id}", f"clearance signed; the hit is {hit.status}"),
        again=again,
    )


def elspi_panel(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> Panel:
    """The product page's ELSPI card: the newest assessment with its level and status, and every open red-line
    hit (each blocks every gate)."""
    profiles = products.profiles(uow, actor, keys)
    ids = [p.id for p in profiles.values()]
    newest, hits = service.latest(uow, actor, ids), service.open_hits(uow, actor, ids)
    links = {}
    for key, profile in profiles.items():
        found = newest.get(profile.id)
        links[key] = (
            []
            if found is None
            else [
                RelatedLink(found.ref, f"/lifecycle/elspi/{found.ref}", f"level {found.level or '-'}, {found.status}")
            ]
        )
        links[key] += [
            RelatedLink(f"{h.red_line} hit {h.id}", f"/lifecycle/red-lines/{h.id}", "red line: blocks every gate")
            for h in hits[profile.id]
        ]
    return Panel("ELSPI and red lines", links)
