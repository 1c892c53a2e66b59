"""Who is asking: the request's actor from a bearer token or the session cookie, as FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from qtqms.identity import service as identity_service
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import NotAuthenticated
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.security import SESSION_COOKIE


def optional_actor(request: Request, uow: Uow) -> Actor | None:
    """The bearer token's user, else the session's user, else None; a bad token is refused outright."""
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise NotAuthenticated("use 'Authorization: Bearer <token>'")
        actor = identity_service.resolve_token(uow, credentials.strip())
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        actor = identity_service.resolve_session(uow, raw) if raw else None
    uow.actor = actor
    request.state.actor = actor
    return actor


def require_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise NotAuthenticated("log in or send an API token")
    return actor


CurrentActor = Annotated[Actor, Depends(require_actor)]
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
