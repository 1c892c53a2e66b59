"""The history of every workflow record's status: one row per transition taken."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import Base, IdMixin, OrgScoped
from qtqms.db.types import UTCDateTime


class StatusChange(OrgScoped, IdMixin, Base):
    """Not itself audited: the record's own status update is, in the same transaction, with the same reason."""

    __tablename__ = "status_change"
    __table_args__ = (Index("ix_status_change_subject", "organisation_id", "subject_type", "subject_id", "id"),)

    organisation_index = False
    subject_type: Mapped[str] = mapped_column(String(80))
    subject_id: Mapped[int] = mapped_column(Integer)
    workflow: Mapped[str] = mapped_column(String(80))
    transition: Mapped[str] = mapped_column(String(80))
    from_state: Mapped[str] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The signature the transition needed (an approval, a release), when it needed one.
    signature_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
