"""The crypto inventory inside the QMS: recorded scans, diffs, migration tasks, progress and Mosca's y."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import InvalidInput, NotFound, PermissionDenied
from qtqms.pqc import domain
from qtqms.pqc import service as pqc
from qtqms.pqc.packs import replacements
from qtqms.pqc.scanner import scan, write_cbom
from qtqms.pqc.schemas import TaskUpdate
from tests.builders import record_pqc_scan
from tests.conftest import FIXED_NOW
from tests.pqc.conftest import DEMO_SOURCE

CONTROLLER = DEMO_SOURCE / "controller"
TODAY = FIXED_NOW.date()


def trail(team, entity_type: str) -> list[tuple[str, dict | None]]:
    """(action, after) of the entity type's trail events, oldest first."""
    stmt = select(AuditEvent.action, AuditEvent.after).where(AuditEvent.entity_type == entity_type)
    with UnitOfWork(team.db) as uow:
        return [tuple(row) for row in uow.session.execute(stmt.order_by(AuditEvent.seq))]


def test_a_recorded_scan_keeps_one_row_per_asset_with_its_verdict_deadline_and_occurrences(team):
    findings, _ = scan(CONTROLLER)
    stored = record_pqc_scan(team.db, team.engineer, "QKD-LINK", "controller", CONTROLLER, as_of=TODAY)
    assets = {a.label: a for a in stored.assets}
    assert len(assets) == len({f.label for f in findings}) < len(findings)
    assert sum(a.occurrences for a in stored.assets) == len(findings)
    rsa = assets["RSA-2048"]
    assert (rsa.verdict, rsa.deadline, rsa.quantum_vulnerable) == ("deprecated", date(2036, 1, 1), True)
    assert assets["ML-KEM-768"].verdict == "allowed" and assets["ML-KEM-768"].deadline is None
    assert assets["SHA-1"].deadline == date(2031, 1, 1)
    assert all(loc.endswith(tuple("0123456789")) for a in stored.assets for loc in a.locations)
    assert stored.policy_id == "nist-ir-8547" and stored.as_of == TODAY and stored.scanned_by == "emery"
    assert stored.summary["verdicts"] == {"allowed": 5, "deprecated": 4}
    assert [action for action, _ in trail(team, "pqc_system")] == ["create"]
    assert trail(team, "pqc_scan")[0][0] == "create"


def test_only_pqc_editors_record_scans_and_an_unknown_product_is_named(team):
    with pytest.raises(PermissionDenied):
        record_pqc_scan(team.db, team.viewer, "QKD-LINK", "controller", CONTROLLER)
    with pytest.raises(NotFound, match="product 'NOPE'"):
        record_pqc_scan(team.db, team.engineer, "NOPE", "controller", CONTROLLER)
    with pytest.raises(InvalidInput, match="unknown policy"):
        record_pqc_scan(team.db, team.engineer, "QKD-LINK", "controller", CONTROLLER, policy="nist-9999")


def test_the_diff_names_assets_added_removed_and_judged_differently(team):
    first = record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", CONTROLLER / "key_transport.py", as_of=TODAY)
    second = record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", CONTROLLER, as_of=TODAY)
    later = record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", CONTROLLER / "key_transport.py",
                            as_of=date(2036, 6, 1))  # fmt: skip
    grown = team.read(team.viewer, pqc.diff_scan, second.id)
    assert grown.older.id == first.id
    assert {c.label for c in grown.added} == {"EC-P-256", "ECDSA-P-256", "HMAC-SHA-256", "ML-DSA-65", "SHA-1"}
    assert grown.removed == [] and grown.changed == []
    shrunk = team.read(team.viewer, pqc.diff_scan, later.id)
    assert {c.label for c in shrunk.removed} == {c.label for c in grown.added}
    assert [(c.label, c.before, c.after) for c in shrunk.changed] == [("RSA-2048", "deprecated", "disallowed")]
    against_first = team.read(team.viewer, pqc.diff_scan, later.id, first.id)
    assert [c.label for c in against_first.changed] == ["RSA-2048"] and not against_first.added
    assert team.read(team.viewer, pqc.diff_scan, first.id).older is None


def test_a_diff_against_another_systems_scan_is_refused(team):
    one = record_pqc_scan(team.db, team.admin, "QKD-LINK", "a", CONTROLLER)
    other = record_pqc_scan(team.db, team.admin, "QKD-LINK", "b", CONTROLLER)
    with pytest.raises(InvalidInput, match="another system"):
        team.read(team.viewer, pqc.diff_scan, other.id, one.id)


def test_the_inventory_is_the_latest_scan_of_each_system_of_the_product(team):
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", CONTROLLER / "key_transport.py")
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", CONTROLLER)
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "fw", DEMO_SOURCE / "firmware")
    record_pqc_scan(team.db, team.admin, "GRAV-1", "ctl", DEMO_SOURCE / "console")
    inventory = team.read(team.viewer, pqc.get_inventory, "QKD-LINK")
    assert {s.system for s in inventory.scans} == {"ctl", "fw"}
    assert {r.system for r in inventory.rows} == {"ctl", "fw"}
    assert "SHA-1" in {r.label for r in inventory.rows if r.system == "ctl"}
    assert [s.system for s in team.read(team.viewer, pqc.list_scans, "QKD-LINK", "ctl")] == ["ctl", "ctl"]


def test_planning_creates_one_task_per_asset_the_policy_does_not_allow_and_only_once(team):
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", CONTROLLER)
    tasks = team.run(team.engineer, pqc.plan_migration, "QKD-LINK")
    inventory = team.read(team.viewer, pqc.get_inventory, "QKD-LINK")
    needing = {r.label for r in inventory.rows if r.verdict != "allowed"}
    assert {t.asset_label for t in tasks} == needing == {"EC-P-256", "ECDSA-P-256", "RSA-2048", "SHA-1"}
    by_asset = {t.asset_label: t for t in tasks}
    assert by_asset["RSA-2048"].replacement.startswith("ML-KEM-768")
    assert by_asset["ECDSA-P-256"].replacement == "ML-DSA-65 signatures"
    assert by_asset["SHA-1"].deadline == date(2031, 1, 1) and by_asset["SHA-1"].effort_days == 3
    assert all(t.owner == "emery" and t.status == "open" for t in tasks)
    assert "qtqms-replacements@" in by_asset["RSA-2048"].rationale
    assert team.run(team.engineer, pqc.plan_migration, "QKD-LINK") == []
    assert {r.task_status for r in team.read(team.viewer, pqc.get_inventory, "QKD-LINK").rows} == {None, "open"}
    with pytest.raises(PermissionDenied):
        team.run(team.viewer, pqc.plan_migration, "QKD-LINK")
    with pytest.raises(InvalidInput, match="no active user 'ghost'"):
        team.run(team.admin, pqc.plan_migration, "QKD-LINK", owner="ghost")


def test_the_replacement_table_suggests_hybrid_kem_for_key_exchange_and_ml_dsa_for_signatures():
    kex = {"family": "ECDH", "primitive": "key-agree", "asset_type": "algorithm", "quantum_vulnerable": True,
           "locations": ["nginx.conf:3"]}  # fmt: skip
    assert replacements().suggest(kex).replacement == "X25519MLKEM768 hybrid key exchange"
    signature = {**kex, "family": "ECDSA", "primitive": "signature"}
    assert replacements().suggest(signature).replacement == "ML-DSA-65 signatures"
    assert replacements().suggest({**signature, "locations": ["firmware/boot.c:9"]}).id == "firmware-signing"
    assert replacements().suggest({**kex, "family": "AES", "primitive": "ae", "quantum_vulnerable": False}) is None


def test_task_updates_are_audited_and_drive_progress_and_migration_years(team, fixed_clock):
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", CONTROLLER, as_of=TODAY)
    assert team.read(team.viewer, pqc.migration_years, "QKD-LINK") is None
    tasks = {t.asset_label: t for t in team.run(team.admin, pqc.plan_migration, "QKD-LINK", owner="emery")}
    years = team.read(team.viewer, pqc.migration_years, "QKD-LINK")
    assert years == round((date(2036, 1, 1) - TODAY).days / 365.25, 2)
    for label in ("EC-P-256", "ECDSA-P-256", "RSA-2048"):
        team.run(team.engineer, pqc.update_task, tasks[label].id, TaskUpdate(status="done"))
    sha1 = tasks["SHA-1"].id
    assert team.read(team.viewer, pqc.migration_years, "QKD-LINK") == round((date(2031, 1, 1) - TODAY).days / 365.25, 2)
    overdue = team.run(team.engineer, pqc.update_task, sha1, TaskUpdate(deadline=TODAY - timedelta(days=1),
                                                                        effort_days=44, owner="admin"))  # fmt: skip
    assert overdue.overdue and overdue.owner == "admin"
    assert team.read(team.viewer, pqc.migration_years, "QKD-LINK") == 0.2  # 44 of 220 working days left
    progress = team.read(team.viewer, pqc.get_progress, "QKD-LINK")
    assert (progress.total, progress.done, progress.open, progress.overdue, progress.percent) == (4, 3, 1, 1, 75)
    team.run(team.engineer, pqc.update_task, sha1, TaskUpdate(status="done"))
    assert team.read(team.viewer, pqc.migration_years, "QKD-LINK") == 0.0
    updates = [after for action, after in trail(team, "pqc_task") if action == "update"]
    assert len(updates) == 5 and updates[-1] == {"status": "done"}
    assert {p.product: p.percent for p in team.read(team.viewer, pqc.list_progress)} == {"GRAV-1": 0, "QKD-LINK": 100}


def test_task_updates_refuse_viewers_unknown_tasks_and_empty_status(team):
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", CONTROLLER)
    task = team.run(team.admin, pqc.plan_migration, "QKD-LINK")[0]
    with pytest.raises(PermissionDenied):
        team.run(team.viewer, pqc.update_task, task.id, TaskUpdate(status="done"))
    with pytest.raises(NotFound):
        team.run(team.admin, pqc.update_task, 9999, TaskUpdate(status="done"))
    with pytest.raises(InvalidInput, match="status"):
        team.run(team.admin, pqc.update_task, task.id, TaskUpdate(status=None))


def test_migration_years_takes_the_later_of_deadline_and_remaining_effort():
    assert domain.migration_years([], TODAY) == 0.0
    assert domain.migration_years([(None, 110)], TODAY) == 0.5
    assert domain.migration_years([(TODAY + timedelta(days=730), 10), (None, 440)], TODAY) == 2.0
    assert domain.migration_years([(TODAY - timedelta(days=400), None)], TODAY) == 0.0


def test_an_imported_cbom_becomes_a_scan_with_the_same_assets(team, tmp_path):
    findings, _ = scan(CONTROLLER)
    path = tmp_path / "vendor.cbom.json"
    write_cbom(path, findings, subject="vendor")
    stored = team.run(team.engineer, pqc.import_cbom_document, product="GRAV-1", system="vendor-sdk",
                      document=json.loads(path.read_text()), name="vendor.cbom.json")  # fmt: skip
    assert stored.source == "cbom-import" and stored.source_ref == "vendor.cbom.json"
    assert {a.label for a in stored.assets} == {f.label for f in findings}
    assert {a.label: a.verdict for a in stored.assets}["RSA-2048"] == "deprecated"
    with pytest.raises(InvalidInput):
        team.run(team.engineer, pqc.import_cbom_document, product="GRAV-1", system="x", document={"bomFormat": "no"})
