"""Organisation, management-system scope, sites, products and jurisdictions."""

from __future__ import annotations

from sqlalchemy import Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import AuditedMixin, Base, IdMixin, OrgScoped, TimestampMixin


class Organisation(IdMixin, TimestampMixin, AuditedMixin, Base):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    scope_statement: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    def audit_label(self) -> str:
        return self.name

    def audit_organisation_id(self) -> int | None:
        return self.id


class Site(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    address: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    in_scope: Mapped[bool] = mapped_column(Boolean, default=True)

    def audit_label(self) -> str:
        return self.name


class Product(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    technology: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    in_scope: Mapped[bool] = mapped_column(Boolean, default=True)

    def audit_label(self) -> str:
        return self.key


class ScopeExclusion(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    """A requirement the management system does not apply, with the reason an auditor will ask for."""

    __tablename__ = "scope_exclusion"
    __table_args__ = (UniqueConstraint("organisation_id", "requirement_ref"),)

    requirement_ref: Mapped[str] = mapped_column(String(120))
    justification: Mapped[str] = mapped_column(Text)

    def audit_label(self) -> str:
        return self.requirement_ref


class Jurisdiction(OrgScoped, IdMixin, TimestampMixin, AuditedMixin, Base):
    __tablename__ = "jurisdiction"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(120))
    operates: Mapped[bool] = mapped_column(Boolean, default=False)
    sells: Mapped[bool] = mapped_column(Boolean, default=False)

    def audit_label(self) -> str:
        return self.code
