"""One error shape for the API, one error page for the browser; never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from qtqms.kernel.errors import DomainError, NotAuthenticated, Problem

log = logging.getLogger("qtqms.web")


class ProblemOut(BaseModel):
    message: str
    where: str = ""
    field: str = ""


class ErrorBody(BaseModel):
    code: str
    message: str
    problems: list[ProblemOut] = []
    request_id: str = ""


class ErrorResponse(BaseModel):
    error: ErrorBody


ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)
ERROR_RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorResponse, "description": "Error"} for status in ERROR_STATUSES
}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def error_response(request: Request, status: int, code: str, message: str, problems: list[Problem]) -> Response:
    request_id = getattr(request.state, "request_id", "")
    if _wants_html(request):
        from qtqms.kit.web.templating import render

        if status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return render(
            request,
            "error.html",
            {"status": status, "message": message, "problems": problems, "request_id": request_id},
            status_code=status,
        )
    body = ErrorBody(
        code=code,
        message=message,
        problems=[ProblemOut(message=p.message, where=p.where, field=p.field) for p in problems],
        request_id=request_id,
    )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(ErrorResponse(error=body).model_dump(), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> Response:
        status = 401 if isinstance(error, NotAuthenticated) else error.http_status
        return error_response(request, status, error.code, error.message, error.problems)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        problems = [
            Problem(
                message=e["msg"], where=str(e["loc"][0]) if e["loc"] else "", field=".".join(map(str, e["loc"][1:]))
            )
            for e in error.errors()
        ]
        malformed = any(e.get("type") == "json_invalid" for e in error.errors())
        status, code = (400, "malformed_body") if malformed else (422, "invalid_input")
        summary = "; ".join(str(p) for p in problems[:3]) or "invalid input"
        return error_response(request, status, code, summary, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        if isinstance(error.__cause__, DomainError):  # FastAPI wraps errors raised while it reads the body
            return await _domain(request, error.__cause__)
        message = "no such page" if error.status_code == 404 else str(error.detail)
        return error_response(request, error.status_code, "http_error", message, [])

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal", "an unexpected error occurred; it has been logged", [])
