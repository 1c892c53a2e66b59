"""E-signature queries, each within one organisation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.models.esign import Signature, SigningKey


def active_key(session: Session, user_id: int) -> SigningKey | None:
    stmt = (
        select(SigningKey).where(SigningKey.user_id == user_id, SigningKey.retired_at.is_(None)).order_by(SigningKey.id)
    )
    return session.scalars(stmt).first()


PUBLIC_KEY = (SigningKey.user_id.label("key_user_id"), SigningKey.ed25519_public, SigningKey.mldsa_public)


def signatures_with_keys(session: Session, scope: OrgScope, signature_ids: Iterable[int]) -> dict[int, Row[Any]]:
    """The organisation's signatures among `signature_ids`, each with its key's public halves (never the sealed
    private ones), in one query of plain rows."""
    wanted = set(signature_ids)
    if not wanted:
        return {}
    stmt = (
        select(*Signature.__table__.columns, *PUBLIC_KEY)
        .join(SigningKey, SigningKey.id == Signature.key_id)
        .where(Signature.id.in_(wanted))
    )
    stmt = scoped(stmt, Signature, scope)
    return {row.id: row for row in session.execute(stmt)}


def signatures_of(session: Session, scope: OrgScope, entity_type: str, entity_id: str) -> list[Signature]:
    stmt = scoped(select(Signature), Signature, scope).where(
        Signature.entity_type == entity_type, Signature.entity_id == entity_id
    )
    stmt = stmt.order_by(Signature.signed_at, Signature.id)
    return list(session.scalars(stmt))
