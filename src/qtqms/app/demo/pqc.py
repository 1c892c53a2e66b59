"""The demo company's crypto inventory: the shipped demo source tree scanned under two products against
NIST IR 8547, an earlier narrower scan so the history has a diff, and a migration plan owned by the engineer."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from pathlib import Path

from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.pqc import service as pqc_service
from qtqms.pqc.scanner import Scanner
from qtqms.pqc.schemas import TaskUpdate

ENGINEER = "emery.engineer"
POLICY = "nist-ir-8547"

# (product, system, folder of the demo source tree); the first row is also scanned earlier, in part.
DEMO_SYSTEMS = (
    ("QKD-LINK", "link-controller", "controller"),
    ("QKD-LINK", "firmware", "firmware"),
    ("QPU-CLOUD", "operator-console", "console"),
    ("QPU-CLOUD", "api-gateway", "deploy"),
)
EARLIER_SCAN = ("QKD-LINK", "link-controller", "controller/key_transport.py")


def build_pqc_demo(uow: UnitOfWork, admin: Actor) -> None:
    """Record the demo scans, plan the migration of both products and move a few tasks along."""
    with resources.as_file(resources.files("qtqms.pqc") / "demo_source") as root:
        product, system, part = EARLIER_SCAN
        _record(uow, admin, product, system, root, part)
        for product, system, folder in DEMO_SYSTEMS:
            _record(uow, admin, product, system, root, folder)
    for product in ("QKD-LINK", "QPU-CLOUD"):
        pqc_service.plan_migration(uow, admin, product, owner=ENGINEER)
    _progress(uow, admin)


def _record(uow: UnitOfWork, admin: Actor, product: str, system: str, root: Path, part: str) -> None:
    scanner = Scanner()
    findings = list(scanner.scan(root / part))
    pqc_service.record_scan(
        uow,
        admin,
        product=product,
        system=system,
        findings=findings,
        source="scanner",
        source_ref=f"demo_source/{part}",
        policy=POLICY,
        summary=scanner.summary.to_dict(),
    )


def _progress(uow: UnitOfWork, admin: Actor) -> None:
    """Some work done, some under way, and one task past its (shortened) deadline, as in a real plan."""
    tasks = {(t.system, t.asset_label): t for t in pqc_service.list_tasks(uow, admin, "QKD-LINK")}
    moves = {
        ("link-controller", "SHA-1"): TaskUpdate(status="done"),
        ("link-controller", "RSA-2048"): TaskUpdate(status="in_progress"),
        ("firmware", "RSA-3072"): TaskUpdate(deadline=(clock.now() - timedelta(days=30)).date()),
    }
    for key, change in moves.items():
        if key in tasks:
            pqc_service.update_task(uow, admin, tasks[key].id, change)
