"""Export-control classification output shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class CandidateRead(BaseModel):
    jurisdiction: str
    pack: str
    item: str
    title: str
    status: str = Field(description="controlled, not controlled or undetermined")
    reason: str
    verify: bool = Field(description="Our reading of this entry awaits confirmation against its source")


class ClassificationRead(BaseModel):
    product: str
    notice: str
    parameters: dict
    packs: dict[str, str]
    candidates: list[CandidateRead]
    missing: list[str]
    recorded_at: datetime | None = Field(description="When this result was recorded; null: computed now, not recorded")
    recorded_by: str = ""
    changes: list[str] = Field(description="What changed against the classification recorded before")
    current: bool = Field(description="The recorded classification matches the current parameters and packs")


class ListRead(BaseModel):
    id: str
    jurisdiction: str
    title: str
    version: str
    source: str
    verified_on: str
    notes: list[str]
    items: list[str]
