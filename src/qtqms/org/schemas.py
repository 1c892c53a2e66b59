"""Organisation input and output shapes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class OrganisationUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    legal_name: str | None = Field(default=None, max_length=200)
    description: str | None = None
    scope_statement: str | None = None


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    legal_name: str
    description: str
    scope_statement: str
    is_demo: bool


class SiteCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    address: str = ""
    activities: str = ""
    in_scope: bool = True


class SiteRead(SiteCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int


class ProductCreate(BaseModel):
    key: str = Field(min_length=2, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    technology: str
    description: str = ""
    in_scope: bool = True


class ProductRead(ProductCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int


class ExclusionCreate(BaseModel):
    requirement_ref: str = Field(min_length=1, max_length=120, description="e.g. 'iso9001-2015 8.3'")
    justification: str = Field(min_length=10)


class ExclusionRead(ExclusionCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int


class JurisdictionCreate(BaseModel):
    code: str = Field(min_length=2, max_length=3)
    name: str = Field(min_length=1, max_length=120)
    operates: bool = False
    sells: bool = False


class JurisdictionRead(JurisdictionCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int


class ScopeRead(BaseModel):
    organisation: OrganisationRead
    sites: list[SiteRead]
    products: list[ProductRead]
    exclusions: list[ExclusionRead]
    jurisdictions: list[JurisdictionRead]
