"""Catalogue, control, SoA and readiness input and output shapes (a control's evidence has the evidence slice's)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from qtqms.evidence.schemas import EvidenceRead


class ControlStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    RETIRED = "retired"


class FrameworkRead(BaseModel):
    id: str
    title: str
    version: str
    edition: str
    publisher: str
    requirement_count: int
    is_current: bool
    shipped: bool


class RequirementRead(BaseModel):
    id: str
    parent: str | None
    kind: str
    assessable: bool
    label: str
    description: str = ""


class MappingLink(BaseModel):
    mapping_set: str
    other_pack: str
    other_requirement: str
    relationship: str
    strength: float
    direction: str  # "to" (this requirement is the source) or "from"


class FrameworkDetail(FrameworkRead):
    requirements: list[RequirementRead]


class RequirementRef(BaseModel):
    framework: str = Field(min_length=1, max_length=64, description="pack id, e.g. iso27001-2022")
    requirement: str = Field(min_length=1, max_length=120, description="requirement id, e.g. A.8.24")


class ControlCreate(BaseModel):
    key: str = Field(min_length=2, max_length=40, description="e.g. CTL-KEYMGMT")
    title: str = Field(min_length=1, max_length=200)
    owner: str = Field(min_length=1, description="username of the owner")
    status: ControlStatus = ControlStatus.PLANNED
    implementation: str = ""
    review_date: date | None = None
    requirements: list[RequirementRef] = []


class ControlUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    owner: str | None = None
    status: ControlStatus | None = None
    implementation: str | None = None
    review_date: date | None = None
    requirements: list[RequirementRef] | None = Field(
        default=None, description="the complete set of linked requirements; replaces the current links"
    )


class ControlRead(BaseModel):
    id: int
    key: str
    title: str
    owner: str
    status: str
    implementation: str
    review_date: date | None
    requirements: list[RequirementRef]
    evidence: list[EvidenceRead]


class SoaEntryUpdate(BaseModel):
    applicable: bool
    justification: str = Field(min_length=10, description="why it applies or why it is excluded")
    implementation_status: ControlStatus = ControlStatus.PLANNED


class SoaRow(BaseModel):
    framework: str
    requirement: str
    label: str
    applicable: bool
    justification: str
    implementation_status: str
    controls: list[str]
    decided: bool


class PathStep(BaseModel):
    mapping_set: str
    source: str  # "pack requirement"
    target: str
    relationship: str
    strength: float


class Assessment(BaseModel):
    requirement: str
    label: str
    clause: str
    status: str  # met, partial, not met, not applicable
    value: float
    origin: str | None = None  # the directly met requirement an inferred result comes from
    path: list[PathStep] = []


class ClauseReadiness(BaseModel):
    clause: str
    label: str
    assessable: int
    met: int
    partial: int
    score: float


class FrameworkReadiness(BaseModel):
    framework: str
    title: str
    version: str
    assessable: int
    met: int
    partial: int
    score: float
    clauses: list[ClauseReadiness] = []


class FrameworkAssessments(FrameworkReadiness):
    requirements: list[Assessment]


class ControlEvidence(BaseModel):
    control: str
    title: str
    status: str
    evidence: list[EvidenceRead]


class Explanation(BaseModel):
    framework: str
    requirement: str
    label: str
    status: str
    value: float
    direct_controls: list[ControlEvidence]
    origin: str | None
    origin_controls: list[ControlEvidence]
    path: list[PathStep]


class ChangeRead(BaseModel):
    requirement: str
    fields: dict[str, list[object]]


class EditionDiffRead(BaseModel):
    framework: str
    old_version: str
    new_version: str
    added: list[str]
    removed: list[str]
    changed: list[ChangeRead]


class SyncReport(BaseModel):
    frameworks_added: list[str]
    mapping_sets_added: list[str]
    unchanged: int


class SoaImportReport(BaseModel):
    framework: str
    recorded: int  # decisions written
    undecided: int  # selected controls the profile gives no justification for: left as they were
