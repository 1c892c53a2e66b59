"""`qtqms catalog` as a user meets it: exit 0 valid, 1 invalid pack, 2 unreadable file or bad usage."""

import json

import pytest
from typer.testing import CliRunner

from qtqms.app.cli import app as root
from qtqms.settings import reset_settings

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


@pytest.fixture
def no_database(monkeypatch, tmp_path):
    """Settings pointing at a database nobody has initialised: packs come from the package itself."""
    monkeypatch.setenv("QTQMS_DATABASE_URL", f"sqlite:///{tmp_path / 'never-initialised.sqlite'}")
    reset_settings()
    yield
    reset_settings()


def test_export_a_shipped_pack_as_oscal_and_as_yaml(no_database):
    oscal = run("export", "elspi", "--format", "oscal")
    assert oscal.exit_code == 0, oscal.output
    assert json.loads(oscal.stdout)["catalog"]["metadata"]["title"].startswith("ELSPI principles")
    yaml_text = run("export", "iso27001-2022-to-pqc")
    assert yaml_text.exit_code == 0 and "kind: mapping-set" in yaml_text.stdout


def test_export_refuses_oscal_for_a_mapping_set_and_unknown_ids(no_database):
    assert run("export", "iso27001-2022-to-pqc", "-f", "oscal").exit_code == 2
    unknown = run("export", "no-such-pack")
    assert unknown.exit_code == 2 and "no shipped pack with id 'no-such-pack'" in unknown.output
    older = run("export", "elspi", "--version", "0.9")
    assert older.exit_code == 2 and "--version needs a database" in older.output


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


def test_validate_an_oscal_profile_against_the_catalogs_it_imports(tmp_path):
    from qtqms.catalog.formats import oscal
    from tests.catalog.test_oscal import SOA_ROWS

    profile = tmp_path / "soa.json"
    profile.write_text(oscal.export_soa_profile("iso27001-2022", SOA_ROWS))
    ok = run("validate", str(profile))
    assert ok.exit_code == 0 and f"{profile}: ok" in ok.output
    profile.write_text(profile.read_text().replace('"A.7.4"', '"A.7.44"'))
    own = tmp_path / "own.yaml"
    own.write_text(VALID)
    bad = run("validate", str(own), str(profile))
    assert bad.exit_code == 1 and f"{own}: ok" in bad.output
    assert "control 'A.7.44' is not in iso27001-2022 1.0.0" in bad.output
    assert "profile.imports[0].exclude-controls[0].with-ids[0]" in bad.output
