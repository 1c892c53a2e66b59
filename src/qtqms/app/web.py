"""The web application: REST API under /api/v1, HTML pages elsewhere."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qtqms import __version__
from qtqms.kernel.errors import TooLarge
from qtqms.kit import subjects
from qtqms.kit.slices import Slice, resolve
from qtqms.kit.web import errors, related, templating
from qtqms.kit.web.deps import check_csrf

# The largest upload a page takes (25 MiB of evidence) plus the form around it; anything bigger is refused
# before it is read, so a client cannot fill the disk or memory through a spooled request body.
MAX_REQUEST_BYTES = 26 * 1024 * 1024

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


class RequestContext:
    """Gives every request an id (the caller's X-Request-ID, else a random one) and every response the security
    headers, and refuses request bodies over MAX_REQUEST_BYTES. Plain ASGI: Starlette's BaseHTTPMiddleware copies
    each response through a stream and a task, which cost more than a small API call itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id", "")[:64] or secrets.token_hex(8)
        scope.setdefault("state", {}).update(request_id=request_id, actor=None)

        over_https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if over_https:
                    _secure_cookies(message)
            await send(message)

        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
            response = errors.error_response(Request(scope), 413, TooLarge.code, _too_large(), [])
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, _limited(receive), send_with_headers)


def _secure_cookies(message: Message) -> None:
    """Every cookie of a response over HTTPS is marked Secure, whatever QTQMS_SECURE_COOKIES says: the browser
    then never sends it over plain HTTP. Behind a proxy, `qtqms serve` takes the scheme from X-Forwarded-Proto
    when the proxy's address is trusted (uvicorn's --forwarded-allow-ips)."""
    message["headers"] = [
        (name, value + b"; Secure" if name == b"set-cookie" and b"secure" not in value.lower() else value)
        for name, value in message["headers"]
    ]


def _too_large() -> str:
    return f"the request body is larger than {MAX_REQUEST_BYTES // (1024 * 1024)} MiB"


def _limited(receive: Receive) -> Receive:
    """A body sent without a length (chunked) is counted as it arrives and stopped at the same limit."""
    received = 0

    async def receive_limited() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > MAX_REQUEST_BYTES:
            raise TooLarge(_too_large())
        return message

    return receive_limited


def create_app(slices: Sequence[Slice] | None = None) -> FastAPI:
    """The web application of these slices (by default every slice in `app.slices`), mounted from their manifests."""
    from qtqms.app import dashboard, health
    from qtqms.app.slices import NAVIGATION, SLICES

    mounted = tuple(SLICES if slices is None else slices)
    app = FastAPI(
        title="qtqms",
        version=__version__,
        description="REST API of the Quantum Technology Quality Management System. "
        "Authenticate with 'Authorization: Bearer <token>' (create one with 'qtqms token create').",
        dependencies=[Depends(check_csrf)],
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    errors.install(app)

    app.add_middleware(RequestContext)

    app.mount("/static", StaticFiles(directory=Path(templating.__file__).parent / "static"), name="static")
    app.include_router(health.router)
    app.include_router(dashboard.router, include_in_schema=False)
    for piece in mounted:
        if piece.api:
            app.include_router(resolve(piece.api))
        if piece.views:
            app.include_router(resolve(piece.views), include_in_schema=False)
        for subject_kind, provider in piece.related.items():
            related.register(subject_kind, resolve(provider))
    subjects.install(mounted)
    templating.configure(
        ["qtqms.app", *(piece.package for piece in mounted if piece.templates)],
        [*NAVIGATION, *(item for piece in mounted for item in piece.nav)],
    )
    return app
