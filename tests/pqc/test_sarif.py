"""`qtqms pqc scan --sarif`: SARIF 2.1.0 that code scanning accepts, checked by validators we did not write.

Two JSON-schema validators (jsonschema and the Rust jsonschema-rs) check every log against the OASIS schema's
structure (tests/pqc/schemas/README.md says where it comes from); with `QTQMS_SARIF_MULTITOOL` pointing at
Microsoft's SARIF Multitool (npm: @microsoft/sarif-multitool-linux) its GitHub upload rules run too.
"""

from __future__ import annotations

import json
import os
import subprocess
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qtqms.app.cli import app

SCHEMA = Path(__file__).with_name("schemas") / "sarif-schema-2.1.0.structure.json"

SOURCES = {
    "transport.py": """
from cryptography.hazmat.primitives.asymmetric import rsa, ec
from cryptography.hazmat.primitives import hashes
import hashlib


def keys():
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    return rsa_key, ec_key, hashlib.md5(b"x").hexdigest(), hashes.SHA256()
""",
    "deploy/nginx.conf": "server {\n  ssl_protocols TLSv1.2 TLSv1.3;\n}\n",
    "dir with space/seal.py": """
from cryptography.hazmat.primitives.asymmetric import mlkem

key = mlkem.MLKEM768PrivateKey.generate()
""",
}


def run(*args: str):
    return CliRunner().invoke(app, ["pqc", *args])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name, text in SOURCES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def sarif_of(root: Path, out: Path, *options: str) -> dict:
    result = run("scan", str(root), "--jobs", "1", "--sarif", str(out), *options)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


@cache
def _schema() -> dict:
    return json.loads(SCHEMA.read_text())


def schema_errors(document: dict) -> list[str]:
    """Errors of both validators (each checks the whole schema; their messages differ, so both are kept)."""
    import jsonschema
    import jsonschema_rs

    python = [e.message for e in jsonschema.Draft202012Validator(_schema()).iter_errors(document)]
    rust = [e.message for e in jsonschema_rs.validator_for(_schema()).iter_errors(document)]
    return python + rust


def test_the_log_is_valid_sarif_2_1_0_with_and_without_a_policy(tree, tmp_path):
    for options in ((), ("--policy", "nist-ir-8547")):
        document = sarif_of(tree, tmp_path / "out.sarif", *options)
        assert document["runs"][0]["results"]
        assert schema_errors(document) == []


def test_the_schema_check_catches_what_github_rejects(tree, tmp_path):
    document = sarif_of(tree, tmp_path / "out.sarif")
    result = document["runs"][0]["results"][0]
    result["level"] = "fatal"
    del document["runs"][0]["tool"]["driver"]["name"]
    assert len(schema_errors(document)) >= 4  # two faults, each seen by both validators


def test_one_rule_per_kind_with_the_descriptions_help_and_severity_code_scanning_needs(tree, tmp_path):
    document = sarif_of(tree, tmp_path / "out.sarif", "--policy", "nist-ir-8547")
    run_ = document["runs"][0]
    driver = run_["tool"]["driver"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert len(rules) == len(driver["rules"])
    kinds = {r["ruleId"] for r in run_["results"]}
    assert kinds == set(rules)
    assert {"pqc/algorithm/rsa", "pqc/algorithm/ec", "pqc/algorithm/md5", "pqc/protocol/tls"} <= kinds
    assert driver["version"] and driver["informationUri"].startswith("https://")
    for rule in rules.values():
        assert rule["name"].isalnum()
        for field in ("shortDescription", "fullDescription"):
            assert rule[field]["text"].endswith(".")
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith("**Why it matters.**")
        assert rule["helpUri"].startswith("https://")
        score = float(rule["properties"]["security-severity"])
        assert 0.0 <= score <= 10.0
        assert "security" in rule["properties"]["tags"]
        assert rule["properties"]["precision"] in {"high", "medium", "low"}
    rsa = rules["pqc/algorithm/rsa"]
    assert "ML-KEM-768" in rsa["help"]["text"] or "ML-DSA-65" in rsa["help"]["text"]  # the table's replacement
    assert "Policy nist-ir-8547" in rsa["help"]["text"] and "deprecated" in rsa["help"]["text"]
    assert rsa["defaultConfiguration"]["level"] == "warning"
    assert "quantum-vulnerable" in rsa["properties"]["tags"]
    for result in run_["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_levels_follow_the_policy_verdict(tree, tmp_path):
    document = sarif_of(tree, tmp_path / "out.sarif", "--policy", "nist-ir-8547", "--as-of", "2036-01-01")
    level_of = {
        r["properties"]["name"]: (r["level"], r["properties"]["verdict"]) for r in document["runs"][0]["results"]
    }
    assert level_of["RSA-2048"] == ("error", "disallowed")
    assert level_of["ML-KEM-768"] == ("note", "allowed")
    expected = {"allowed": "note", "deprecated": "warning", "disallowed": "error", "unknown": "error"}
    assert all(level == expected[verdict] for level, verdict in level_of.values())


def test_locations_are_relative_to_the_scanned_folder(tree, tmp_path):
    document = sarif_of(tree, tmp_path / "out.sarif")
    run_ = document["runs"][0]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"
    locations = [r["locations"][0]["physicalLocation"] for r in run_["results"]]
    uris = {loc["artifactLocation"]["uri"] for loc in locations}
    assert {"transport.py", "deploy/nginx.conf", "dir%20with%20space/seal.py"} <= uris
    assert all(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%" for loc in locations)
    assert all(loc["region"]["startLine"] >= 1 for loc in locations)


def test_fingerprints_are_unique_and_survive_lines_moving_and_a_new_folder(tree, tmp_path):
    before = sarif_of(tree, tmp_path / "before.sarif")["runs"][0]["results"]
    prints = [r["partialFingerprints"]["qtqmsFinding/v1"] for r in before]
    assert len(set(prints)) == len(prints)
    source = tree / "transport.py"
    source.write_text("# a comment pushes every line down\n\n" + source.read_text())
    moved = tmp_path / "elsewhere"
    tree.rename(moved)
    after = sarif_of(moved, tmp_path / "after.sarif")["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after if "transport" in str(r)] != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before if "transport" in str(r)
    ]


def test_repeats_of_one_line_get_their_own_fingerprints(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "twice.py").write_text("import hashlib\n\nhashlib.md5(b'a')\nhashlib.md5(b'a')\n")
    results = sarif_of(root, tmp_path / "out.sarif")["runs"][0]["results"]
    prints = {r["partialFingerprints"]["qtqmsFinding/v1"] for r in results}
    assert len(results) == 2 and len(prints) == 2


@pytest.mark.skipif(not os.environ.get("QTQMS_SARIF_MULTITOOL"), reason="QTQMS_SARIF_MULTITOOL not set")
def test_githubs_upload_rules_pass_in_the_sarif_multitool(tree, tmp_path):
    """Microsoft's Multitool with its GitHub rule set (GHxxxx) and the spec rules (SARIFxxxx) at error level."""
    log = tmp_path / "out.sarif"
    sarif_of(tree, log, "--policy", "nist-ir-8547")
    report = tmp_path / "validation.sarif"
    tool = os.environ["QTQMS_SARIF_MULTITOOL"]
    subprocess.run(
        [tool, "validate", str(log), "--rule-kind", "Gh;Sarif", "-o", str(report), "--log", "ForceOverwrite"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    validation = json.loads(report.read_text())["runs"][0]
    assert validation["invocations"][0]["executionSuccessful"] is True
    problems = [r for r in validation.get("results", []) if r.get("level", "warning") in {"error", "warning"}]
    assert problems == []
    # The same tool flags the old log, whose rules had no help: the check can fail.
    document = json.loads(log.read_text())
    for rule in document["runs"][0]["tool"]["driver"]["rules"]:
        del rule["help"], rule["fullDescription"]
    log.write_text(json.dumps(document))
    subprocess.run(
        [tool, "validate", str(log), "--rule-kind", "Gh", "-o", str(report), "--log", "ForceOverwrite"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert {r["ruleId"] for r in json.loads(report.read_text())["runs"][0].get("results", [])} >= {"GH2012"}


def test_a_single_file_is_located_relative_to_its_folder(tree, tmp_path):
    document = sarif_of(tree / "transport.py", tmp_path / "out.sarif")
    run_ = document["runs"][0]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]} == {
        "transport.py"
    }
