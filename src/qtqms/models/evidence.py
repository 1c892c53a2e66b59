"""Evidence: a file or a URL showing that something holds, cited by any record of the organisation (a control,
a requirement, a risk, a product, later documents, CAPA, gates and test records) by its kind and reference."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import AuditedMixin, Base, IdMixin, OrgScoped, TimestampMixin


class Evidence(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """`subject_type` and `subject_id` name the record it is attached to: the kind ("control") and the record's
    stable reference in its organisation ("CTL-KEYMGMT", "R-0042", "iso27001-2022 A.8.24"), not a foreign key,
    so any slice's records can cite evidence. A file is kept once by its SHA-256 under the data directory,
    however many records cite it; `size` is its length then, checked again before every read."""

    __tablename__ = "evidence"
    __table_args__ = (
        Index("ix_evidence_subject_valid", "organisation_id", "subject_type", "subject_id", "valid_until"),
    )

    organisation_index = False
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # "file" or "url"
    url: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Who added it (created_at says when); empty for evidence migrated from a trail that did not say.
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)

    def audit_label(self) -> str:
        return self.title
