"""Crypto inventory and migration plan: input and output shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from qtqms.pqc.domain import TaskStatus


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


class CbomImport(BaseModel):
    """A third-party CycloneDX CBOM (the JSON document itself) stored as a scan of a system."""

    product: str = Field(min_length=2, max_length=40)
    system: str = Field(min_length=1, max_length=120)
    policy: str = "nist-ir-8547"
    as_of: date | None = None
    category: str | None = None
    cbom: dict[str, Any]


class InventoryRow(AssetRead):
    system: str
    scan_id: int
    task_status: str | None = None


class Inventory(BaseModel):
    product: str
    rows: list[InventoryRow]
    scans: list[ScanRead]


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
