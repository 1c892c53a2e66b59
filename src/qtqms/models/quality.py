"""Quality processes: controlled documents (versions, sign-offs, acknowledgements, what they serve) and
nonconformities with their corrective actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qtqms.db.base import AuditedMixin, Base, IdMixin, OrgScoped, TimestampMixin
from qtqms.db.types import JSONDocument, UTCDateTime


class Document(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A controlled document (DOC-0001). `title`, `status`, `effective_version` and `latest_version` repeat what
    its versions say, so that the list reads one row per document."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        Index("ix_document_org_title", "organisation_id", "title", "number"),
        Index("ix_document_org_updated", "organisation_id", "updated_at", "number"),
    )

    organisation_index = False
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    effective_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latest_version: Mapped[int] = mapped_column(Integer, default=1)
    review_interval_months: Mapped[int] = mapped_column(Integer, default=12)
    next_review_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    def audit_label(self) -> str:
        return f"DOC-{self.number:04d}"


class DocumentVersion(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """One version of a document and where it stands in the document workflow; its content is Markdown, or the
    file of an evidence record attached to the document."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), nullable=True)
    change_reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    sign_offs: Mapped[list[DocumentSignOff]] = relationship(
        lazy="selectin", order_by="DocumentSignOff.id", cascade="all, delete-orphan"
    )

    def audit_label(self) -> str:
        return f"version {self.version} of document {self.document_id}"


class DocumentSignOff(OrgScoped, IdMixin, AuditedMixin, Base):
    """A named reviewer or approver of one version, and their signature once given."""

    __tablename__ = "document_sign_off"
    __table_args__ = (UniqueConstraint("version_id", "part", "user_id"),)

    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(20))  # "reviewer" or "approver"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The version's material state as it was signed: names what changed if the signature stops holding.
    signed_state: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return f"{self.part} of version {self.version_id}"


class DocumentAcknowledgement(OrgScoped, IdMixin, AuditedMixin, Base):
    """Someone read and understood one version."""

    __tablename__ = "document_acknowledgement"
    __table_args__ = (UniqueConstraint("version_id", "user_id"),)

    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DocumentLink(OrgScoped, IdMixin, AuditedMixin, Base):
    """A requirement ("iso9001-2015:7.5.3") or a control key a document serves, or a role it applies to (whose
    members acknowledge its effective version; "all": everyone)."""

    __tablename__ = "document_link"
    __table_args__ = (
        UniqueConstraint("document_id", "target_kind", "target"),
        Index("ix_document_link_target", "organisation_id", "target_kind", "target"),
    )

    organisation_index = False
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(20))  # "requirement", "control" or "audience"
    target: Mapped[str] = mapped_column(String(200))

    def audit_label(self) -> str:
        return f"{self.target_kind} {self.target}"


class Nonconformity(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A nonconformity (NC-0001) and its CAPA: containment, root cause, actions, effectiveness check, closure."""

    __tablename__ = "nonconformity"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        Index("ix_nonconformity_org_status", "organisation_id", "status", "number"),
    )

    organisation_index = False
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), nullable=True, index=True)
    process: Mapped[str] = mapped_column(String(200), default="")
    detected_on: Mapped[date] = mapped_column(Date)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    containment: Mapped[str] = mapped_column(Text, default="")
    cause_method: Mapped[str] = mapped_column(String(30), default="")  # "5 whys" or "cause categories"
    whys: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    cause_categories: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    root_cause: Mapped[str] = mapped_column(Text, default="")
    effectiveness_criteria: Mapped[str] = mapped_column(Text, default="")
    # How often a failed effectiveness check sent it back to its actions.
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closure_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"), nullable=True)
    closure_state: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)

    actions: Mapped[list[CorrectiveAction]] = relationship(lazy="selectin", order_by="CorrectiveAction.id")
    checks: Mapped[list[EffectivenessCheck]] = relationship(lazy="selectin", order_by="EffectivenessCheck.id")

    def audit_label(self) -> str:
        return f"NC-{self.number:04d}"


class NonconformityLink(OrgScoped, IdMixin, AuditedMixin, Base):
    """A requirement, document, risk or control a nonconformity concerns."""

    __tablename__ = "nonconformity_link"
    __table_args__ = (UniqueConstraint("nonconformity_id", "target_kind", "target"),)

    nonconformity_id: Mapped[int] = mapped_column(ForeignKey("nonconformity.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(200))


class CorrectiveAction(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A correction, corrective or preventive action with its owner and due date."""

    __tablename__ = "corrective_action"
    __table_args__ = (Index("ix_corrective_action_owner_open", "organisation_id", "owner_id", "done_on", "due_on"),)

    organisation_index = False
    nonconformity_id: Mapped[int] = mapped_column(ForeignKey("nonconformity.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str] = mapped_column(Text, default="")

    def audit_label(self) -> str:
        return self.title


class EffectivenessCheck(OrgScoped, IdMixin, AuditedMixin, Base):
    """A signed check that the actions worked; a failed one sends the nonconformity back to its actions."""

    __tablename__ = "effectiveness_check"

    nonconformity_id: Mapped[int] = mapped_column(ForeignKey("nonconformity.id", ondelete="CASCADE"), index=True)
    passed: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(Text)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id"))
    signed_state: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
