"""Login, logout, the user's own account page, and user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from qtqms.identity import service
from qtqms.identity.deps import CurrentActor, MaybeActor
from qtqms.identity.schemas import TokenCreate, UserCreate, UserUpdate
from qtqms.kernel.errors import DomainError
from qtqms.kernel.rbac import Permission, Role, authorize
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.forms import refusal
from qtqms.kit.web.security import (
    SESSION_COOKIE,
    clear_session_cookie,
    set_presession_cookie,
    set_session_cookie,
    start_presession,
)
from qtqms.kit.web.templating import render

router = APIRouter()
ROLES = [role.value for role in Role]


def _safe_next(target: str) -> str:
    """Only same-site paths, so the login form cannot be used as an open redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, actor: MaybeActor, next: str = "/") -> Response:
    if actor is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    presession = start_presession(request)
    response = render(request, "identity/login.html", {"next": _safe_next(next), "username": ""})
    set_presession_cookie(response, presession)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    uow: Uow,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    ip_address = request.client.host if request.client else ""
    try:
        outcome = service.authenticate(uow, username.strip(), password, ip_address=ip_address)
    except DomainError as error:
        return render(request, "identity/login.html", {"error": error.message, "username": username, "next": next}, 429)
    if not outcome.ok or outcome.user is None:
        uow.commit()  # keep the failed attempt for throttling even though the login fails
        return render(request, "identity/login.html", {"error": outcome.error, "username": username, "next": next}, 401)
    raw = service.start_session(uow, outcome.user, ip_address=ip_address)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, raw)
    return response


@router.post("/logout")
def logout(request: Request, uow: Uow) -> Response:
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        service.end_session(uow, raw)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return _not_stored(response)


def _not_stored(response: Response) -> Response:
    """Pages that show a secret, and logging out: the browser keeps no copy to show from its history."""
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _account_page(request, uow, actor)


def _account_page(request: Request, uow: Uow, actor: CurrentActor, status_code: int = 200, **extra: object) -> Response:
    tokens = service.list_tokens(uow, actor)
    context = {"me": service.describe(actor), "tokens": tokens, **extra}
    return _not_stored(render(request, "identity/account.html", context, status_code))


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    name: Annotated[str, Form()] = "",
    expires_in_days: Annotated[int, Form()] = 90,
) -> Response:
    try:
        data = TokenCreate(name=name, expires_in_days=expires_in_days or None)
    except ValidationError as error:
        status_code, message = refusal(error)
        return _account_page(request, uow, actor, status_code, error=message)
    token, secret = service.create_token(uow, actor, data)
    return _account_page(request, uow, actor, new_secret=secret, new_token=token)


@router.post("/account/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, uow: Uow, actor: CurrentActor, token_id: RecordId) -> Response:
    service.revoke_token(uow, actor, token_id)
    return _account_page(request, uow, actor, notice=f"token {token_id} revoked")


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    revoke_tokens: Annotated[str, Form()] = "",
) -> Response:
    check = service.authenticate(uow, actor.username, current, ip_address=request.client.host if request.client else "")
    if not check.ok:
        uow.commit()
        return _account_page(request, uow, actor, 422, error="the current password is wrong")
    try:
        this_session = request.cookies.get(SESSION_COOKIE, "")
        changed = service.set_password(uow, actor, actor.username, new, keep_session=this_session,
                                       revoke_tokens=revoke_tokens == "true")  # fmt: skip
    except DomainError as error:
        uow.rollback()
        status_code, message = refusal(error)
        return _account_page(request, uow, actor, status_code, error=message)
    notice = f"password changed; {_ended(changed.sessions_ended)} on other devices"
    if changed.tokens_revoked:
        notice += f", {changed.tokens_revoked} API token{'s' if changed.tokens_revoked != 1 else ''} revoked"
    return _account_page(request, uow, actor, notice=notice)


def _ended(count: int) -> str:
    return "no other session was open" if not count else f"{count} session{'s' if count != 1 else ''} ended"


def _users_page(request: Request, uow: Uow, actor: CurrentActor, status_code: int = 200, **extra: object) -> Response:
    users = service.list_users(uow, actor)
    context = {"users": users, "roles": ROLES, "form": {}, **extra}
    return _not_stored(render(request, "identity/users.html", context, status_code))


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _users_page(request, uow, actor)


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    username: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "viewer",
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> Response:
    authorize(actor, Permission.USER_ADMIN)
    form = {"username": username, "role": role, "display_name": display_name, "email": email}
    try:
        user, password = service.create_user(uow, actor, UserCreate(**form))
    except (DomainError, ValidationError) as error:
        if getattr(error, "http_status", 0) == 403:
            raise
        uow.rollback()
        status_code, message = refusal(error)
        return _users_page(request, uow, actor, status_code, error=message, form=form)
    return _users_page(request, uow, actor, created=user.username, new_password=password)


@router.post("/admin/users/{username}/reset-password", response_class=HTMLResponse)
def reset_password(request: Request, uow: Uow, actor: CurrentActor, username: str) -> Response:
    """A new generated password for the user, shown once to the admin; the user's sessions end."""
    password, changed = service.reset_password(uow, actor, username)
    return _users_page(request, uow, actor, reset=username, new_password=password, ended=_ended(changed.sessions_ended))


@router.post("/admin/users/{username}", response_class=HTMLResponse)
def update_user(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    username: str,
    role: Annotated[str | None, Form()] = None,
    disabled: Annotated[str | None, Form()] = None,
) -> Response:
    change = UserUpdate(role=role, disabled=None if disabled is None else disabled == "true")
    try:
        service.update_user(uow, actor, username, change)
    except DomainError as error:
        if error.http_status == 403:
            raise
        uow.rollback()
        status_code, message = refusal(error)
        return _users_page(request, uow, actor, status_code, error=message)
    return _users_page(request, uow, actor, notice=f"{username} updated")
