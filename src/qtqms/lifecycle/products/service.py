"""Lifecycle product use cases: enrol an organisation product in the lifecycle (its key kept), describe its
purpose, markets, readiness and typed technical parameters, and move its stage when a gate has passed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from qtqms.db.scoping import add_unique
from qtqms.db.uow import UnitOfWork
from qtqms.esign import domain as esign_domain
from qtqms.esign import service as esign_service
from qtqms.esign.domain import Meaning
from qtqms.esign.domain import Subject as EsignSubject
from qtqms.esign.service import StateCheck
from qtqms.identity import service as identity_service
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, DomainError, NotFound, PermissionDenied
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.subjects import Subject
from qtqms.kit.workflow import transition
from qtqms.lifecycle.products import domain
from qtqms.lifecycle.products import repository as repo
from qtqms.lifecycle.products.packs import parameter_pack
from qtqms.lifecycle.products.schemas import (
    ParameterRead,
    ProductPage,
    ProductProfile,
    ProductQuery,
    ProductRow,
    ProfileUpdate,
    SignoffRead,
)
from qtqms.models.lifecycle import LifecycleProduct, LifecycleSignoff
from qtqms.org import service as org_service

SIGNOFF_REFUSED = "signoff_refused"  # the trail's action for a sign-off refused by role or segregation of duties
LIST_FIELDS = ("intended_uses", "intended_users", "foreseeable_misuses")
JURISDICTION_FIELDS = ("developed_in", "sold_in", "used_in")


def _read(row: LifecycleProduct, name: str, technology: str) -> ProductProfile:
    technology_domain = parameter_pack().domain(row.domain)
    parameters = [
        ParameterRead(
            name=spec.name,
            label=spec.label,
            type=spec.type,
            unit=spec.unit,
            value=(row.parameters.get(spec.name) or {}).get("value"),
        )
        for spec in technology_domain.parameters
    ]
    return ProductProfile(
        id=row.id,
        key=row.product_key,
        name=name,
        technology=technology,
        domain=row.domain,
        domain_title=technology_domain.title,
        description=row.description,
        intended_uses=list(row.intended_uses),
        intended_users=list(row.intended_users),
        foreseeable_misuses=list(row.foreseeable_misuses),
        trl=row.trl,
        developed_in=list(row.developed_in),
        sold_in=list(row.sold_in),
        used_in=list(row.used_in),
        customer_classes=list(row.customer_classes),
        safety_critical=row.safety_critical,
        parameters=parameters,
        stage=row.status,
        stage_title=domain.STAGE_TITLES[row.status],
        updated_by_id=row.updated_by,
        updated_at=row.updated_at,
    )


def _names(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> dict[str, Subject]:
    return org_service.find_products(uow, actor, keys)


def _profiles(uow: UnitOfWork, actor: Actor, rows: Sequence[LifecycleProduct]) -> list[ProductProfile]:
    """Read models of these rows, named as the organisation names its products (one query for all)."""
    names = _names(uow, actor, [r.product_key for r in rows]) if rows else {}
    pack = parameter_pack()
    return [
        _read(
            r, names[r.product_key].label if r.product_key in names else r.product_key, pack.domain(r.domain).technology
        )
        for r in rows
    ]


def _row(uow: UnitOfWork, actor: Actor, key: str, permission: Permission = Permission.READ) -> LifecycleProduct:
    scope = authorize(actor, permission)
    row = repo.by_key(uow.session, scope, key)
    if row is None:
        raise NotFound(f"product '{key}' is not in the lifecycle (enrol it first)")
    return row


def enrol_product(uow: UnitOfWork, actor: Actor, key: str, domain_id: str | None = None) -> ProductProfile:
    """Start the lifecycle of an organisation product at S0 Conception, in a technology domain of its own
    technology (the first such domain unless one is named)."""
    scope = authorize(actor, Permission.LIFECYCLE_EDIT)
    product = org_service.get_product(uow, actor, key)
    pack = parameter_pack()
    chosen = pack.domain(domain_id) if domain_id else pack.domain(pack.default_for(product.technology))
    row = LifecycleProduct(
        organisation_id=scope.organisation_id,
        product_id=product.id,
        product_key=product.key,
        domain=chosen.id,
        description=product.description,
        updated_by=actor.user_id,
    )
    add_unique(uow.session, row, f"the lifecycle of product '{key}'")
    uow.flush()
    return _read(row, product.name, product.technology)


def get_profile(uow: UnitOfWork, actor: Actor, key: str) -> ProductProfile:
    return _profiles(uow, actor, [_row(uow, actor, key)])[0]


def profiles(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> dict[str, ProductProfile]:
    """Lifecycle products by key (those enrolled), for the other lifecycle sub-slices' lists."""
    scope = authorize(actor, Permission.READ)
    return {p.key: p for p in _profiles(uow, actor, repo.by_keys(uow.session, scope, keys))}


def profiles_by_id(uow: UnitOfWork, actor: Actor, ids: Sequence[int]) -> dict[int, ProductProfile]:
    scope = authorize(actor, Permission.READ)
    return {p.id: p for p in _profiles(uow, actor, repo.by_ids(uow.session, scope, ids))}


def update_profile(uow: UnitOfWork, actor: Actor, key: str, data: ProfileUpdate) -> ProductProfile:
    """Change what is given; parameters are checked against the domain's declarations (type, unit, range) and
    replace the recorded ones by name. Nothing changes when anything is refused."""
    row = _row(uow, actor, key, Permission.LIFECYCLE_EDIT)
    given = data.model_dump(exclude_unset=True)
    pack = parameter_pack()
    technology_domain = pack.domain(given.get("domain") or row.domain)
    changes: dict[str, Any] = {}
    for name in LIST_FIELDS:
        if given.get(name) is not None:
            changes[name] = [item.strip() for item in given[name] if item.strip()]
    for name in JURISDICTION_FIELDS:
        if given.get(name) is not None:
            changes[name] = domain.check_jurisdictions(given[name], name)
    if given.get("customer_classes") is not None:
        changes["customer_classes"] = domain.check_customer_classes(given["customer_classes"])
    for name in ("description", "trl", "safety_critical"):
        if name in given and given[name] is not None:
            changes[name] = given[name]
    if "domain" in given and given["domain"]:
        changes["domain"] = technology_domain.id
    if given.get("parameters") is not None or "domain" in changes:
        kept = {} if changes.get("domain", row.domain) != row.domain else dict(row.parameters)
        changes["parameters"] = kept | domain.check_parameters(technology_domain, given.get("parameters") or {})
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_by = actor.user_id
    uow.flush()
    return get_profile(uow, actor, key)


def list_products(uow: UnitOfWork, actor: Actor, query: ProductQuery) -> ProductPage:
    scope = authorize(actor, Permission.READ)
    rows, following, total = repo.page(
        uow.session,
        scope,
        stage=query.stage,
        domain=query.domain,
        search=query.search,
        sort=query.sort,
        descending=query.descending,
        cursor=query.cursor,
        limit=query.limit,
    )
    found = _profiles(uow, actor, rows)
    return ProductPage(
        rows=[
            ProductRow(key=p.key, name=p.name, domain=p.domain, trl=p.trl, stage=p.stage, stage_title=p.stage_title)
            for p in found
        ],
        total=total,
        next_cursor=following,
    )


def not_enrolled(uow: UnitOfWork, actor: Actor) -> list[Subject]:
    """The organisation's products whose lifecycle has not started."""
    scope = authorize(actor, Permission.READ)
    products = org_service.list_products(uow, actor)
    enrolled = {r.product_key for r in repo.by_keys(uow.session, scope, [p.key for p in products])}
    return [Subject("product", p.key, p.name) for p in products if p.key not in enrolled]


def move_stage(uow: UnitOfWork, actor: Actor, key: str, gate: str, *, signature_id: int, reason: str) -> str:
    """Take the product through `gate` to its next stage (the gates sub-slice calls this once a decision to go
    has every signature it needs); returns the new stage."""
    row = _row(uow, actor, key)
    if domain.next_gate(row.status) != gate:
        raise Conflict(f"product '{key}' is at {row.status}: gate {gate} does not lead out of it")
    # The reason belongs to this transition's events only, not to whatever the same unit of work writes next.
    before = uow.reason
    transition(uow, actor, row, domain.STAGE_WORKFLOW, gate, reason=reason, signature_id=signature_id)
    uow.reason = before
    return row.status


def material_state(profile: ProductProfile) -> dict[str, Any]:
    """What a gate decision or an ELSPI sign-off relies on in the product: a change to any of it is material."""
    return {
        "domain": profile.domain,
        "intended_uses": profile.intended_uses,
        "intended_users": profile.intended_users,
        "foreseeable_misuses": profile.foreseeable_misuses,
        "trl": profile.trl,
        "developed_in": profile.developed_in,
        "sold_in": profile.sold_in,
        "used_in": profile.used_in,
        "customer_classes": profile.customer_classes,
        "safety_critical": profile.safety_critical,
        "parameters": profile.parameter_values(),
    }


# ---- sign-offs: one role's e-signature of a lifecycle record (gate decision, assessment, red-line clearance) ----


def sign_off(
    uow: UnitOfWork,
    actor: Actor,
    subject: Subject,
    *,
    subject_id: int,
    required: Sequence[str],
    state: Mapping[str, Any],
    password: str,
    authors: Mapping[str, int | None],
    justification: str = "",
) -> SignoffRead:
    """Sign `subject` for the actor's role, after the password is re-entered: refused when the role is not one
    the record needs, when that role has signed already, or when the actor authored what is signed (segregation
    of duties). A refusal by password or duty is written to the trail by the layers that refuse it."""
    scope = authorize(actor, Permission.READ)
    done = {s.role for s in repo.signoffs(uow.session, scope, subject.kind, [subject_id])}
    if actor.role not in required:
        needed = ", ".join(required) or "none"
        _refuse(
            uow,
            subject,
            subject_id,
            PermissionDenied(f"{subject.label}: the role {actor.role} does not sign this (it needs {needed})"),
        )
    if actor.role in done:
        _refuse(uow, subject, subject_id, Conflict(f"{subject.label}: the {actor.role} sign-off is already given"))
    duty = esign_domain.not_among(actor.user_id, action="sign off", subject=subject.label, **authors)
    if duty:
        _refuse(uow, subject, subject_id, PermissionDenied(duty))
    signature = esign_service.sign(
        uow, actor, EsignSubject(subject.kind, str(subject_id), subject.label), Meaning.APPROVED, password, state=state
    )
    row = LifecycleSignoff(
        organisation_id=scope.organisation_id,
        subject_type=subject.kind,
        subject_id=subject_id,
        role=actor.role,
        user_id=actor.user_id,
        signature_id=signature.id,
        justification=justification,
        state=dict(state),
        signed_at=signature.signed_at,
    )
    uow.session.add(row)
    uow.flush()
    return _signoff_read(row, actor.username, None)


def _refuse(uow: UnitOfWork, subject: Subject, subject_id: int, refusal: DomainError) -> NoReturn:
    """A refused approval stays in the audit trail, although the use case that asked for it rolls back."""
    uow.record(
        SIGNOFF_REFUSED, subject.kind, subject_id, label=subject.label, after={"refused": refusal.message}, keep=True
    )
    raise refusal


def signoffs_of(
    uow: UnitOfWork, actor: Actor, subject_type: str, current: Mapping[int, Mapping[str, Any]]
) -> dict[int, list[SignoffRead]]:
    """The sign-offs of these records (id -> current material state), each verified against the current state:
    a material change since signing shows it as no longer valid, naming what changed."""
    scope = authorize(actor, Permission.READ)
    rows = repo.signoffs(uow.session, scope, subject_type, list(current))
    checks = [StateCheck(r.signature_id, current[r.subject_id], r.state) for r in rows]
    verdicts = esign_service.verify_all(uow, actor, checks) if rows else {}
    names = identity_service.usernames(uow, [r.user_id for r in rows], scope)
    found: dict[int, list[SignoffRead]] = {subject_id: [] for subject_id in current}
    for r in rows:
        found[r.subject_id].append(_signoff_read(r, names.get(r.user_id, ""), verdicts.get(r.signature_id)))
    return found


def _signoff_read(row: LifecycleSignoff, signer: str, verdict: Any) -> SignoffRead:
    return SignoffRead(
        role=row.role,
        signer=signer,
        signer_id=row.user_id,
        signature_id=row.signature_id,
        signed_at=row.signed_at,
        justification=row.justification,
        valid=verdict.valid if verdict is not None else True,
        reason=verdict.reason if verdict is not None else "signature verified",
    )
