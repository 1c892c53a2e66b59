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
    # The roles that must read and acknowledge the effective version ("all": everyone).
    audience: Mapped[list[str]] = mapped_column(JSONDocument, default=list)

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
    """A requirement ("iso9001-2015:7.5.3") or a control key a document serves."""

    __tablename__ = "document_link"
    __table_args__ = (
        UniqueConstraint("document_id", "target_kind", "target"),
        Index("ix_document_link_target", "organisation_id", "target_kind", "target"),
    )

    organisation_index = False
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(20))  # "requirement" or "control"
    target: Mapped[str] = mapped_column(String(200))

    def audit_label(self) -> str:
        return f"{self.target_kind} {self.target}"
