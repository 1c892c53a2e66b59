"""Strength tables and algorithm-name parsing."""

from __future__ import annotations

import pytest

from qtqms.pqc.scanner.algorithms import classify
from qtqms.pqc.scanner.names import parse_name
from qtqms.pqc.scanner.suites import cipher_list, ssh_algorithm, tls_group


@pytest.mark.parametrize(
    ("name", "classical", "nist", "vulnerable"),
    [
        ("RSA-2048", 112, 0, True),
        ("RSA-3072", 128, 0, True),
        ("RSA-4096", 128, 0, True),
        ("ECDSA-P-256", 128, 0, True),
        ("Ed448", 224, 0, True),
        ("ML-KEM-512", 128, 1, False),
        ("ML-KEM-768", 192, 3, False),
        ("ML-DSA-44", 128, 2, False),
        ("ML-DSA-87", 256, 5, False),
        ("SLH-DSA-SHA2-192f", 192, 3, False),
        ("AES-128-GCM", 128, 1, False),
        ("AES-256", 256, 5, False),
        ("SHA-256", 128, 2, False),
        ("SHA-384", 192, 4, False),
        ("SHA-1", 0, 0, False),
    ],
)
def test_strengths_and_quantum_levels(name, classical, nist, vulnerable):
    algorithm = parse_name(name)
    assert (algorithm.classical_bits, algorithm.nist_level, algorithm.quantum_vulnerable) == (
        classical,
        nist,
        vulnerable,
    )


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("aes-256-gcm", "AES-256-GCM"),
        ("AES/CBC/PKCS5Padding", "AES-CBC"),
        ("DESede/CBC/PKCS5Padding", "3DES-CBC"),
        ("SHA384withECDSA", "ECDSA"),
        ("HmacSHA512", "HMAC-SHA-512"),
        ("sha3_256", "SHA3-256"),
        ("id-aes128-GCM", "AES-128-GCM"),
        ("secp256r1", None),
        ("rsa_disabled", None),
    ],
)
def test_library_spellings(spelling, name):
    parsed = parse_name(spelling)
    assert (parsed.name if parsed else None) == name


def test_curve_aliases_share_one_canonical_name():
    assert {classify("EC", c).parameter for c in ("prime256v1", "secp256r1", "P-256", "nistp256")} == {"P-256"}


def test_cipher_strings_skip_exclusions_and_keywords():
    names = {a.name for _, a in cipher_list("HIGH:!aNULL:!MD5:-RC4:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=2")}
    assert names == {"ECDH", "RSA", "AES-128-GCM"}


def test_hybrid_groups_are_not_quantum_vulnerable():
    hybrid = tls_group("X25519MLKEM768")
    assert (hybrid.family, hybrid.parameter, hybrid.quantum_vulnerable) == ("ML-KEM", "768", False)
    assert ssh_algorithm("mlkem768x25519-sha256").quantum_vulnerable is False
    assert ssh_algorithm("curve25519-sha256").quantum_vulnerable is True


def test_shipped_rule_packs_match_their_schema():
    from qtqms.pqc.scanner.patterns import pack_problems

    assert pack_problems() == []
