"""Evidence queries, every one within an organisation."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtqms.evidence.domain import EvidenceKind
from qtqms.models.evidence import Evidence


def by_id(session: Session, organisation_id: int, evidence_id: int) -> Evidence | None:
    stmt = select(Evidence).where(Evidence.organisation_id == organisation_id, Evidence.id == evidence_id)
    return session.scalar(stmt)


def listed(
    session: Session, organisation_id: int, subject_type: str | None = None, subject_ids: Iterable[str] | None = None
) -> list[Evidence]:
    """The organisation's evidence, of one kind of record (and those records) when given, by record then date."""
    stmt = select(Evidence).where(Evidence.organisation_id == organisation_id)
    if subject_type is not None:
        stmt = stmt.where(Evidence.subject_type == subject_type)
    if subject_ids is not None:
        stmt = stmt.where(Evidence.subject_id.in_(list(subject_ids)))
    order = (Evidence.subject_type, Evidence.subject_id, Evidence.valid_from, Evidence.id)
    return list(session.scalars(stmt.order_by(*order)))


def file_rows(session: Session, organisation_id: int) -> list[tuple[int, str, int]]:
    """(id, sha256, size) of every file evidence record, by digest."""
    stmt = (
        select(Evidence.id, Evidence.sha256, Evidence.size)
        .where(Evidence.organisation_id == organisation_id, Evidence.kind == EvidenceKind.FILE.value)
        .order_by(Evidence.sha256, Evidence.id)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(stmt)]
