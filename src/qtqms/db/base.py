"""Declarative base with a naming convention, and the mixins every table uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from qtqms.db.types import UTCDateTime
from qtqms.kernel import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class OrgScoped:
    """A table of one organisation's records: every read and write of it goes through an `OrgScope`.

    `organisation_index` is False where a unique key that starts with the organisation already serves as its
    index, `organisation_unique` True where an organisation has at most one row.
    """

    organisation_index: ClassVar[bool] = True
    organisation_unique: ClassVar[bool] = False

    @declared_attr
    def organisation_id(cls) -> Mapped[int]:
        if cls.organisation_unique:
            return mapped_column(ForeignKey("organisation.id"), unique=True)
        return mapped_column(ForeignKey("organisation.id"), index=cls.organisation_index)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class AuditedMixin:
    """Rows of these tables are recorded in the audit trail on every insert, update and delete.

    `audit_redacted` names columns whose values never enter the trail (secrets, hashes of secrets);
    `audit_ignored` names columns whose changes alone are not worth an event.
    """

    audit_redacted: ClassVar[frozenset[str]] = frozenset()
    audit_ignored: ClassVar[frozenset[str]] = frozenset({"updated_at"})

    def audit_label(self) -> str:
        return str(getattr(self, "id", ""))

    def audit_organisation_id(self) -> int | None:
        """Whose trail the row's events belong to: its organisation, whoever made the change."""
        return getattr(self, "organisation_id", None)

    def audit_values(self) -> dict[str, Any]:
        return {column.key: getattr(self, column.key) for column in self.__table__.columns}  # type: ignore[attr-defined]
