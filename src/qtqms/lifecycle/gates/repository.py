"""Queries over gate decisions (private to the gates sub-slice)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.models.lifecycle import GateDecision


def decision(session: Session, scope: OrgScope, decision_id: int) -> GateDecision:
    stmt = scoped(select(GateDecision), GateDecision, scope).where(GateDecision.id == decision_id)
    return one_or_404(session, stmt, f"gate decision {decision_id}")


def awaiting(session: Session, scope: OrgScope, product_id: int, gate: str) -> GateDecision | None:
    stmt = scoped(select(GateDecision), GateDecision, scope).where(
        GateDecision.lifecycle_product_id == product_id, GateDecision.gate == gate, GateDecision.status == "awaiting"
    )
    return session.scalars(stmt).first()


def decisions(session: Session, scope: OrgScope, product_id: int, limit: int) -> list[GateDecision]:
    stmt = (
        scoped(select(GateDecision), GateDecision, scope)
        .where(GateDecision.lifecycle_product_id == product_id)
        .order_by(GateDecision.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
