"""`qtqms pqc`: the acceptance checks of the scanner's command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qtqms.app.cli import app

RSA_TRANSPORT = """
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def wrap(session_key: bytes) -> bytes:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    return private_key.public_key().encrypt(session_key, oaep)
"""

PQ_ONLY = """
import os
from cryptography.hazmat.primitives.asymmetric import mlkem
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def seal(data: bytes) -> tuple[bytes, bytes, bytes]:
    decapsulation_key = mlkem.MLKEM768PrivateKey.generate()
    shared_secret, ciphertext = decapsulation_key.public_key().encapsulate()
    nonce = os.urandom(12)
    return ciphertext, nonce, AESGCM(AESGCM.generate_key(bit_length=256)).encrypt(nonce, data, None)
"""


def run(*args: str):
    return CliRunner().invoke(app, ["pqc", *args])


@pytest.fixture
def rsa_tree(tmp_path: Path) -> Path:
    (tmp_path / "transport.py").write_text(RSA_TRANSPORT)
    return tmp_path


@pytest.fixture
def pq_tree(tmp_path: Path) -> Path:
    (tmp_path / "seal.py").write_text(PQ_ONLY)
    return tmp_path


def test_cbom_is_valid_cyclonedx_16_with_an_occurrence_for_every_finding(rsa_tree, tmp_path):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    (rsa_tree / "nginx.conf").write_text("server {\n  ssl_protocols TLSv1.2 TLSv1.3;\n}\n")
    out = tmp_path / "cbom.json"
    result = run("scan", str(rsa_tree), "--cbom", str(out), "--json")
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    cbom = json.loads(text)
    findings = json.loads(result.stdout)["findings"]
    occurrences = {
        (o["location"], o["line"], c["name"])
        for c in cbom["components"]
        for o in c.get("evidence", {}).get("occurrences", [])
    }
    assert len(findings) >= 4
    assert {(f["path"], f["line"], f["name"]) for f in findings} <= occurrences
    assert sum(len(c.get("evidence", {}).get("occurrences", [])) for c in cbom["components"]) == len(findings)


def test_rsa_2048_key_transport_fails_on_deprecated(rsa_tree):
    result = run("scan", str(rsa_tree), "--policy", "nist-ir-8547", "--fail-on", "deprecated")
    assert result.exit_code == 1
    assert "nist-ir-8547" in result.stderr


def test_ml_kem_768_and_aes_256_pass_fail_on_deprecated(pq_tree):
    result = run("scan", str(pq_tree), "--policy", "nist-ir-8547", "--fail-on", "deprecated", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {f["name"] for f in document["findings"]} == {"ML-KEM-768", "AES-256-GCM"}
    assert document["policy"]["compliant"] is True


def test_rsa_2048_is_disallowed_in_2036(rsa_tree):
    allowed_today = run("scan", str(rsa_tree), "--policy", "nist-ir-8547", "--fail-on", "disallowed")
    assert allowed_today.exit_code == 0, allowed_today.output
    result = run("scan", str(rsa_tree), "--policy", "nist-ir-8547", "--as-of", "2036-01-01", "--fail-on", "disallowed")
    assert result.exit_code == 1


def test_scan_without_a_policy_is_never_reported_compliant(rsa_tree):
    result = run("scan", str(rsa_tree), "--json")
    assert json.loads(result.stdout)["policy"] is None
    refused = run("scan", str(rsa_tree), "--fail-on", "deprecated")
    assert refused.exit_code == 2
    assert "--policy" in refused.stderr


def test_unknown_algorithm_fails_closed(tmp_path):
    (tmp_path / "legacy.py").write_text(
        "import jwt\n\ndef issue(c, k, alg):\n    return jwt.encode(c, k, algorithm=alg)\n"
    )
    result = run("scan", str(tmp_path), "--policy", "nist-ir-8547", "--fail-on", "unknown", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["policy"]["verdicts"] == {"unknown": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2036-13-01"], "--as-of"),
        (["--policy", "no-such-pack"], "unknown policy"),
        (["--policy", "nist-ir-8547", "--fail-on", "sometimes"], "--fail-on"),
        (["--matcher", "grep"], "--matcher"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(rsa_tree, args, message):
    result = run("scan", str(rsa_tree), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_path_is_bad_input(tmp_path):
    result = run("scan", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_json_mode_prints_only_json(rsa_tree):
    result = run("scan", str(rsa_tree), "--json")
    document = json.loads(result.stdout)
    assert document["summary"]["files_scanned"] == 1
    assert document["summary"]["matcher"] in {"hyperscan", "aho-corasick"}
    assert {pack["id"] for pack in document["summary"]["rule_packs"]} == {"c", "go", "java", "javascript", "rust"}


def test_sarif_output_locates_each_finding(rsa_tree, tmp_path):
    out = tmp_path / "scan.sarif"
    result = run("scan", str(rsa_tree), "--sarif", str(out), "--policy", "nist-ir-8547")
    assert result.exit_code == 0
    sarif = json.loads(out.read_text())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    rsa = [r for r in results if r["properties"]["name"] == "RSA-2048"]
    assert rsa and rsa[0]["level"] == "warning"
    assert rsa[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_policy_list_and_show(tmp_path):
    listed = run("policy", "list", "--json")
    ids = {p["id"] for p in json.loads(listed.stdout)}
    assert {"nist-ir-8547", "cnsa-2.0", "eu-pqc-roadmap"} <= ids
    shown = run("policy", "show", "cnsa-2.0", "--json")
    assert json.loads(shown.stdout)["default_category"] == "custom-legacy"


def test_policy_evaluate_judges_an_existing_cbom(rsa_tree, tmp_path):
    out = tmp_path / "cbom.json"
    assert run("scan", str(rsa_tree), "--cbom", str(out)).exit_code == 0
    result = run("policy", "evaluate", str(out), "--policy", "cnsa-2.0", "--fail-on", "disallowed", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["verdicts"]["disallowed"] >= 1


def test_policy_evaluate_rejects_a_file_that_is_not_a_cbom(tmp_path):
    bad = tmp_path / "not-a-cbom.json"
    bad.write_text('{"hello": "world"}')
    result = run("policy", "evaluate", str(bad), "--policy", "nist-ir-8547")
    assert result.exit_code == 2
    assert "not a CycloneDX document" in result.stderr


def test_asset_names_are_shown_whole_on_a_narrow_terminal(pq_tree):
    table = CliRunner().invoke(app, ["pqc", "scan", str(pq_tree), "--policy", "nist-ir-8547"], env={"COLUMNS": "72"})
    assert table.exit_code == 0
    assert {"ML-KEM-768", "AES-256-GCM"} <= {line.split("│")[1].strip() for line in table.stdout.splitlines()[4:]
                                             if line.startswith("│")}  # fmt: skip


# Run in a fresh interpreter: in this one the other tests have long since imported the service and the models.
SCAN_PROBE = """
import sys
from qtqms.app.cli import app
tree, out = sys.argv[1], sys.argv[2]
try:
    app(["pqc", "scan", tree, "--policy", "nist-ir-8547", "--cbom", out + "/c.json", "--sarif", out + "/s.sarif"])
except SystemExit as done:
    print("EXIT", done.code, file=sys.stderr)
storage = ("sqlalchemy", "qtqms.db", "qtqms.models", "qtqms.pqc.service", "qtqms.pqc.repository", "qtqms.pqc.schemas")
loaded = sorted(m for m in sys.modules if any(m == s or m.startswith(s + ".") for s in storage))
print("LOADED", loaded, file=sys.stderr)
"""


def test_a_scan_loads_no_database_and_no_part_of_the_slice_that_stores_scans(rsa_tree, tmp_path):
    nowhere = tmp_path / "no-such-folder" / "qtqms.sqlite"
    env = {**os.environ, "QTQMS_DATABASE_URL": f"sqlite:///{nowhere}"}
    probe = [sys.executable, "-c", SCAN_PROBE, str(rsa_tree), str(tmp_path)]
    result = subprocess.run(probe, capture_output=True, text=True, env=env, timeout=120)
    assert "EXIT 0" in result.stderr and json.loads((tmp_path / "c.json").read_text())["components"]
    assert (tmp_path / "s.sarif").exists() and "LOADED []" in result.stderr
