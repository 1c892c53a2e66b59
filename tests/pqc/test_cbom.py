"""CBOM import of a third party's CycloneDX document, and our own output round-tripping through it."""

from __future__ import annotations

import json

import pytest

from qtqms.kernel.errors import InvalidInput
from qtqms.pqc.scanner.cbom import build_bom, import_cbom, to_json
from qtqms.pqc.scanner.engine import scan

THIRD_PARTY = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "components": [
        {
            "type": "cryptographic-asset",
            "bom-ref": "alg-rsa",
            "name": "RSA-2048",
            "cryptoProperties": {
                "assetType": "algorithm",
                "algorithmProperties": {"primitive": "signature", "parameterSetIdentifier": "2048"},
            },
            "evidence": {
                "occurrences": [{"location": "src/auth.py", "line": 42}, {"location": "src/sso.py", "line": 7}]
            },
        },
        {
            "type": "cryptographic-asset",
            "bom-ref": "alg-kem",
            "name": "ML-KEM",
            "cryptoProperties": {
                "assetType": "algorithm",
                "algorithmProperties": {"primitive": "kem", "parameterSetIdentifier": "768"},
            },
        },
        {
            "type": "cryptographic-asset",
            "bom-ref": "proto",
            "name": "TLS",
            "cryptoProperties": {"assetType": "protocol", "protocolProperties": {"type": "tls", "version": "1.3"}},
        },
        {
            "type": "cryptographic-asset",
            "bom-ref": "key",
            "name": "device key",
            "cryptoProperties": {
                "assetType": "related-crypto-material",
                "relatedCryptoMaterialProperties": {"type": "private-key", "algorithmRef": "alg-rsa", "size": 2048},
            },
        },
        {"type": "cryptographic-asset", "name": "Frobnicate-9", "cryptoProperties": {"assetType": "algorithm"}},
    ],
}


def test_import_reads_each_occurrence_and_reclassifies_by_our_tables(tmp_path):
    path = tmp_path / "vendor.cdx.json"
    path.write_text(json.dumps(THIRD_PARTY))
    findings = import_cbom(path)
    located = {(f.path, f.line, f.label) for f in findings}
    assert ("src/auth.py", 42, "RSA-2048") in located
    assert ("src/sso.py", 7, "RSA-2048") in located
    by_label = {f.label: f for f in findings}
    assert by_label["ML-KEM-768"].algorithm.nist_level == 3
    assert by_label["protocol:TLSv1.3"].asset_type.value == "protocol"
    assert by_label["related-crypto-material:RSA-2048"].algorithm.quantum_vulnerable is True
    assert not by_label["Frobnicate-9"].algorithm.known


def test_import_rejects_an_invalid_cbom_with_the_reason(tmp_path):
    broken = dict(THIRD_PARTY, components=[{"type": "cryptographic-asset", "name": "x", "cryptoProperties": {}}])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(InvalidInput, match="not valid CycloneDX 1.6"):
        import_cbom(path)
    path.write_text("{ not json")
    with pytest.raises(InvalidInput, match="invalid JSON"):
        import_cbom(path)


def test_our_cbom_round_trips_through_import(tmp_path):
    (tmp_path / "app.py").write_text(
        "import hashlib\nfrom cryptography.hazmat.primitives.asymmetric import ec\n"
        "k = ec.generate_private_key(ec.SECP384R1())\nh = hashlib.sha3_256(b'x')\n"
    )
    findings, _ = scan(tmp_path)
    out = tmp_path / "out.json"
    out.write_text(to_json(build_bom(findings, subject="app")))
    imported = {(f.path, f.line, f.label) for f in import_cbom(out)}
    assert {(f.path, f.line, f.label) for f in findings} == imported


def test_writing_a_cbom_does_not_load_the_iri_grammar(tmp_path):
    """rfc3987_syntax builds a grammar at import: a fixed ~2 s on every --cbom run (issue 13)."""
    import subprocess
    import sys

    child = (
        "import sys; from qtqms.pqc.scanner import build_bom, to_json\n"
        "to_json(build_bom([], subject='empty'))\n"
        "print('jsonschema' in sys.modules, 'rfc3987_syntax' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]
