"""Literal values never leave a scan by default: a key written into the code is found (its call and location
are reported) but its bytes appear in no output; `--show-literals` shows literals, and never a private key
(issue 17, point 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.pqc.scanner import import_cbom
from qtqms.pqc.scanner.redact import redact_text

AES_KEY = "6d7f1c2a9b3e4f50a1b2c3d4e5f60718"  # hex, as keys are often pasted
HMAC_SECRET = "s3cret-launch-code"
PASSWORD = "correct horse battery staple"


def _private_key_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, list[str]]:
    pem = _private_key_pem()
    pem_body = "".join(pem.splitlines()[1:-1])
    pem_literal = pem.strip().replace("\n", "\\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "secrets.py").write_text(
        f"""
import hashlib
import hmac
from Crypto.Cipher import AES
from cryptography.hazmat.primitives import serialization

cipher = AES.new(bytes.fromhex("{AES_KEY}"), AES.MODE_GCM)
tag = hmac.new(b"{HMAC_SECRET}", b"payload", hashlib.sha256).digest()
derived = hashlib.pbkdf2_hmac("sha256", b"{PASSWORD}", b"salt", 600_000)
signer = serialization.load_pem_private_key(b"{pem_literal}", password=None)
"""
    )
    (root / "service.key").write_text(pem)
    secrets = [AES_KEY, HMAC_SECRET, PASSWORD, pem_body[:40], pem_body[-40:]]
    return root, secrets


def _outputs(root: Path, tmp_path: Path, *options: str) -> tuple[str, list[dict]]:
    cbom, sarif = tmp_path / "c.json", tmp_path / "s.sarif"
    runner = CliRunner()
    scan = ["pqc", "scan", str(root), "--jobs", "1", *options]
    table = runner.invoke(app, scan)
    as_json = runner.invoke(app, [*scan, "--json", "--cbom", str(cbom), "--sarif", str(sarif)])
    assert table.exit_code == 0 and as_json.exit_code == 0, table.output + as_json.output
    text = "\n".join([table.output, as_json.output, cbom.read_text(), sarif.read_text()])
    return text, json.loads(as_json.stdout)["findings"]


def test_no_planted_secret_reaches_any_output_but_every_use_is_still_found(planted, tmp_path):
    root, secrets = planted
    text, findings = _outputs(root, tmp_path)
    for secret in secrets:
        assert secret not in text
    lines = {(f["path"], f["line"], f["name"]) for f in findings}
    assert any(p == "secrets.py" and line == 7 and n.startswith("AES") for p, line, n in lines)
    assert any(p == "secrets.py" and line == 8 for p, line, _ in lines)  # the HMAC
    assert any(p == "service.key" for p, _, _ in lines)  # the key file itself
    hmac_evidence = next(f["evidence"] for f in findings if f["path"] == "secrets.py" and f["line"] == 8)
    assert hmac_evidence.startswith('tag = hmac.new(b"<redacted>"')


def test_show_literals_shows_literals_but_never_key_material(planted, tmp_path):
    root, secrets = planted
    text, _ = _outputs(root, tmp_path, "--show-literals")
    assert HMAC_SECRET in text and PASSWORD in text
    for secret in (AES_KEY, *secrets[3:]):
        assert secret not in text


def test_an_imported_cbom_loses_its_literals_too(tmp_path):
    cbom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": [
            {
                "type": "cryptographic-asset",
                "bom-ref": "aes",
                "name": "AES-128-GCM",
                "cryptoProperties": {"assetType": "algorithm", "algorithmProperties": {"primitive": "ae"}},
                "evidence": {"occurrences": [{"location": "a.py", "line": 3, "additionalContext": f'k = "{AES_KEY}"'}]},
            }
        ],
    }
    (tmp_path / "vendor.json").write_text(json.dumps(cbom))
    (finding,) = import_cbom(tmp_path / "vendor.json")
    assert finding.evidence == 'k = "<redacted>"'


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        ('key = b"Sixteen byte key"', 'key = b"<redacted>"'),
        ("h = hmac.new('k', m, 'sha256')", "h = hmac.new('<redacted>', m, '<redacted>')"),
        ('pem = """-----BEGIN PRIVATE KEY-----', 'pem = """<redacted>'),  # an excerpt cut inside a literal
        ("n = 0xC0FFEE0123456789ABCDEF", "n = <redacted>"),
        ("const k = `abc`;", "const k = `<redacted>`;"),
        ("ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;", "ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;"),
        ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
        ('hashlib.new("")', 'hashlib.new("")'),
    ],
)
def test_redaction_of_one_excerpt(line, redacted):
    assert redact_text(line) == redacted


def test_show_literals_keeps_short_literals_only():
    assert redact_text('hmac.new(b"k3y", m)', show_literals=True) == 'hmac.new(b"k3y", m)'
    assert redact_text(f'AES.new("{AES_KEY}")', show_literals=True) == 'AES.new("<redacted>")'
    assert redact_text('x = "-----BEGIN EC PRIVATE KEY-----"', show_literals=True) == 'x = "<redacted>"'
