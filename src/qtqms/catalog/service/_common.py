"""What several catalogue use cases share: the shipped packs, an edition and its requirements, controls as read."""

from __future__ import annotations

from qtqms.catalog import domain
from qtqms.catalog import repository as repo
from qtqms.catalog.domain import FrameworkPack, MappingSet
from qtqms.catalog.schemas import (
    ControlRead,
    RequirementRead,
    RequirementRef,
)
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import service as evidence_service
from qtqms.identity import service as identity_service
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import NotFound
from qtqms.kernel.rbac import OrgScope
from qtqms.models.catalog import (
    Control,
    FrameworkVersion,
)

CONTROL_SUBJECT = repo.CONTROL_SUBJECT


def _shipped() -> tuple[tuple[FrameworkPack, ...], tuple[MappingSet, ...]]:
    """The shipped packs (parsed and checked once a process, by the pack registry's cache)."""
    from qtqms.catalog.packs import load_shipped

    frameworks, mapping_sets = load_shipped()
    return tuple(frameworks.values()), tuple(mapping_sets.values())


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


def _control_reads(uow: UnitOfWork, actor: Actor, scope: OrgScope, found: list[Control]) -> list[ControlRead]:
    links = repo.links_of(uow.session, scope, [c.id for c in found])
    evidence = evidence_service.evidence_of(uow, actor, CONTROL_SUBJECT, [c.key for c in found])
    owners = identity_service.usernames(uow, [c.owner_id for c in found], scope)
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
