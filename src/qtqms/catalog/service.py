"""Catalogue use cases: packs in the database, controls (their evidence is the evidence slice's), the Statement of
Applicability, readiness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from qtqms.catalog import domain
from qtqms.catalog import repository as repo
from qtqms.catalog.domain import FrameworkPack, MappingSet, Pack, Relationship, editions
from qtqms.catalog.domain.readiness import Edge, Key, Node, Result, Tally, infer, tally
from qtqms.catalog.schemas import (
    Assessment,
    ChangeRead,
    ClauseReadiness,
    ControlCreate,
    ControlEvidence,
    ControlRead,
    ControlUpdate,
    EditionDiffRead,
    Explanation,
    FrameworkAssessments,
    FrameworkDetail,
    FrameworkRead,
    FrameworkReadiness,
    MappingLink,
    PathStep,
    RequirementRead,
    RequirementRef,
    SoaEntryUpdate,
    SoaImportReport,
    SoaRow,
    SyncReport,
)
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import service as evidence_service
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.datapack import raise_problems
from qtqms.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.export import ExportFile, table_file
from qtqms.kit.subjects import Subject
from qtqms.models.catalog import (
    CatalogMapping,
    CatalogRequirement,
    Control,
    ControlRequirement,
    FrameworkVersion,
    MappingSetVersion,
    SoaEntry,
)

SOA_FRAMEWORKS = ("iso27001-2022", "iso42001-2023")
CONTROL_SUBJECT = repo.CONTROL_SUBJECT
ANNEX_ROOT = "A"


# ---- packs in the database -------------------------------------------------------------------------------


def _shipped() -> tuple[tuple[FrameworkPack, ...], tuple[MappingSet, ...]]:
    """The shipped packs (parsed and checked once a process, by the pack registry's cache)."""
    from qtqms.catalog.packs import load_shipped

    frameworks, mapping_sets = load_shipped()
    return tuple(frameworks.values()), tuple(mapping_sets.values())


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


# ---- packs out of the database ----------------------------------------------------------------------------

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


def _framework_pack(uow: UnitOfWork, found: FrameworkVersion) -> FrameworkPack:
    info = domain.PackInfo(id=found.pack_id, title=found.title, version=found.version, publisher=found.publisher,
                           source=found.source, verified_on=found.verified_on, licence=found.licence)  # fmt: skip
    requirements = tuple(
        domain.Requirement(id=r.ref, kind=domain.RequirementKind(r.kind), label=r.label, parent=r.parent_ref,
                           assessable=r.assessable, description=r.description,
                           tags={facet: tuple(values) for facet, values in r.tags.items()})
        for r in repo.requirements_of(uow.session, found.id)
    )  # fmt: skip
    return FrameworkPack(info=info, edition=found.edition, requirements=requirements)


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


# ---- browsing ----------------------------------------------------------------------------------------------


def _framework_read(version: FrameworkVersion, count: int) -> FrameworkRead:
    return FrameworkRead(
        id=version.pack_id,
        title=version.title,
        version=version.version,
        edition=version.edition,
        publisher=version.publisher,
        requirement_count=count,
        is_current=version.is_current,
        shipped=version.shipped,
    )


def list_frameworks(uow: UnitOfWork, actor: Actor, *, all_editions: bool = False) -> list[FrameworkRead]:
    authorize(actor, Permission.READ)
    versions = repo.framework_versions(uow.session, current_only=not all_editions)
    counts: dict[int, int] = {}
    for row in repo.requirement_rows(uow.session, [v.id for v in versions]):
        counts[row[0]] = counts.get(row[0], 0) + 1
    return [_framework_read(v, counts.get(v.id, 0)) for v in versions]


def _version(uow: UnitOfWork, pack_id: str, version: str | None = None) -> FrameworkVersion:
    versions = repo.framework_versions(uow.session, pack_id)
    chosen = [v for v in versions if v.version == version] if version else [v for v in versions if v.is_current]
    if not chosen:
        what = f"framework '{pack_id}'" + (f" version {version}" if version else "")
        raise NotFound(f"{what} is not loaded (see 'qtqms catalog list')")
    return chosen[0]


def _requirements(uow: UnitOfWork, version: FrameworkVersion) -> list[RequirementRead]:
    return [
        RequirementRead(id=ref, parent=parent, kind=kind, label=label, assessable=assessable, description=text)
        for _, ref, parent, kind, label, assessable, text in repo.requirement_rows(uow.session, [version.id])
    ]


def show_framework(uow: UnitOfWork, actor: Actor, pack_id: str, version: str | None = None) -> FrameworkDetail:
    authorize(actor, Permission.READ)
    found = _version(uow, pack_id, version)
    requirements = _requirements(uow, found)
    return FrameworkDetail(**_framework_read(found, len(requirements)).model_dump(), requirements=requirements)


def mapping_links(uow: UnitOfWork, actor: Actor, pack_id: str) -> dict[str, list[MappingLink]]:
    """Each requirement's mappings to and from other packs, for the framework browser."""
    authorize(actor, Permission.READ)
    links: dict[str, list[MappingLink]] = {}
    for set_id, source_pack, target_pack, source, target, relationship, strength in repo.current_mappings(uow.session):
        ends = ((source_pack, source, target_pack, target, "to"), (target_pack, target, source_pack, source, "from"))
        for pack, ref, other_pack, other, direction in ends:
            if pack == pack_id:
                link = MappingLink(mapping_set=set_id, other_pack=other_pack, other_requirement=other,
                                   relationship=relationship, strength=strength, direction=direction)  # fmt: skip
                links.setdefault(ref, []).append(link)
    return links


def diff_editions(uow: UnitOfWork, actor: Actor, pack_id: str, old: str, new: str) -> EditionDiffRead:
    authorize(actor, Permission.READ)
    rows = {
        label: [
            {
                "id": r.id,
                "parent": r.parent,
                "kind": r.kind,
                "label": r.label,
                "assessable": r.assessable,
                "description": r.description,
            }  # fmt: skip
            for r in _requirements(uow, _version(uow, pack_id, label))
        ]
        for label in (old, new)
    }
    found = editions.diff(rows[old], rows[new])
    return EditionDiffRead(
        framework=pack_id,
        old_version=old,
        new_version=new,
        added=list(found.added),
        removed=list(found.removed),
        changed=[
            ChangeRead(requirement=c.requirement, fields={k: list(v) for k, v in c.fields.items()})
            for c in found.changed
        ],  # fmt: skip
    )


# ---- controls and evidence ---------------------------------------------------------------------------------


def _checked_input(uow: UnitOfWork, actor: Actor, owner: str | None, refs: Sequence[RequirementRef]) -> int | None:
    """The named owner's user id (None when no owner is named); an unknown owner and every unknown requirement
    are refused together, each located by its field."""
    problems = []
    owner_id = None
    if owner is not None:
        try:
            owner_id = identity_service.active_member_id(uow, actor, owner)
        except InvalidInput as refused:
            problems += refused.problems
    if refs:
        current = {v.pack_id: v.id for v in repo.framework_versions(uow.session, current_only=True)}
        known = {(vid, ref) for vid, ref, *_ in repo.requirement_rows(uow.session, current.values())}
        problems += [
            Problem(f"'{r.requirement}' is not a requirement of '{r.framework}'", f"requirements[{i}]")
            for i, r in enumerate(refs)
            if (current.get(r.framework), r.requirement) not in known
        ]
    if problems:
        raise InvalidInput("; ".join(str(p) for p in problems), problems)
    return owner_id


def create_control(uow: UnitOfWork, actor: Actor, data: ControlCreate) -> ControlRead:
    authorize(actor, Permission.CONTROL_EDIT)
    owner_id = _checked_input(uow, actor, data.owner, data.requirements)
    if repo.control_by_key(uow.session, actor.organisation_id, data.key) is not None:
        raise Conflict(f"control '{data.key}' already exists")
    control = Control(
        organisation_id=actor.organisation_id,
        key=data.key,
        title=data.title,
        owner_id=owner_id,
        status=data.status.value,
        implementation=data.implementation,
        review_date=data.review_date,
    )
    uow.session.add(control)
    uow.session.flush()
    for ref in {(r.framework, r.requirement) for r in data.requirements}:
        uow.session.add(_link(actor, control, *ref))
    uow.flush()
    return get_control(uow, actor, data.key)


def _link(actor: Actor, control: Control, framework: str, ref: str) -> ControlRequirement:
    return ControlRequirement(
        organisation_id=actor.organisation_id, control_id=control.id, framework=framework, requirement_ref=ref
    )


def _control(uow: UnitOfWork, actor: Actor, key: str) -> Control:
    control = repo.control_by_key(uow.session, actor.organisation_id, key)
    if control is None:
        raise NotFound(f"control '{key}' not found")
    return control


CLEARABLE = ("review_date",)  # the fields a null clears; for the others null means "no change"


def update_control(uow: UnitOfWork, actor: Actor, key: str, data: ControlUpdate) -> ControlRead:
    """Change the fields given; `requirements`, when given, is the complete new set of links."""
    authorize(actor, Permission.CONTROL_EDIT)
    control = _control(uow, actor, key)
    changes = data.model_dump(exclude_unset=True, exclude={"requirements"})
    changes = {name: value for name, value in changes.items() if value is not None or name in CLEARABLE}
    owner_id = _checked_input(uow, actor, changes.pop("owner", None), data.requirements or [])
    if owner_id is not None:
        control.owner_id = owner_id
    for name, value in changes.items():
        setattr(control, name, value.value if hasattr(value, "value") else value)
    if data.requirements is not None:
        uow.replace_rows(
            repo.links_of(uow.session, [control.id]).get(control.id, []),
            lambda link: (link.framework, link.requirement_ref),
            {(r.framework, r.requirement) for r in data.requirements},
            lambda ref: _link(actor, control, *ref),
        )
    uow.flush()
    return get_control(uow, actor, key)


def link_requirement(uow: UnitOfWork, actor: Actor, key: str, ref: RequirementRef) -> ControlRead:
    authorize(actor, Permission.CONTROL_EDIT)
    control = _control(uow, actor, key)
    _checked_input(uow, actor, None, [ref])
    uow.session.add(_link(actor, control, ref.framework, ref.requirement))
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:
        raise Conflict(f"control '{key}' is already linked to {ref.framework} {ref.requirement}") from None
    uow.flush()
    return get_control(uow, actor, key)


def unlink_requirement(uow: UnitOfWork, actor: Actor, key: str, ref: RequirementRef) -> ControlRead:
    authorize(actor, Permission.CONTROL_EDIT)
    control = _control(uow, actor, key)
    links = repo.links_of(uow.session, [control.id]).get(control.id, [])
    found = [x for x in links if (x.framework, x.requirement_ref) == (ref.framework, ref.requirement)]
    if not found:
        raise NotFound(f"control '{key}' is not linked to {ref.framework} {ref.requirement}")
    uow.session.delete(found[0])
    uow.flush()
    return get_control(uow, actor, key)


def control_to_edit(uow: UnitOfWork, actor: Actor, key: str) -> ControlRead:
    """A control for its edit form: only those who may change controls get one."""
    authorize(actor, Permission.CONTROL_EDIT)
    return get_control(uow, actor, key)


def _control_reads(uow: UnitOfWork, actor: Actor, found: list[Control]) -> list[ControlRead]:
    links = repo.links_of(uow.session, [c.id for c in found])
    evidence = evidence_service.evidence_of(uow, actor, CONTROL_SUBJECT, [c.key for c in found])
    owners = identity_service.usernames(uow, [c.owner_id for c in found])
    return [
        ControlRead(
            id=c.id,
            key=c.key,
            title=c.title,
            owner=owners.get(c.owner_id, ""),
            status=c.status,
            implementation=c.implementation,
            review_date=c.review_date,
            requirements=[
                RequirementRef(framework=x.framework, requirement=x.requirement_ref) for x in links.get(c.id, [])
            ],  # fmt: skip
            evidence=evidence.get(c.key, []),
        )
        for c in found
    ]


def list_controls(uow: UnitOfWork, actor: Actor) -> list[ControlRead]:
    authorize(actor, Permission.READ)
    return _control_reads(uow, actor, repo.controls(uow.session, actor.organisation_id))


def get_control(uow: UnitOfWork, actor: Actor, key: str) -> ControlRead:
    authorize(actor, Permission.READ)
    return _control_reads(uow, actor, [_control(uow, actor, key)])[0]


def find_controls(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> dict[str, Subject]:
    """Controls by key, as other slices cite them (evidence that a control works)."""
    authorize(actor, Permission.READ)
    return {c.key: Subject(CONTROL_SUBJECT, c.key, c.title, f"/catalog/controls#control-{c.key}")
            for c in repo.controls_by_keys(uow.session, actor.organisation_id, keys)}  # fmt: skip


def find_requirements(uow: UnitOfWork, actor: Actor, refs: Sequence[str]) -> dict[str, Subject]:
    """Requirements of the current editions by "pack requirement" (iso27001-2022 A.8.24), as other slices cite
    them; the reference names no edition, so it survives a new one."""
    authorize(actor, Permission.READ)
    wanted = {typed: tuple(part.strip() for part in typed.strip().partition(" ")[::2]) for typed in refs}
    current = {v.pack_id: v.id for v in repo.framework_versions(uow.session, current_only=True)}
    editions_ = {current[pack] for pack, _ in wanted.values() if pack in current}
    labels = {(row[0], row[1]): row[4] for row in repo.requirement_rows(uow.session, editions_)}
    found = {}
    for typed, (pack, ref) in wanted.items():
        label = labels.get((current.get(pack), ref))
        if label is not None:
            found[typed] = Subject("requirement", f"{pack} {ref}", label, f"/catalog/frameworks/{pack}?q={quote(ref)}")
    return found


# ---- Statement of Applicability ----------------------------------------------------------------------------


def _annex_controls(requirements: list[RequirementRead]) -> list[RequirementRead]:
    parents = {r.id: r.parent for r in requirements}

    def root(ref: str) -> str:
        while parents.get(ref) is not None:
            ref = parents[ref]  # type: ignore[assignment]
        return ref

    return [r for r in requirements if r.kind == "control" and root(r.id) == ANNEX_ROOT]


def _soa_framework(framework: str) -> str:
    if framework not in SOA_FRAMEWORKS:
        raise InvalidInput(f"the Statement of Applicability covers {' and '.join(SOA_FRAMEWORKS)}, not '{framework}'")
    return framework


def soa(uow: UnitOfWork, actor: Actor, framework: str) -> list[SoaRow]:
    authorize(actor, Permission.READ)
    requirements = _annex_controls(_requirements(uow, _version(uow, _soa_framework(framework))))
    entries = {e.requirement_ref: e for e in repo.soa_entries(uow.session, actor.organisation_id, framework)}
    controls = repo.control_keys_by_requirement(uow.session, actor.organisation_id, framework)
    rows = []
    for r in requirements:
        entry = entries.get(r.id)
        rows.append(
            SoaRow(
                framework=framework,
                requirement=r.id,
                label=r.label,
                applicable=entry.applicable if entry else True,
                justification=entry.justification if entry else "",
                implementation_status=entry.implementation_status if entry else "planned",
                controls=controls.get(r.id, []),
                decided=entry is not None,
            )
        )
    return rows


def set_soa_entry(uow: UnitOfWork, actor: Actor, framework: str, ref: str, data: SoaEntryUpdate) -> SoaRow:
    authorize(actor, Permission.CATALOG_EDIT)
    _record_soa_entry(uow, actor, framework, _annex_refs(uow, framework), ref, data)
    return next(row for row in soa(uow, actor, framework) if row.requirement == ref)


def _annex_refs(uow: UnitOfWork, framework: str) -> set[str]:
    return {r.id for r in _annex_controls(_requirements(uow, _version(uow, _soa_framework(framework))))}


def _record_soa_entry(
    uow: UnitOfWork, actor: Actor, framework: str, annex: set[str], ref: str, data: SoaEntryUpdate
) -> None:
    if ref not in annex:
        raise NotFound(f"'{ref}' is not an Annex A control of '{framework}'")
    entry = repo.soa_entry(uow.session, actor.organisation_id, framework, ref)
    if entry is None:
        entry = SoaEntry(organisation_id=actor.organisation_id, framework=framework, requirement_ref=ref)
        uow.session.add(entry)
    entry.applicable = data.applicable
    entry.justification = data.justification
    entry.implementation_status = data.implementation_status.value
    uow.flush()


def import_soa_profile(uow: UnitOfWork, actor: Actor, text: str, source: str) -> SoaImportReport:
    """Record the decisions an OSCAL SoA profile states (as 'qtqms soa export -f oscal' writes them). Its import
    must name a loaded SoA framework (`<pack>-catalog.json`) and every control it selects or alters must exist
    there; a decision needs a justification of ten characters or more. Any problem refuses the whole file."""
    from pydantic import ValidationError

    from qtqms.catalog.formats import oscal

    authorize(actor, Permission.CATALOG_EDIT)
    known = {v.pack_id: _framework_pack(uow, v) for v in repo.framework_versions(uow.session, current_only=True)
             if v.pack_id in SOA_FRAMEWORKS}  # fmt: skip
    pack, decisions = oscal.soa_decisions(text, source=source, resolve=lambda href: oscal.pack_named(href, known))
    updates: list[tuple[str, SoaEntryUpdate]] = []
    problems: list[Problem] = []
    for d in decisions:
        if not d.justification:
            continue
        try:
            updates.append((d.requirement, SoaEntryUpdate(applicable=d.applicable, justification=d.justification,
                                                          implementation_status=d.implementation_status)))  # fmt: skip
        except ValidationError as error:
            problems += [Problem(f"{d.requirement}: {e['msg']}", d.where, d.field) for e in error.errors()]
    raise_problems(source, problems)
    annex = _annex_refs(uow, pack.id)  # read once: the whole SoA is not rebuilt after each entry
    for ref, update in updates:
        _record_soa_entry(uow, actor, pack.id, annex, ref, update)
    return SoaImportReport(framework=pack.id, recorded=len(updates), undecided=len(decisions) - len(updates))


# ---- readiness ---------------------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    versions: list[FrameworkVersion]
    requirements: dict[int, list[tuple]]  # version id -> rows in file order
    results: dict[Key, Result]
    excluded: set[Key]


def _snapshot(uow: UnitOfWork, actor: Actor, only: str | None = None) -> _Snapshot:
    """Everything readiness needs, in five queries, whatever the number of controls, links and evidence. With
    `only`, requirements of that framework alone, and links only of the packs whose results can reach it."""
    session = uow.session
    versions = repo.framework_versions(session, current_only=True)
    wanted = [v.id for v in versions if only is None or v.pack_id == only]
    requirements: dict[int, list[tuple]] = {v.id: [] for v in versions}
    for row in repo.requirement_rows(session, wanted):
        requirements[row[0]].append(row)
    edges = [
        Edge((source_pack, source), (target_pack, target), Relationship(relationship), strength, set_id)
        for set_id, source_pack, target_pack, source, target, relationship, strength in repo.current_mappings(session)
    ]
    packs = None if only is None else reaching(only, edges)
    excluded = repo.not_applicable(session, actor.organisation_id)
    direct = repo.directly_met(session, actor.organisation_id, clock.today(), packs) - excluded
    return _Snapshot(versions, requirements, infer(direct, edges), excluded)


def reaching(pack_id: str, edges: Sequence[Edge]) -> set[str]:
    """The pack itself and every pack with a chain of mappings into it."""
    sources: dict[str, set[str]] = {}
    for edge in edges:
        if edge.factor > 0:
            sources.setdefault(edge.target[0], set()).add(edge.source[0])
    found, pending = {pack_id}, [pack_id]
    while pending:
        for source in sources.get(pending.pop(), ()):
            if source not in found:
                found.add(source)
                pending.append(source)
    return found


def _nodes(rows: list[tuple]) -> list[Node]:
    return [Node(ref, parent, assessable) for _, ref, parent, _, _, assessable, _ in rows]


def _framework_readiness(snapshot: _Snapshot, version: FrameworkVersion) -> tuple[FrameworkReadiness, dict]:
    rows = snapshot.requirements[version.id]
    excluded = frozenset(ref for pack, ref in snapshot.excluded if pack == version.pack_id)
    whole, clauses = tally(version.pack_id, _nodes(rows), snapshot.results, excluded)
    labels = {row[1]: row[4] for row in rows}
    readiness = FrameworkReadiness(
        framework=version.pack_id,
        title=version.title,
        version=version.version,
        **_figures(whole),
        clauses=[ClauseReadiness(clause=c, label=labels.get(c, ""), **_figures(t)) for c, t in clauses.items()],
    )
    return readiness, clauses


def _figures(counts: Tally) -> dict:
    return {"assessable": counts.assessable, "met": counts.met, "partial": counts.partial,
            "score": round(counts.score, 4)}  # fmt: skip


def readiness(uow: UnitOfWork, actor: Actor, framework: str | None = None) -> list[FrameworkReadiness]:
    """Per framework (and clause): the share of assessable, applicable requirements met, inference included."""
    authorize(actor, Permission.READ)
    snapshot = _snapshot(uow, actor)
    versions = [v for v in snapshot.versions if framework is None or v.pack_id == framework]
    if framework is not None and not versions:
        raise NotFound(f"framework '{framework}' is not loaded (see 'qtqms catalog list')")
    return [_framework_readiness(snapshot, v)[0] for v in versions]


def _steps(result: Result) -> list[PathStep]:
    return [
        PathStep(
            mapping_set=e.mapping_set,
            source=f"{e.source[0]} {e.source[1]}",
            target=f"{e.target[0]} {e.target[1]}",
            relationship=e.relationship.value,
            strength=e.strength,
        )
        for e in result.path
    ]


def _assessment(snapshot: _Snapshot, pack_id: str, row: tuple, clause: str) -> Assessment:
    ref, label = row[1], row[4]
    if (pack_id, ref) in snapshot.excluded:
        return Assessment(requirement=ref, label=label, clause=clause, status="not applicable", value=0.0)
    result = snapshot.results.get((pack_id, ref), Result(0.0, False))
    origin = result.origin
    return Assessment(requirement=ref, label=label, clause=clause, status=result.status, value=round(result.value, 4),
                      origin=f"{origin[0]} {origin[1]}" if origin else None, path=_steps(result))  # fmt: skip


def assessments(uow: UnitOfWork, actor: Actor, framework: str) -> FrameworkAssessments:
    """Every assessable requirement of one framework with its status; the query count does not grow with rows."""
    authorize(actor, Permission.READ)
    snapshot = _snapshot(uow, actor, only=framework)
    version = next((v for v in snapshot.versions if v.pack_id == framework), None)
    if version is None:
        raise NotFound(f"framework '{framework}' is not loaded (see 'qtqms catalog list')")
    readiness_, clauses = _framework_readiness(snapshot, version)
    clause_of = {ref: clause for clause, counts in clauses.items() for ref in counts.requirements}
    rows = [r for r in snapshot.requirements[version.id] if r[5]]
    items = [_assessment(snapshot, framework, row, clause_of.get(row[1], "")) for row in rows]
    return FrameworkAssessments(**readiness_.model_dump(), requirements=items)


def explain(uow: UnitOfWork, actor: Actor, framework: str, ref: str) -> Explanation:
    """Why a requirement has its result: its own controls and evidence, and the mapping path it was reached by."""
    found = next((a for a in assessments(uow, actor, framework).requirements if a.requirement == ref), None)
    if found is None:
        raise NotFound(f"'{ref}' is not an assessable requirement of '{framework}'")
    origin = tuple(found.origin.split(" ", 1)) if found.origin else None
    wanted = [(framework, ref)] + ([origin] if origin else [])
    linked = repo.controls_for(uow.session, actor.organisation_id, wanted)
    return Explanation(
        framework=framework,
        requirement=ref,
        label=found.label,
        status=found.status,
        value=found.value,
        direct_controls=_control_evidence(uow, actor, linked.get((framework, ref), [])),
        origin=found.origin,
        origin_controls=_control_evidence(uow, actor, linked.get(origin, [])) if origin else [],
        path=found.path,
    )


def _control_evidence(uow: UnitOfWork, actor: Actor, control_ids: list[int]) -> list[ControlEvidence]:
    if not control_ids:
        return []
    reads = _control_reads(uow, actor, repo.controls(uow.session, actor.organisation_id, control_ids))
    return [ControlEvidence(control=c.key, title=c.title, status=c.status, evidence=c.evidence) for c in reads]


SOA_COLUMNS = ("framework", "requirement", "label", "applicable", "justification", "implementation_status", "controls")


def export_soa(uow: UnitOfWork, actor: Actor, framework: str, fmt: str) -> ExportFile:
    """The SoA as CSV or XLSX (the columns a reader needs, the controls in one cell) or as JSON (every field of
    each row): (content, media type, file name)."""
    rows = soa(uow, actor, framework)
    if fmt == "json":
        header, table = list(SoaRow.model_fields), [list(row.model_dump().values()) for row in rows]
    else:
        header = list(SOA_COLUMNS)
        table = [[getattr(r, c) if c != "controls" else " ".join(r.controls) for c in SOA_COLUMNS] for r in rows]
    return table_file(header, table, fmt, f"soa-{framework}", sheet="soa")
