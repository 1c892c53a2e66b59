"""`qtqms risk …` as a user meets it, on the demo company: JSON output, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.pqc import service as pqc_service
from tests.builders import PASSWORD

runner = CliRunner()


def qtqms(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_mosca_json_shows_x_y_z_margin_and_deadline_and_the_risks_raised(demo, db):
    result = qtqms("risk", "mosca", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    year = clock.today().year
    crqc = {s["key"]: s["crqc_year"] for s in report["scenarios"]}
    assert report["basis"] == "median" and set(crqc) == {"pessimistic", "median", "optimistic"}
    classes = {dc["key"]: dc for dc in report["data_classes"]}
    assert set(classes) == {"customer-data", "qkd-key-management"}
    raised = 0
    for data_class in classes.values():
        for system in data_class["systems"]:
            assert {p["scenario"] for p in system["points"]} == set(crqc)
            for point in system["points"]:
                assert point["x"] == data_class["x"] and point["y"] == system["y"]
                assert point["z"] == crqc[point["scenario"]] - year
                assert point["margin"] == pytest.approx(point["z"] - point["x"] - point["y"], abs=0.01)
                assert point["deadline_year"] == int(crqc[point["scenario"]] - point["x"])
            basis = next(p for p in system["points"] if p["scenario"] == "median")
            assert (system["risk"] is not None) == (basis["margin"] < 0)
            raised += system["risk"] is not None
    assert raised >= 1
    systems = {s["system"]: s for dc in classes.values() for s in dc["systems"]}
    assert (systems["PORTAL"]["y_source"], systems["PORTAL"]["y_plan"]) == ("entered", None)
    with UnitOfWork(db) as uow:
        admin = identity_service.local_actor(uow, demo.admin_username)
        for system, product in (("QKD-KMS", "QKD-LINK"), ("QKD-AUTH", "QKD-LINK"), ("CLOUD-API", "QPU-CLOUD")):
            assert systems[system]["y_source"] == f"pqc-plan:{product}" and systems[system]["y_plan"] == product
            assert systems[system]["y"] == pqc_service.migration_years(uow, admin, product)
    listed = json.loads(qtqms("risk", "list", "--source", "mosca", "--json").output)
    assert listed["total"] == raised and all("Harvest now, decrypt later" in r["title"] for r in listed["rows"])


def test_demo_register_has_risks_at_every_stage_one_acceptance_and_one_overdue_action(demo):
    rows = json.loads(qtqms("risk", "list", "--limit", "200", "--json").output)["rows"]
    assert {r["status"] for r in rows} >= {"identified", "assessed", "treating", "accepted"}
    assert [r["acceptance"] for r in rows].count("valid") == 1
    overdue = json.loads(qtqms("risk", "plan", "--overdue", "--json").output)
    assert len(overdue) == 1 and overdue[0]["overdue"]
    quantum = {r["title"] for r in rows if "QKD" in r["title"] or "Helium" in r["title"]}
    assert quantum and any("Phishing" in r["title"] for r in rows)
    blinding = next(r["ref"] for r in rows if "Detector blinding" in r["title"])
    shown = json.loads(qtqms("risk", "show", blinding, "--json").output)
    assert [c["key"] for c in shown["linked_controls"]] == ["CTL-QKD-API"]
    assert "quantum-standards:ETSI GS QKD 014" in [r["link"] for r in shown["linked_requirements"]]
    linked = qtqms("risk", "link", blinding, "--control", "CTL-KEYMGMT", "--requirement", "iso27001-2022:A.99")
    assert linked.exit_code == 2 and "no requirement 'A.99'" in linked.output
    assert qtqms("risk", "link", blinding, "--control", "CTL-KEYMGMT").exit_code == 0
    assert "CTL-KEYMGMT" in qtqms("risk", "show", blinding).output


def test_accepting_then_reassessing_shows_the_acceptance_invalid(demo):
    added = qtqms(
        "--as", "emery.engineer", "risk", "add", "--title", "Trojan-horse light into the QKD transmitter",
        "--domain", "security", "--threat", "qtqms-threats:Q-QKD-TROJAN", "--asset", "SPAD-RX", "--current", "1:2",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    ref = added.output.split()[1]
    self_accept = qtqms("--as", "emery.engineer", "risk", "accept", ref, "--justification", "Low enough here.",
                        "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert self_accept.exit_code == 2 and "may not do 'risk:accept'" in self_accept.output
    accepted = qtqms("--as", "riley.risk", "risk", "accept", ref, "--justification", "Low enough here.",
                     "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    assert qtqms("--as", "emery.engineer", "risk", "assess", ref, "--current", "2:2").exit_code == 0
    shown = json.loads(qtqms("risk", "show", ref, "--json").output)
    assert shown["acceptance_status"] == "invalid" and "current: L1xI2 -> L2xI2" in shown["acceptances"][0]["validity"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("risk", "add", "--title", "x", "--domain", "security", "--current", "9:1"), "outside matrix qtqms-5x5"),
        (("risk", "add", "--title", "x", "--domain", "security", "--current", "high"), "LIKELIHOOD:IMPACT"),
        (("risk", "add", "--title", "x", "--domain", "weather"), "domain 'weather'"),
        (("risk", "treat", "R-0004", "--option", "modify", "--action", "Fix it;;2030-01-01"), "needs an owner"),
        (("risk", "asset", "migration-years", "--", "PORTAL", "-2"), "negative"),
        (("risk", "data-class", "set", "customer-data", "--shelf-life", "ten"), "valid number"),
        (("risk", "show", "R-0999"), "not found"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(demo, args, message):
    before = qtqms("risk", "list", "--limit", "200", "--json").output
    result = qtqms(*args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert qtqms("risk", "list", "--limit", "200", "--json").output == before


def test_matrix_threats_heatmap_and_export(demo, tmp_path):
    matrices = json.loads(qtqms("risk", "matrix", "--json").output)
    assert matrices["domains"]["compliance"] == "qtqms-3x3" and len(matrices["matrices"]) == 3
    assert "very high" in qtqms("risk", "matrix", "qtqms-5x5").output
    threats = json.loads(qtqms("risk", "threats", "--category", "quantum", "--json").output)
    assert any(t["id"] == "Q-HNDL" for t in threats) and all(t["category"] == "quantum" for t in threats)
    heat = json.loads(qtqms("risk", "heatmap", "--json").output)
    assert heat["total"] == sum(c["count"] for row in heat["rows"] for c in row) > 0
    assert qtqms("risk", "export", "-o", str(tmp_path / "register.xlsx")).exit_code == 0
    assert (tmp_path / "register.xlsx").read_bytes()[:2] == b"PK"
    assert qtqms("risk", "export", "-o", str(tmp_path / "register.pdf")).exit_code == 2


def test_mosca_lists_the_crqc_scenarios_with_their_estimate_and_source_edition(demo, db):
    result = runner.invoke(app, ["risk", "mosca"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for year, estimate in (("2033", "about 20-35%"), ("2037", "about 50%"), ("2045", "69-86%")):
        line = next(line for line in result.output.splitlines() if f" {year} " in line)
        assert estimate in line and "2025 (survey 2025" in line
