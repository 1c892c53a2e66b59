"""What the CBOM says, not only that it is valid: CycloneDX cryptoProperties per asset, certificates with their
own key and signature algorithm, CycloneDX 1.6 and 1.7 (checked by cyclonedx-python-lib's strict validator),
and the round trip: a CBOM the scanner wrote, evaluated again, gives exactly the scan's verdicts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.pqc.scanner import build_bom, evaluate, import_cbom, load_pack, scan, to_json

CORPUS = Path(__file__).with_name("corpus")

CODE = """
from cryptography.hazmat.primitives.asymmetric import rsa, ec, mlkem
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from Crypto.Cipher import AES
import hashlib

box = AESGCM(AESGCM.generate_key(bit_length=256))
dome = AES.new(b"k" * 32, AES.MODE_GCM)
digest = hashlib.sha256(b"x").hexdigest()
sha3 = hashlib.sha3_384(b"x")
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())
kem = mlkem.MLKEM768PrivateKey.generate()
"""


def _certificate(subject_key, issuer_key, name: str) -> bytes:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test RSA CA")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365))
        .sign(issuer_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cbom") / "repo"
    root.mkdir()
    (root / "app.py").write_text(CODE)
    ca = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # The first certificate has an EC key: its signature algorithm (the CA's RSA) must not inherit P-256.
    (root / "device.pem").write_bytes(_certificate(ec.generate_private_key(ec.SECP256R1()), ca, "device"))
    (root / "server.pem").write_bytes(_certificate(rsa.generate_private_key(65537, 3072), ca, "server"))
    return root


@pytest.fixture(scope="module")
def cbom(tree) -> dict:
    findings, _ = scan(tree)
    return json.loads(to_json(build_bom(findings, subject="repo")))


def _algorithms(cbom: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for component in cbom["components"]:
        crypto = component.get("cryptoProperties", {})
        if crypto.get("assetType") == "algorithm":
            found.setdefault(component["name"], []).append(component)
    return found


def test_every_algorithm_carries_its_cryptoproperties(cbom):
    algorithms = _algorithms(cbom)
    for components in algorithms.values():
        for component in components:
            assert component["cryptoProperties"]["algorithmProperties"]["cryptoFunctions"]

    def props(name: str) -> tuple[dict, dict]:
        (component,) = algorithms[name]
        crypto = component["cryptoProperties"]
        return crypto, crypto["algorithmProperties"]

    crypto, gcm = props("AES-256-GCM")  # two libraries, one component
    assert (gcm["primitive"], gcm["mode"], gcm["parameterSetIdentifier"]) == ("ae", "gcm", "256")
    assert crypto["oid"] == "2.16.840.1.101.3.4.1.46"
    assert set(gcm["cryptoFunctions"]) >= {"encrypt", "decrypt"}
    assert len(algorithms["AES-256-GCM"][0]["evidence"]["occurrences"]) == 2
    crypto, sha = props("SHA-256")
    assert (sha["primitive"], sha["parameterSetIdentifier"], sha["cryptoFunctions"]) == ("hash", "256", ["digest"])
    assert crypto["oid"] == "2.16.840.1.101.3.4.2.1"
    assert props("SHA3-384")[1]["parameterSetIdentifier"] == "384"
    crypto, kem = props("ML-KEM-768")
    assert (kem["primitive"], kem["parameterSetIdentifier"], kem["nistQuantumSecurityLevel"]) == ("kem", "768", 3)
    assert set(kem["cryptoFunctions"]) == {"keygen", "encapsulate", "decapsulate"}
    assert crypto["oid"] == "2.16.840.1.101.3.4.4.2"
    ec_crypto, ec_key = props("EC-P-256")
    assert ec_key["curve"] == "P-256" and "parameterSetIdentifier" not in ec_key
    rsa_crypto, rsa_key = props("RSA-2048")
    assert rsa_key["parameterSetIdentifier"] == "2048" and rsa_key["nistQuantumSecurityLevel"] == 0
    assert rsa_crypto["oid"] == "1.2.840.113549.1.1.1"


def test_occurrences_locate_each_finding(cbom, tree):
    (component,) = _algorithms(cbom)["SHA-256"]
    assert [(o["location"], o["line"]) for o in component["evidence"]["occurrences"]] == [("app.py", 9)]


def test_each_certificate_has_its_own_key_and_the_issuers_signature_algorithm(cbom):
    by_ref = {c["bom-ref"]: c for c in cbom["components"]}
    certificates = {
        c["name"]: c["cryptoProperties"]["certificateProperties"]
        for c in cbom["components"]
        if c.get("cryptoProperties", {}).get("assetType") == "certificate"
    }
    assert by_ref[certificates["CN=device"]["subjectPublicKeyRef"]]["name"] == "ECDSA-P-256"
    assert by_ref[certificates["CN=server"]["subjectPublicKeyRef"]]["name"] == "RSA-3072"
    signature_refs = {props["signatureAlgorithmRef"] for props in certificates.values()}
    assert len(signature_refs) == 1  # one component for sha256WithRSAEncryption, shared
    signature = by_ref[signature_refs.pop()]
    family = {p["name"]: p["value"] for p in signature["properties"]}["qtqms:family"]
    algorithm = signature["cryptoProperties"]["algorithmProperties"]
    assert (signature["name"], family, algorithm["primitive"]) == ("sha256WithRSAEncryption", "RSA", "signature")
    assert "curve" not in algorithm and "parameterSetIdentifier" not in algorithm
    assert signature["cryptoProperties"]["oid"] == "1.2.840.113549.1.1.11"


@pytest.mark.parametrize(("version", "schema"), [("1.6", SchemaVersion.V1_6), ("1.7", SchemaVersion.V1_7)])
def test_the_cli_writes_either_version_and_the_librarys_strict_validator_accepts_it(tree, tmp_path, version, schema):
    out = tmp_path / "cbom.json"
    result = CliRunner().invoke(
        app, ["pqc", "scan", str(tree), "--jobs", "1", "--cbom", str(out), "--cbom-version", version]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert json.loads(text)["specVersion"] == version
    assert JsonStrictValidator(schema).validate_str(text) is None
    assert import_cbom(out)


def test_an_unknown_cbom_version_is_refused(tree, tmp_path):
    result = CliRunner().invoke(
        app, ["pqc", "scan", str(tree), "--cbom", str(tmp_path / "c.json"), "--cbom-version", "1.5"]
    )
    assert result.exit_code == 2 and "--cbom-version" in result.output
    assert not (tmp_path / "c.json").exists()


def test_evaluating_our_cbom_gives_exactly_the_scans_verdicts(tmp_path):
    """The whole labelled corpus: certificates, keys, hybrids, protocols and libraries, in both versions."""
    pack = load_pack("nist-ir-8547")
    day = datetime(2026, 12, 8).date()
    findings, _ = scan(CORPUS)
    expected = Counter(
        (a.finding.path, a.finding.line, a.finding.label, a.verdict) for a in evaluate(findings, pack, day)
    )
    assert len(expected) > 300
    for version in ("1.6", "1.7"):
        out = tmp_path / f"cbom-{version}.json"
        out.write_text(to_json(build_bom(findings, subject="corpus"), version))
        again = evaluate(import_cbom(out), pack, day)
        assert Counter((a.finding.path, a.finding.line, a.finding.label, a.verdict) for a in again) == expected
