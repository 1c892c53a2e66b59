"""Certificates and keys (PEM, DER, PKCS#12 without password, OpenSSH) → findings; key material is never kept."""

from __future__ import annotations

import base64
import functools
import re
import struct
import warnings
from collections.abc import Callable
from typing import Any

from qtqms.pqc.scanner.algorithms import Algorithm, AssetType, Confidence, Finding, classify, hash_name, unknown

KEY_EXTENSIONS = frozenset({".pem", ".crt", ".cer", ".der", ".key", ".pub", ".p12", ".pfx", ".csr", ".p8"})
_KEY_SUFFIXES = tuple(sorted(KEY_EXTENSIONS))  # asked of every file: `str.endswith` takes them all at once
_SSH_KEY_NAME = re.compile(
    r"(?:id_(?:rsa|dsa|ecdsa|ed25519)[\w.-]*|authorized_keys2?|known_hosts|ssh_host_\w+_key(?:\.pub)?)"
)
_PEM_BLOCK = re.compile(
    r"-----BEGIN (?P<label>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY|(?:RSA )?PUBLIC KEY|CERTIFICATE"
    r"|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|DH PARAMETERS|TRUSTED CERTIFICATE)-----"
    r"(?P<body>[\s\S]{0,20000}?)-----END (?P=label)-----"
)
# A PEM body holds base64 lines of 64 characters (76 at most). Code that only names the markers (a parser's
# `START = b"-----BEGIN OPENSSH PRIVATE KEY-----"`, a template that joins a body in) has no such run between them.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{40}")
_SSH_PUBLIC = re.compile(
    r"(?P<type>ssh-rsa|ssh-dss|ssh-ed25519|ssh-ed448|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com"
    r"|sk-ecdsa-sha2-nistp256@openssh\.com)\s+(?P<blob>AAAA[0-9A-Za-z+/]+=*)"
)
# Public-key algorithm OIDs the installed `cryptography` may not load (post-quantum keys in particular).
_KEY_OIDS = {
    "1.2.840.113549.1.1.1": ("RSA", None),
    "1.2.840.10045.2.1": ("EC", None),
    "1.3.101.110": ("XDH", "X25519"),
    "1.3.101.111": ("XDH", "X448"),
    "1.3.101.112": ("EdDSA", "Ed25519"),
    "1.3.101.113": ("EdDSA", "Ed448"),
    "2.16.840.1.101.3.4.3.17": ("ML-DSA", "44"),
    "2.16.840.1.101.3.4.3.18": ("ML-DSA", "65"),
    "2.16.840.1.101.3.4.3.19": ("ML-DSA", "87"),
    "2.16.840.1.101.3.4.4.1": ("ML-KEM", "512"),
    "2.16.840.1.101.3.4.4.2": ("ML-KEM", "768"),
    "2.16.840.1.101.3.4.4.3": ("ML-KEM", "1024"),
}
_LABEL_FAMILY = {"RSA": "RSA", "EC": "EC", "DSA": "DSA"}


def is_key_file(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(_KEY_SUFFIXES) or bool(_SSH_KEY_NAME.fullmatch(name))


def scan_key_file(data: bytes, path: str) -> list[Finding]:
    """A certificate or key file in any supported format."""
    if b"-----BEGIN " in data or b"ssh-" in data[:4096] or b"ecdsa-sha2" in data[:4096]:
        text = data.decode("utf-8", errors="replace")
        return scan_pem_text(text, path) + _ssh_public_keys(text, path)
    return _der(data, path)


def scan_pem_text(text: str, path: str) -> list[Finding]:
    """Every PEM block in a text (a key file, or a key pasted into source or configuration)."""
    findings = []
    for block in _PEM_BLOCK.finditer(text):
        if not _BASE64_RUN.search(block.group("body")):
            continue
        line = text.count("\n", 0, block.start()) + 1
        label = block.group("label")
        findings.extend(_pem_block(_spelled_in_code(block) or block.group(0), label, path, line))
    return findings


_ESCAPED_LINE_END = re.compile(r"\\[nr]")
_BASE64_PIECE = re.compile(r"[A-Za-z0-9+/=]{4,}")


def _spelled_in_code(block: re.Match[str]) -> str | None:
    """The PEM that string literals in code spell out (`"MIIB…\\n" +` line after line), or None for plain PEM.

    The pieces of four or more base64 characters are the body: quotes, escapes and `+` between literals are not."""
    body = block.group("body")
    if not any(mark in body for mark in ('"', "'", "\\")):
        return None
    encoded = "".join(_BASE64_PIECE.findall(_ESCAPED_LINE_END.sub(" ", body)))
    lines = "\n".join(encoded[start : start + 64] for start in range(0, len(encoded), 64))
    label = block.group("label")
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def _quietly(parse: Callable[..., list[Finding]]) -> Callable[..., list[Finding]]:
    """`cryptography` warns of certificates it means to refuse one day (a serial number that is not positive, say):
    the scan reads them like any other, and a warning on stderr would only interrupt its output."""

    @functools.wraps(parse)
    def quiet(*args: Any) -> list[Finding]:
        from cryptography.utils import CryptographyDeprecationWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return parse(*args)

    return quiet


@_quietly
def _pem_block(pem: str, label: str, path: str, line: int) -> list[Finding]:
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    data = pem.encode("ascii", errors="replace")
    evidence = f"-----BEGIN {label}-----"
    try:
        if label in {"CERTIFICATE", "TRUSTED CERTIFICATE"}:
            return [_certificate(x509.load_pem_x509_certificate(data), path, line, evidence, "PEM")]
        if label.endswith("CERTIFICATE REQUEST"):
            request = x509.load_pem_x509_csr(data)
            return [_material(_public_key_algorithm(request), path, line, evidence, "certificate-request", "PEM")]
        if label.endswith("PUBLIC KEY"):
            key = serialization.load_pem_public_key(data)
            return [_material(_key_algorithm(key), path, line, evidence, "public-key", "PEM")]
        if label == "DH PARAMETERS":
            parameters = serialization.load_pem_parameters(data)
            return [
                _material(
                    classify("DH", parameters.parameter_numbers().p.bit_length()), path, line, evidence, "other", "PEM"
                )
            ]
        if label == "OPENSSH PRIVATE KEY":
            return [_material(_openssh_private(pem), path, line, evidence, "private-key", "OpenSSH")]
        key = serialization.load_pem_private_key(data, password=None)
        return [_material(_key_algorithm(key), path, line, evidence, "private-key", "PEM")]
    except UnsupportedAlgorithm:
        return [_unparsed(label, path, line, evidence, "unsupported algorithm")]
    except (TypeError, ValueError, NotImplementedError) as error:
        return [_unparsed(label, path, line, evidence, "encrypted" if _is_encryption_error(error) else "unparsed")]


def _is_encryption_error(error: Exception) -> bool:
    return "encrypted" in str(error).lower() or "password" in str(error).lower()


def _unparsed(label: str, path: str, line: int, evidence: str, state: str) -> Finding:
    """A block we cannot open: its family when the PEM label names it, else unknown (judged fail-closed)."""
    family = _LABEL_FAMILY.get(label.split(" ", 1)[0]) if "PRIVATE" in label or "PUBLIC" in label else None
    algorithm = classify(family) if family else unknown(label.lower().replace(" ", "-"))
    asset = AssetType.CERTIFICATE if "CERTIFICATE" in label else AssetType.RELATED_MATERIAL
    kind = "private-key" if "PRIVATE" in label else "public-key" if "PUBLIC" in label else "certificate"
    return Finding(
        asset_type=asset,
        algorithm=algorithm,
        path=path,
        line=line,
        column=1,
        evidence=evidence,
        confidence=Confidence.LOW,
        rule_id="key.pem",
        language="certificate",
        details=(("material", kind), ("state", state)),
    )


def _certificate(cert: Any, path: str, line: int, evidence: str, encoding: str) -> Finding:
    from hashlib import sha256

    from cryptography.hazmat.primitives.serialization import Encoding

    algorithm = _public_key_algorithm(cert)
    if algorithm.family == "EC":
        algorithm = classify("ECDSA", algorithm.parameter)
    details = {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_valid_before": cert.not_valid_before_utc.isoformat(),
        "not_valid_after": cert.not_valid_after_utc.isoformat(),
        "serial_number": format(cert.serial_number, "x"),
        "signature_algorithm": _oid_name(cert.signature_algorithm_oid),
        "signature_algorithm_oid": cert.signature_algorithm_oid.dotted_string,
        "sha256_fingerprint": sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        "format": encoding,
    }
    signature_hash = _signature_hash(cert)
    if signature_hash:
        details["signature_hash"] = signature_hash
    return Finding(
        asset_type=AssetType.CERTIFICATE,
        algorithm=algorithm,
        path=path,
        line=line,
        column=1,
        evidence=evidence,
        confidence=Confidence.HIGH,
        rule_id="certificate.x509",
        language="certificate",
        details=tuple(details.items()),
    )


def _signature_hash(cert: Any) -> str | None:
    try:
        hash_algorithm = cert.signature_hash_algorithm
    except Exception:  # noqa: BLE001 - unknown signature algorithms have no hash to report
        return None
    return hash_name(hash_algorithm.name) if hash_algorithm is not None else None


def _oid_name(oid: Any) -> str:
    return getattr(oid, "_name", None) or oid.dotted_string


def _material(algorithm: Algorithm, path: str, line: int, evidence: str, kind: str, encoding: str) -> Finding:
    return Finding(
        asset_type=AssetType.RELATED_MATERIAL,
        algorithm=algorithm,
        path=path,
        line=line,
        column=1,
        evidence=evidence,
        confidence=Confidence.HIGH if algorithm.known else Confidence.LOW,
        rule_id="key.parse",
        language="certificate",
        details=(("material", kind), ("format", encoding)),
    )


def _public_key_algorithm(holder: Any) -> Algorithm:
    """Algorithm of a certificate's or request's public key, from the key or, failing that, its OID."""
    try:
        return _key_algorithm(holder.public_key())
    except Exception:  # noqa: BLE001 - keys `cryptography` cannot load are classified by OID below
        oid = holder.public_key_algorithm_oid.dotted_string
        family, param = _KEY_OIDS.get(oid, ("unknown", None))
        return classify(family, param) if family != "unknown" else unknown(oid)


def _key_algorithm(key: Any) -> Algorithm:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519

    checks = (
        ((rsa.RSAPublicKey, rsa.RSAPrivateKey), lambda k: classify("RSA", k.key_size)),
        ((ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey), lambda k: classify("EC", k.curve.name)),
        ((ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey), lambda k: classify("EdDSA", "Ed25519")),
        ((ed448.Ed448PublicKey, ed448.Ed448PrivateKey), lambda k: classify("EdDSA", "Ed448")),
        ((x25519.X25519PublicKey, x25519.X25519PrivateKey), lambda k: classify("XDH", "X25519")),
        ((x448.X448PublicKey, x448.X448PrivateKey), lambda k: classify("XDH", "X448")),
        ((dsa.DSAPublicKey, dsa.DSAPrivateKey), lambda k: classify("DSA", k.key_size)),
    )
    for types, build in checks:
        if isinstance(key, types):
            return build(key)
    if {"DHPublicKey", "DHPrivateKey"} & {cls.__name__ for cls in type(key).__mro__}:
        return classify("DH", key.key_size)  # by name: importing the dh module warns that FFDH is deprecated
    match = re.search(r"(MLDSA|MLKEM)(\d+)", type(key).__name__)
    if match:
        return classify("ML-DSA" if match.group(1) == "MLDSA" else "ML-KEM", match.group(2))
    return unknown(type(key).__name__)


def _openssh_private(pem: str) -> Algorithm:
    """Key type of an OpenSSH private key, read from its unencrypted public part (works without a passphrase)."""
    from cryptography.hazmat.primitives import serialization

    body = "".join(line for line in pem.splitlines() if line and not line.startswith("-----"))
    blob = base64.b64decode(body)
    magic = b"openssh-key-v1\0"
    if not blob.startswith(magic):
        raise ValueError("not an OpenSSH private key")
    offset = len(magic)
    for _ in range(3):  # cipher name, KDF name, KDF options
        _, offset = _ssh_string(blob, offset)
    offset += 4  # number of keys
    public, _ = _ssh_string(blob, offset)
    key_type, _ = _ssh_string(public, 0)
    key = serialization.load_ssh_public_key(key_type + b" " + base64.b64encode(public))
    return _key_algorithm(key)


def _ssh_string(blob: bytes, offset: int) -> tuple[bytes, int]:
    (length,) = struct.unpack(">I", blob[offset : offset + 4])
    start = offset + 4
    return blob[start : start + length], start + length


def _ssh_public_keys(text: str, path: str) -> list[Finding]:
    from cryptography.hazmat.primitives import serialization

    findings = []
    for line_number, line in enumerate(text.splitlines(), 1):
        match = _SSH_PUBLIC.search(line)
        if not match:
            continue
        try:
            key = serialization.load_ssh_public_key(f"{match.group('type')} {match.group('blob')}".encode())
            algorithm = _key_algorithm(key)
        except (ValueError, TypeError, NotImplementedError):
            continue
        if algorithm.family == "EC":
            algorithm = classify("ECDSA", algorithm.parameter)
        evidence = f"{match.group('type')} {match.group('blob')[:24]}…"
        findings.append(_material(algorithm, path, line_number, evidence, "public-key", "OpenSSH"))
    return findings


@_quietly
def _der(data: bytes, path: str) -> list[Finding]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        return [_certificate(x509.load_der_x509_certificate(data), path, 1, "DER certificate", "DER")]
    except ValueError:
        pass
    try:
        key = serialization.load_der_public_key(data)
        return [_material(_key_algorithm(key), path, 1, "DER public key", "public-key", "DER")]
    except (ValueError, TypeError):
        pass
    try:
        bundle = pkcs12.load_pkcs12(data, None)
    except (ValueError, TypeError):
        return [_protected_or_unknown(data, path)]
    findings = []
    if bundle.key is not None:
        findings.append(_material(_key_algorithm(bundle.key), path, 1, "PKCS#12 private key", "private-key", "PKCS#12"))
    certificates = [bundle.cert, *bundle.additional_certs]
    findings += [_certificate(c.certificate, path, 1, "PKCS#12 certificate", "PKCS#12") for c in certificates if c]
    return findings


def _protected_or_unknown(data: bytes, path: str) -> Finding:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_der_private_key(data, password=None)
        return _material(_key_algorithm(key), path, 1, "DER private key", "private-key", "DER")
    except TypeError:
        return _unparsed("ENCRYPTED PRIVATE KEY", path, 1, "DER private key (encrypted)", "encrypted")
    except (ValueError, UnsupportedAlgorithm):  # a key of an algorithm `cryptography` cannot load stops no scan
        return _unparsed("PKCS12", path, 1, "PKCS#12 or unrecognised DER (password protected?)", "unparsed")
