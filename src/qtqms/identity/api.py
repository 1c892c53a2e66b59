"""/api/v1/identity: the caller, users and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, status

from qtqms.identity import service
from qtqms.identity.deps import CurrentActor
from qtqms.identity.schemas import (
    Me,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserCreated,
    UserRead,
    UserUpdate,
)
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/identity", tags=["identity"], responses=ERROR_RESPONSES)


@router.get("/me", response_model=Me, summary="The authenticated user and their permissions")
def me(actor: CurrentActor) -> Me:
    return service.describe(actor)


@router.get("/users", response_model=list[UserRead], summary="Users of the organisation (admin)")
def list_users(uow: Uow, actor: CurrentActor) -> list[UserRead]:
    return service.list_users(uow, actor)


@router.post("/users", response_model=UserCreated, status_code=status.HTTP_201_CREATED, summary="Create a user (admin)")
def create_user(data: UserCreate, uow: Uow, actor: CurrentActor) -> UserCreated:
    user, generated = service.create_user(uow, actor, data)
    return UserCreated(user=user, password=generated)


@router.patch("/users/{username}", response_model=UserRead, summary="Change a user's role, name or status (admin)")
def update_user(username: str, data: UserUpdate, uow: Uow, actor: CurrentActor) -> UserRead:
    return service.update_user(uow, actor, username, data)


@router.get("/tokens", response_model=list[TokenRead], summary="The caller's API tokens")
def list_tokens(uow: Uow, actor: CurrentActor) -> list[TokenRead]:
    return service.list_tokens(uow, actor)


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED, summary="Create an API token")
def create_token(data: TokenCreate, uow: Uow, actor: CurrentActor) -> TokenCreated:
    token, secret = service.create_token(uow, actor, data)
    return TokenCreated(token=token, secret=secret)


@router.delete("/tokens/{token_id}", response_model=TokenRead, summary="Revoke an API token")
def revoke_token(token_id: RecordId, uow: Uow, actor: CurrentActor) -> TokenRead:
    return service.revoke_token(uow, actor, token_id)
