"""Lifecycle product input and output shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from qtqms.kit.listing import ListQuery
from qtqms.kit.paging import Page


class ParameterValue(BaseModel):
    value: float | int | str
    unit: str | None = Field(default=None, description="The declared unit; left out means the declared one")


class ProfileUpdate(BaseModel):
    """A change to a product's lifecycle profile: only what is given changes."""

    domain: str | None = Field(default=None, max_length=60, description="A technology domain of the parameter pack")
    description: str | None = None
    intended_uses: list[str] | None = None
    intended_users: list[str] | None = None
    foreseeable_misuses: list[str] | None = None
    trl: int | None = Field(default=None, ge=1, le=9, description="Technology readiness level, 1 to 9")
    developed_in: list[str] | None = None
    sold_in: list[str] | None = None
    used_in: list[str] | None = None
    customer_classes: list[str] | None = None
    safety_critical: bool | None = None
    parameters: dict[str, ParameterValue | float | int | str] | None = Field(
        default=None, description="Technical parameters by name: {value, unit} or a bare value in the declared unit"
    )


class ParameterRead(BaseModel):
    name: str
    label: str
    type: str
    unit: str
    value: Any = None


class ProductProfile(BaseModel):
    id: int
    key: str
    name: str
    technology: str
    domain: str
    domain_title: str
    description: str
    intended_uses: list[str]
    intended_users: list[str]
    foreseeable_misuses: list[str]
    trl: int | None
    developed_in: list[str]
    sold_in: list[str]
    used_in: list[str]
    customer_classes: list[str]
    safety_critical: bool
    parameters: list[ParameterRead]
    stage: str
    stage_title: str
    updated_by_id: int | None = None
    updated_at: datetime | None = None

    @property
    def jurisdictions(self) -> list[str]:
        return sorted({*self.developed_in, *self.sold_in, *self.used_in})

    def parameter_values(self) -> dict[str, Any]:
        return {p.name: p.value for p in self.parameters if p.value is not None}


class ProductRow(BaseModel):
    key: str
    name: str
    domain: str
    trl: int | None
    stage: str
    stage_title: str


class ProductQuery(ListQuery):
    sorts: ClassVar[tuple[str, ...]] = ("key", "stage")
    descending: bool = Field(default=False, description="Highest first")
    stage: str | None = Field(default=None, max_length=8, description="S0 to S6, or retired")
    domain: str | None = Field(default=None, max_length=60)
    search: str | None = Field(default=None, max_length=100, description="Words in the key")


class ProductPage(Page[ProductRow]):
    pass


class SignoffRead(BaseModel):
    role: str
    signer: str
    signer_id: int
    signature_id: int
    signed_at: datetime
    justification: str
    valid: bool = True
    reason: str = ""
