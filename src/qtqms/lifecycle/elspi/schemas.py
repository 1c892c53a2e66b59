"""ELSPI input and output shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel, Field

from qtqms.kit.listing import ListQuery
from qtqms.kit.paging import Page
from qtqms.lifecycle.products.schemas import SignoffRead


class AnswerIn(BaseModel):
    question: str = Field(min_length=1, max_length=20, description="Question id, e.g. D3.1")
    score: int | None = Field(description="On the question's scale (risk 0-3, mitigation 0-2); null: not applicable")
    note: str = Field(default="", max_length=2000)


class AnswersIn(BaseModel):
    answers: list[AnswerIn] = Field(min_length=1)


class SignIn(BaseModel):
    password: str = Field(min_length=1, description="Your password, re-entered to sign")


class ClearIn(SignIn):
    justification: str = Field(min_length=20, description="Why the hit may be cleared, with its lawful basis")


class RedLineHitIn(BaseModel):
    red_line: str = Field(min_length=2, max_length=20, description="A red line of the pack, e.g. RL2")
    use_case: str = Field(min_length=10, description="The proposed use or characteristic that crosses it")


class AnswerRead(BaseModel):
    question: str
    dimension: str
    kind: str
    text: str
    help: str
    scale: list[str]
    score: int | None = None
    answered: bool = False
    label: str = ""
    by: str = ""
    at: datetime | None = None
    note: str = ""


class AssessmentRead(BaseModel):
    ref: str
    product: str
    stage: str
    bank_id: str
    bank_version: str
    current_bank: bool
    status: str
    answers: list[AnswerRead]
    unanswered: int
    raw: int
    max_raw: int
    mitigation: int
    max_mitigation: int
    current: float
    level: str
    floors: list[str]
    required_roles: list[str]
    missing_roles: list[str]
    requires: list[str] = Field(description="What the level asks for, cumulative with the levels below")
    actions: list[str] = Field(description="Answers that call for an action")
    signoffs: list[SignoffRead]
    assessor: str
    assessor_id: int
    completed_at: datetime | None
    due_on: date | None
    due_reasons: list[str]
    rescored_from: str | None = None


class AssessmentRow(BaseModel):
    ref: str
    product: str
    stage: str
    bank_version: str
    status: str
    level: str
    due_on: date | None


class AssessmentQuery(ListQuery):
    sorts: ClassVar[tuple[str, ...]] = ("ref",)
    product: str | None = Field(default=None, max_length=40, description="A product key")
    status: str | None = Field(default=None, max_length=20, description="draft, completed or signed-off")


class AssessmentPage(Page[AssessmentRow]):
    pass


class Comparison(BaseModel):
    refs: list[str]
    bank_versions: list[str]
    levels: list[str]
    rows: list[tuple[str, list[int | str | None]]]


class DueRead(BaseModel):
    product: str
    ref: str | None
    level: str
    reasons: list[str]


class RedLineHitRead(BaseModel):
    id: int
    product: str
    red_line: str
    text: str
    use_case: str
    status: str
    escalated_to: list[str]
    raised_by: str
    raised_at: datetime
    signoffs: list[SignoffRead]
    missing_roles: list[str]


class HitQuery(ListQuery):
    sorts: ClassVar[tuple[str, ...]] = ("raised",)
    product: str | None = Field(default=None, max_length=40)
    status: str | None = Field(default=None, max_length=20, description="open or cleared")


class HitPage(Page[RedLineHitRead]):
    pass
