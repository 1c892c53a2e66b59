"""Audit trail output shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    occurred_at: datetime
    organisation_id: int | None
    actor_id: int | None
    actor_name: str
    action: str
    entity_type: str
    entity_id: str
    entity_label: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str
    request_id: str
    prev_hash: str
    hash: str


class EventPage(BaseModel):
    events: list[EventRead]
    next_before_seq: int | None


class VerifyResult(BaseModel):
    intact: bool
    events_checked: int
    head_seq: int
    first_bad_seq: int | None = None
    reason: str = ""
    # Set when a checkpoint was given: the event it vouches for, when it was cut and which key signed it.
    checkpoint_seq: int | None = None
    checkpoint_cut_at: str = ""
    key_fingerprint: str = ""


class CheckpointRead(BaseModel):
    seq: int
    hash: str
    cut_at: str
    key_fingerprint: str
    path: str
