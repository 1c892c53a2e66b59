"""Risk input and output shapes: assets, data classes, risk scenarios, treatment, acceptance, Mosca."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from qtqms.kit.listing import ListQuery
from qtqms.kit.paging import Page

Text200 = Field(min_length=1, max_length=200)


class AssetCreate(BaseModel):
    key: str = Field(min_length=1, max_length=60, description="Short unique key, e.g. QKD-KMS")
    name: str = Text200
    kind: str = Field(description="information, software, service, hardware, quantum-equipment, people or site")
    owner: str = Field(min_length=1, max_length=80, description="Username of the owner")
    description: str = ""
    product: str | None = Field(default=None, description="Key of the product it belongs to, e.g. QKD-LINK")


class AssetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    name: str
    kind: str
    description: str
    owner: str
    product: str | None
    migration_years: float | None
    migration_years_source: str


class DataClassCreate(BaseModel):
    key: str = Field(min_length=1, max_length=60, description="Short unique key, e.g. customer-data")
    name: str = Text200
    shelf_life_years: float = Field(description="Mosca's x: years the data's confidentiality must hold")
    sensitivity: str = Field(description="low, moderate, high or critical")
    owner: str | None = Field(default=None, description="Username of the owner (default: you)")
    description: str = ""


class DataClassUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    shelf_life_years: float | None = None
    sensitivity: str | None = None
    description: str | None = None


class DataClassRead(BaseModel):
    id: int
    key: str
    name: str
    description: str
    shelf_life_years: float
    sensitivity: str
    owner: str


class ExposureCreate(BaseModel):
    data_class: str = Field(description="Data class key")
    system: str = Field(description="Key of the asset (system) that protects the data class")
    migration_years: float | None = Field(default=None, description="Mosca's y for the system, if not yet set")


class MigrationYearsIn(BaseModel):
    years: float = Field(description="Mosca's y: years the system's move to post-quantum cryptography takes")
    source: str = Field(
        default="entered",
        min_length=1,
        max_length=80,
        description="Where the figure comes from; 'pqc-plan:…' is reserved for the y a PQC migration plan sets",
    )


class RatingIn(BaseModel):
    likelihood: int
    impact: int


class AssessmentIn(BaseModel):
    inherent: RatingIn | None = None
    current: RatingIn | None = None
    residual: RatingIn | None = None
    note: str = ""


class RiskCreate(BaseModel):
    title: str = Text200
    domain: str = Field(description="security, ai, quality, elspi or compliance")
    approach: str = Field(default="event", description="event or asset")
    description: str = ""
    threat: str = Field(default="", description="Threat from the catalogue, e.g. qtqms-threats:Q-HNDL")
    vulnerabilities: str = ""
    existing_controls: str = ""
    assets: list[str] = Field(default=[], description="Keys of the affected assets")
    product: str | None = Field(default=None, description="Product key, e.g. QKD-LINK")
    owner: str | None = Field(default=None, description="Username of the risk owner (default: you)")
    linked_requirements: list[str] = Field(
        default=[], description="Requirements of a framework's current edition, as 'pack-id:REQ-ID'"
    )
    linked_controls: list[str] = Field(default=[], description="Keys of the organisation's controls that treat it")
    inherent: RatingIn | None = None
    current: RatingIn | None = None
    residual: RatingIn | None = None


class RiskUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    threat: str | None = None
    vulnerabilities: str | None = None
    existing_controls: str | None = None
    assets: list[str] | None = None
    product: str | None = None
    owner: str | None = None
    linked_requirements: list[str] | None = None
    linked_controls: list[str] | None = None


class ActionIn(BaseModel):
    title: str = Field(default="", max_length=200)
    owner: str = Field(default="", max_length=80, description="Username of the person who does it (required)")
    due_date: date | None = Field(default=None, description="Required")


class TreatmentIn(BaseModel):
    option: str = Field(description="modify, retain, avoid or share")
    plan: str = ""
    actions: list[ActionIn] = []


class ActionClose(BaseModel):
    note: str = ""
    residual: RatingIn | None = Field(
        default=None, description="The residual rating achieved; required when this closes the last open action"
    )


class AcceptanceIn(BaseModel):
    password: str = Field(min_length=1, description="Your password: accepting is an electronic signature")
    justification: str = Field(min_length=10)
    expires_on: date | None = Field(default=None, description="Default: the end of the level's review period")


class MatrixChoiceIn(BaseModel):
    matrix: str = Field(description="Matrix id, e.g. qtqms-5x5")


class MoscaBasisIn(BaseModel):
    scenario: str = Field(description="CRQC scenario key that raises harvest-now-decrypt-later risks")


class RatingRead(BaseModel):
    likelihood: int
    impact: int
    level_key: str
    level_label: str
    tone: str


class ActionRead(BaseModel):
    id: int
    risk_ref: str
    risk_title: str = ""
    title: str
    owner: str
    due_date: date
    status: str
    overdue: bool
    closed_at: datetime | None = None
    note: str = ""


class AssessmentRead(BaseModel):
    """One rating of a risk, as its assessment history lists it."""

    model_config = ConfigDict(frozen=True)

    assessed_at: datetime
    assessed_by: str
    matrix: str = Field(description="'matrix-id@version' the ratings were given under")
    ratings: dict[str, dict[str, int]] = Field(description="kind -> {likelihood, impact}")
    note: str


class RiskSaved(BaseModel):
    """What a change to a risk returns: which risk it is and the status it now has; its page reads the rest."""

    model_config = ConfigDict(frozen=True)

    ref: str
    number: int
    status: str


class AcceptanceRead(BaseModel):
    id: int
    accepted_by: str
    accepted_at: datetime
    level_label: str
    state_hash: str
    justification: str
    expires_on: date
    signature_id: int
    valid: bool
    validity: str = Field(description="Why the acceptance is or is not valid now")
    invalidated_at: datetime | None
    invalidated_reason: str


class LinkedRequirement(BaseModel):
    link: str = Field(description="'pack-id:REQ-ID'")
    framework: str
    requirement: str
    label: str
    edition: str = Field(description="Version of the framework pack the link points into")
    current: bool = Field(description="False once a newer edition of the framework has been loaded")


class LinkedControl(BaseModel):
    key: str
    title: str
    status: str


class TreatedRisk(BaseModel):
    """A risk as the catalogue's control page lists it."""

    ref: str
    title: str
    status: str
    current: RatingRead | None


class RiskRead(BaseModel):
    ref: str
    title: str
    description: str
    approach: str
    domain: str
    threat: str
    threat_title: str
    vulnerabilities: str
    existing_controls: str
    assets: list[str]
    product: str | None
    owner: str
    created_by: str | None
    assessed_by: str | None
    assessed_at: datetime | None
    matrix: str
    matrix_in_force: str = Field(description="The matrix the risk's domain uses now")
    needs_reassessment: bool
    inherent: RatingRead | None
    current: RatingRead | None
    residual: RatingRead | None
    treatment_option: str | None
    treatment_plan: str
    treat_by: date | None
    actions: list[ActionRead]
    status: str
    acceptance_status: str
    accepted_until: date | None
    acceptances: list[AcceptanceRead]
    next_review_date: date | None
    linked_requirements: list[LinkedRequirement]
    linked_controls: list[LinkedControl]
    source: str
    computation: str
    state_hash: str


class RiskRow(BaseModel):
    ref: str
    title: str
    domain: str
    status: str
    owner: str
    product: str | None
    inherent: RatingRead | None
    current: RatingRead | None
    residual: RatingRead | None
    acceptance: str = Field(description="none, valid, expired or invalid")
    accepted_until: date | None
    next_review_date: date | None
    source: str
    updated_at: datetime


class RegisterQuery(ListQuery):
    """What the register is asked for: the same filters and sorts from the page, the API, the CLI and the export
    (an export takes every matching risk, so it ignores the cursor and the page size)."""

    sorts: ClassVar[tuple[str, ...]] = ("level", "inherent", "ref", "title", "status", "domain", "updated")

    domain: str | None = Field(default=None, description="security, ai, quality, elspi or compliance")
    status: str | None = Field(default=None, description="identified, assessed, treating, treated or accepted")
    owner: str | None = Field(default=None, max_length=80, description="The owner's username")
    product: str | None = Field(default=None, max_length=60, description="A product key, e.g. QKD-LINK")
    level: int | None = Field(default=None, ge=0, le=9, description="Current level index in the risk's matrix")
    source: Literal["manual", "mosca"] | None = Field(default=None, description="Entered by hand or raised by Mosca")
    search: str | None = Field(default=None, max_length=200, description="Words in the title, or a reference (R-0042)")


class RegisterPage(Page[RiskRow]):
    """One page of the register, counted up to 1,000 risks, with the sort it is in."""

    sort: str
    descending: bool


class HeatCell(BaseModel):
    likelihood: int
    impact: int
    count: int
    level_key: str
    level_label: str
    colour: str


class HeatMap(BaseModel):
    kind: str
    matrix: str
    likelihood_labels: list[str]
    impact_labels: list[str]
    rows: list[list[HeatCell]] = Field(description="Highest likelihood first")
    total: int
    not_shown: int = Field(description="Risks not rated, or rated under another matrix")


class ScenarioRead(BaseModel):
    key: str
    label: str
    crqc_year: int
    source: str
    source_date: str
    notes: str
    verified_on: str = Field(description="When the year was checked against its source; empty when it was not")
    edition: str = Field("", description="Edition of the source the year is read from")
    horizon: str = Field("", description="The source's horizon (or span of horizons) behind the year")
    probability: str = Field("", description="The source's probability (range) for the year")


class MoscaPointRead(BaseModel):
    scenario: str
    crqc_year: int
    x: float
    y: float
    z: float
    margin: float
    deadline_year: int
    exposed: bool


class MoscaSystemRead(BaseModel):
    system: str
    name: str
    y: float | None
    y_source: str = Field(description="Where y comes from: 'entered' by hand, or 'pqc-plan:PRODUCT'")
    y_plan: str | None = Field(description="The product whose PQC migration plan sets y, when one does")
    points: list[MoscaPointRead]
    risk: str | None = Field(description="The harvest-now-decrypt-later risk raised for this exposure")
    risk_status: str | None


class MoscaDataClassRead(BaseModel):
    key: str
    name: str
    x: float
    sensitivity: str
    systems: list[MoscaSystemRead]


class MoscaReport(BaseModel):
    as_of: date
    basis: str
    pack: str
    pack_verified_on: str
    scenarios: list[ScenarioRead]
    data_classes: list[MoscaDataClassRead]


class ScaleRead(BaseModel):
    value: int
    label: str
    definition: str
    never_acceptable: bool


class LevelRead(BaseModel):
    index: int
    key: str
    label: str
    tone: str
    colour: str
    decision: str
    accept_roles: list[str]
    max_treat_days: int | None
    review_days: int


class MatrixRead(BaseModel):
    id: str
    title: str
    version: str
    size: str
    source: str
    verified_on: str
    notes: list[str]
    likelihood: list[ScaleRead]
    impact: list[ScaleRead]
    levels: list[LevelRead]
    grid: list[list[int]]
    used_for: list[str]


class ThreatRead(BaseModel):
    ref: str
    id: str
    title: str
    description: str
    category: str
    domains: list[str]
    affects: list[str]
