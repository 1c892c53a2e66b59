"""Electronic signatures and the signing keys behind them."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qtqms.db.base import AuditedMixin, Base, IdMixin, OrgScoped
from qtqms.db.types import UTCDateTime


class SigningKey(IdMixin, Base):
    """A user's signing key pair: Ed25519 and ML-DSA-65, private halves encrypted with the server key."""

    __tablename__ = "signing_key"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ed25519_public: Mapped[str] = mapped_column(String(64))
    mldsa_public: Mapped[str] = mapped_column(Text)
    sealed_private: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Signature(OrgScoped, IdMixin, AuditedMixin, Base):
    """An electronic signature: who signed which subject, meaning what, when, over the hash of which state.

    `manifest` is the signed text itself; the other columns repeat parts of it for queries, and verification
    refuses a row whose columns no longer agree with its manifest.
    """

    __tablename__ = "signature"
    __table_args__ = (Index("ix_signature_entity", "entity_type", "entity_id"),)
    audit_redacted: ClassVar[frozenset[str]] = frozenset({"ed25519_signature", "mldsa_signature"})

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key_id: Mapped[int] = mapped_column(ForeignKey("signing_key.id"))
    entity_type: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[str] = mapped_column(String(80))
    meaning: Mapped[str] = mapped_column(String(120))
    content_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    manifest: Mapped[str] = mapped_column(Text)
    ed25519_signature: Mapped[str] = mapped_column(Text)
    mldsa_signature: Mapped[str] = mapped_column(Text)

    def audit_label(self) -> str:
        return f"{self.meaning} of {self.entity_type} {self.entity_id}"
