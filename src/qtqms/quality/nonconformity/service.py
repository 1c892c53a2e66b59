"""Nonconformity and CAPA use cases: raise a nonconformity from any source, contain it, find its root cause,
plan and finish actions, check their effectiveness (signed; a failed check sends it back to its actions) and
close it (signed), never before a passed check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import suppress
from typing import Any

from sqlalchemy import Row

from qtqms.db.numbering import next_number
from qtqms.db.uow import UnitOfWork
from qtqms.esign import domain as esign_domain
from qtqms.esign import service as esign_service
from qtqms.esign.domain import Meaning
from qtqms.kernel import clock, hashchain
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied, Problem
from qtqms.kernel.rbac import OrgScope, Permission, authorize, can
from qtqms.kit import workflow
from qtqms.kit.export import ExportFile, table_file
from qtqms.kit.subjects import Subject
from qtqms.models.quality import CorrectiveAction, EffectivenessCheck, Nonconformity, NonconformityLink
from qtqms.org import service as org_service
from qtqms.quality.documents import service as documents_service
from qtqms.quality.documents.schemas import Waiting, WaitingList
from qtqms.quality.nonconformity import domain
from qtqms.quality.nonconformity import repository as repo
from qtqms.quality.nonconformity.domain import WORKFLOW, ActionKind, Severity, Source, Status
from qtqms.quality.nonconformity.schemas import (
    ActionDone,
    ActionIn,
    ActionRead,
    CheckIn,
    CheckRead,
    ClosureIn,
    ClosureRead,
    InvestigationIn,
    NcStepIn,
    NonconformityCreate,
    NonconformityPage,
    NonconformityQuery,
    NonconformityRead,
    NonconformityRow,
)
from qtqms.risk import service as risk_service

SUBJECT_KIND = "nonconformity"
COUNT_CAP = 1000
LINK_KINDS = ("requirement", "document", "risk")


def _invalid(message: str, field: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", [Problem(message, field=field)])


def _nc(uow: UnitOfWork, scope: OrgScope, ref: str) -> Nonconformity:
    return repo.nonconformity(uow.session, scope, domain.parse_ref(ref), ref)


def _member(uow: UnitOfWork, scope: OrgScope, username: str, field: str) -> int:
    found = repo.member_id(uow.session, scope, username.strip())
    if found is None:
        raise _invalid(f"no active user '{username}' in this organisation", field)
    return found


def _product_id(uow: UnitOfWork, actor: Actor, key: str | None) -> int | None:
    if not key:
        return None
    try:
        return org_service.get_product(uow, actor, key).id
    except NotFound:
        raise _invalid(f"no product '{key}'", "product") from None


def _found(wanted: Sequence[str], found: dict[str, Subject], field: str, what: str) -> list[str]:
    missing = [ref for ref in wanted if ref not in found]
    if missing:
        problems = [Problem(f"no {what} '{ref}' in this organisation", field=field) for ref in missing]
        raise InvalidInput(f"{field}: {problems[0].message}", problems)
    return [found[ref].ref for ref in wanted]


def _links(uow: UnitOfWork, actor: Actor, data: NonconformityCreate) -> dict[str, list[str]]:
    documents = [d.strip() for d in data.documents if d.strip()]
    risks = [r.strip() for r in data.risks if r.strip()]
    return {
        "requirement": documents_service.requirement_refs(uow, actor, data.requirements),
        "document": _found(
            documents, documents_service.find_documents(uow, actor, documents), "documents", "document"
        ),  # fmt: skip
        "risk": _found(risks, risk_service.find_risks(uow, actor, risks), "risks", "risk"),
    }


# --- writing ---------------------------------------------------------------------------------------------


def raise_nonconformity(uow: UnitOfWork, actor: Actor, data: NonconformityCreate) -> NonconformityRead:
    """Record a nonconformity from any source, linked to what it concerns; the actor owns it unless named."""
    scope = authorize(actor, Permission.NONCONFORMITY_EDIT)
    source = domain.parse_choice(Source, data.source, "source")
    severity = domain.parse_choice(Severity, data.severity, "severity")
    owner_id = _member(uow, scope, data.owner, "owner") if data.owner else actor.user_id
    product_id = _product_id(uow, actor, data.product)
    links = _links(uow, actor, data)
    nc = Nonconformity(
        organisation_id=scope.organisation_id,
        number=next_number(uow.session, scope, SUBJECT_KIND),
        title=data.title, description=data.description, source=source, severity=severity,
        status=Status.OPEN.value, product_id=product_id, process=data.process,
        detected_on=data.detected_on or clock.today(), raised_by_id=actor.user_id, owner_id=owner_id,
        containment=data.containment, whys=[], cause_categories=[],
    )  # fmt: skip
    uow.session.add(nc)
    uow.flush()
    for kind, targets in links.items():
        for target in targets:
            uow.session.add(NonconformityLink(organisation_id=scope.organisation_id, nonconformity_id=nc.id,
                                              target_kind=kind, target=target))  # fmt: skip
    uow.flush()
    return get_nonconformity(uow, actor, domain.format_ref(nc.number))


def _not_closed(nc: Nonconformity, ref: str) -> None:
    if nc.status == Status.CLOSED:
        raise Conflict(f"{ref} is closed: reopen it first")


def update_investigation(uow: UnitOfWork, actor: Actor, ref: str, data: InvestigationIn) -> NonconformityRead:
    """Containment, root cause (5 whys or cause categories) and how effectiveness will be judged."""
    scope = authorize(actor, Permission.NONCONFORMITY_EDIT)
    nc = _nc(uow, scope, ref)
    _not_closed(nc, ref)
    if nc.status == Status.VERIFYING:
        raise Conflict(f"{ref} is being verified: its analysis is what the check is about; it cannot change now")
    if data.cause_categories is not None:
        unknown = [c for c in data.cause_categories if c not in domain.CAUSE_CATEGORIES]
        if unknown:
            raise _invalid(f"unknown cause category '{unknown[0]}' (use {', '.join(domain.CAUSE_CATEGORIES)})",
                           "cause_categories")  # fmt: skip
        nc.cause_categories = list(dict.fromkeys(data.cause_categories))
    if data.whys is not None:
        nc.whys = [why.strip() for why in data.whys if why.strip()]
    for name in ("containment", "cause_method", "root_cause", "effectiveness_criteria"):
        if (value := getattr(data, name)) is not None:
            setattr(nc, name, value)
    uow.reason = data.reason
    uow.flush()
    return get_nonconformity(uow, actor, ref)


def add_action(uow: UnitOfWork, actor: Actor, ref: str, data: ActionIn) -> NonconformityRead:
    """A correction, corrective or preventive action with its owner and due date."""
    scope = authorize(actor, Permission.NONCONFORMITY_EDIT)
    nc = _nc(uow, scope, ref)
    if nc.status not in (Status.OPEN, Status.CONTAINED, Status.ACTING):
        raise Conflict(f"{ref} is {nc.status}: actions are planned while it is open, contained or acting")
    nc.actions.append(CorrectiveAction(
        organisation_id=scope.organisation_id, kind=ActionKind(data.kind).value, title=data.title,
        owner_id=_member(uow, scope, data.owner, "owner"), due_on=data.due_on,
    ))  # fmt: skip
    uow.flush()
    return get_nonconformity(uow, actor, ref)


def complete_action(uow: UnitOfWork, actor: Actor, action_id: int, data: ActionDone) -> NonconformityRead:
    """An action is done, with what came of it."""
    scope = authorize(actor, Permission.NONCONFORMITY_EDIT)
    action = repo.action(uow.session, scope, action_id)
    if action.done_on is not None:
        raise Conflict(f"action {action_id} was already done on {action.done_on}")
    action.done_on, action.outcome = clock.today(), data.outcome
    uow.reason = data.outcome
    uow.flush()
    nc = uow.session.get(Nonconformity, action.nonconformity_id)
    assert nc is not None
    return get_nonconformity(uow, actor, domain.format_ref(nc.number))


def take_step(uow: UnitOfWork, actor: Actor, ref: str, step: NcStepIn) -> NonconformityRead:
    """Contain, act, verify or reopen, each guarded by the workflow."""
    scope = authorize(actor, Permission.READ)
    nc = _nc(uow, scope, ref)
    workflow.transition(uow, actor, nc, WORKFLOW, step.action, reason=step.reason)
    if step.action == "reopen":
        nc.closed_on, nc.closure_signature_id, nc.closure_state = None, None, None
    uow.flush()
    return get_nonconformity(uow, actor, ref)


# --- signed check and closure ---------------------------------------------------------------------------


def _state(uow: UnitOfWork, scope: OrgScope, nc: Nonconformity) -> dict[str, Any]:
    people = repo.names(uow.session, scope, [nc.owner_id, *(a.owner_id for a in nc.actions)])
    actions = [{"kind": a.kind, "title": a.title, "owner": people[a.owner_id][0], "due_on": a.due_on,
                "done_on": a.done_on, "outcome": a.outcome} for a in nc.actions]  # fmt: skip
    links = [f"{link.target_kind}:{link.target}" for link in repo.links(uow.session, scope, nc.id)]
    # Plain JSON values (dates as ISO text), as the state is stored with each signature.
    return hashchain.plain(domain.material_state(nc, ref=domain.format_ref(nc.number),
                                 product=repo.product_key(uow.session, scope, nc.product_id) or "",
                                 owner=people[nc.owner_id][0], links=links, actions=actions))  # fmt: skip


def _subject(nc: Nonconformity) -> esign_domain.Subject:
    return esign_domain.Subject(SUBJECT_KIND, str(nc.id), f"{domain.format_ref(nc.number)} {nc.title}")


def _checked_state(state: dict[str, Any], passed: bool, note: str) -> dict[str, Any]:
    return {**state, "effectiveness": {"passed": passed, "note": note}}


def _check_checker(actor: Actor, ref: str, nc: Nonconformity) -> None:
    authorize(actor, Permission.NONCONFORMITY_EDIT)
    if nc.status != Status.VERIFYING:
        raise Conflict(f"{ref} is {nc.status}: its effectiveness is checked once every action is done (verifying)")
    refusal = esign_domain.not_among(actor.user_id, action="check", subject="this nonconformity", own=nc.owner_id)
    if refusal:
        raise PermissionDenied(refusal)


def _check_closer(actor: Actor, nc: Nonconformity) -> None:
    authorize(actor, Permission.NONCONFORMITY_CLOSE)
    WORKFLOW.check(actor, nc.status, "close", nc)
    refusal = esign_domain.not_among(actor.user_id, action="close", subject="this nonconformity", own=nc.owner_id)
    if refusal:
        raise PermissionDenied(refusal)


def _refused(uow: UnitOfWork, nc: Nonconformity, ref: str, error: DomainError) -> DomainError:
    return documents_service.refused_signature(uow, SUBJECT_KIND, nc.id, ref, error)


def check_effectiveness(uow: UnitOfWork, actor: Actor, ref: str, data: CheckIn) -> NonconformityRead:
    """The signed verdict on whether the actions worked, by someone other than the nonconformity's owner. A
    failed check sends it back to its actions. A refusal is recorded in the trail."""
    scope = authorize(actor, Permission.READ)
    nc = _nc(uow, scope, ref)
    try:
        _check_checker(actor, ref, nc)
    except DomainError as error:
        raise _refused(uow, nc, ref, error) from None
    state = _checked_state(_state(uow, scope, nc), data.passed, data.note)
    signature = esign_service.sign(uow, actor, _subject(nc), Meaning.REVIEWED, data.password, state=state)
    nc.checks.append(EffectivenessCheck(
        organisation_id=scope.organisation_id, passed=data.passed, note=data.note, checked_by_id=actor.user_id,
        checked_at=signature.signed_at, signature_id=signature.id, signed_state=state,
    ))  # fmt: skip
    uow.reason = data.note
    uow.flush()
    if not data.passed:
        workflow.transition(uow, actor, nc, WORKFLOW, "check_failed", reason=f"effectiveness check failed: {data.note}")
        nc.reopened += 1
        uow.flush()
    return get_nonconformity(uow, actor, ref)


def close(uow: UnitOfWork, actor: Actor, ref: str, data: ClosureIn) -> NonconformityRead:
    """Close with a signature, only after a passed effectiveness check whose signature still holds, and never
    by the nonconformity's owner. A refusal is recorded in the trail."""
    scope = authorize(actor, Permission.READ)
    nc = _nc(uow, scope, ref)
    try:
        _check_closer(actor, nc)
        state = _state(uow, scope, nc)
        last = nc.checks[-1]
        verified = esign_service.verify(uow, actor, last.signature_id, _checked_state(state, last.passed, last.note),
                                        signed_state=last.signed_state)  # fmt: skip
        if not verified.valid:
            raise Conflict(f"{ref} cannot be closed: its effectiveness check no longer holds: {verified.reason}")
    except DomainError as error:
        raise _refused(uow, nc, ref, error) from None
    signature = esign_service.sign(uow, actor, _subject(nc), Meaning.APPROVED, data.password, state=state)
    workflow.transition(uow, actor, nc, WORKFLOW, "close", reason=data.comment or "closed", signature_id=signature.id)
    nc.closed_on, nc.closure_signature_id, nc.closure_state = clock.today(), signature.id, state
    uow.flush()
    return get_nonconformity(uow, actor, ref)


# --- reading -------------------------------------------------------------------------------------------


def _in_force(nc: Nonconformity, check: EffectivenessCheck) -> bool:
    """The passed check a closure rests on (or will): the last one, while the nonconformity is verified or closed.
    Earlier checks, and a failed one, are history: the work they judged has moved on since."""
    return check is nc.checks[-1] and check.passed and nc.status in (Status.VERIFYING, Status.CLOSED)


def _verdicts(uow: UnitOfWork, actor: Actor, scope: OrgScope, nc: Nonconformity) -> dict[int, Any]:
    """Each signature checked: the check in force and the closure against the present state, a historical check
    against the state it signed (so an altered snapshot, or altered signature bytes, still read invalid)."""
    state = _state(uow, scope, nc)
    checks = [
        esign_service.StateCheck(
            c.signature_id,
            _checked_state(state if _in_force(nc, c) else c.signed_state, c.passed, c.note),
            c.signed_state,
        )
        for c in nc.checks
    ]
    if nc.closure_signature_id is not None:
        checks.append(esign_service.StateCheck(nc.closure_signature_id, state, nc.closure_state))
    return esign_service.verify_all(uow, actor, checks) if checks else {}


def get_nonconformity(uow: UnitOfWork, actor: Actor, ref: str) -> NonconformityRead:
    """A nonconformity with its actions (overdue marked), checks and closure, each signature verified now."""
    scope = authorize(actor, Permission.READ)
    nc = _nc(uow, scope, ref)
    today = clock.today()
    people = repo.names(uow.session, scope, [nc.owner_id, nc.raised_by_id, *(a.owner_id for a in nc.actions),
                                             *(c.checked_by_id for c in nc.checks)])  # fmt: skip
    links = repo.links(uow.session, scope, nc.id)
    verdicts = _verdicts(uow, actor, scope, nc)
    open_actions = [a.due_on for a in nc.actions if a.done_on is None]
    closure = None
    if nc.closure_signature_id is not None:
        signed = esign_service.check_signature(uow, actor, nc.closure_signature_id)[0]
        verdict = verdicts[nc.closure_signature_id]
        closure = ClosureRead(signed_by=signed.signer, name=repo.names(uow.session, scope, [signed.signer_id])
                              [signed.signer_id][1], signed_at=signed.signed_at, valid=verdict.valid,
                              verification=verdict.reason)  # fmt: skip
    return NonconformityRead(
        ref=domain.format_ref(nc.number), title=nc.title, source=nc.source, severity=nc.severity, status=nc.status,
        product=repo.product_key(uow.session, scope, nc.product_id), owner=people[nc.owner_id][0],
        detected_on=nc.detected_on, next_due=min(open_actions) if open_actions else None,
        overdue=any(d < today for d in open_actions), description=nc.description, process=nc.process,
        raised_by=people[nc.raised_by_id][0],
        **{f"{kind}s": [link.target for link in links if link.target_kind == kind] for kind in LINK_KINDS},
        containment=nc.containment, cause_method=nc.cause_method, whys=list(nc.whys or []),
        cause_categories=list(nc.cause_categories or []), root_cause=nc.root_cause,
        effectiveness_criteria=nc.effectiveness_criteria, reopened=nc.reopened, closed_on=nc.closed_on,
        actions=[ActionRead(id=a.id, kind=a.kind, title=a.title, owner=people[a.owner_id][0], due_on=a.due_on,
                            done_on=a.done_on, outcome=a.outcome, overdue=domain.overdue(a.due_on, a.done_on, today))
                 for a in nc.actions],
        checks=[CheckRead(passed=c.passed, note=c.note, checked_by=people[c.checked_by_id][0],
                          name=people[c.checked_by_id][1], checked_at=c.checked_at,
                          valid=verdicts[c.signature_id].valid, verification=verdicts[c.signature_id].reason)
                for c in nc.checks],
        closure=closure,
        steps=[t.name for t in WORKFLOW.available(nc.status, actor) if t.name in domain.STEPS],
    )  # fmt: skip


def nonconformity_id(uow: UnitOfWork, actor: Actor, ref: str) -> int:
    """The internal id behind a reference, for the audit-trail history of the nonconformity."""
    return _nc(uow, authorize(actor, Permission.READ), ref).id


def _filter(uow: UnitOfWork, actor: Actor, query: NonconformityQuery) -> repo.ListFilter:
    return repo.ListFilter(
        status=domain.parse_choice(Status, query.status, "status") if query.status else None,
        severity=domain.parse_choice(Severity, query.severity, "severity") if query.severity else None,
        source=domain.parse_choice(Source, query.source, "source") if query.source else None,
        product_id=_product_id(uow, actor, query.product),
        open_only=query.open_only,
        overdue_before=clock.today() if query.overdue else None,
    )


def _row(row: Row[Any]) -> NonconformityRow:
    overdue = row.next_due is not None and row.next_due < clock.today()
    return NonconformityRow(ref=domain.format_ref(row.number), title=row.title, source=row.source,
                            severity=row.severity, status=row.status, product=row.product_key, owner=row.owner_name,
                            detected_on=row.detected_on, next_due=row.next_due, overdue=overdue)  # fmt: skip


def list_nonconformities(uow: UnitOfWork, actor: Actor, query: NonconformityQuery | None = None) -> NonconformityPage:
    """One page of nonconformities by keyset, newest first by default: two queries whatever the page size."""
    scope = authorize(actor, Permission.READ)
    query = query or NonconformityQuery()
    where = _filter(uow, actor, query)
    found, next_cursor = repo.page(uow.session, scope, where, descending=query.descending, cursor=query.cursor,
                                   limit=query.limit)  # fmt: skip
    total = repo.count(uow.session, scope, where, cap=COUNT_CAP)
    return NonconformityPage(rows=[_row(r) for r in found], total=min(total, COUNT_CAP),
                             total_capped=total > COUNT_CAP, next_cursor=next_cursor)  # fmt: skip


EXPORT_COLUMNS = ("ref", "title", "source", "severity", "status", "product", "owner", "detected on", "next due",
                  "overdue")  # fmt: skip


def _export_rows(uow: UnitOfWork, scope: OrgScope, where: repo.ListFilter, descending: bool) -> Iterator[list[Any]]:
    for row in repo.all_rows(uow.session, scope, where, descending=descending):
        r = _row(row)
        yield [r.ref, r.title, r.source, r.severity, r.status, r.product or "", r.owner, r.detected_on.isoformat(),
               r.next_due.isoformat() if r.next_due else "", "yes" if r.overdue else "no"]  # fmt: skip


def export_nonconformities(
    uow: UnitOfWork, actor: Actor, fmt: str, query: NonconformityQuery | None = None
) -> ExportFile:
    scope = authorize(actor, Permission.READ)
    query = query or NonconformityQuery()
    rows = _export_rows(uow, scope, _filter(uow, actor, query), query.descending)
    return table_file(EXPORT_COLUMNS, rows, fmt, "nonconformities", sheet="nonconformities")


# --- for other slices ----------------------------------------------------------------------------------


def open_nonconformities(uow: UnitOfWork, actor: Actor, product_key: str) -> list[NonconformityRow]:
    """The nonconformities of a product not yet closed, most severe first (a lifecycle gate checks them)."""
    authorize(actor, Permission.READ)
    query = NonconformityQuery(product=product_key, open_only=True, limit=200)
    rows: list[NonconformityRow] = []
    while True:
        page = list_nonconformities(uow, actor, query)
        rows += page.rows
        if page.next_cursor is None:
            break
        query = query.model_copy(update={"cursor": page.next_cursor})
    order = {s.value: i for i, s in enumerate(Severity)}
    return sorted(rows, key=lambda r: (order[r.severity], r.ref))


def find_nonconformities(uow: UnitOfWork, actor: Actor, refs: Sequence[str]) -> dict[str, Subject]:
    """Nonconformities by reference (NC-0007), as other slices cite them (evidence of a correction)."""
    scope = authorize(actor, Permission.READ)
    found = {}
    for ref in refs:
        with suppress(InvalidInput, NotFound):
            nc = _nc(uow, scope, ref)
            canonical = domain.format_ref(nc.number)
            found[ref] = Subject(SUBJECT_KIND, canonical, nc.title, f"/quality/nonconformities/{canonical}")
    return found


def waiting_for(uow: UnitOfWork, actor: Actor, limit: int) -> WaitingList:
    """What waits for the actor among nonconformities, the most pressing `limit` of each kind and how many in
    all: their actions not done, and, for those who may close one, the nonconformities they do not own that wait
    for an effectiveness check or a closure."""
    scope = authorize(actor, Permission.READ)
    today = clock.today()
    items = [
        Waiting(kind="action", ref=domain.format_ref(number), title=f"{a.title} ({domain.format_ref(number)} {title})",
                href=f"/quality/nonconformities/{domain.format_ref(number)}", due_on=a.due_on)
        for a, number, title in repo.actions_of(uow.session, scope, actor.user_id, limit)
    ]  # fmt: skip
    total = repo.count_actions_of(uow.session, scope, actor.user_id)
    if can(actor, Permission.NONCONFORMITY_CLOSE):
        for nc in repo.verifying(uow.session, scope, actor.user_id, limit):
            ref = domain.format_ref(nc.number)
            checked = bool(nc.checks) and nc.checks[-1].passed
            verb = "Close" if checked else "Check the effectiveness of"
            items.append(Waiting(kind="close" if checked else "check", ref=ref, title=f"{verb} {ref} {nc.title}",
                                 href=f"/quality/nonconformities/{ref}"))  # fmt: skip
        total += repo.count_verifying(uow.session, scope, actor.user_id)
    overdue = repo.count_actions_of(uow.session, scope, actor.user_id, due_before=today)
    return WaitingList(items=items, total=total, overdue=overdue)
