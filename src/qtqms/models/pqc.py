"""Crypto inventory inside the QMS: systems of a product, recorded scans with their assets, migration tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import AuditedMixin, Base, IdMixin, OrgScoped, TimestampMixin
from qtqms.db.types import JSONDocument, UTCDateTime


class PqcSystem(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A deployable part of a product (firmware, controller, cloud API) whose crypto is inventoried."""

    __tablename__ = "pqc_system"
    __table_args__ = (UniqueConstraint("product_id", "name"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return self.name


class PqcScan(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """One inventory of a system: who took it, from what, judged under which policy version as of which day."""

    __tablename__ = "pqc_scan"

    system_id: Mapped[int] = mapped_column(ForeignKey("pqc_system.id"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scanned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    source: Mapped[str] = mapped_column(String(20))  # scanner | cbom-import
    source_ref: Mapped[str] = mapped_column(String(300), default="")
    policy_id: Mapped[str] = mapped_column(String(60))
    policy_version: Mapped[str] = mapped_column(String(40))
    as_of: Mapped[date] = mapped_column(Date)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)

    def audit_label(self) -> str:
        return f"scan {self.id} ({self.source})"


class PqcAsset(IdMixin, Base):
    """One distinct crypto asset of a scan with where it occurs; recorded through its scan, not row by row."""

    __tablename__ = "pqc_asset"
    __table_args__ = (
        UniqueConstraint("scan_id", "label"),
        # Covers what an inventory page groups, counts, filters and sorts by, so a product's tens of thousands of
        # assets are read from the index, not their whole rows (locations and all).
        Index("ix_pqc_asset_inventory", "scan_id", "family", "verdict", "rule_id", "deadline", "occurrences", "label"),
    )

    scan_id: Mapped[int] = mapped_column(ForeignKey("pqc_scan.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    asset_type: Mapped[str] = mapped_column(String(30))
    family: Mapped[str] = mapped_column(String(40))
    primitive: Mapped[str] = mapped_column(String(20))
    parameter: Mapped[str | None] = mapped_column(String(60), nullable=True)
    classical_bits: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quantum_vulnerable: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: not judged (a library)
    rule_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    occurrences: Mapped[int] = mapped_column(Integer)
    locations: Mapped[list[str]] = mapped_column(JSONDocument, default=list)  # "path:line", the first few


class PqcTask(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """Replace one asset of a system by a quantum-safe alternative, owned and due by a date."""

    __tablename__ = "pqc_task"
    __table_args__ = (UniqueConstraint("system_id", "asset_label"),)

    system_id: Mapped[int] = mapped_column(ForeignKey("pqc_system.id"), index=True)
    asset_label: Mapped[str] = mapped_column(String(200))
    replacement: Mapped[str] = mapped_column(String(200))
    rationale: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    effort_days: Mapped[float | None] = mapped_column(Float, nullable=True)

    def audit_label(self) -> str:
        return f"{self.asset_label} → {self.replacement}"
