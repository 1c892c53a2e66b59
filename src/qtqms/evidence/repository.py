"""Evidence queries, every one within the scope's organisation."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, scoped
from qtqms.evidence.domain import EvidenceKind
from qtqms.kernel.rbac import OrgScope
from qtqms.models.evidence import Evidence


def by_id(session: Session, scope: OrgScope, evidence_id: int) -> Evidence:
    return one_or_404(session, scoped(select(Evidence).where(Evidence.id == evidence_id), Evidence, scope),
                      f"evidence {evidence_id}")  # fmt: skip


def listed(
    session: Session, scope: OrgScope, subject_type: str | None = None, subject_ids: Iterable[str] | None = None
) -> list[Evidence]:
    """The organisation's evidence, of one kind of record (and those records) when given, by record then date."""
    stmt = scoped(select(Evidence), Evidence, scope)
    if subject_type is not None:
        stmt = stmt.where(Evidence.subject_type == subject_type)
    if subject_ids is not None:
        stmt = stmt.where(Evidence.subject_id.in_(list(subject_ids)))
    order = (Evidence.subject_type, Evidence.subject_id, Evidence.valid_from, Evidence.id)
    return list(session.scalars(stmt.order_by(*order)))


def file_rows(session: Session, scope: OrgScope) -> list[tuple[int, str, int]]:
    """(id, sha256, size) of every file evidence record, by digest."""
    stmt = scoped(select(Evidence.id, Evidence.sha256, Evidence.size), Evidence, scope)
    stmt = stmt.where(Evidence.kind == EvidenceKind.FILE.value).order_by(Evidence.sha256, Evidence.id)
    return [(row[0], row[1], row[2]) for row in session.execute(stmt)]
