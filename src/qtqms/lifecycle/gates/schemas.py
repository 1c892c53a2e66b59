"""Gate input and output shapes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from qtqms.lifecycle.gates.domain import Outcome
from qtqms.lifecycle.products.schemas import SignoffRead


class RecordLink(BaseModel):
    label: str
    href: str


class CriterionRead(BaseModel):
    id: str
    title: str
    passed: bool
    reason: str
    records: list[RecordLink]


class GateCheckRead(BaseModel):
    product: str
    stage: str
    stage_title: str
    gate: str | None = Field(description="The gate out of the stage; null once retired")
    gate_title: str
    template: str
    passed: bool
    criteria: list[CriterionRead]
    elspi_level: str
    required_roles: list[str]
    red_line_blocked: bool


class ConditionIn(BaseModel):
    text: str = Field(min_length=3, max_length=500)
    owner: str = Field(min_length=1, max_length=80, description="Username of who must meet it")
    due: date


class DecisionIn(BaseModel):
    outcome: Outcome
    rationale: str = Field(min_length=10, description="Why, in words a reviewer can check")
    conditions: list[ConditionIn] = Field(default_factory=list, description="Each a tracked action (conditional)")


class SignIn(BaseModel):
    password: str = Field(min_length=1, description="Your password, re-entered to sign")


class DecisionRead(BaseModel):
    id: int
    product: str
    gate: str
    outcome: str
    status: str = Field(description="awaiting (signatures), decided, or stale")
    rationale: str
    conditions: list[ConditionIn]
    criteria: list[CriterionRead]
    required_roles: list[str]
    missing_roles: list[str]
    signoffs: list[SignoffRead]
    proposed_by: str
    proposed_at: datetime
    decided_at: datetime | None
    stale: bool
    stale_reasons: list[str]


class BoardCard(BaseModel):
    product: str
    name: str
    stage: str
    gate: str | None
    passed: bool
    failing: list[str]
    elspi_level: str
    red_line_blocked: bool


class BoardColumn(BaseModel):
    stage: str
    title: str
    cards: list[BoardCard]
