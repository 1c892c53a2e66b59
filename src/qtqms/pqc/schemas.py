"""Crypto inventory and migration plan: input and output shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from qtqms.pqc.domain import TaskStatus
from qtqms.pqc.scanner import Algorithm, AssetType, Confidence, Finding, Primitive


class SystemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    product: str
    name: str
    description: str


class AssetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    label: str
    asset_type: str
    family: str
    primitive: str
    parameter: str | None
    classical_bits: int | None
    quantum_vulnerable: bool | None
    verdict: str | None
    rule_id: str | None
    deadline: date | None
    occurrences: int
    locations: list[str]


class ScanRead(BaseModel):
    id: int
    product: str
    system: str
    scanned_at: datetime
    scanned_by: str
    source: Literal["scanner", "cbom-import"]
    source_ref: str
    policy_id: str
    policy_version: str
    as_of: date
    summary: dict[str, Any]


class ScanDetail(ScanRead):
    assets: list[AssetRead]


class ChangeRead(BaseModel):
    label: str
    before: str | None
    after: str | None


class ScanDiff(BaseModel):
    older: ScanRead | None
    newer: ScanRead
    added: list[ChangeRead]
    removed: list[ChangeRead]
    changed: list[ChangeRead]


class ReportFinding(BaseModel):
    """One finding of a `qtqms pqc scan --json` report, as `Finding.to_dict` wrote it."""

    asset_type: AssetType
    name: str = Field(min_length=1, max_length=200)
    family: str = Field(min_length=1, max_length=40)
    primitive: Primitive
    parameter: str | None = None
    mode: str | None = None
    padding: str | None = None
    classical_security_level: int | None = Field(default=None, ge=0)
    nist_quantum_security_level: int | None = Field(default=None, ge=0, le=5)
    quantum_vulnerable: bool | None = None
    path: str
    line: int = Field(ge=1)
    column: int = Field(ge=0)
    evidence: str = ""
    confidence: Confidence
    rule_id: str
    language: str
    details: dict[str, str] = {}

    def to_finding(self) -> Finding:
        algorithm = Algorithm(
            family=self.family,
            name=self.name,
            primitive=self.primitive,
            parameter=self.parameter,
            mode=self.mode,
            padding=self.padding,
            classical_bits=self.classical_security_level,
            nist_level=self.nist_quantum_security_level,
            quantum_vulnerable=self.quantum_vulnerable,
        )
        return Finding(
            asset_type=self.asset_type,
            algorithm=algorithm,
            path=self.path,
            line=self.line,
            column=self.column,
            evidence=self.evidence,
            confidence=self.confidence,
            rule_id=self.rule_id,
            language=self.language,
            details=tuple(self.details.items()),
        )


class ScanReport(BaseModel):
    """The JSON report of `qtqms pqc scan --json`; its own policy section is not used (the scan is judged anew)."""

    summary: dict[str, Any]
    findings: list[ReportFinding]
    policy: dict[str, Any] | None = None


class ScanTarget(BaseModel):
    """Which system of a product a scan belongs to (made when new) and how its assets are judged."""

    system: str = Field(min_length=1, max_length=120)
    policy: str = "nist-ir-8547"
    as_of: date | None = None
    category: str | None = None


class ScanImport(ScanTarget):
    """A scan stored through the API: a CycloneDX CBOM (ours or a third party's) or a `qtqms pqc scan --json`
    report, exactly one of the two, as the JSON document itself."""

    product: str = Field(min_length=2, max_length=40)
    cbom: dict[str, Any] | None = None
    report: ScanReport | None = None

    @model_validator(mode="after")
    def _one_document(self) -> ScanImport:
        if (self.cbom is None) == (self.report is None):
            raise ValueError("give exactly one of cbom (a CycloneDX document) and report (a scan --json report)")
        return self


class InventoryRow(AssetRead):
    system: str
    scan_id: int
    task_status: str | None = None
    recorded_verdict: str | None = Field(
        default=None, description="The verdict the scan recorded; `verdict` differs when judged as of another day"
    )


class Inventory(BaseModel):
    product: str
    rows: list[InventoryRow]
    scans: list[ScanRead]
    as_of: date | None = Field(default=None, description="The day the rows are judged as of; null: as recorded")
    unjudged_policies: list[str] = Field(
        default=[], description="Policies of recorded scans that could not be loaded to judge as of `as_of`"
    )


InventoryGrouping = Literal["algorithm", "verdict", "deadline"]
InventorySort = Literal["label", "verdict", "deadline", "occurrences", "system"]


MAX_PAGE_ROWS = 1000


class InventoryView(BaseModel):
    """Which part of a product's inventory a page shows: grouped, filtered, sorted and paged."""

    group: InventoryGrouping = "algorithm"
    sort: InventorySort = "label"
    text: str = Field(default="", description="Part of an asset's label, system or locations (any case)")
    verdict: str = Field(default="", description="Only assets with this verdict ('not judged' for libraries)")
    as_of: date | None = Field(default=None, description="Judge every asset as of this day (what breaks then)")
    page: int = Field(default=1, description="Page number, brought within the pages there are")
    page_rows: int = Field(default=500, ge=1, le=MAX_PAGE_ROWS)


class InventoryGroup(BaseModel):
    name: str
    size: int = Field(description="Assets of the whole group that match the filter, on every page")
    rows: list[InventoryRow] = Field(description="The group's rows on this page")


class InventoryPage(BaseModel):
    """One page of a product's inventory, counted, filtered, sorted and paged by the database."""

    product: str
    scans: list[ScanRead]
    as_of: date | None
    unjudged_policies: list[str]
    total: int = Field(description="Assets in the inventory")
    shown: int = Field(description="Assets that match the filter")
    verdicts: list[str] = Field(description="Verdicts present in the inventory ('not judged' for libraries)")
    turning_points: list[date] = Field(description="Days on which a verdict of the inventory changes")
    groups: list[InventoryGroup]
    page: int
    pages: int
    worse: list[InventoryRow] = Field(description="The first assets judged worse as of `as_of` than recorded")
    worse_count: int


class TaskRead(BaseModel):
    id: int
    product: str
    system: str
    asset_label: str
    replacement: str
    rationale: str
    owner: str
    deadline: date | None
    status: TaskStatus
    effort_days: float | None
    overdue: bool


class TaskUpdate(BaseModel):
    replacement: str | None = Field(default=None, min_length=1, max_length=200)
    owner: str | None = Field(default=None, min_length=1)
    deadline: date | None = None
    status: TaskStatus | None = None
    effort_days: float | None = Field(default=None, ge=0, le=10000)


class PlanRequest(BaseModel):
    owner: str | None = Field(default=None, description="Owner of the new tasks (default: the caller)")


class Progress(BaseModel):
    product: str
    total: int
    done: int
    in_progress: int
    open: int
    overdue: int
    percent: int
    migration_years: float | None


class TaskView(BaseModel):
    """Which tasks of a product's plan a page shows: by status, only the overdue ones, paged."""

    status: TaskStatus | None = None
    overdue: bool = False
    page: int = Field(default=1, description="Page number, brought within the pages there are")
    page_rows: int = Field(default=100, ge=1, le=MAX_PAGE_ROWS)


class TaskPage(BaseModel):
    product: str
    progress: Progress
    tasks: list[TaskRead]
    shown: int = Field(description="Tasks that match the view, on every page")
    overdue: list[TaskRead] = Field(description="The overdue tasks due soonest")
    page: int
    pages: int
