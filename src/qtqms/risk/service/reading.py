"""The register's read side: one risk with its checked acceptances, the filtered and paged register, its export,
and risks as other slices see them (by control, by reference)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import suppress
from datetime import date
from typing import Any

from sqlalchemy import Row

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlRead
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import InvalidInput
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.export import ExportFile, check_format, table_file
from qtqms.kit.subjects import Subject
from qtqms.models.catalog import Control
from qtqms.models.risk import (
    Risk,
    RiskAcceptance,
)
from qtqms.risk import domain, packs
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    AcceptanceState,
    AcceptanceVerdict,
    ActionStatus,
    RiskDomain,
)
from qtqms.risk.schemas import (
    AcceptanceRead,
    ActionRead,
    AssessmentRead,
    LinkedControl,
    LinkedRequirement,
    RatingRead,
    RegisterPage,
    RegisterQuery,
    RiskRead,
    RiskRow,
    TreatedRisk,
)
from qtqms.risk.service._common import _product_id, _ratings_read, _risk, _row_verdicts, _state, _verdict, _verdicts
from qtqms.risk.service.criteria import _matrix_for

COUNT_CAP = 1000  # the register says "1,000+" rather than count every matching row


EXPORT_BATCH = 500  # exported rows whose acceptances are verified together: a few queries a batch, not a row


def _acceptance_read(acceptance: RiskAcceptance, names: dict[int, str], verdict: AcceptanceVerdict) -> AcceptanceRead:
    """An acceptance as the record page lists it: the standing one as the risk's verdict says, the others with
    why they stopped."""
    if acceptance.invalidated_at is not None:
        valid, validity = False, f"invalid: {acceptance.invalidated_reason}"
    elif verdict.validity:
        valid, validity = verdict.acceptance == AcceptanceState.VALID, verdict.validity
    else:
        valid, validity = False, "invalid: the risk does not record this acceptance as standing"
    return AcceptanceRead(
        id=acceptance.id,
        accepted_by=names.get(acceptance.accepted_by_id, ""),
        accepted_at=acceptance.accepted_at,
        level_label=acceptance.level_label,
        state_hash=acceptance.state_hash,
        justification=acceptance.justification,
        expires_on=acceptance.expires_on,
        signature_id=acceptance.signature_id,
        valid=valid,
        validity=validity,
        invalidated_at=acceptance.invalidated_at,
        invalidated_reason=acceptance.invalidated_reason,
    )


def _treat_by(risk: Risk, verdict: AcceptanceVerdict) -> date | None:
    """When the level's acceptance criterion says a not-accepted risk must be treated by."""
    level = packs.shipped().matrix(risk.matrix_id).level(risk.current_level)
    if level is None or level.max_treat_days is None or risk.assessed_at is None:
        return None
    if verdict.acceptance in (AcceptanceState.VALID, AcceptanceState.EXPIRED):
        return None
    return date.fromordinal(risk.assessed_at.date().toordinal() + level.max_treat_days)


def get_risk(uow: UnitOfWork, actor: Actor, ref: str) -> RiskRead:
    """The risk with its treatment, and every acceptance checked against its signature and the present state."""
    scope = authorize(actor, Permission.READ)
    risk = _risk(uow, scope, ref)
    state = _state(uow, scope, risk)
    actions = repo.actions_of(uow.session, scope, risk.id)
    acceptances = repo.acceptances_of(uow.session, scope, risk.id)
    names = identity_service.usernames(
        uow,
        [risk.owner_id, risk.created_by_id, risk.assessed_by_id]
        + [a.owner_id for a in actions]
        + [a.accepted_by_id for a in acceptances],
        scope,
    )
    today = clock.today()
    verdict = _verdict(uow, actor, scope, risk)
    in_force = _matrix_for(uow, scope, risk.domain)
    threat = packs.shipped().threat(risk.threat_ref) if risk.threat_ref else None
    return RiskRead(
        ref=domain.format_ref(risk.number),
        title=risk.title,
        description=risk.description,
        approach=risk.approach,
        domain=risk.domain,
        threat=risk.threat_ref,
        threat_title=threat.title if threat else "",
        vulnerabilities=risk.vulnerabilities,
        existing_controls=risk.existing_controls,
        assets=[a.key for a in repo.assets_by_ids(uow.session, scope, list(state.asset_ids))],
        product=repo.product_keys(uow.session, scope, [risk.product_id]).get(risk.product_id)
        if risk.product_id
        else None,
        owner=names.get(risk.owner_id, ""),
        created_by=names.get(risk.created_by_id) if risk.created_by_id else None,
        assessed_by=names.get(risk.assessed_by_id) if risk.assessed_by_id else None,
        assessed_at=risk.assessed_at,
        matrix=f"{risk.matrix_id}@{risk.matrix_version}",
        matrix_in_force=f"{in_force.id}@{in_force.version}",
        needs_reassessment=(risk.matrix_id, risk.matrix_version) != (in_force.id, in_force.version),
        **_ratings_read(risk),
        treatment_option=risk.treatment_option,
        treatment_plan=risk.treatment_plan,
        treat_by=_treat_by(risk, verdict),
        actions=[
            ActionRead(
                id=a.id,
                risk_ref=domain.format_ref(risk.number),
                title=a.title,
                owner=names.get(a.owner_id, ""),
                due_date=a.due_date,
                status=a.status,
                overdue=a.status == ActionStatus.OPEN.value and a.due_date < today,
                closed_at=a.closed_at,
                note=a.note,
            )
            for a in actions
        ],
        status=verdict.status,
        acceptance_status=verdict.acceptance,
        accepted_until=verdict.until,
        acceptances=[_acceptance_read(a, names, verdict) for a in acceptances],
        next_review_date=risk.next_review_date,
        linked_requirements=[
            LinkedRequirement(
                link=f"{version.pack_id}:{requirement.ref}",
                framework=version.pack_id,
                requirement=requirement.ref,
                label=requirement.label,
                edition=version.version,
                current=version.is_current,
            )
            for version, requirement in repo.linked_requirements(uow.session, risk.id)
        ],
        linked_controls=[_linked_control(c) for c in repo.linked_controls(uow.session, scope, risk.id)],
        source=risk.source,
        computation=risk.computation,
        state_hash=risk.state_hash,
    )


def control_choices(uow: UnitOfWork, actor: Actor) -> list[LinkedControl]:
    """The organisation's controls a risk may be linked to."""
    authorize(actor, Permission.READ)
    return [_linked_control(c) for c in catalog_service.list_controls(uow, actor)]


def _linked_control(control: Control | ControlRead) -> LinkedControl:
    return LinkedControl(key=control.key, title=control.title, status=control.status)


def risks_treated_by_controls(uow: UnitOfWork, actor: Actor) -> dict[str, list[TreatedRisk]]:
    """Control key -> the risks linked to it, for the catalogue's control page; the same few queries for every
    control."""
    scope = authorize(actor, Permission.READ)
    treated: dict[str, list[TreatedRisk]] = {}
    linked = repo.risks_by_control(uow.session, scope)
    verdicts = _verdicts(uow, actor, scope, list({risk.id: risk for _, risk in linked}.values()))
    for key, risk in linked:
        current = _ratings_read(risk)["current"]
        status = verdicts[risk.id].status
        row = TreatedRisk(ref=domain.format_ref(risk.number), title=risk.title, status=status, current=current)
        treated.setdefault(key, []).append(row)
    return treated


def assessment_history(uow: UnitOfWork, actor: Actor, ref: str) -> list[AssessmentRead]:
    scope = authorize(actor, Permission.READ)
    risk = _risk(uow, scope, ref)
    rows = repo.assessments(uow.session, risk.id)
    names = identity_service.usernames(uow, [r.assessed_by_id for r in rows], scope)
    return [
        AssessmentRead(
            assessed_at=r.assessed_at,
            assessed_by=names.get(r.assessed_by_id or 0, "system"),
            matrix=f"{r.matrix_id}@{r.matrix_version}",
            ratings=r.ratings,
            note=r.note,
        )
        for r in rows
    ]


def risk_id(uow: UnitOfWork, actor: Actor, ref: str) -> int:
    """The internal id behind a reference, for the audit-trail history of the risk."""
    scope = authorize(actor, Permission.READ)
    return _risk(uow, scope, ref).id


def _register_filter(uow: UnitOfWork, actor: Actor, query: RegisterQuery) -> repo.RegisterFilter:
    number = None
    if query.search:
        try:
            number = domain.parse_ref(query.search)
        except InvalidInput:
            number = None
    return repo.RegisterFilter(
        domain=domain.parse_choice(RiskDomain, query.domain, "domain").value if query.domain else None,
        status=domain.parse_choice(domain.RiskStatus, query.status, "status").value if query.status else None,
        level=query.level,
        owner_id=identity_service.active_member_id(uow, actor, query.owner, "owner") if query.owner else None,
        product_id=_product_id(uow, actor, query.product),
        source=query.source,
        search=query.search,
        number=number,
    )


def register(uow: UnitOfWork, actor: Actor, query: RegisterQuery | None = None) -> RegisterPage:
    """One page of the register, filtered and sorted, by keyset; two queries whatever the page size."""
    scope = authorize(actor, Permission.READ)
    query = query or RegisterQuery()
    where = _register_filter(uow, actor, query)
    found, next_cursor = repo.register_page(
        uow.session,
        scope,
        where,
        sort=query.sort,
        descending=query.descending,
        cursor=query.cursor,
        limit=query.limit,
    )
    verdicts = _row_verdicts(uow, actor, scope, found)
    total = repo.register_count(uow.session, scope, where, cap=COUNT_CAP)
    return RegisterPage(
        rows=[_row(found_row, verdicts[found_row.id]) for found_row in found],
        total=min(total, COUNT_CAP),
        total_capped=total > COUNT_CAP,
        next_cursor=next_cursor,
        sort=query.sort,
        descending=query.descending,
    )


def _row(risk: Row[Any], verdict: AcceptanceVerdict) -> RiskRow:
    """A register row from the repository's columns (repo.REGISTER_COLUMNS): typed database values, so it is
    built without validation, which was a tenth of a register page's time."""
    return RiskRow.model_construct(
        ref=domain.format_ref(risk.number),
        title=risk.title,
        domain=risk.domain,
        status=verdict.status,
        owner=risk.owner_name,
        product=risk.product_key,
        **_ratings_read(risk),
        acceptance=verdict.acceptance,
        accepted_until=verdict.until,
        next_review_date=risk.next_review_date,
        source=risk.source,
        updated_at=risk.updated_at,
    )


EXPORT_COLUMNS = (
    "ref",
    "title",
    "domain",
    "status",
    "owner",
    "product",
    "inherent",
    "current",
    "residual",
    "current level",
    "acceptance",
    "accepted until",
    "next review",
    "source",
)


EXPORT_FORMATS = ("csv", "xlsx")


def export_rows(uow: UnitOfWork, actor: Actor, query: RegisterQuery | None = None) -> Iterator[list[str]]:
    """Every risk matching the query's filters as plain cells, in the query's order (its page is not used)."""
    scope = authorize(actor, Permission.READ)
    query = query or RegisterQuery()
    where = _register_filter(uow, actor, query)
    stream = iter(repo.register_stream(uow.session, scope, where, sort=query.sort, descending=query.descending))
    while batch := list(itertools.islice(stream, EXPORT_BATCH)):
        verdicts = _row_verdicts(uow, actor, scope, batch)
        yield from (_export_cells(_row(found, verdicts[found.id])) for found in batch)


def _export_cells(row: RiskRow) -> list[Any]:
    return [
        row.ref,
        row.title,
        row.domain,
        row.status,
        row.owner,
        row.product or "",
        _cell(row.inherent),
        _cell(row.current),
        _cell(row.residual),
        row.current.level_label if row.current else "",
        row.acceptance,
        row.accepted_until.isoformat() if row.accepted_until else "",
        row.next_review_date.isoformat() if row.next_review_date else "",
        row.source,
    ]


def _cell(rating: RatingRead | None) -> str:
    return f"L{rating.likelihood} x I{rating.impact}" if rating else ""


def export_register(uow: UnitOfWork, actor: Actor, fmt: str, query: RegisterQuery | None = None) -> ExportFile:
    """The register, filtered and sorted as `query` says, as a CSV or XLSX file."""
    check_format(fmt, EXPORT_FORMATS)
    rows = export_rows(uow, actor, query)
    return table_file(EXPORT_COLUMNS, rows, fmt, "risk-register", formats=EXPORT_FORMATS, sheet="risk register")


def find_risks(uow: UnitOfWork, actor: Actor, refs: Sequence[str]) -> dict[str, Subject]:
    """Risks by reference (R-0042, r-42), as other slices cite them (evidence of a treatment)."""
    scope = authorize(actor, Permission.READ)
    wanted = {}
    for ref in refs:
        with suppress(InvalidInput):
            wanted[ref] = domain.parse_ref(ref)
    found = {r.number: r for r in repo.risks_by_numbers(uow.session, scope, set(wanted.values()))}
    subjects = {}
    for ref, number in wanted.items():
        if number in found:
            canonical = domain.format_ref(number)
            subjects[ref] = Subject("risk", canonical, found[number].title, f"/risk/{canonical}")
    return subjects
