"""`qtqms pqc scan --record | import | inventory | diff | migrate …` against the database, as a user meets them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.pqc.scanner import scan, write_cbom
from qtqms.settings import reset_settings
from tests.pqc.conftest import DEMO_SOURCE

runner = CliRunner()


def qtqms(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_a_recorded_scan_and_an_imported_cbom_become_the_products_inventory(team, tmp_path):
    recorded = qtqms("--as", "emery", "pqc", "scan", DEMO_SOURCE / "controller", "--product", "QKD-LINK", "--record",
                     "--policy", "nist-ir-8547", "--as-of", "2026-11-24", "--json")  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert "Recorded scan 1 of QKD-LINK/controller: 9 assets." in recorded.stderr
    assert json.loads(recorded.stdout)["policy"]["id"] == "nist-ir-8547"
    findings, _ = scan(DEMO_SOURCE / "firmware")
    write_cbom(tmp_path / "fw.json", findings, subject="fw")
    imported = qtqms("--as", "emery", "pqc", "import", tmp_path / "fw.json", "--product", "QKD-LINK", "--system", "fw")
    assert imported.exit_code == 0 and "Recorded scan 2 of QKD-LINK/fw" in imported.output
    inventory = json.loads(qtqms("pqc", "inventory", "QKD-LINK", "--json").stdout)
    assert {r["system"] for r in inventory["rows"]} == {"controller", "fw"}
    assert {s["source"] for s in inventory["scans"]} == {"scanner", "cbom-import"}
    table = qtqms("pqc", "inventory", "QKD-LINK", "--by", "algorithm")
    assert table.exit_code == 0 and "ML-KEM" in table.output


def test_the_inventory_judged_as_of_a_later_day_shows_what_breaks_then(team):
    qtqms("--as", "emery", "pqc", "scan", DEMO_SOURCE / "controller", "--product", "QKD-LINK", "--record",
          "--policy", "nist-ir-8547", "--as-of", "2026-11-24")  # fmt: skip
    now = json.loads(qtqms("pqc", "inventory", "QKD-LINK", "--json").stdout)
    then = json.loads(qtqms("pqc", "inventory", "QKD-LINK", "--as-of", "2036-01-01", "--json").stdout)
    assert then["as_of"] == "2036-01-01" and now["as_of"] is None
    deprecated_now = {r["label"] for r in now["rows"] if r["verdict"] == "deprecated"}
    assert deprecated_now
    assert {r["label"]: r["verdict"] for r in then["rows"] if r["label"] in deprecated_now} == dict.fromkeys(
        deprecated_now, "disallowed"
    )
    table = qtqms("pqc", "inventory", "QKD-LINK", "--as-of", "2036-01-01")
    assert "judged as of 2036-01-01" in table.output
    bad = qtqms("pqc", "inventory", "QKD-LINK", "--as-of", "someday")
    assert bad.exit_code == 2 and "--as-of: 'someday' is not a date" in bad.stderr


@pytest.fixture
def no_database(tmp_path, monkeypatch):
    monkeypatch.setenv("QTQMS_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


def test_scan_without_record_needs_no_database_and_record_needs_a_product(no_database):
    plain = qtqms("pqc", "scan", DEMO_SOURCE / "controller", "--json")
    assert plain.exit_code == 0 and json.loads(plain.stdout)["findings"]
    refused = qtqms("pqc", "scan", DEMO_SOURCE / "controller", "--record")
    assert refused.exit_code == 2 and "--record needs --product" in refused.stderr
    nowhere = qtqms("pqc", "scan", DEMO_SOURCE / "controller", "--record", "--product", "QKD-LINK")
    assert nowhere.exit_code == 2 and "not initialised" in nowhere.stderr


def test_the_migration_plan_from_the_command_line(team):
    qtqms("pqc", "scan", DEMO_SOURCE / "controller", "--product", "QKD-LINK", "--system", "ctl", "--record")
    planned = qtqms("--as", "emery", "pqc", "migrate", "plan", "QKD-LINK", "--owner", "val")
    assert planned.exit_code == 0 and "Planned 4 new task(s)" in planned.output
    listed = json.loads(qtqms("pqc", "migrate", "list", "QKD-LINK", "--json").stdout)
    assert {t["owner"] for t in listed["tasks"]} == {"val"} and listed["progress"]["total"] == 4
    task_id = listed["tasks"][0]["id"]
    done = qtqms("--as", "emery", "pqc", "migrate", "update", task_id, "--status", "done", "--deadline", "2027-01-01")
    assert done.exit_code == 0 and "done, owner val, due 2027-01-01" in done.output
    assert "1 of 4 done (25%)" in qtqms("pqc", "migrate", "list", "QKD-LINK").output
    denied = qtqms("--as", "val", "pqc", "migrate", "update", task_id, "--status", "open")
    assert denied.exit_code == 2 and denied.stderr.startswith("error: role 'viewer' may not")
    bad = qtqms("pqc", "migrate", "update", task_id, "--status", "finished")
    assert bad.exit_code == 2 and "--status" in bad.stderr
    again = qtqms("pqc", "scan", DEMO_SOURCE / "controller", "--product", "QKD-LINK", "--system", "ctl", "--record",
                  "--as-of", "2036-02-01")  # fmt: skip
    assert again.exit_code == 0
    diff = json.loads(qtqms("pqc", "diff", "2", "--json").stdout)
    assert {c["after"] for c in diff["changed"]} == {"disallowed"} and diff["older"]["id"] == 1
