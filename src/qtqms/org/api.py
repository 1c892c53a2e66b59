"""/api/v1/org: the organisation and its management-system scope."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response, status

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.org import service
from qtqms.org.schemas import (
    ExclusionCreate,
    ExclusionRead,
    JurisdictionCreate,
    JurisdictionRead,
    OrganisationRead,
    OrganisationUpdate,
    ProductCreate,
    ProductRead,
    ScopeRead,
    SiteCreate,
    SiteRead,
)

router = APIRouter(prefix="/api/v1/org", tags=["organisation"], responses=ERROR_RESPONSES)
CREATED = status.HTTP_201_CREATED


@router.get("/organisation", response_model=OrganisationRead, summary="The caller's organisation")
def get_organisation(uow: Uow, actor: CurrentActor) -> OrganisationRead:
    return service.get_organisation(uow, actor)


@router.patch("/organisation", response_model=OrganisationRead, summary="Update the organisation and scope statement")
def update_organisation(data: OrganisationUpdate, uow: Uow, actor: CurrentActor) -> OrganisationRead:
    return service.update_organisation(uow, actor, data)


@router.get("/scope", response_model=ScopeRead, summary="Management-system scope: sites, products, exclusions")
def get_scope(uow: Uow, actor: CurrentActor) -> ScopeRead:
    return service.get_scope(uow, actor)


@router.get("/products", response_model=list[ProductRead], summary="Products and technologies")
def list_products(uow: Uow, actor: CurrentActor) -> list[ProductRead]:
    return service.list_products(uow, actor)


@router.post("/sites", response_model=SiteRead, status_code=CREATED, summary="Add a site")
def add_site(data: SiteCreate, uow: Uow, actor: CurrentActor) -> SiteRead:
    return service.add_site(uow, actor, data)


@router.post("/products", response_model=ProductRead, status_code=CREATED, summary="Add a product")
def add_product(data: ProductCreate, uow: Uow, actor: CurrentActor) -> ProductRead:
    return service.add_product(uow, actor, data)


@router.post("/exclusions", response_model=ExclusionRead, status_code=CREATED, summary="Exclude a requirement")
def add_exclusion(data: ExclusionCreate, uow: Uow, actor: CurrentActor) -> ExclusionRead:
    return service.add_exclusion(uow, actor, data)


@router.post("/jurisdictions", response_model=JurisdictionRead, status_code=CREATED, summary="Add a jurisdiction")
def add_jurisdiction(data: JurisdictionCreate, uow: Uow, actor: CurrentActor) -> JurisdictionRead:
    return service.add_jurisdiction(uow, actor, data)


@router.delete(
    "/{kind}/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a site, product, exclusion or jurisdiction",
)
def remove_item(
    kind: Literal["site", "product", "exclusion", "jurisdiction"], item_id: RecordId, uow: Uow, actor: CurrentActor
) -> Response:
    service.remove_scope_item(uow, actor, kind, item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
