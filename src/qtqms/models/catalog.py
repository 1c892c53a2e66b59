"""Standards catalogue in the database (framework editions, requirements, mappings) and the organisation's
controls and Statement of Applicability, which refer to requirements by pack id and requirement id so they survive
a new edition of a pack. A control's evidence is in `models.evidence`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import AuditedMixin, Base, IdMixin, OrgScoped, TimestampMixin
from qtqms.db.types import JSONDocument, UTCDateTime


class FrameworkVersion(IdMixin, Base):
    """One edition of a framework pack; older editions stay when a newer one is loaded."""

    __tablename__ = "framework_version"
    __table_args__ = (UniqueConstraint("pack_id", "version"),)

    pack_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(40))
    edition: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    publisher: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    licence: Mapped[str] = mapped_column(Text)
    verified_on: Mapped[date] = mapped_column(Date)
    shipped: Mapped[bool] = mapped_column(Boolean, default=False)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CatalogRequirement(IdMixin, Base):
    __tablename__ = "catalog_requirement"
    __table_args__ = (UniqueConstraint("framework_version_id", "ref"),)

    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = mapped_column(String(120))
    parent_ref: Mapped[str | None] = mapped_column(String(120), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(Text)
    assessable: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[dict] = mapped_column(JSONDocument, default=dict)


class MappingSetVersion(IdMixin, Base):
    __tablename__ = "mapping_set_version"
    __table_args__ = (UniqueConstraint("set_id", "version"),)

    set_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    source_pack: Mapped[str] = mapped_column(String(64))
    target_pack: Mapped[str] = mapped_column(String(64))
    # Empty for sets loaded before migration 0007, which did not keep them.
    publisher: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    licence: Mapped[str | None] = mapped_column(Text, nullable=True)
    verified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    shipped: Mapped[bool] = mapped_column(Boolean, default=False)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CatalogMapping(IdMixin, Base):
    __tablename__ = "catalog_mapping"
    __table_args__ = (UniqueConstraint("mapping_set_version_id", "source_ref", "target_ref"),)

    mapping_set_version_id: Mapped[int] = mapped_column(ForeignKey("mapping_set_version.id", ondelete="CASCADE"))
    source_ref: Mapped[str] = mapped_column(String(120))
    target_ref: Mapped[str] = mapped_column(String(120))
    relationship: Mapped[str] = mapped_column(String(20))
    strength: Mapped[float] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text)


class Control(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A measure the organisation runs, linked to the requirements of any framework it serves."""

    __tablename__ = "control"
    __table_args__ = (
        UniqueConstraint("organisation_id", "key"),
        Index("ix_control_org_status", "organisation_id", "status", "id"),
    )

    organisation_index = False
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    implementation: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    def audit_label(self) -> str:
        return self.key


class ControlRequirement(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    __tablename__ = "control_requirement"
    __table_args__ = (
        UniqueConstraint("control_id", "framework", "requirement_ref"),
        Index("ix_control_requirement_org_ref", "organisation_id", "framework", "requirement_ref", "control_id"),
    )

    organisation_index = False
    control_id: Mapped[int] = mapped_column(ForeignKey("control.id", ondelete="CASCADE"))
    framework: Mapped[str] = mapped_column(String(64))
    requirement_ref: Mapped[str] = mapped_column(String(120))

    def audit_label(self) -> str:
        return f"{self.framework} {self.requirement_ref}"


class SoaEntry(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """The Statement of Applicability's decision for one Annex A control."""

    __tablename__ = "soa_entry"
    __table_args__ = (UniqueConstraint("organisation_id", "framework", "requirement_ref"),)

    organisation_index = False
    framework: Mapped[str] = mapped_column(String(64))
    requirement_ref: Mapped[str] = mapped_column(String(120))
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    justification: Mapped[str] = mapped_column(Text, default="")
    implementation_status: Mapped[str] = mapped_column(String(20), default="planned")

    def audit_label(self) -> str:
        return f"{self.framework} {self.requirement_ref}"
