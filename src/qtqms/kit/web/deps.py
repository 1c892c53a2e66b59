"""Request-scoped dependencies: the unit of work and CSRF enforcement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from fastapi import Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from qtqms.db.runtime import get_engine
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import PermissionDenied
from qtqms.kit.web.security import CSRF_FIELD, CSRF_HEADER, LOGIN_PATH, SAFE_METHODS, SESSION_COOKIE, csrf_valid
from qtqms.settings import get_settings

_admitted: RunVar[anyio.Semaphore] = RunVar("qtqms_admitted")


def _admission() -> anyio.Semaphore:
    """How many requests may hold a unit of work at once in this event loop: one per pooled connection.

    The request threads are sized here too, the first time, as both pools must be sized together: a request runs
    in a thread a step at a time (dependencies, endpoint, commit), keeping its connection in between. If more
    requests held work than there are connections, every thread could be waiting for a connection while the
    requests holding them wait for a thread to take their next step: nothing would answer until the pool timed
    out. Admitted requests never wait for a connection; the others wait here, holding neither.
    """
    try:
        return _admitted.get()
    except LookupError:
        settings = get_settings()
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        _admitted.set(anyio.Semaphore(settings.db_pool_size))
        return _admitted.get()


def _open_uow(request: Request) -> UnitOfWork:
    write = request.method not in SAFE_METHODS
    return UnitOfWork(get_engine(), write=write, request_id=request.state.request_id)


async def get_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    """One transaction per request: committed when the endpoint returns, rolled back if it raises."""
    async with _admission():
        uow = await run_in_threadpool(_open_uow, request)
        try:
            yield uow
            await run_in_threadpool(uow.commit)
        finally:
            with anyio.CancelScope(shield=True):  # a client hanging up must not leak the connection
                await run_in_threadpool(uow.close)


Uow = Annotated[UnitOfWork, Depends(get_uow, scope="function")]

# Record ids in paths: the databases' integers end at 2**63 - 1, and a larger number must be a 422 that says so,
# not a driver's overflow. tests/web/test_path_ids.py checks every route's integer path parameters use it.
MAX_RECORD_ID = 2**63 - 1
RecordId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID)]
RecordQuery = Annotated[int | None, Query(ge=1, le=MAX_RECORD_ID)]
# Views clamp a page number below 1 to the first page (a hand-edited URL), so only the top is bounded.
PageNumber = Annotated[int, Query(le=1_000_000)]


async def check_csrf(request: Request) -> None:
    """Every state-changing request made with the session cookie, and every login, must carry a CSRF token.

    Requests with neither a session cookie nor a login form cannot ride on a victim's session, so API
    clients using bearer tokens (or nothing, and then get 401) are not asked for one.
    """
    if request.method in SAFE_METHODS or request.headers.get("authorization"):
        return
    if SESSION_COOKIE not in request.cookies and request.url.path != LOGIN_PATH:
        return
    submitted = request.headers.get(CSRF_HEADER, "")
    if not submitted and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        submitted = str((await request.form()).get(CSRF_FIELD, ""))
    if not csrf_valid(request, submitted):
        raise PermissionDenied("missing or invalid CSRF token; reload the page and try again")
