"""Heat maps of the register, from the cell counts every rating change maintains."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, authorize
from qtqms.risk import domain, packs
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    RiskDomain,
    RiskMatrix,
)
from qtqms.risk.schemas import (
    HeatCell,
    HeatMap,
)
from qtqms.risk.service._common import _invalid
from qtqms.risk.service.criteria import _matrix_for

HEAT_KINDS = ("inherent", "residual")


def heat_map(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kind: str = "inherent",
    matrix_id: str | None = None,
    domain_name: str | None = None,
) -> HeatMap:
    """Counts per cell of one matrix; risks rated under another matrix are counted as not shown, never re-rated."""
    if kind not in HEAT_KINDS:
        raise _invalid(f"unknown heat map '{kind}' (use inherent or residual)", "kind")
    return heat_maps(uow, actor, kinds=(kind,), matrix_id=matrix_id, domain_name=domain_name)[0]


def heat_maps(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kinds: Sequence[str] = HEAT_KINDS,
    matrix_id: str | None = None,
    domain_name: str | None = None,
) -> list[HeatMap]:
    """Several heat maps of the same risks, from one read of the maintained cell counts."""
    scope = authorize(actor, Permission.READ)
    chosen_domain = domain.parse_choice(RiskDomain, domain_name, "domain").value if domain_name else None
    if matrix_id:
        matrix = packs.shipped().matrix(matrix_id)
    else:
        matrix = _matrix_for(uow, scope, chosen_domain or RiskDomain.SECURITY.value)
    cells = repo.heat_cells(uow.session, scope, domain=chosen_domain)
    return [
        _heat_map(
            matrix,
            kind,
            {key[1:]: n for key, n in cells.items() if key[0] == kind},
            repo.unrated_count(uow.session, scope, kind=kind, domain=chosen_domain),
        )
        for kind in kinds
    ]


def _heat_map(matrix: RiskMatrix, kind: str, cells: Mapping[tuple[str, str, int, int], int], unrated: int) -> HeatMap:
    """One matrix's cells; risks counted under other matrices or not rated are only counted, as not shown."""
    here = (matrix.id, matrix.version)
    counts = {cell[2:]: n for cell, n in cells.items() if cell[:2] == here}
    rows = [
        [
            _heat_cell(matrix, likelihood, impact, counts.get((likelihood, impact), 0))
            for impact in range(1, len(matrix.impact) + 1)
        ]
        for likelihood in range(len(matrix.likelihood), 0, -1)
    ]
    shown = sum(counts.values())
    return HeatMap(
        kind=kind,
        matrix=f"{matrix.id}@{matrix.version}",
        likelihood_labels=[s.label for s in matrix.likelihood],
        impact_labels=[s.label for s in matrix.impact],
        rows=rows,
        total=shown,
        not_shown=sum(cells.values()) - shown + unrated,
    )


def rebuild_heat_counts(uow: UnitOfWork, actor: Actor) -> int:
    """Recount the heat-map cells from the register (after a bulk import or a repair); returns the risks counted."""
    scope = authorize(actor, Permission.RISK_EDIT)
    return repo.rebuild_heat(uow.session, scope)


def _heat_cell(matrix: RiskMatrix, likelihood: int, impact: int, count: int) -> HeatCell:
    level = matrix.level_of(likelihood, impact)
    return HeatCell(
        likelihood=likelihood,
        impact=impact,
        count=count,
        level_key=level.key,
        level_label=level.label,
        colour=level.colour,
    )
