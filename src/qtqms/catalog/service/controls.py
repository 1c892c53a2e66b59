"""An organisation's controls and the requirements they address (their evidence is the evidence slice's)."""

from __future__ import annotations

from collections.abc import Sequence

from qtqms.catalog import repository as repo
from qtqms.catalog.schemas import (
    ControlCreate,
    ControlRead,
    ControlUpdate,
    RequirementRef,
)
from qtqms.catalog.service._common import CONTROL_SUBJECT, _control_reads
from qtqms.db.scoping import add_unique
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from qtqms.kernel.rbac import OrgScope, Permission, authorize
from qtqms.kit.subjects import Subject
from qtqms.models.catalog import (
    Control,
    ControlRequirement,
)


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
    scope = authorize(actor, Permission.CONTROL_EDIT)
    owner_id = _checked_input(uow, actor, data.owner, data.requirements)
    control = Control(
        organisation_id=scope.organisation_id,
        key=data.key,
        title=data.title,
        owner_id=owner_id,
        status=data.status.value,
        implementation=data.implementation,
        review_date=data.review_date,
    )
    add_unique(uow.session, control, f"control '{data.key}'")
    for ref in {(r.framework, r.requirement) for r in data.requirements}:
        uow.session.add(_link(scope, control, *ref))
    uow.flush()
    return get_control(uow, actor, data.key)


def _link(scope: OrgScope, control: Control, framework: str, ref: str) -> ControlRequirement:
    return ControlRequirement(
        organisation_id=scope.organisation_id, control_id=control.id, framework=framework, requirement_ref=ref
    )


def _control(uow: UnitOfWork, scope: OrgScope, key: str) -> Control:
    return repo.control_by_key(uow.session, scope, key)


CLEARABLE = ("review_date",)  # the fields a null clears; for the others null means "no change"


def update_control(uow: UnitOfWork, actor: Actor, key: str, data: ControlUpdate) -> ControlRead:
    """Change the fields given; `requirements`, when given, is the complete new set of links."""
    scope = authorize(actor, Permission.CONTROL_EDIT)
    control = _control(uow, scope, key)
    changes = data.model_dump(exclude_unset=True, exclude={"requirements"})
    changes = {name: value for name, value in changes.items() if value is not None or name in CLEARABLE}
    owner_id = _checked_input(uow, actor, changes.pop("owner", None), data.requirements or [])
    if owner_id is not None:
        control.owner_id = owner_id
    for name, value in changes.items():
        setattr(control, name, value.value if hasattr(value, "value") else value)
    if data.requirements is not None:
        uow.replace_rows(
            repo.links_of(uow.session, scope, [control.id]).get(control.id, []),
            lambda link: (link.framework, link.requirement_ref),
            {(r.framework, r.requirement) for r in data.requirements},
            lambda ref: _link(scope, control, *ref),
        )
    uow.flush()
    return get_control(uow, actor, key)


def link_requirement(uow: UnitOfWork, actor: Actor, key: str, ref: RequirementRef) -> ControlRead:
    scope = authorize(actor, Permission.CONTROL_EDIT)
    control = _control(uow, scope, key)
    _checked_input(uow, actor, None, [ref])
    try:
        add_unique(uow.session, _link(scope, control, ref.framework, ref.requirement), "the link")
    except Conflict:
        raise Conflict(f"control '{key}' is already linked to {ref.framework} {ref.requirement}") from None
    uow.flush()
    return get_control(uow, actor, key)


def unlink_requirement(uow: UnitOfWork, actor: Actor, key: str, ref: RequirementRef) -> ControlRead:
    scope = authorize(actor, Permission.CONTROL_EDIT)
    control = _control(uow, scope, key)
    links = repo.links_of(uow.session, scope, [control.id]).get(control.id, [])
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


def list_controls(uow: UnitOfWork, actor: Actor) -> list[ControlRead]:
    scope = authorize(actor, Permission.READ)
    return _control_reads(uow, actor, scope, repo.controls(uow.session, scope))


def get_control(uow: UnitOfWork, actor: Actor, key: str) -> ControlRead:
    scope = authorize(actor, Permission.READ)
    return _control_reads(uow, actor, scope, [_control(uow, scope, key)])[0]


def find_controls(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> dict[str, Subject]:
    """Controls by key, as other slices cite them (evidence that a control works)."""
    scope = authorize(actor, Permission.READ)
    return {c.key: Subject(CONTROL_SUBJECT, c.key, c.title, f"/catalog/controls#control-{c.key}")
            for c in repo.controls_by_keys(uow.session, scope, keys)}  # fmt: skip
