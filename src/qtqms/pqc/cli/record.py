"""Storing findings as a new scan of a product's system: the one database step of `scan --record`, and `import`.

The service is imported only when a scan is stored, so that `qtqms pqc scan` alone never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from qtqms.pqc.scanner import Finding


@dataclass(frozen=True)
class Target:
    """Where findings are recorded (a product's system) and the policy that judges them there."""

    product: str
    system: str
    policy: str | None
    as_of: date | None
    category: str | None


def record_findings(target: Target, findings: list[Finding], source: str, ref: str, summary: dict, quiet: bool) -> None:
    """Store findings as a new scan of the target's system (`scan --record`, `import`)."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    with use_case(write=True) as (uow, actor):
        stored = service.record_scan(
            uow,
            actor,
            product=target.product,
            system=target.system,
            findings=findings,
            source=source,
            source_ref=ref,
            policy=target.policy or "nist-ir-8547",
            as_of=target.as_of,
            category=target.category,
            summary=summary,
        )
    message = f"Recorded scan {stored.id} of {stored.product}/{stored.system}: {stored.summary['assets']} assets."
    typer.echo(message, err=quiet)
