"""The Statement of Applicability: a decision per Annex A control, its OSCAL profile import and its export."""

from __future__ import annotations

from qtqms.catalog import repository as repo
from qtqms.catalog.schemas import (
    RequirementRead,
    SoaEntryUpdate,
    SoaImportReport,
    SoaRow,
)
from qtqms.catalog.service._common import _framework_pack, _requirements, _version
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.kernel.datapack import raise_problems
from qtqms.kernel.errors import InvalidInput, NotFound, Problem
from qtqms.kernel.rbac import OrgScope, Permission, authorize
from qtqms.kit.export import ExportFile, table_file
from qtqms.models.catalog import (
    SoaEntry,
)

SOA_FRAMEWORKS = ("iso27001-2022", "iso42001-2023")


ANNEX_ROOT = "A"


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
    scope = authorize(actor, Permission.READ)
    requirements = _annex_controls(_requirements(uow, _version(uow, _soa_framework(framework))))
    entries = {e.requirement_ref: e for e in repo.soa_entries(uow.session, scope, framework)}
    controls = repo.control_keys_by_requirement(uow.session, scope, framework)
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
    scope = authorize(actor, Permission.CATALOG_EDIT)
    _record_soa_entry(uow, scope, framework, _annex_refs(uow, framework), ref, data)
    return next(row for row in soa(uow, actor, framework) if row.requirement == ref)


def _annex_refs(uow: UnitOfWork, framework: str) -> set[str]:
    return {r.id for r in _annex_controls(_requirements(uow, _version(uow, _soa_framework(framework))))}


def _record_soa_entry(
    uow: UnitOfWork, scope: OrgScope, framework: str, annex: set[str], ref: str, data: SoaEntryUpdate
) -> None:
    if ref not in annex:
        raise NotFound(f"'{ref}' is not an Annex A control of '{framework}'")
    entry = repo.soa_entry(uow.session, scope, framework, ref)
    if entry is None:
        entry = SoaEntry(organisation_id=scope.organisation_id, framework=framework, requirement_ref=ref)
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

    scope = authorize(actor, Permission.CATALOG_EDIT)
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
        _record_soa_entry(uow, scope, pack.id, annex, ref, update)
    return SoaImportReport(framework=pack.id, recorded=len(updates), undecided=len(decisions) - len(updates))


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
