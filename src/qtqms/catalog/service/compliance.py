"""Readiness: per framework and clause, the share of applicable requirements met by implemented, evidenced
controls, directly or through mappings, and why each requirement has its result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qtqms.catalog import repository as repo
from qtqms.catalog.domain import Relationship
from qtqms.catalog.domain.readiness import Edge, Key, Node, Result, Tally, infer, tally
from qtqms.catalog.schemas import (
    Assessment,
    ClauseReadiness,
    ControlEvidence,
    Explanation,
    FrameworkAssessments,
    FrameworkReadiness,
    PathStep,
)
from qtqms.catalog.service._common import _control_reads
from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import NotFound
from qtqms.kernel.rbac import OrgScope, Permission, authorize
from qtqms.models.catalog import (
    FrameworkVersion,
)


@dataclass
class _Snapshot:
    versions: list[FrameworkVersion]
    requirements: dict[int, list[tuple]]  # version id -> rows in file order
    results: dict[Key, Result]
    excluded: set[Key]


def _snapshot(uow: UnitOfWork, scope: OrgScope, only: str | None = None) -> _Snapshot:
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
    packs = None if only is None else _reaching(only, edges)
    excluded = repo.not_applicable(session, scope)
    direct = repo.directly_met(session, scope, clock.today(), packs) - excluded
    return _Snapshot(versions, requirements, infer(direct, edges), excluded)


def _reaching(pack_id: str, edges: Sequence[Edge]) -> set[str]:
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
    scope = authorize(actor, Permission.READ)
    snapshot = _snapshot(uow, scope)
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
    scope = authorize(actor, Permission.READ)
    snapshot = _snapshot(uow, scope, only=framework)
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
    scope = authorize(actor, Permission.READ)
    found = next((a for a in assessments(uow, actor, framework).requirements if a.requirement == ref), None)
    if found is None:
        raise NotFound(f"'{ref}' is not an assessable requirement of '{framework}'")
    origin = tuple(found.origin.split(" ", 1)) if found.origin else None
    wanted = [(framework, ref)] + ([origin] if origin else [])
    linked = repo.controls_for(uow.session, scope, wanted)
    return Explanation(
        framework=framework,
        requirement=ref,
        label=found.label,
        status=found.status,
        value=found.value,
        direct_controls=_control_evidence(uow, actor, scope, linked.get((framework, ref), [])),
        origin=found.origin,
        origin_controls=_control_evidence(uow, actor, scope, linked.get(origin, [])) if origin else [],
        path=found.path,
    )


def _control_evidence(uow: UnitOfWork, actor: Actor, scope: OrgScope, control_ids: list[int]) -> list[ControlEvidence]:
    if not control_ids:
        return []
    reads = _control_reads(uow, actor, scope, repo.controls(uow.session, scope, control_ids))
    return [ControlEvidence(control=c.key, title=c.title, status=c.status, evidence=c.evidence) for c in reads]
