"""Risk register: assets, data classes, risk scenarios, assessments, treatment, acceptance, Mosca exposure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import AuditedMixin, Base, IdMixin, OrgScoped, TimestampMixin
from qtqms.db.types import JSONDocument, UTCDateTime


class Asset(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """Information, software, services, hardware (quantum equipment included), people and sites, each owned."""

    __tablename__ = "asset"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), nullable=True)
    # Mosca's y for a system that protects data: how many years its move to post-quantum crypto takes.
    migration_years: Mapped[float | None] = mapped_column(Float, nullable=True)
    migration_years_source: Mapped[str] = mapped_column(String(80), default="")

    def audit_label(self) -> str:
        return self.key


class DataClass(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A class of data and how many years its confidentiality must hold (Mosca's x)."""

    __tablename__ = "data_class"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    shelf_life_years: Mapped[float] = mapped_column(Float)
    sensitivity: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    def audit_label(self) -> str:
        return self.key


class Risk(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A risk scenario with its three ratings, all under one frozen matrix version."""

    __tablename__ = "risk"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        # Keyset pagination of the register: one index per sort column, ending in the tie-breaker.
        Index("ix_risk_org_title", "organisation_id", "title", "number"),
        Index("ix_risk_org_current_level", "organisation_id", "current_level", "number"),
        Index("ix_risk_org_inherent_level", "organisation_id", "inherent_level", "number"),
        Index("ix_risk_org_status", "organisation_id", "status", "number"),
        Index("ix_risk_org_domain", "organisation_id", "domain", "number"),
        Index("ix_risk_org_updated", "organisation_id", "updated_at", "number"),
    )

    organisation_index = False
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    approach: Mapped[str] = mapped_column(String(10))
    domain: Mapped[str] = mapped_column(String(20))
    threat_ref: Mapped[str] = mapped_column(String(120), default="")
    vulnerabilities: Mapped[str] = mapped_column(Text, default="")
    existing_controls: Mapped[str] = mapped_column(Text, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), nullable=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    matrix_id: Mapped[str] = mapped_column(String(64))
    matrix_version: Mapped[str] = mapped_column(String(40))
    inherent_likelihood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    inherent_impact: Mapped[int | None] = mapped_column(Integer, nullable=True)
    inherent_level: Mapped[int] = mapped_column(Integer, default=-1)
    current_likelihood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    current_impact: Mapped[int | None] = mapped_column(Integer, nullable=True)
    current_level: Mapped[int] = mapped_column(Integer, default=-1)
    residual_likelihood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    residual_impact: Mapped[int | None] = mapped_column(Integer, nullable=True)
    residual_level: Mapped[int] = mapped_column(Integer, default=-1)
    treatment_option: Mapped[str | None] = mapped_column(String(10), nullable=True)
    treatment_plan: Mapped[str] = mapped_column(Text, default="")
    treatment_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    acceptance_status: Mapped[str] = mapped_column(String(10), default="none")
    accepted_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_review_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    computation: Mapped[str] = mapped_column(Text, default="")
    state_hash: Mapped[str] = mapped_column(String(64), default="")

    def audit_label(self) -> str:
        return f"R-{self.number:04d} {self.title}"[:200]


class RiskAssetLink(IdMixin, AuditedMixin, Base):
    __tablename__ = "risk_asset_link"
    __table_args__ = (UniqueConstraint("risk_id", "asset_id"),)

    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"))
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)


class RiskRequirementLink(IdMixin, AuditedMixin, Base):
    """A catalogue requirement the scenario bears on, in the framework edition that was current when linked."""

    __tablename__ = "risk_requirement_link"
    __table_args__ = (UniqueConstraint("risk_id", "requirement_id"),)

    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"))
    requirement_id: Mapped[int] = mapped_column(ForeignKey("catalog_requirement.id"), index=True)


class RiskControlLink(IdMixin, AuditedMixin, Base):
    """One of the organisation's controls that treats the scenario."""

    __tablename__ = "risk_control_link"
    __table_args__ = (UniqueConstraint("risk_id", "control_id"),)

    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"))
    control_id: Mapped[int] = mapped_column(ForeignKey("control.id"), index=True)


class RiskAssessment(IdMixin, AuditedMixin, Base):
    """One rating event: the history an auditor reads, each under the matrix version then in force."""

    __tablename__ = "risk_assessment"

    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    matrix_id: Mapped[str] = mapped_column(String(64))
    matrix_version: Mapped[str] = mapped_column(String(40))
    ratings: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    note: Mapped[str] = mapped_column(Text, default="")


class TreatmentAction(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    __tablename__ = "treatment_action"
    __table_args__ = (Index("ix_treatment_action_org_status_due", "organisation_id", "status", "due_date"),)

    organisation_index = False
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return self.title


class RiskAcceptance(OrgScoped, IdMixin, AuditedMixin, Base):
    """A signed decision to accept a risk in a given state, until an expiry or until that state changes."""

    __tablename__ = "risk_acceptance"

    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    accepted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    level_key: Mapped[str] = mapped_column(String(40))
    level_label: Mapped[str] = mapped_column(String(80))
    state: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    state_hash: Mapped[str] = mapped_column(String(64))
    justification: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date] = mapped_column(Date)
    invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    invalidated_reason: Mapped[str] = mapped_column(Text, default="")


class RiskMatrixChoice(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """Which matrix an organisation uses for a risk domain; later changes never re-rate existing risks."""

    __tablename__ = "risk_matrix_choice"
    __table_args__ = (UniqueConstraint("organisation_id", "domain"),)

    organisation_index = False
    domain: Mapped[str] = mapped_column(String(20))
    matrix_id: Mapped[str] = mapped_column(String(64))

    def audit_label(self) -> str:
        return f"{self.domain}: {self.matrix_id}"


class RiskSettings(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    __tablename__ = "risk_settings"

    organisation_unique = True
    mosca_scenario: Mapped[str] = mapped_column(String(40))


class ProductMigrationYears(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """Mosca's y of a product as its PQC migration plan last gave it: the y of every asset of that product."""

    __tablename__ = "product_migration_years"

    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), unique=True)
    years: Mapped[float] = mapped_column(Float)


class MoscaExposure(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A data class protected by a system; the harvest-now-decrypt-later risk it raised, if any."""

    __tablename__ = "mosca_exposure"
    __table_args__ = (UniqueConstraint("data_class_id", "asset_id"),)

    data_class_id: Mapped[int] = mapped_column(ForeignKey("data_class.id"))
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    risk_id: Mapped[int | None] = mapped_column(ForeignKey("risk.id"), nullable=True)


class RiskHeatCell(OrgScoped, IdMixin, Base):
    """How many risks sit in one heat-map cell, kept in step with every rating change in the same transaction.

    Derived data (rebuildable from the risk table), so it is not audited: the rating change that moves a
    count is. It makes heat maps cost the same for ten risks as for a hundred thousand.
    """

    __tablename__ = "risk_heat_cell"
    __table_args__ = (
        UniqueConstraint("organisation_id", "matrix_id", "matrix_version", "kind", "likelihood", "impact", "domain"),
    )

    organisation_index = False
    matrix_id: Mapped[str] = mapped_column(String(64))
    matrix_version: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))  # inherent | residual
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    domain: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=0)
