"""Risk criteria: the shipped matrices, the one each risk domain uses, and the threat catalogue."""

from __future__ import annotations

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import OrgScope, Permission, authorize
from qtqms.models.risk import (
    RiskMatrixChoice,
)
from qtqms.risk import domain, packs
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    RiskDomain,
    RiskMatrix,
)
from qtqms.risk.schemas import (
    LevelRead,
    MatrixRead,
    ScaleRead,
    ThreatRead,
)


def _matrix_for(uow: UnitOfWork, scope: OrgScope, risk_domain: str) -> RiskMatrix:
    """The matrix the organisation uses for a risk domain (the 5x5 one until it picks another)."""
    choice = repo.matrix_choices(uow.session, scope).get(risk_domain)
    return packs.shipped().matrix(choice.matrix_id if choice else packs.DEFAULT_MATRIX)


def _matrix_read(matrix: RiskMatrix, used_for: list[str]) -> MatrixRead:
    return MatrixRead(
        id=matrix.id,
        title=matrix.info.title,
        version=matrix.version,
        size=matrix.size,
        source=matrix.info.source,
        verified_on=matrix.info.verified_on,
        notes=list(matrix.info.notes),
        likelihood=[ScaleRead(**vars(s)) for s in matrix.likelihood],
        impact=[ScaleRead(**vars(s)) for s in matrix.impact],
        levels=[
            LevelRead(**{**vars(level), "decision": level.decision.value, "accept_roles": list(level.accept_roles)})
            for level in matrix.levels
        ],
        grid=[list(row) for row in matrix.grid],
        used_for=used_for,
    )


def list_matrices(uow: UnitOfWork, actor: Actor) -> list[MatrixRead]:
    authorize(actor, Permission.READ)
    in_use = domain_matrices(uow, actor)
    return [
        _matrix_read(m, [d for d, used in in_use.items() if used == m.id])
        for m in sorted(packs.shipped().matrices.values(), key=lambda m: m.id)
    ]


def matrix_options(uow: UnitOfWork, actor: Actor) -> list[tuple[str, str]]:
    """(id, size) of every shipped matrix, for a matrix picker: no query, nothing built per matrix."""
    authorize(actor, Permission.READ)
    return [(m.id, m.size) for m in sorted(packs.shipped().matrices.values(), key=lambda m: m.id)]


def domain_matrices(uow: UnitOfWork, actor: Actor) -> dict[str, str]:
    """Risk domain -> id of the matrix it uses."""
    scope = authorize(actor, Permission.READ)
    choices = repo.matrix_choices(uow.session, scope)
    return {d.value: (choices[d.value].matrix_id if d.value in choices else packs.DEFAULT_MATRIX) for d in RiskDomain}


def choose_matrix(uow: UnitOfWork, actor: Actor, risk_domain: str, matrix_id: str) -> MatrixRead:
    """Risk criteria are a management decision; risks already rated keep their matrix until re-assessed."""
    scope = authorize(actor, Permission.RISK_ACCEPT)
    chosen_domain = domain.parse_choice(RiskDomain, risk_domain, "domain").value
    matrix = packs.shipped().matrix(matrix_id)
    choice = repo.matrix_choices(uow.session, scope).get(chosen_domain)
    if choice is None:
        uow.session.add(
            RiskMatrixChoice(organisation_id=scope.organisation_id, domain=chosen_domain, matrix_id=matrix.id)
        )
    else:
        choice.matrix_id = matrix.id
    uow.flush()
    return _matrix_read(matrix, [chosen_domain])


def list_threats(uow: UnitOfWork, actor: Actor, *, category: str | None = None) -> list[ThreatRead]:
    authorize(actor, Permission.READ)
    return [
        ThreatRead(
            ref=ref,
            id=t.id,
            title=t.title,
            description=t.description,
            category=t.category,
            domains=list(t.domains),
            affects=list(t.affects),
        )
        for ref, t in packs.shipped().all_threats()
        if category is None or t.category == category
    ]
