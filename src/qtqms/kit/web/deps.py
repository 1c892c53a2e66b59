"""Request-scoped dependencies: the unit of work and CSRF enforcement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from qtqms.db.runtime import get_engine
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import PermissionDenied
from qtqms.kit.web.security import CSRF_FIELD, CSRF_HEADER, LOGIN_PATH, SAFE_METHODS, SESSION_COOKIE, csrf_valid


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    """One transaction per request: committed when the endpoint returns, rolled back if it raises."""
    write = request.method not in SAFE_METHODS
    with UnitOfWork(get_engine(), write=write, request_id=request.state.request_id) as uow:
        yield uow
        uow.commit()


Uow = Annotated[UnitOfWork, Depends(get_uow, scope="function")]


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
