"""/api/v1/lifecycle/products: products as the lifecycle sees them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.lifecycle.products import service
from qtqms.lifecycle.products.schemas import ProductPage, ProductProfile, ProductQuery, ProfileUpdate

router = APIRouter(prefix="/api/v1/lifecycle", tags=["lifecycle"], responses=ERROR_RESPONSES)


class EnrolIn(BaseModel):
    domain: str | None = Field(
        default=None, max_length=60, description="Technology domain; default: the first of the product's technology"
    )


@router.get("/products", response_model=ProductPage, summary="The products in the lifecycle, by stage")
def list_products(uow: Uow, actor: CurrentActor, query: Annotated[ProductQuery, Query()]) -> ProductPage:
    return service.list_products(uow, actor, query)


@router.post(
    "/products/{key}/enrol",
    response_model=ProductProfile,
    status_code=status.HTTP_201_CREATED,
    summary="Start an organisation product's lifecycle at S0",
)
def enrol_product(key: str, data: EnrolIn, uow: Uow, actor: CurrentActor) -> ProductProfile:
    return service.enrol_product(uow, actor, key, data.domain)


@router.get("/products/{key}", response_model=ProductProfile, summary="A product's lifecycle profile")
def get_product(key: str, uow: Uow, actor: CurrentActor) -> ProductProfile:
    return service.get_profile(uow, actor, key)


@router.patch(
    "/products/{key}",
    response_model=ProductProfile,
    summary="Describe a product: uses, users, misuses, TRL, jurisdictions, customer classes, typed parameters",
)
def update_product(key: str, data: ProfileUpdate, uow: Uow, actor: CurrentActor) -> ProductProfile:
    return service.update_profile(uow, actor, key, data)
