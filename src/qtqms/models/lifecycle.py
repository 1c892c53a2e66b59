"""The technology lifecycle: each product as the lifecycle sees it, its gate decisions, ELSPI impact assessments,
red-line hits, export-control classifications, and the role sign-offs all of them collect."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import AuditedMixin, Base, IdMixin, OrgScoped, TimestampMixin
from qtqms.db.types import JSONDocument, UTCDateTime


class LifecycleProduct(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """The lifecycle's view of one organisation product (org's `product` row, whose key it keeps): what it is for,
    where it goes, its readiness, its typed technical parameters, and the stage it has reached (`status`, moved
    only by a passed gate)."""

    __tablename__ = "lifecycle_product"
    __table_args__ = (UniqueConstraint("organisation_id", "product_key"),)

    organisation_index = False
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), unique=True)
    product_key: Mapped[str] = mapped_column(String(40))
    domain: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    intended_uses: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    intended_users: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    foreseeable_misuses: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    trl: Mapped[int | None] = mapped_column(Integer, nullable=True)
    developed_in: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    sold_in: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    used_in: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    customer_classes: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    safety_critical: Mapped[bool] = mapped_column(Boolean, default=False)
    # {name: {"value": 100, "unit": "qubits"}}, as the technology's parameter pack declares them.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    status: Mapped[str] = mapped_column(String(8), default="S0")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)

    def audit_label(self) -> str:
        return self.product_key


class GateDecision(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A decision at one gate of one product: the outcome, why, the check it was taken on, and the material state
    of everything it relied on (a later change shows the decision as stale). It takes effect once every role it
    needs has signed."""

    __tablename__ = "lifecycle_gate_decision"

    lifecycle_product_id: Mapped[int] = mapped_column(ForeignKey("lifecycle_product.id"), index=True)
    gate: Mapped[str] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="awaiting")
    rationale: Mapped[str] = mapped_column(Text)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    required_roles: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    relied_on: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    proposed_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def audit_label(self) -> str:
        return f"{self.gate} {self.outcome}"


class ElspiAssessment(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """An ELSPI impact assessment of one product at one stage under one question-bank version: every answer with
    who gave it and when, the scores, the level with the floors that raised it, and when it is due again."""

    __tablename__ = "lifecycle_elspi_assessment"
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)

    organisation_index = False
    ref: Mapped[str] = mapped_column(String(20))
    lifecycle_product_id: Mapped[int] = mapped_column(ForeignKey("lifecycle_product.id"), index=True)
    stage: Mapped[str] = mapped_column(String(8))
    bank_id: Mapped[str] = mapped_column(String(80))
    bank_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # {question id: {"score": 0-3 or null for not applicable, "by": user id, "at": ISO time, "note": text}}
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    raw: Mapped[int] = mapped_column(Integer, default=0)
    max_raw: Mapped[int] = mapped_column(Integer, default=0)
    mitigation: Mapped[int] = mapped_column(Integer, default=0)
    max_mitigation: Mapped[int] = mapped_column(Integer, default=0)
    current: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[str] = mapped_column(String(4), default="")
    floors: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    required_roles: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # The product's jurisdictions and customer classes when completed: a new one later calls for re-assessment.
    profile: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    rescored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def audit_label(self) -> str:
        return self.ref


class RedLineHit(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A proposed use or characteristic of a product that crosses a red line: it blocks every gate of the product
    and stays open until the roles the red-line pack names have each signed a justified clearance."""

    __tablename__ = "lifecycle_red_line_hit"

    lifecycle_product_id: Mapped[int] = mapped_column(ForeignKey("lifecycle_product.id"), index=True)
    pack_id: Mapped[str] = mapped_column(String(80))
    pack_version: Mapped[str] = mapped_column(String(20))
    red_line: Mapped[str] = mapped_column(String(20))
    use_case: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    escalated_to: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    raised_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def audit_label(self) -> str:
        return f"{self.red_line} hit"


class ExportClassification(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """The export-control candidates found for a product's recorded parameters under the list packs of the day,
    with what was missing to decide and what changed since the classification before."""

    __tablename__ = "lifecycle_export_classification"

    lifecycle_product_id: Mapped[int] = mapped_column(ForeignKey("lifecycle_product.id"), index=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    packs: Mapped[dict[str, str]] = mapped_column(JSONDocument, default=dict)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    missing: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    changes: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    classified_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    classified_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def audit_label(self) -> str:
        return f"export classification {self.id}"


class LifecycleSignoff(OrgScoped, IdMixin, AuditedMixin, Base):
    """One role's signed sign-off of a lifecycle record (a gate decision, an ELSPI assessment, a red-line
    clearance): the e-signature, and the material state it was given on, so a later change can be named."""

    __tablename__ = "lifecycle_signoff"
    __table_args__ = (Index("ix_lifecycle_signoff_subject", "organisation_id", "subject_type", "subject_id"),)

    organisation_index = False
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signature_id: Mapped[int] = mapped_column(Integer)
    justification: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def audit_label(self) -> str:
        return f"{self.role} sign-off of {self.subject_type} {self.subject_id}"
