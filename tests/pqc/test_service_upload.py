"""Scans recorded from an uploaded file (a CBOM or a `scan --json` report), and the inventory judged as of a day."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import InvalidInput, PermissionDenied
from qtqms.models.pqc import PqcScan, PqcSystem
from qtqms.pqc import service as pqc
from qtqms.pqc.scanner import PACKS_DIR, scan
from qtqms.pqc.schemas import InventoryView, TaskUpdate, TaskView
from tests.builders import record_pqc_scan
from tests.pqc.conftest import DEMO_SOURCE
from tests.pqc.permission_routes import demo_cbom, demo_report
from tests.pqc.test_cbom import THIRD_PARTY

TODAY = date(2026, 11, 24)


def upload(team, actor, filename: str, content: bytes | dict, system: str = "ctl", **kwargs):
    raw = json.dumps(content).encode() if isinstance(content, dict) else content
    return team.run(actor, pqc.record_upload, product="QKD-LINK", system=system, filename=filename, content=raw,
                    **kwargs)  # fmt: skip


def stored_rows(team) -> tuple[int, int, int]:
    """(systems, scans, audit events): what a refused upload must leave untouched."""
    with UnitOfWork(team.db) as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m)) for m in (PqcSystem, PqcScan, AuditEvent))


def test_a_scan_report_upload_stores_what_scan_record_would_have(team):
    stored = upload(team, team.engineer, "ctl-scan.json", demo_report("controller"), as_of=TODAY)
    recorded = record_pqc_scan(team.db, team.engineer, "QKD-LINK", "ctl-cli", DEMO_SOURCE / "controller", as_of=TODAY)
    assert stored.source == "scanner" and stored.source_ref == "ctl-scan.json" and stored.system == "ctl"
    same = {"id", "scan_id"}
    assert [a.model_dump(exclude=same) for a in stored.assets] == [a.model_dump(exclude=same) for a in recorded.assets]
    assert stored.summary["files_scanned"] == recorded.summary["files_scanned"] and stored.summary["assets"] == 9


def test_a_report_keeps_what_the_scanner_saw_of_certificates(team):
    stored = upload(team, team.engineer, "deploy.json", demo_report("deploy"), as_of=TODAY)
    findings, _ = scan(DEMO_SOURCE / "deploy")
    assert {a.label for a in stored.assets} == {f.label for f in findings}
    certificate = next(a for a in stored.assets if a.asset_type == "certificate")
    assert certificate.verdict is not None and certificate.locations[0].startswith("demo-api.crt:")


def test_our_cbom_and_a_third_partys_upload_as_cbom_imports(team):
    ours = upload(team, team.engineer, "ctl.cdx.json", demo_cbom("controller"), system="ctl")
    theirs = upload(team, team.engineer, "vendor.cdx.json", THIRD_PARTY, system="vendor-sdk")
    assert (ours.source, theirs.source) == ("cbom-import", "cbom-import")
    assert {"RSA-2048", "ML-KEM-768", "protocol:TLSv1.3"} <= {a.label for a in theirs.assets}
    assert {a.label: a.verdict for a in theirs.assets}["Frobnicate-9"] == "unknown"
    again = upload(team, team.engineer, "ctl.cdx.json", demo_cbom("controller/key_transport.py"), system="ctl")
    diff = team.run(team.viewer, pqc.diff_scan, again.id)
    assert diff.older.id == ours.id and "SHA-1" in {c.label for c in diff.removed}


BAD_FILES = [
    ("not JSON", b'{"bomFormat": "CycloneDX",\n  oops}', r"bad\.json:2:3: not JSON: Expecting property name"),
    ("not UTF-8", b"\xff\xfe\x00{", r"bad\.json: not UTF-8 text"),
    ("empty", b"  \n", r"bad\.json: the file is empty"),
    ("neither kind", b'{"components": []}', r"bad\.json: neither a CycloneDX CBOM .* nor a `qtqms pqc scan --json`"),
    ("a list", b"[1, 2]", r"bad\.json: neither a CycloneDX CBOM"),
    ("old spec", {**THIRD_PARTY, "specVersion": "1.4"}, r"bad\.json: /specVersion: CycloneDX 1\.4 has no crypto"),
    ("not CycloneDX", {"bomFormat": "SPDX"}, r"bad\.json: not a CycloneDX document"),
    (
        "schema",
        {**THIRD_PARTY, "components": [{"type": "cryptographic-asset", "name": "x", "cryptoProperties": {}}]},
        r"bad\.json: not valid CycloneDX 1\.6 at /components/0/cryptoProperties: 'assetType' is a required",
    ),
]


@pytest.mark.parametrize(("content", "message"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_refused_with_where_and_nothing_is_stored(team, content, message):
    before = stored_rows(team)
    with pytest.raises(InvalidInput, match=message):
        upload(team, team.engineer, "uploads/bad.json", content)
    assert stored_rows(team) == before


def test_a_bad_scan_report_names_the_json_pointer_of_each_problem(team):
    report = demo_report("controller/key_transport.py")
    report["findings"][1]["line"] = "seven"
    report["findings"][2]["asset_type"] = "gadget"
    with pytest.raises(InvalidInput, match=r"scan\.json: not a valid scan report at /findings/1/line: ") as refused:
        upload(team, team.engineer, "scan.json", report)
    assert [(p.where, p.field) for p in refused.value.problems] == [
        ("scan.json", "/findings/1/line"),
        ("scan.json", "/findings/2/asset_type"),
    ]
    with pytest.raises(InvalidInput, match=r"/summary: Field required"):
        upload(team, team.engineer, "scan.json", {"findings": []})


def test_uploads_are_size_limited_permission_checked_and_need_a_known_category(team, monkeypatch):
    monkeypatch.setattr(pqc, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(InvalidInput, match=r"big\.json: larger than the upload limit"):
        upload(team, team.engineer, "big.json", b"[" + b"1," * 100 + b"1]")
    monkeypatch.undo()
    with pytest.raises(PermissionDenied):
        upload(team, team.viewer, "scan.json", demo_report("controller"))
    before = stored_rows(team)
    with pytest.raises(InvalidInput, match="policy 'nist-ir-8547' has no category 'web-cloud'"):
        upload(team, team.engineer, "scan.json", demo_report("controller"), category="web-cloud")
    assert stored_rows(team) == before


def read_inventory(team, as_of: date | None = None):
    with UnitOfWork(team.db, actor=team.viewer) as uow:
        return pqc.get_inventory(uow, team.viewer, "QKD-LINK", as_of)


def test_the_inventory_as_of_a_day_shows_what_breaks_then(team):
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", DEMO_SOURCE / "controller", as_of=TODAY)
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "deploy", DEMO_SOURCE / "deploy", as_of=TODAY)
    recorded = {(r.system, r.label): r.verdict for r in read_inventory(team).rows}

    def verdicts(day: date) -> dict[tuple[str, str], str | None]:
        inventory = read_inventory(team, day)
        assert inventory.as_of == day and inventory.unjudged_policies == []
        assert {(r.system, r.label): r.recorded_verdict for r in inventory.rows} == recorded
        return {(r.system, r.label): r.verdict for r in inventory.rows}

    assert verdicts(TODAY) == recorded
    in_2031 = verdicts(date(2031, 1, 1))
    assert (recorded[("ctl", "SHA-1")], in_2031[("ctl", "SHA-1")]) == ("deprecated", "disallowed")
    assert in_2031[("ctl", "RSA-2048")] == "deprecated" and in_2031[("ctl", "ML-KEM-768")] == "allowed"
    in_2036 = verdicts(date(2036, 1, 1))
    assert in_2036[("ctl", "RSA-2048")] == "disallowed"
    assert {label for (_, label), v in in_2036.items() if v is None} == {
        label for (_, label), v in recorded.items() if v is None
    }  # libraries are not judged on any day
    assert verdicts(date(2020, 1, 1))[("ctl", "RSA-2048")] == "allowed"


def test_the_as_of_view_keeps_the_scans_category_and_says_which_policies_it_cannot_judge(team, tmp_path):
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "medium", DEMO_SOURCE / "controller/key_transport.py",
                    policy="eu-pqc-roadmap", category="medium-risk", as_of=TODAY)  # fmt: skip
    own = tmp_path / "our-policy.yaml"
    own.write_text((PACKS_DIR / "nist-ir-8547.yaml").read_text().replace("id: nist-ir-8547", "id: our-policy"))
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "own", DEMO_SOURCE / "controller/key_transport.py",
                    policy=str(own), as_of=TODAY)  # fmt: skip
    inventory = read_inventory(team, date(2032, 1, 1))
    verdicts = {(r.system, r.label): r.verdict for r in inventory.rows}
    assert verdicts[("medium", "RSA-2048")] == "deprecated"  # medium risk: disallowed from 2036, not 2031
    assert verdicts[("own", "RSA-2048")] == "deprecated" and inventory.unjudged_policies == ["our-policy"]
    in_2036 = {(r.system, r.label): r.verdict for r in read_inventory(team, date(2036, 1, 1)).rows}
    assert (in_2036[("medium", "RSA-2048")], in_2036[("own", "RSA-2048")]) == ("disallowed", "deprecated")


def read_page(team, **view):
    with UnitOfWork(team.db, actor=team.viewer) as uow:
        return pqc.inventory_page(uow, team.viewer, "QKD-LINK", InventoryView(page_rows=1000, **view))


def test_the_paged_inventory_judges_filters_and_counts_like_the_whole_one(team, tmp_path):
    """The database's verdicts as of a day (one per policy, rule and deadline) are the ones judged asset by asset."""
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "ctl", DEMO_SOURCE / "controller", as_of=TODAY)
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "medium", DEMO_SOURCE / "controller/key_transport.py",
                    policy="eu-pqc-roadmap", category="medium-risk", as_of=TODAY)  # fmt: skip
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "deploy", DEMO_SOURCE / "deploy", as_of=TODAY)
    for day in (None, TODAY, date(2031, 1, 1), date(2032, 6, 1), date(2036, 1, 1)):
        whole = read_inventory(team, day)
        page = read_page(team, as_of=day, group="verdict")
        rows = [row for group in page.groups for row in group.rows]
        assert sorted(r.model_dump_json() for r in rows) == sorted(r.model_dump_json() for r in whole.rows), day
        assert page.total == page.shown == len(whole.rows)
        assert {g.name: g.size for g in page.groups} == dict(Counter(r.verdict or "not judged" for r in whole.rows))
        worse = [r for r in whole.rows if r.verdict != r.recorded_verdict]
        assert page.worse_count == len(worse) and {r.label for r in page.worse} == {r.label for r in worse}
    assert read_page(team, as_of=date(2036, 1, 1)).worse_count > read_page(team, as_of=date(2031, 1, 1)).worse_count
    found = read_page(team, text="KEY_TRANSPORT.PY:", verdict="deprecated")  # a location, in any case
    assert {(r.system, r.label) for g in found.groups for r in g.rows} >= {("ctl", "RSA-2048"), ("medium", "RSA-2048")}
    assert all(r.verdict == "deprecated" for g in found.groups for r in g.rows)
    assert read_page(team, text="%").shown == 0  # searched for as typed, not as a wildcard
    assert read_page(team, text="100%").total == page.total  # the search narrows what is shown, not the total


def test_the_paged_plan_counts_filters_and_reports_overdue_tasks(team, fixed_clock):
    fixed_clock.at = datetime(2031, 6, 1, 12, tzinfo=UTC)  # after SHA-1's deadline of 2031-01-01
    for part in ("controller", "firmware", "deploy"):
        record_pqc_scan(team.db, team.admin, "QKD-LINK", part, DEMO_SOURCE / part, as_of=TODAY)
    planned = team.run(team.admin, pqc.plan_migration, "QKD-LINK")
    done = planned[0]
    team.run(team.admin, pqc.update_task, done.id, TaskUpdate(status="done"))

    def plan(**view):
        with UnitOfWork(team.db, actor=team.viewer) as uow:
            return pqc.plan_page(uow, team.viewer, "QKD-LINK", TaskView(page_rows=3, **view))

    first = plan()
    assert first.shown == first.progress.total == len(planned) and first.pages == -(-len(planned) // 3)
    seen = [t.id for number in range(1, first.pages + 1) for t in plan(page=number).tasks]
    assert sorted(seen) == sorted(t.id for t in planned)  # every task on exactly one page
    assert [t.id for t in plan(status="done").tasks] == [done.id]
    overdue = plan(overdue=True)
    assert overdue.shown == first.progress.overdue > 0 and all(t.overdue for t in overdue.tasks)
    assert {t.id for t in first.overdue} == {
        t.id for t in team.run(team.viewer, pqc.list_tasks, "QKD-LINK") if t.overdue
    }
    assert plan(page=99).page == first.pages
