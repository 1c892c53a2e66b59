"""The CI recipes of docs/pqc.md ("Scanning from CI") as they are written there: their YAML holds together, and
every `qtqms pqc` command line in them runs through the command line on a small tree, with the documented exit
codes (0 passes, 1 the policy gate, 2 bad usage) and the files the upload steps expect."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from qtqms.app.cli import app
from tests.pqc.test_sarif import schema_errors

DOCS = Path(__file__).resolve().parents[2] / "docs" / "pqc.md"
RECIPE = re.compile(r"<!-- ci-recipe: (?P<name>[\w-]+) -->\n```yaml\n(?P<body>.*?)```", re.DOTALL)

DEPRECATED_ONLY = """
from cryptography.hazmat.primitives.asymmetric import rsa, mlkem

key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
kem = mlkem.MLKEM768PrivateKey.generate()
"""
DISALLOWED = "import hashlib\n\nchecksum = hashlib.md5(b'firmware').hexdigest()\n"


def recipes() -> dict[str, object]:
    found = {m["name"]: yaml.safe_load(m["body"]) for m in RECIPE.finditer(DOCS.read_text("utf-8"))}
    assert set(found) == {"github-actions", "gitlab-ci", "pre-commit"}
    return found


def commands() -> list[str]:
    """Every `qtqms pqc` line of the three recipes, as a shell would see it."""
    found = recipes()
    lines = [step.get("run", "") for step in found["github-actions"]["jobs"]["pqc"]["steps"]]
    lines += [line for job in found["gitlab-ci"].values() for line in job["script"]]
    lines += [hook["entry"] for repo in found["pre-commit"]["repos"] for hook in repo["hooks"]]
    return [line for line in lines if line.startswith("qtqms pqc")]


def run_in(tree: Path, line: str, monkeypatch) -> int:
    argv = shlex.split(line)
    assert argv[:2] == ["qtqms", "pqc"]
    monkeypatch.chdir(tree)
    return CliRunner().invoke(app, argv[1:]).exit_code


def _tree(tmp_path: Path, source: str) -> Path:
    tree = tmp_path / "checkout"
    tree.mkdir()
    (tree / "app.py").write_text(source)
    return tree


def _option(line: str, name: str) -> str | None:
    argv = shlex.split(line)
    return argv[argv.index(name) + 1] if name in argv else None


def test_the_recipes_yaml_wires_the_files_the_scan_writes():
    found = recipes()
    github = found["github-actions"]
    assert github["permissions"]["security-events"] == "write"
    steps = github["jobs"]["pqc"]["steps"]
    scan = next(step["run"] for step in steps if step.get("run", "").startswith("qtqms pqc scan"))
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] == _option(scan, "--sarif")
    gitlab = found["gitlab-ci"]
    gate = next(line for line in gitlab["pqc-scan"]["script"] if line.startswith("qtqms"))
    assert gitlab["pqc-scan"]["artifacts"]["when"] == "always"
    assert set(gitlab["pqc-scan"]["artifacts"]["paths"]) == {_option(gate, "--cbom"), _option(gate, "--sarif")}
    assert gitlab["pqc-outlook"]["allow_failure"] == {"exit_codes": 1}
    (hook,) = found["pre-commit"]["repos"][0]["hooks"]
    assert hook["language"] == "system" and hook["pass_filenames"] is False


@pytest.mark.parametrize("line", commands())
def test_each_documented_command_passes_a_tree_within_the_policy(line, tmp_path, monkeypatch, fixed_clock):
    tree = _tree(tmp_path, DEPRECATED_ONLY)
    expected = 1 if "--as-of 2031-01-01 --fail-on deprecated" in line else 0  # RSA-2048: deprecated after 2030
    assert run_in(tree, line, monkeypatch) == expected
    if sarif := _option(line, "--sarif"):
        assert schema_errors(json.loads((tree / sarif).read_text())) == []
    if cbom := _option(line, "--cbom"):
        assert json.loads((tree / cbom).read_text())["bomFormat"] == "CycloneDX"


@pytest.mark.parametrize("line", commands())
def test_each_documented_gate_fails_a_tree_with_a_disallowed_asset_and_still_writes_its_files(
    line, tmp_path, monkeypatch, fixed_clock
):
    tree = _tree(tmp_path, DISALLOWED)
    assert run_in(tree, line, monkeypatch) == 1
    for option in ("--sarif", "--cbom"):
        if written := _option(line, option):
            assert (tree / written).stat().st_size > 0


def test_a_mistyped_gate_exits_2_not_1(tmp_path, monkeypatch):
    line = commands()[0].replace("--fail-on disallowed", "--fail-on disalowed")
    assert run_in(_tree(tmp_path, DEPRECATED_ONLY), line, monkeypatch) == 2
