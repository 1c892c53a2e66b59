"""Catalogue and control queries; readiness reads everything it needs in a handful of set-based queries.

The shared catalogue (framework editions, requirements, mapping sets) belongs to no organisation and takes no
scope; every function over an organisation's controls, links, SoA entries or evidence takes the `OrgScope`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, owned, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.models.catalog import (
    CatalogMapping,
    CatalogRequirement,
    Control,
    ControlRequirement,
    FrameworkVersion,
    MappingSetVersion,
    SoaEntry,
)
from qtqms.models.evidence import Evidence

IMPLEMENTED = "implemented"
CONTROL_SUBJECT = "control"  # the kind of record a control is to the slices citing it (its evidence)


def framework_version(session: Session, pack_id: str, version: str) -> FrameworkVersion | None:
    stmt = select(FrameworkVersion).where(FrameworkVersion.pack_id == pack_id, FrameworkVersion.version == version)
    return session.scalar(stmt)


def framework_versions(session: Session, pack_id: str | None = None, *, current_only: bool = False):
    stmt = select(FrameworkVersion).order_by(FrameworkVersion.pack_id, FrameworkVersion.id)
    if pack_id is not None:
        stmt = stmt.where(FrameworkVersion.pack_id == pack_id)
    if current_only:
        stmt = stmt.where(FrameworkVersion.is_current.is_(True))
    return list(session.scalars(stmt))


def mapping_set_version(session: Session, set_id: str, version: str) -> MappingSetVersion | None:
    stmt = select(MappingSetVersion).where(MappingSetVersion.set_id == set_id, MappingSetVersion.version == version)
    return session.scalar(stmt)


def current_mapping_sets(session: Session, set_id: str | None = None) -> list[MappingSetVersion]:
    stmt = select(MappingSetVersion).where(MappingSetVersion.is_current.is_(True)).order_by(MappingSetVersion.set_id)
    if set_id is not None:
        stmt = stmt.where(MappingSetVersion.set_id == set_id)
    return list(session.scalars(stmt))


def requirement_rows(session: Session, version_ids: Iterable[int]) -> list[tuple]:
    """(framework_version_id, ref, parent_ref, kind, label, assessable, description) in file order."""
    stmt = (
        select(
            CatalogRequirement.framework_version_id,
            CatalogRequirement.ref,
            CatalogRequirement.parent_ref,
            CatalogRequirement.kind,
            CatalogRequirement.label,
            CatalogRequirement.assessable,
            CatalogRequirement.description,
        )
        .where(CatalogRequirement.framework_version_id.in_(list(version_ids)))
        .order_by(CatalogRequirement.framework_version_id, CatalogRequirement.position)
    )
    return list(session.execute(stmt))


def requirements_of(session: Session, version_id: int) -> list[CatalogRequirement]:
    """One edition's requirements with every column (tags too), in file order."""
    stmt = (
        select(CatalogRequirement)
        .where(CatalogRequirement.framework_version_id == version_id)
        .order_by(CatalogRequirement.position)
    )
    return list(session.scalars(stmt))


def mapping_set_versions(session: Session, set_id: str) -> list[MappingSetVersion]:
    stmt = select(MappingSetVersion).where(MappingSetVersion.set_id == set_id).order_by(MappingSetVersion.id)
    return list(session.scalars(stmt))


def mappings_of(session: Session, version_id: int) -> list[CatalogMapping]:
    stmt = select(CatalogMapping).where(CatalogMapping.mapping_set_version_id == version_id).order_by(CatalogMapping.id)
    return list(session.scalars(stmt))


def current_mappings(session: Session) -> list[tuple]:
    """(set_id, source_pack, target_pack, source_ref, target_ref, relationship, strength) of current sets."""
    stmt = (
        select(
            MappingSetVersion.set_id,
            MappingSetVersion.source_pack,
            MappingSetVersion.target_pack,
            CatalogMapping.source_ref,
            CatalogMapping.target_ref,
            CatalogMapping.relationship,
            CatalogMapping.strength,
        )
        .join(MappingSetVersion, MappingSetVersion.id == CatalogMapping.mapping_set_version_id)
        .where(MappingSetVersion.is_current.is_(True))
        .order_by(MappingSetVersion.set_id, CatalogMapping.source_ref, CatalogMapping.target_ref)
    )
    return list(session.execute(stmt))


def effective_controls(scope: OrgScope, today: date):
    """Ids of implemented controls with at least one evidence record valid today (a subquery). It reads the
    evidence table itself, along its (organisation, subject) index, so readiness stays a handful of set-based
    queries however many controls and evidence records there are."""
    current = scoped(
        exists().where(
            Evidence.subject_type == CONTROL_SUBJECT,
            Evidence.subject_id == Control.key,
            Evidence.valid_from <= today,
            or_(Evidence.valid_until.is_(None), Evidence.valid_until >= today),
        ),
        Evidence,
        scope,
    )
    return scoped(select(Control.id), Control, scope).where(Control.status == IMPLEMENTED, current)


def directly_met(
    session: Session, scope: OrgScope, today: date, packs: Iterable[str] | None = None
) -> set[tuple[str, str]]:
    """(pack, requirement) pairs linked to an implemented control that has current evidence, of `packs` or all;
    grouped in the database along the (organisation, framework, requirement, control) index."""
    stmt = (
        scoped(select(ControlRequirement.framework, ControlRequirement.requirement_ref), ControlRequirement, scope)
        .where(ControlRequirement.control_id.in_(effective_controls(scope, today)))
        .group_by(ControlRequirement.framework, ControlRequirement.requirement_ref)
    )
    if packs is not None:
        stmt = stmt.where(ControlRequirement.framework.in_(sorted(packs)))
    return {(framework, ref) for framework, ref in session.execute(stmt)}


def not_applicable(session: Session, scope: OrgScope) -> set[tuple[str, str]]:
    stmt = scoped(select(SoaEntry.framework, SoaEntry.requirement_ref), SoaEntry, scope)
    return {(framework, ref) for framework, ref in session.execute(stmt.where(SoaEntry.applicable.is_(False)))}


def soa_entries(session: Session, scope: OrgScope, framework: str) -> list[SoaEntry]:
    return list(session.scalars(scoped(select(SoaEntry).where(SoaEntry.framework == framework), SoaEntry, scope)))


def soa_entry(session: Session, scope: OrgScope, framework: str, ref: str) -> SoaEntry | None:
    stmt = select(SoaEntry).where(SoaEntry.framework == framework, SoaEntry.requirement_ref == ref)
    return session.scalar(scoped(stmt, SoaEntry, scope))


def control_keys_by_requirement(session: Session, scope: OrgScope, framework: str) -> dict[str, list[str]]:
    stmt = (
        scoped(select(ControlRequirement.requirement_ref, Control.key), ControlRequirement, scope)
        .join(Control, Control.id == ControlRequirement.control_id)
        .where(ControlRequirement.framework == framework)
        .order_by(Control.key)
    )
    found: dict[str, list[str]] = {}
    for ref, key in session.execute(stmt):
        found.setdefault(ref, []).append(key)
    return found


def controls(session: Session, scope: OrgScope, ids: Iterable[int] | None = None) -> list[Control]:
    stmt = scoped(select(Control), Control, scope).order_by(Control.key)
    if ids is not None:
        stmt = stmt.where(Control.id.in_(list(ids)))
    return list(session.scalars(stmt))


def control_by_key(session: Session, scope: OrgScope, key: str) -> Control:
    return one_or_404(session, scoped(select(Control).where(Control.key == key), Control, scope), f"control '{key}'")


def controls_by_keys(session: Session, scope: OrgScope, keys: Iterable[str]) -> list[Control]:
    return list(session.scalars(scoped(select(Control).where(Control.key.in_(list(keys))), Control, scope)))


def controls_for(session: Session, scope: OrgScope, keys: Iterable[tuple[str, str]]) -> dict[tuple, list[int]]:
    """Control ids linked to each of the given (pack, requirement) pairs."""
    pairs = list(keys)
    if not pairs:
        return {}
    columns = (ControlRequirement.framework, ControlRequirement.requirement_ref, ControlRequirement.control_id)
    stmt = scoped(select(*columns), ControlRequirement, scope).where(
        or_(*(and_(ControlRequirement.framework == f, ControlRequirement.requirement_ref == r) for f, r in pairs)),
    )
    found: dict[tuple, list[int]] = {}
    for framework, ref, control_id in session.execute(stmt):
        found.setdefault((framework, ref), []).append(control_id)
    return found


def links_of(session: Session, scope: OrgScope, control_ids: Iterable[int]) -> dict[int, list[ControlRequirement]]:
    """The links of controls already in scope, by id, checked on the rows (see `db.scoping.owned`)."""
    stmt = (
        select(ControlRequirement)
        .where(ControlRequirement.control_id.in_(list(control_ids)))
        .order_by(ControlRequirement.framework, ControlRequirement.requirement_ref)
    )
    found: dict[int, list[ControlRequirement]] = {}
    for link in owned(session.scalars(stmt), scope):
        found.setdefault(link.control_id, []).append(link)
    return found
