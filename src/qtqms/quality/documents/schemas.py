"""Controlled-document input and output shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from qtqms.kit.listing import ListQuery
from qtqms.kit.paging import Page

Reason = Field(min_length=3, max_length=2000, description="Why this change is made (kept in the trail)")
Names = Field(default_factory=list, description="Usernames")


class DocumentCreate(BaseModel):
    kind: str = Field(description="policy, procedure, work_instruction, form or record")
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(default="", max_length=200_000, description="Markdown")
    change_reason: str = Reason
    reviewers: list[str] = Names
    approvers: list[str] = Names
    audience: list[str] = Field(default_factory=list, description="Roles that must acknowledge it ('all': everyone)")
    review_interval_months: int = Field(default=12, ge=1, le=60)
    requirements: list[str] = Field(default_factory=list, description="Requirement references, pack:REQ")
    controls: list[str] = Field(default_factory=list, description="Control keys")


class DraftChange(BaseModel):
    """A new version (everything left out is taken from the latest one) or an edit of the draft."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    content: str | None = Field(default=None, max_length=200_000)
    change_reason: str = Reason
    reviewers: list[str] | None = None
    approvers: list[str] | None = None


class StepIn(BaseModel):
    action: Literal["submit", "withdraw", "release", "retire", "discard"]
    reason: str = Field(default="", max_length=2000)


class SignIn(BaseModel):
    password: str = Field(min_length=1, description="Your password, re-entered to sign")
    comment: str = Field(default="", max_length=2000)


class LinksIn(BaseModel):
    requirements: list[str] = Field(default_factory=list)
    controls: list[str] = Field(default_factory=list)
    audience: list[str] | None = None
    review_interval_months: int | None = Field(default=None, ge=1, le=60)
    reason: str = Reason


class PeriodicReviewIn(BaseModel):
    comment: str = Field(min_length=3, max_length=2000, description="What the review found")


class DocumentQuery(ListQuery):
    sorts: ClassVar[tuple[str, ...]] = ("ref", "title", "updated")

    kind: str | None = None
    status: str | None = None
    search: str | None = Field(default=None, max_length=200, description="Title words or DOC-0042")
    review: Literal["overdue", "due"] | None = Field(default=None, description="Periodic review overdue or due")
    requirement: str | None = Field(default=None, max_length=200, description="Serving this requirement, pack:REQ")
    descending: bool = False


class DocumentRow(BaseModel):
    ref: str
    kind: str
    title: str
    status: str
    effective_version: int | None
    latest_version: int
    owner: str
    next_review_on: date | None
    review: str = Field(description="not set, in date, due or overdue")
    updated_at: datetime


class DocumentPage(Page[DocumentRow]):
    pass


class SignOffRead(BaseModel):
    part: str
    username: str
    name: str = Field(description="The signer's printed name")
    signed: bool
    signed_at: datetime | None
    meaning: str = ""
    signature_id: int | None
    comment: str
    verification: str = Field(default="", description="Why the signature holds or not, in words")
    valid: bool | None = None


class FileRead(BaseModel):
    evidence_id: int
    filename: str
    sha256: str
    size: int


class VersionSummary(BaseModel):
    version: int
    status: str
    title: str
    change_reason: str
    author: str
    created_at: datetime
    effective_on: date | None


class VersionRead(VersionSummary):
    content: str
    html: str = Field(description="The content rendered safely")
    file: FileRead | None
    sign_offs: list[SignOffRead]
    state_hash: str = Field(description="SHA-256 of the version's material state")
    steps: list[str] = Field(description="What the reader may do with it now")


class AcknowledgementRead(BaseModel):
    username: str
    acknowledged_at: datetime | None


class DocumentRead(BaseModel):
    ref: str
    kind: str
    title: str
    status: str
    owner: str
    effective_version: int | None
    latest_version: int
    review_interval_months: int
    next_review_on: date | None
    review: str
    audience: list[str]
    requirements: list[str]
    controls: list[str]
    shown: VersionRead = Field(description="The effective version, unless another was asked for")
    versions: list[VersionSummary]
    acknowledgements: list[AcknowledgementRead] = Field(description="Who must acknowledge the effective version")
    my_acknowledgement_due: bool


class DiffLineRead(BaseModel):
    op: str
    text: str
    old_line: int | None
    new_line: int | None


class VersionDiff(BaseModel):
    ref: str
    old: int
    new: int
    changed: list[str] = Field(description="Fields that differ besides the content")
    lines: list[DiffLineRead]


class ServingDocument(BaseModel):
    """An effective, in-date document serving a requirement: what readiness counts."""

    ref: str
    title: str
    kind: str
    version: int
    next_review_on: date | None


class Waiting(BaseModel):
    """Something a person is asked to do about a record: what, on which record, by when."""

    kind: str = Field(description="review, approve, acknowledge, periodic review, action, check, close …")
    ref: str
    title: str
    href: str
    due_on: date | None = None


class WaitingList(BaseModel):
    """The most pressing of what waits (at most a limit of each kind), how many in all, how many overdue."""

    items: list[Waiting]
    total: int
    overdue: int
