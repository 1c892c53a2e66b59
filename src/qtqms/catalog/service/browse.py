"""Browsing the shared catalogue: frameworks and their editions, requirements, mappings, and requirements as
other slices cite them."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from qtqms.catalog import repository as repo
from qtqms.catalog.domain import editions
from qtqms.catalog.schemas import (
    ChangeRead,
    EditionDiffRead,
    FrameworkDetail,
    FrameworkRead,
    MappingLink,
)
from qtqms.catalog.service._common import _requirements, _version
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.subjects import Subject
from qtqms.models.catalog import (
    FrameworkVersion,
)


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
