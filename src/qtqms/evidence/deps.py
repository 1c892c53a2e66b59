"""What the web entry points that take or hand out evidence share, this slice's and the catalogue's alike: reading
a file or a URL from a request, and a download that records a refused file in the trail before refusing it."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date

from fastapi import Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from qtqms.db.runtime import get_engine
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import service
from qtqms.evidence.domain import EvidenceAltered
from qtqms.evidence.schemas import EvidenceDates, EvidenceLinkCreate, EvidenceRead
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.kit.web.downloads import streamed_download
from qtqms.kit.web.errors import ErrorResponse

DOWNLOAD_RESPONSES: dict[int | str, dict] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The file as uploaded, checked first"},
    409: {"model": ErrorResponse, "description": "The kept file no longer matches its recorded hash "
          "(code `evidence_altered`): it is not served, and the refusal is in the audit trail"},
}  # fmt: skip


def json_upload_doc(model: type[BaseModel]) -> dict:
    """The API's evidence routes take JSON (a URL) or multipart/form-data (a file); FastAPI documents the form,
    this adds the JSON."""
    return {
        "requestBody": {"content": {"application/json": {"schema": model.model_json_schema()}}},
        "description": "JSON adds a URL. A multipart form uploads a file, kept by its SHA-256 (at most 25 MiB); "
        "`title` defaults to the file name.",
    }


def json_body(body: bytes, model: type[BaseModel]):
    """What FastAPI does for a declared JSON body, for the routes that also take a form."""
    try:
        return model.model_validate_json(body or b"null")
    except ValidationError as error:
        raise _as_request_error(error) from None


def body_of(model: type[BaseModel], fields: dict):
    """Form fields as a schema; refused like a declared body, each problem located in the body."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        raise _as_request_error(error) from None


def _as_request_error(error: ValidationError) -> RequestValidationError:
    return RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()])


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def add_upload(
    uow: UnitOfWork,
    actor: Actor,
    subject: tuple[str, str],
    file: UploadFile,
    title: str,
    valid_from: date | None,
    valid_until: date | None,
) -> EvidenceRead:
    """Keep an uploaded file (read from the request's spooled copy, not into memory) as the subject's evidence."""
    name = file.filename or "upload"
    return await run_in_threadpool(service.add_file, uow, actor, *subject, title=title, filename=name,
                                   content=file.file, valid_from=valid_from, valid_until=valid_until)  # fmt: skip


async def add_link(uow: UnitOfWork, actor: Actor, subject: tuple[str, str], link: EvidenceLinkCreate) -> EvidenceRead:
    return await run_in_threadpool(service.add_url, uow, actor, *subject, title=link.title, url=str(link.url),
                                   valid_from=link.valid_from, valid_until=link.valid_until)  # fmt: skip


def no_file_part() -> InvalidInput:
    return InvalidInput("a multipart upload needs a 'file' part", [Problem("required", "body", "file")])


FORM_FIELDS = ("title", "url", "valid_from", "valid_until")


def form_fields(form: Mapping) -> dict[str, str]:
    """The evidence form's text fields as typed, to show again when the input is refused."""
    return {name: str(form.get(name, "") or "") for name in FORM_FIELDS}


def attach_from_form(
    uow: UnitOfWork, actor: Actor, subject: tuple[str, str], fields: dict[str, str], upload: UploadFile | None
) -> EvidenceRead:
    """An HTML form's evidence: the file when one was chosen, else the URL; run in a worker thread."""
    dates = EvidenceDates(valid_from=fields["valid_from"] or None, valid_until=fields["valid_until"] or None)
    if upload is not None and upload.filename:
        return service.add_file(uow, actor, *subject, title=fields["title"], filename=upload.filename,
                                content=upload.file, **dates.model_dump())  # fmt: skip
    link = EvidenceLinkCreate(title=fields["title"], url=fields["url"], **dates.model_dump())
    return service.add_url(uow, actor, *subject, title=link.title, url=str(link.url), **dates.model_dump())


def record_refusal(actor: Actor, refusal: EvidenceAltered, request_id: str = "") -> None:
    """The refusal goes to the trail in a short transaction of its own: the request's is a read, and it is
    rolled back by the refusal."""
    with UnitOfWork(get_engine(), write=True, actor=actor, request_id=request_id) as uow:
        service.record_failed_checks(uow, actor, [service.refused(refusal)])
        uow.commit()


def download(request: Request, uow: UnitOfWork, actor: Actor, evidence_id: int) -> Response:
    """The evidence file as an attachment, once it has matched its recorded hash; EvidenceAltered, recorded in the
    trail, when it does not. `Repr-Digest` (RFC 9530) lets the client check what it received too."""
    try:
        found = service.open_file(uow, actor, evidence_id)
    except EvidenceAltered as refusal:
        record_refusal(actor, refusal, getattr(request.state, "request_id", ""))
        raise
    digest = base64.b64encode(bytes.fromhex(found.copy.sha256)).decode()
    return streamed_download(found.copy.chunks(), found.copy.size, found.filename, "evidence",
                             {"Repr-Digest": f"sha-256=:{digest}:"})  # fmt: skip
