"""Packs in and out of the database: shipped and imported framework packs and mapping sets, each edition kept,
and a loaded edition rebuilt as a pack to write as YAML or OSCAL."""

from __future__ import annotations

from sqlalchemy import insert

from qtqms.catalog import domain
from qtqms.catalog import repository as repo
from qtqms.catalog.domain import FrameworkPack, MappingSet, Pack, Relationship
from qtqms.catalog.schemas import (
    SyncReport,
)
from qtqms.catalog.service._common import _framework_pack, _shipped
from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import InvalidInput, NotFound, Problem
from qtqms.kernel.rbac import Permission, authorize
from qtqms.models.catalog import (
    CatalogMapping,
    CatalogRequirement,
    FrameworkVersion,
    MappingSetVersion,
)


def sync_shipped_packs(uow: UnitOfWork, actor: Actor | None = None) -> SyncReport:
    """Load every shipped pack whose (id, version) is not in the database yet; loading twice changes nothing."""
    frameworks, mapping_sets = _shipped()
    report = SyncReport(frameworks_added=[], mapping_sets_added=[], unchanged=0)
    for pack in (*frameworks, *mapping_sets):
        _store(uow, pack, shipped=True, report=report)
    return report


def import_pack(uow: UnitOfWork, actor: Actor, pack: Pack) -> SyncReport:
    authorize(actor, Permission.CATALOG_EDIT)
    _check_lengths(pack)
    if isinstance(pack, MappingSet):
        _check_mapping_targets(uow, pack)
    report = SyncReport(frameworks_added=[], mapping_sets_added=[], unchanged=0)
    _store(uow, pack, shipped=False, report=report)
    return report


LIMITS = {"version": 40, "title": 200, "publisher": 200}


REF_LIMIT = 120


def _check_lengths(pack: Pack) -> None:
    """What the database columns hold; a pack file may say more than they do."""
    problems = [
        Problem(f"longer than {limit} characters", pack.id, name)
        for name, limit in LIMITS.items()
        if len(getattr(pack.info, name)) > limit
    ]
    refs = [r.id for r in pack.requirements] if isinstance(pack, FrameworkPack) else []
    refs += [ref for m in getattr(pack, "mappings", ()) for ref in (m.source, m.target)]
    problems += [Problem(f"requirement id longer than {REF_LIMIT} characters", pack.id, ref[:40])
                 for ref in refs if len(ref) > REF_LIMIT]  # fmt: skip
    if problems:
        raise InvalidInput(f"pack '{pack.id}' does not fit the catalogue: {problems[0]}", problems)


def _check_mapping_targets(uow: UnitOfWork, pack: MappingSet) -> None:
    known = {v.pack_id for v in repo.framework_versions(uow.session, current_only=True)}
    missing = [p for p in (pack.source_pack, pack.target_pack) if p not in known]
    if missing:
        raise InvalidInput(f"mapping set '{pack.id}' refers to packs not loaded: {', '.join(missing)}")


def _store(uow: UnitOfWork, pack: Pack, *, shipped: bool, report: SyncReport) -> None:
    if isinstance(pack, FrameworkPack):
        if repo.framework_version(uow.session, pack.id, pack.info.version) is not None:
            report.unchanged += 1
            return
        _store_framework(uow, pack, shipped)
        report.frameworks_added.append(f"{pack.id} {pack.info.version}")
    else:
        if repo.mapping_set_version(uow.session, pack.id, pack.info.version) is not None:
            report.unchanged += 1
            return
        _store_mapping_set(uow, pack, shipped)
        report.mapping_sets_added.append(f"{pack.id} {pack.info.version}")
    uow.record("import", "catalog_pack", pack.id, label=f"{pack.id} {pack.info.version}")


def _store_framework(uow: UnitOfWork, pack: FrameworkPack, shipped: bool) -> None:
    version = FrameworkVersion(pack_id=pack.id, edition=pack.edition)
    rows = [
        {
            "position": position,
            "ref": r.id,
            "parent_ref": r.parent,
            "kind": r.kind.value,
            "label": r.label,
            "assessable": r.assessable,
            "description": r.description,
            "tags": {facet: list(values) for facet, values in r.tags.items()},
        }
        for position, r in enumerate(pack.requirements)
    ]
    older = repo.framework_versions(uow.session, pack.id)
    _add_edition(uow, pack, shipped, version, older, (CatalogRequirement, "framework_version_id", rows))


def _store_mapping_set(uow: UnitOfWork, pack: MappingSet, shipped: bool) -> None:
    version = MappingSetVersion(set_id=pack.id, source_pack=pack.source_pack, target_pack=pack.target_pack)
    rows = [
        {
            "source_ref": m.source,
            "target_ref": m.target,
            "relationship": m.relationship.value,
            "strength": m.strength,
            "rationale": m.rationale,
        }
        for m in pack.mappings
    ]
    older = repo.current_mapping_sets(uow.session, pack.id)
    _add_edition(uow, pack, shipped, version, older, (CatalogMapping, "mapping_set_version_id", rows))


def _add_edition(uow: UnitOfWork, pack: Pack, shipped: bool, version, older, children: tuple) -> None:
    """Make `version` (a framework or mapping-set edition) the current one of `pack`, older editions staying, and
    insert its rows: `children` is (row model, the column that points at the edition, rows)."""
    for edition in older:
        edition.is_current = False
    info = pack.info
    version.version, version.title, version.publisher = info.version, info.title, info.publisher
    version.source, version.licence, version.verified_on = info.source, info.licence, info.verified_on
    version.shipped, version.is_current, version.loaded_at = shipped, True, clock.now()
    uow.session.add(version)
    uow.session.flush()
    row_model, parent_column, rows = children
    if rows:
        uow.session.execute(insert(row_model), [{parent_column: version.id, **row} for row in rows])


NOT_KEPT = "not kept in the database"


def loaded_pack(uow: UnitOfWork, actor: Actor, pack_id: str, version: str | None = None) -> Pack:
    """A loaded framework pack or mapping set (the current edition unless `version` names another), ready to write
    as YAML or OSCAL. A shipped edition comes from the package, notes and all; any other is rebuilt from the
    tables, which keep every requirement and mapping row and a pack's publisher, source, licence and check date,
    but not its notes (nor, for a mapping set loaded before migration 0007, the four; those say so)."""
    authorize(actor, Permission.READ)
    editions_ = [*repo.framework_versions(uow.session, pack_id), *repo.mapping_set_versions(uow.session, pack_id)]
    chosen = [e for e in editions_ if e.version == version] if version else [e for e in editions_ if e.is_current]
    if not chosen:
        what = f"pack '{pack_id}'" + (f" version {version}" if version else "")
        raise NotFound(f"{what} is not loaded (see 'qtqms catalog list')")
    found = chosen[0]
    shipped = [p for p in (*_shipped()[0], *_shipped()[1]) if (p.id, p.info.version) == (pack_id, found.version)]
    if found.shipped and shipped:
        return shipped[0]
    if isinstance(found, FrameworkVersion):
        return _framework_pack(uow, found)
    return _mapping_set(uow, found)


def _mapping_set(uow: UnitOfWork, found: MappingSetVersion) -> MappingSet:
    info = domain.PackInfo(id=found.set_id, title=found.title, version=found.version,
                           publisher=found.publisher or NOT_KEPT,
                           source=found.source or f"qtqms database: mapping set {found.set_id} {found.version}",
                           verified_on=found.verified_on or found.loaded_at.date(),
                           licence=found.licence or NOT_KEPT)  # fmt: skip
    mappings = tuple(
        domain.Mapping(source=m.source_ref, target=m.target_ref, relationship=Relationship(m.relationship),
                       strength=m.strength, rationale=m.rationale)
        for m in repo.mappings_of(uow.session, found.id)
    )  # fmt: skip
    return MappingSet(info=info, source_pack=found.source_pack, target_pack=found.target_pack, mappings=mappings)
