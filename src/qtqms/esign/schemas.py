"""E-signature output shapes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class SignatureRead(BaseModel):
    id: int
    signer: str
    signer_id: int
    meaning: str
    subject_kind: str
    subject_id: str
    subject_label: str
    state_hash: str = Field(description="SHA-256 of the subject's material state when signed")
    signed_at: datetime
    expires_on: date | None


class VerificationRead(BaseModel):
    signature_id: int
    valid: bool
    finding: str = Field(description="valid, changed, expired, forged, outdated or missing")
    reason: str = Field(description="Why the signature holds or not, in words")
    expires_on: date | None = None
    changed_fields: list[str] = []


class SignatureCheck(BaseModel):
    signature: SignatureRead
    verification: VerificationRead
    state_checked: bool = Field(
        description="False here: the subject's current state is checked where the subject is read "
        "(a risk's acceptances, say); this checks the bytes, the manifest and the expiry"
    )
