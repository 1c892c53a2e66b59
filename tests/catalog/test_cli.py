"""`qtqms catalog` as a user meets it: exit 0 valid, 1 invalid pack, 2 unreadable file or bad usage."""

import json

from typer.testing import CliRunner

from qtqms.cli.main import app as root

runner = CliRunner()

VALID = """\
kind: framework
id: org-own
title: Our own framework
version: "1.0.0"
publisher: Example Quantum Ltd
source: internal
verified_on: 2026-11-24
licence: internal use
edition: "2026"
requirements:
  - {id: "1", kind: clause, assessable: false, label: Governance}
  - {id: "1.1", parent: "1", kind: control, label: A named owner for every product}
"""


def run(*args):
    return runner.invoke(root, ["catalog", *args])


def test_validate_a_valid_file(tmp_path):
    path = tmp_path / "own.yaml"
    path.write_text(VALID)
    result = run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == f"{path}: ok\n"


def test_validate_lists_every_problem_and_exits_1(tmp_path):
    good, bad = tmp_path / "own.yaml", tmp_path / "bad.yaml"
    good.write_text(VALID)
    bad.write_text(VALID.replace('parent: "1"', 'parent: "7"').replace("kind: control", "kind: rule"))
    result = run("validate", str(good), str(bad))
    assert result.exit_code == 1
    assert f"{good}: ok" in result.output
    assert f"{bad}: 2 problem(s)" in result.output
    assert f"{bad}:12:requirements[1].kind: 'rule' is not one of" in result.output
    assert f"{bad}:12:requirements[1].parent: parent '7' is not a requirement of this pack" in result.output
    assert "error: 1 of 2 pack file(s) invalid" in result.output


def test_validate_json(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("title: Our own framework\n", ""))
    result = run("validate", "--json", str(bad))
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["file"] == str(bad) and report["valid"] is False
    assert report["problems"] == [{"message": "'title' is a required property", "where": f"{bad}:1", "field": ""}]


def test_validate_a_missing_file_is_exit_2(tmp_path):
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "error: " in result.output and "no such file" in result.output


def test_export_a_shipped_pack_as_oscal_and_as_yaml():
    oscal = run("export", "elspi", "--format", "oscal")
    assert oscal.exit_code == 0, oscal.output
    assert json.loads(oscal.stdout)["catalog"]["metadata"]["title"].startswith("ELSPI principles")
    yaml_text = run("export", "iso27001-2022-to-pqc")
    assert yaml_text.exit_code == 0 and "kind: mapping-set" in yaml_text.stdout


def test_export_refuses_oscal_for_a_mapping_set_and_unknown_ids():
    assert run("export", "iso27001-2022-to-pqc", "-f", "oscal").exit_code == 2
    unknown = run("export", "no-such-pack")
    assert unknown.exit_code == 2 and "no shipped pack with id 'no-such-pack'" in unknown.output


def test_import_a_csv_table_then_validate_the_pack(tmp_path):
    table = tmp_path / "own.csv"
    table.write_text("id,parent,kind,label\nGOV,,clause,Governance\nGOV.1,GOV,control,A named owner\n")
    pack = tmp_path / "own.yaml"
    args = ["import", str(table), "-o", str(pack), "--id", "org-own", "--title", "Ours", "--publisher", "Us"]
    result = run(*args, "--licence", "internal", "--verified-on", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert run("validate", str(pack)).exit_code == 0
    assert "GOV.1" in pack.read_text()


def test_import_a_table_needs_the_pack_fields(tmp_path):
    table = tmp_path / "own.csv"
    table.write_text("id,kind,label\nGOV,clause,Governance\n")
    result = run("import", str(table))
    assert result.exit_code == 2 and "needs --id, --title, --publisher, --licence" in result.output
