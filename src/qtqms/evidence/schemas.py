"""Evidence input and output shapes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, HttpUrl


class EvidenceRead(BaseModel):
    id: int
    subject_type: str
    subject_id: str
    title: str
    kind: str  # file or url
    url: str
    sha256: str
    filename: str
    size: int
    valid_from: date
    valid_until: date | None
    current: bool = False
    added_by: str = ""  # username; empty for evidence whose trail did not say
    added_at: datetime | None = None


class EvidenceDates(BaseModel):
    valid_from: date | None = None
    valid_until: date | None = None


class EvidenceLinkCreate(EvidenceDates):
    """A URL attached to the record the route names."""

    title: str = Field(min_length=1, max_length=200)
    url: HttpUrl


class SubjectIn(BaseModel):
    subject_type: str = Field(min_length=1, max_length=40, description="control, requirement, risk or product")
    subject_id: str = Field(
        min_length=1, max_length=200, description="the record's reference: CTL-KEYMGMT, iso27001-2022 A.8.24, R-0042"
    )


class EvidenceCreate(SubjectIn, EvidenceLinkCreate):
    """A URL attached to any record (a file is uploaded as a multipart form with the same fields)."""


class BadFile(BaseModel):
    """A kept file that failed its check, and every evidence record citing it."""

    sha256: str
    problem: str  # "missing", or what was found instead
    evidence: list[int]


class VerifyReport(BaseModel):
    checked: int  # distinct files read
    records: int  # file evidence records citing them
    bad: list[BadFile]
