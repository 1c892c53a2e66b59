"""The hash-chained audit trail's tables: infrastructure the unit of work writes, so it lives with the storage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import Base
from qtqms.db.types import JSONDocument, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_event"
    # Every read of the trail but its verification is one organisation's events by sequence, newest first: the
    # first index answers it in order without sorting (and serves the organisation alone, so it replaces that
    # column's own index); the second does the same for one record's history, shown on the record's page.
    __table_args__ = (
        Index("ix_audit_event_organisation_id_seq", "organisation_id", "seq"),
        Index("ix_audit_event_organisation_id_entity", "organisation_id", "entity_type", "entity_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str] = mapped_column(String(80))
    entity_label: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def chained_body(self) -> dict[str, Any]:
        return chained_body(
            seq=self.seq,
            occurred_at=self.occurred_at,
            organisation_id=self.organisation_id,
            actor_id=self.actor_id,
            actor_name=self.actor_name,
            action=self.action,
            entity_type=self.entity_type,
            entity_id=self.entity_id,
            entity_label=self.entity_label,
            before=self.before,
            after=self.after,
            reason=self.reason,
            request_id=self.request_id,
        )


def chained_body(**fields: Any) -> dict[str, Any]:
    """The fields covered by an event's hash, named once so writer and verifier agree."""
    return {name: fields[name] for name in CHAINED_FIELDS}


CHAINED_FIELDS = (
    "seq",
    "occurred_at",
    "organisation_id",
    "actor_id",
    "actor_name",
    "action",
    "entity_type",
    "entity_id",
    "entity_label",
    "before",
    "after",
    "reason",
    "request_id",
)


class TrailHead(Base):
    """One row holding the last event; locking it serialises writers of the chain on PostgreSQL."""

    __tablename__ = "trail_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
