"""Nonconformity and CAPA input and output shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from qtqms.kit.listing import ListQuery
from qtqms.kit.paging import Page


class NonconformityCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20_000)
    source: str = Field(description="audit_finding, incident, customer_complaint, failed_gate, "
                        "pqc_policy_violation, test_out_of_spec, supplier or other")  # fmt: skip
    severity: str = Field(description="major, minor or observation")
    product: str | None = Field(default=None, description="A product key")
    process: str = Field(default="", max_length=200)
    detected_on: date | None = Field(default=None, description="Default: today")
    owner: str | None = Field(default=None, description="Username; default: you")
    requirements: list[str] = Field(default_factory=list, description="pack:REQ")
    documents: list[str] = Field(default_factory=list, description="DOC-0001")
    risks: list[str] = Field(default_factory=list, description="R-0042")
    containment: str = Field(default="", max_length=20_000)


class InvestigationIn(BaseModel):
    """What is known so far; fields left out stay as they are."""

    containment: str | None = Field(default=None, max_length=20_000)
    cause_method: Literal["5 whys", "cause categories"] | None = None
    whys: list[str] | None = Field(default=None, max_length=10)
    cause_categories: list[str] | None = None
    root_cause: str | None = Field(default=None, max_length=20_000)
    effectiveness_criteria: str | None = Field(default=None, max_length=20_000)
    reason: str = Field(min_length=3, max_length=2000)


class ActionIn(BaseModel):
    kind: Literal["correction", "corrective", "preventive"] = "corrective"
    title: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1)
    due_on: date


class ActionDone(BaseModel):
    outcome: str = Field(min_length=3, max_length=2000)


class NcStepIn(BaseModel):
    action: Literal["contain", "act", "verify", "reopen"]
    reason: str = Field(default="", max_length=2000)


class CheckIn(BaseModel):
    passed: bool
    note: str = Field(min_length=3, max_length=5000, description="What was checked and found")
    password: str = Field(min_length=1)


class ClosureIn(BaseModel):
    password: str = Field(min_length=1)
    comment: str = Field(default="", max_length=2000)


class NonconformityQuery(ListQuery):
    sorts: ClassVar[tuple[str, ...]] = ("ref",)

    status: str | None = None
    severity: str | None = None
    source: str | None = None
    product: str | None = None
    open_only: bool = Field(default=False, description="Only those not closed")
    overdue: bool = Field(default=False, description="Only those with an action past its due date")


class ActionRead(BaseModel):
    id: int
    kind: str
    title: str
    owner: str
    due_on: date
    done_on: date | None
    outcome: str
    overdue: bool


class CheckRead(BaseModel):
    passed: bool
    note: str
    checked_by: str
    name: str
    checked_at: datetime
    valid: bool
    verification: str


class ClosureRead(BaseModel):
    signed_by: str
    name: str
    signed_at: datetime
    valid: bool
    verification: str


class NonconformityRow(BaseModel):
    ref: str
    title: str
    source: str
    severity: str
    status: str
    product: str | None
    owner: str
    detected_on: date
    next_due: date | None = Field(description="The earliest due date of an action not done")
    overdue: bool


class NonconformityPage(Page[NonconformityRow]):
    pass


class NonconformityRead(NonconformityRow):
    description: str
    process: str
    raised_by: str
    requirements: list[str]
    documents: list[str]
    risks: list[str]
    containment: str
    cause_method: str
    whys: list[str]
    cause_categories: list[str]
    root_cause: str
    effectiveness_criteria: str
    reopened: int
    closed_on: date | None
    actions: list[ActionRead]
    checks: list[CheckRead]
    closure: ClosureRead | None
    steps: list[str]
