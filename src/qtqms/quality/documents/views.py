"""Document pages: the register, a new document, a document with its shown version, signatures and forms,
and the difference between two versions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from qtqms.db.uow import UnitOfWork
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, Role, can
from qtqms.kernel.refs import RequirementRef
from qtqms.kit.web.deps import MAX_RECORD_ID, RecordQuery, Uow
from qtqms.kit.web.downloads import download
from qtqms.kit.web.forms import FormErrors, FormState, run_form, see_other
from qtqms.kit.web.related import Panel, RelatedLink
from qtqms.kit.web.templating import render
from qtqms.quality.documents import service
from qtqms.quality.documents.domain import EVERYONE, DocumentKind, Part, VersionStatus
from qtqms.quality.documents.schemas import (
    DocumentCreate,
    DocumentQuery,
    DocumentRead,
    DraftChange,
    LinksIn,
    PeriodicReviewIn,
    StepIn,
)
from qtqms.trail import service as trail_service

router = APIRouter()
BASE = "/quality/documents"
FORMS = ("draft", "version", "step", "sign", "links", "review", "file", "acknowledge")
LATEST_FORMS = frozenset({"draft", "version", "step", "sign", "file"})


def _names(text: str) -> list[str]:
    """A form's list field: names separated by commas, spaces or new lines."""
    return [part for part in text.replace(",", " ").split() if part]


def _choices() -> dict[str, Any]:
    return {
        "kinds": [k.value for k in DocumentKind],
        "statuses": [s.value for s in VersionStatus],
        "roles": [EVERYONE, *(r.value for r in Role)],
    }


@router.get(BASE, response_class=HTMLResponse)
def register_page(
    request: Request, uow: Uow, actor: CurrentActor, query: Annotated[DocumentQuery, Query()]
) -> Response:
    page = service.list_documents(uow, actor, query)
    context = {"page": page, "query": query, "links": urlencode(query.link_params()),
               "editable": can(actor, Permission.DOCUMENT_EDIT), **_choices()}  # fmt: skip
    return render(request, "quality/documents/register.html", context)


@router.get(BASE + "/export.{fmt}")
def export(uow: Uow, actor: CurrentActor, fmt: str, query: Annotated[DocumentQuery, Query()]) -> Response:
    return download(*service.export_documents(uow, actor, fmt, query))


# --- a new document -----------------------------------------------------------------------------------


def _new_page(request: Request, state: FormState, status_code: int = 200) -> Response:
    return render(request, "quality/documents/new.html", {"form": state, **_choices()}, status_code)


@router.get(BASE + "/new", response_class=HTMLResponse)
def new_page(request: Request, actor: CurrentActor) -> Response:
    defaults = {"kind": "procedure", "review_interval_months": "12", "audience": "all"}
    return _new_page(request, FormState(defaults))


@router.post(BASE + "/new", response_class=HTMLResponse)
async def create(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    typed = {key: str(value) for key, value in (await request.form()).items() if key != "csrf_token"}
    return await run_in_threadpool(_create, request, uow, actor, typed)


def _create(request: Request, uow: UnitOfWork, actor: Actor, typed: dict[str, str]) -> Response:
    def use_case():
        data = DocumentCreate(
            **{key: typed.get(key, "") for key in ("kind", "title", "content", "change_reason")},
            review_interval_months=typed.get("review_interval_months") or 12,
            **{key: _names(typed.get(key, "")) for key in ("reviewers", "approvers", "audience", "requirements",
                                                            "controls")},
        )  # fmt: skip
        return service.create_document(uow, actor, data)

    return run_form(
        uow,
        use_case,
        fields=DocumentCreate.model_fields,
        done=lambda made: see_other(f"{BASE}/{made.ref}", f"{made.ref} written as a draft"),
        again=lambda errors: _new_page(request, FormState(typed, errors), errors.status),
    )


# --- one document ---------------------------------------------------------------------------------------


def _document_page(
    request: Request, uow: UnitOfWork, actor: Actor, ref: str, version: int | None = None, *, status_code: int = 200,
    forms: dict[str, FormState] | None = None, open_form: str = "",
) -> Response:  # fmt: skip
    document = service.get_document(uow, actor, ref, version)
    shown = document.shown
    mine = {(s.part, s.username): s for s in shown.sign_offs}
    defaults = {
        "draft": FormState({"title": shown.title, "content": shown.content, "change_reason": shown.change_reason,
                            "reviewers": " ".join(s.username for s in shown.sign_offs if s.part == Part.REVIEWER),
                            "approvers": " ".join(s.username for s in shown.sign_offs if s.part == Part.APPROVER)}),
        "links": FormState({"requirements": " ".join(document.requirements), "controls": " ".join(document.controls),
                            "audience": " ".join(document.audience),
                            "review_interval_months": str(document.review_interval_months)}),
    }  # fmt: skip
    context = {
        "document": document,
        "shown": shown,
        "forms": {name: FormState() for name in FORMS} | defaults | (forms or {}),
        "open_form": open_form,
        "editable": can(actor, Permission.DOCUMENT_EDIT),
        "can_sign": {part: (part.value, actor.username) in mine and not mine[(part.value, actor.username)].signed
                     for part in Part},
        "step_labels": {"submit": "Submit for review", "withdraw": "Withdraw to draft", "release": "Make effective",
                        "retire": "Retire (obsolete)", "discard": "Discard this version"},
        "history": trail_service.history(uow, actor, "document", service.document_id(uow, actor, ref), limit=20),
        **_choices(),
    }  # fmt: skip
    return render(request, "quality/documents/detail.html", context, status_code)


@router.get(BASE + "/{ref}", response_class=HTMLResponse)
def document_page(request: Request, uow: Uow, actor: CurrentActor, ref: str, version: RecordQuery = None) -> Response:
    return _document_page(request, uow, actor, ref, version)


def _post(
    request: Request, uow: UnitOfWork, actor: Actor, ref: str, name: str, typed: dict[str, str],
    use_case: Callable[[], object], notice: str, fields: Sequence[str],
) -> Response:  # fmt: skip
    return run_form(
        uow,
        use_case,
        fields=fields,
        done=lambda result: see_other(_shown_url(result), notice),
        again=lambda errors: _refused(request, uow, actor, ref, name, typed, errors),
    )


def _shown_url(result: object) -> str:
    """The page of the version a form acted on: the document's own page when that is its effective version."""
    document = cast(DocumentRead, result)
    version = document.shown.version
    query = f"?version={version}" if version != document.effective_version else ""
    return f"{BASE}/{document.ref}{query}"


def _refused(
    request: Request, uow: UnitOfWork, actor: Actor, ref: str, name: str, typed: dict[str, str], errors: FormErrors
) -> Response:
    # The forms of the workflow act on the latest version: show it again with the problems.
    latest = service.get_document(uow, actor, ref).latest_version if name in LATEST_FORMS else None
    return _document_page(request, uow, actor, ref, latest, status_code=errors.status,
                          forms={name: FormState(typed, errors)}, open_form=name)  # fmt: skip


async def _typed(request: Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items() if key != "csrf_token"}


def _draft_change(typed: dict[str, str], *, keep_content: bool = False) -> DraftChange:
    content = typed.get("content")
    return DraftChange(
        title=typed.get("title") or None,
        content=None if keep_content and not content else content,
        change_reason=typed.get("change_reason", ""),
        reviewers=_names(typed["reviewers"]) if "reviewers" in typed else None,
        approvers=_names(typed["approvers"]) if "approvers" in typed else None,
    )


@router.post(BASE + "/{ref}/draft", response_class=HTMLResponse)
async def edit_draft(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "draft", typed,
        lambda: service.edit_draft(uow, actor, ref, _draft_change(typed)), "draft saved", DraftChange.model_fields,
    )  # fmt: skip


@router.post(BASE + "/{ref}/versions", response_class=HTMLResponse)
async def new_version(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "version", typed,
        lambda: service.new_version(uow, actor, ref, _draft_change(typed, keep_content=True)),
        "new version started as a draft", DraftChange.model_fields,
    )  # fmt: skip


@router.post(BASE + "/{ref}/steps", response_class=HTMLResponse)
async def take_step(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)
    action = typed.get("action", "")
    notice = {"submit": "submitted for review", "withdraw": "withdrawn to draft", "release": "now effective",
              "retire": "retired", "discard": "version discarded"}.get(action, "done")  # fmt: skip
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "step", typed,
        lambda: service.take_step(uow, actor, ref, StepIn(action=action, reason=typed.get("reason", ""))),
        f"{ref} {notice}", ("action", "reason"),
    )  # fmt: skip


@router.post(BASE + "/{ref}/sign", response_class=HTMLResponse)
async def sign(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)
    part = Part.APPROVER if typed.get("part") == Part.APPROVER else Part.REVIEWER
    password = typed.pop("password", "")
    meaning = "approved" if part is Part.APPROVER else "reviewed"
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "sign", typed,
        lambda: service.sign_version(uow, actor, ref, part, password, typed.get("comment", "")),
        f"{ref} {meaning} with your signature", ("password", "comment"),
    )  # fmt: skip


@router.post(BASE + "/{ref}/acknowledge", response_class=HTMLResponse)
def acknowledge(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    return _post(request, uow, actor, ref, "acknowledge", {}, lambda: service.acknowledge(uow, actor, ref),
                 "read and understood: recorded", ())  # fmt: skip


@router.post(BASE + "/{ref}/periodic-review", response_class=HTMLResponse)
def periodic_review(
    request: Request, uow: Uow, actor: CurrentActor, ref: str, comment: Annotated[str, Form()] = ""
) -> Response:
    typed = {"comment": comment}
    return _post(request, uow, actor, ref, "review", typed,
                 lambda: service.confirm_periodic_review(uow, actor, ref, PeriodicReviewIn(comment=comment)),
                 "periodic review recorded", ("comment",))  # fmt: skip


@router.post(BASE + "/{ref}/links", response_class=HTMLResponse)
async def set_links(request: Request, uow: Uow, actor: CurrentActor, ref: str) -> Response:
    typed = await _typed(request)

    def use_case():
        data = LinksIn(requirements=_names(typed.get("requirements", "")), controls=_names(typed.get("controls", "")),
                       audience=_names(typed.get("audience", "")),
                       review_interval_months=typed.get("review_interval_months") or None,
                       reason=typed.get("reason", ""))  # fmt: skip
        return service.set_links(uow, actor, ref, data)

    return await run_in_threadpool(_post, request, uow, actor, ref, "links", typed, use_case, "links saved",
                                   LinksIn.model_fields)  # fmt: skip


@router.post(BASE + "/{ref}/file", response_class=HTMLResponse)
async def attach_file(
    request: Request, uow: Uow, actor: CurrentActor, ref: str,
    file: Annotated[UploadFile, File()], change_reason: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    typed = {"change_reason": change_reason}
    return await run_in_threadpool(
        _post, request, uow, actor, ref, "file", typed,
        lambda: service.attach_file(uow, actor, ref, filename=file.filename or "", content=file.file,
                                    change_reason=change_reason),
        "file kept as the draft's content", ("file", "change_reason", "filename", "title"),
    )  # fmt: skip


@router.get(BASE + "/{ref}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request, uow: Uow, actor: CurrentActor, ref: str,
    old: Annotated[int | None, Query(alias="from", ge=1, le=MAX_RECORD_ID)] = None,
    new: Annotated[int | None, Query(alias="to", ge=1, le=MAX_RECORD_ID)] = None,
) -> Response:  # fmt: skip
    diff = service.diff_versions(uow, actor, ref, old, new)
    document = service.get_document(uow, actor, ref)
    return render(request, "quality/documents/diff.html", {"diff": diff, "document": document})


# --- the panel on the catalogue's controls page -----------------------------------------------------------------


def documents_serving_controls(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> Panel:
    found = service.documents_for_controls(uow, actor, keys)
    links = {key: [RelatedLink(d.ref, f"{BASE}/{d.ref}", f"{d.title} (v{d.version})") for d in docs]
             for key, docs in found.items()}  # fmt: skip
    return Panel("Documented by", links)


def documents_serving_requirements(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> Panel:
    """For a requirement page (keys "pack:REQ"): the effective, in-date documents that serve each."""
    refs = {key: RequirementRef.parse(key) for key in keys}
    found = service.documents_serving(uow, actor, list(refs.values()))
    links = {key: [RelatedLink(d.ref, f"{BASE}/{d.ref}", f"{d.title} (v{d.version})") for d in found[ref]]
             for key, ref in refs.items()}  # fmt: skip
    return Panel("Documented by", links)
