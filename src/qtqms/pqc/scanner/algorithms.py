"""Crypto algorithms as the scanner sees them: asset types, findings and the strength tables that classify
them (pure, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class AssetType(StrEnum):
    """CycloneDX crypto asset types, plus `library` for a crypto dependency found in a manifest."""

    ALGORITHM = "algorithm"
    CERTIFICATE = "certificate"
    PROTOCOL = "protocol"
    RELATED_MATERIAL = "related-crypto-material"
    LIBRARY = "library"


class Primitive(StrEnum):
    """CycloneDX 1.6 `algorithmProperties.primitive` values."""

    DRBG = "drbg"
    MAC = "mac"
    BLOCK_CIPHER = "block-cipher"
    STREAM_CIPHER = "stream-cipher"
    SIGNATURE = "signature"
    HASH = "hash"
    PKE = "pke"
    XOF = "xof"
    KDF = "kdf"
    KEY_AGREE = "key-agree"
    KEM = "kem"
    AE = "ae"
    COMBINER = "combiner"
    OTHER = "other"
    UNKNOWN = "unknown"


class Confidence(StrEnum):
    HIGH = "high"  # the API and its parameters were resolved
    MEDIUM = "medium"  # the API was recognised, some parameters were not
    LOW = "low"  # a pattern match without structural context


class Verdict(StrEnum):
    """A policy's judgement of one asset; `unknown` is never compliant (the scanner fails closed)."""

    ALLOWED = "allowed"
    DEPRECATED = "deprecated"
    DISALLOWED = "disallowed"
    UNKNOWN = "unknown"


# How strict each verdict is, for `--fail-on`: unknown counts as worse than disallowed, so that an asset
# the policy cannot judge trips every threshold.
VERDICT_SEVERITY = {Verdict.ALLOWED: 0, Verdict.DEPRECATED: 1, Verdict.DISALLOWED: 2, Verdict.UNKNOWN: 3}

MODES = {"cbc", "ecb", "ccm", "gcm", "cfb", "ofb", "ctr"}
AEAD_MODES = {"gcm", "ccm", "siv", "ocb", "gcmsiv", "eax", "poly1305"}


@dataclass(frozen=True, slots=True)
class Algorithm:
    """What a finding is: family, parameter and the security levels derived from them."""

    family: str
    name: str
    primitive: Primitive
    parameter: str | None = None
    mode: str | None = None
    padding: str | None = None
    classical_bits: int | None = None
    nist_level: int | None = None
    quantum_vulnerable: bool | None = None

    @property
    def known(self) -> bool:
        return self.family != UNKNOWN_FAMILY


@dataclass(frozen=True, slots=True)
class Finding:
    """One place where a crypto asset is used, declared or stored."""

    asset_type: AssetType
    algorithm: Algorithm
    path: str
    line: int
    column: int
    evidence: str
    confidence: Confidence
    rule_id: str
    language: str
    details: tuple[tuple[str, str], ...] = field(default=())

    @property
    def label(self) -> str:
        """`algorithm` findings are labelled by name alone; other asset types carry their type."""
        if self.asset_type is AssetType.ALGORITHM:
            return self.algorithm.name
        version = self.detail("version") if self.asset_type is AssetType.LIBRARY else None
        suffix = f"@{version}" if version else ""
        return f"{self.asset_type.value}:{self.algorithm.name}{suffix}"

    def detail(self, key: str) -> str | None:
        return dict(self.details).get(key)

    def to_dict(self) -> dict[str, Any]:
        algorithm = self.algorithm
        return {
            "asset_type": self.asset_type.value,
            "name": algorithm.name,
            "family": algorithm.family,
            "primitive": algorithm.primitive.value,
            "parameter": algorithm.parameter,
            "mode": algorithm.mode,
            "padding": algorithm.padding,
            "classical_security_level": algorithm.classical_bits,
            "nist_quantum_security_level": algorithm.nist_level,
            "quantum_vulnerable": algorithm.quantum_vulnerable,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "evidence": self.evidence,
            "confidence": self.confidence.value,
            "rule_id": self.rule_id,
            "language": self.language,
            "details": dict(self.details),
        }


UNKNOWN_FAMILY = "unknown"

# SP 800-57 Part 1 comparable strengths: finite-field / integer-factorisation modulus bits → strength.
_IFC_STRENGTH = ((15360, 256), (7680, 192), (3072, 128), (2048, 112), (1024, 80))

# Named curves: canonical name and classical strength; keys are the lower-cased names without - or _.
_CURVES: dict[str, tuple[str, int]] = {}
for _canonical, _bits, _aliases in (
    ("P-192", 80, ("p192", "secp192r1", "prime192v1", "nistp192")),
    ("P-224", 112, ("p224", "secp224r1", "nistp224")),
    ("P-256", 128, ("p256", "secp256r1", "prime256v1", "nistp256")),
    ("P-384", 192, ("p384", "secp384r1", "nistp384")),
    ("P-521", 256, ("p521", "secp521r1", "nistp521")),
    ("secp256k1", 128, ("secp256k1", "k256")),
    ("brainpoolP256r1", 128, ("brainpoolp256r1",)),
    ("brainpoolP384r1", 192, ("brainpoolp384r1",)),
    ("brainpoolP512r1", 256, ("brainpoolp512r1",)),
    ("sect233k1", 112, ("sect233k1", "k233")),
    ("sect283k1", 128, ("sect283k1", "k283")),
    ("sect409k1", 192, ("sect409k1", "k409")),
    ("sect571k1", 256, ("sect571k1", "k571")),
    ("Curve25519", 128, ("curve25519", "x25519", "ed25519", "25519")),
    ("Curve448", 224, ("curve448", "x448", "ed448", "448")),
):
    for _alias in _aliases:
        _CURVES[_alias] = (_canonical, _bits)

# Post-quantum parameter sets: classical strength and NIST PQ security category (FIPS 203/204/205, IR 8545).
_PQC_LEVELS: dict[str, dict[str, tuple[int, int]]] = {
    "ML-KEM": {"512": (128, 1), "768": (192, 3), "1024": (256, 5)},
    "ML-DSA": {"44": (128, 2), "65": (192, 3), "87": (256, 5)},
    "FN-DSA": {"512": (128, 1), "1024": (256, 5)},
    "HQC": {"128": (128, 1), "192": (192, 3), "256": (256, 5)},
    "Kyber": {"512": (128, 1), "768": (192, 3), "1024": (256, 5)},
}

# Hash collision strength in bits (SP 800-57 Part 1 / SP 800-107); collision-broken hashes get 0.
_HASH_COLLISION_BITS = {
    "MD4": 0,
    "MD5": 0,
    "SHA-1": 0,
    "RIPEMD-160": 80,
    "SHA-224": 112,
    "SHA-256": 128,
    "SHA-384": 192,
    "SHA-512": 256,
    "SHA-512/224": 112,
    "SHA-512/256": 128,
    "SHA3-224": 112,
    "SHA3-256": 128,
    "SHA3-384": 192,
    "SHA3-512": 256,
    "SHAKE128": 128,
    "SHAKE256": 256,
    "BLAKE2s": 128,
    "BLAKE2b": 256,
    "BLAKE3": 128,
    "SM3": 128,
}
_HASH_FAMILY = {
    "MD4": "MD4",
    "MD5": "MD5",
    "SHA-1": "SHA-1",
    "RIPEMD-160": "RIPEMD",
    "BLAKE2s": "BLAKE2",
    "BLAKE2b": "BLAKE2",
    "BLAKE3": "BLAKE3",
    "SM3": "SM3",
}


@dataclass(frozen=True, slots=True)
class _Family:
    primitive: Primitive
    kind: str  # how strength is derived: ifc, ecc, symmetric, pqc, hash, mac, fixed, none
    quantum_vulnerable: bool | None
    fixed_bits: int | None = None


_FAMILIES: dict[str, _Family] = {
    "RSA": _Family(Primitive.PKE, "ifc", True),
    "DSA": _Family(Primitive.SIGNATURE, "ifc", True),
    "DH": _Family(Primitive.KEY_AGREE, "ifc", True),
    "ElGamal": _Family(Primitive.PKE, "ifc", True),
    "EC": _Family(Primitive.OTHER, "ecc", True),
    "ECDSA": _Family(Primitive.SIGNATURE, "ecc", True),
    "ECDH": _Family(Primitive.KEY_AGREE, "ecc", True),
    "EdDSA": _Family(Primitive.SIGNATURE, "ecc", True),
    "XDH": _Family(Primitive.KEY_AGREE, "ecc", True),
    "ML-KEM": _Family(Primitive.KEM, "pqc", False),
    "ML-DSA": _Family(Primitive.SIGNATURE, "pqc", False),
    "SLH-DSA": _Family(Primitive.SIGNATURE, "slh", False),
    "FN-DSA": _Family(Primitive.SIGNATURE, "pqc", False),
    "HQC": _Family(Primitive.KEM, "pqc", False),
    "Kyber": _Family(Primitive.KEM, "pqc", False),
    "NTRU-Prime": _Family(Primitive.KEM, "none", False),
    "LMS": _Family(Primitive.SIGNATURE, "none", False),
    "XMSS": _Family(Primitive.SIGNATURE, "none", False),
    "AES": _Family(Primitive.BLOCK_CIPHER, "symmetric", False),
    "Camellia": _Family(Primitive.BLOCK_CIPHER, "symmetric", False),
    "ARIA": _Family(Primitive.BLOCK_CIPHER, "symmetric", False),
    "SM4": _Family(Primitive.BLOCK_CIPHER, "fixed", False, 128),
    "ChaCha20": _Family(Primitive.STREAM_CIPHER, "fixed", False, 256),
    "ChaCha20-Poly1305": _Family(Primitive.AE, "fixed", False, 256),
    "XChaCha20-Poly1305": _Family(Primitive.AE, "fixed", False, 256),
    "XSalsa20-Poly1305": _Family(Primitive.AE, "fixed", False, 256),
    "Salsa20": _Family(Primitive.STREAM_CIPHER, "fixed", False, 256),
    "3DES": _Family(Primitive.BLOCK_CIPHER, "fixed", False, 112),
    "DES": _Family(Primitive.BLOCK_CIPHER, "fixed", False, 56),
    "RC4": _Family(Primitive.STREAM_CIPHER, "fixed", False, 0),
    "RC2": _Family(Primitive.BLOCK_CIPHER, "fixed", False, 0),
    "Blowfish": _Family(Primitive.BLOCK_CIPHER, "none", False),
    "IDEA": _Family(Primitive.BLOCK_CIPHER, "none", False),
    "CAST5": _Family(Primitive.BLOCK_CIPHER, "none", False),
    "SHA-1": _Family(Primitive.HASH, "hash", False),
    "SHA-2": _Family(Primitive.HASH, "hash", False),
    "SHA-3": _Family(Primitive.HASH, "hash", False),
    "SHAKE": _Family(Primitive.XOF, "hash", False),
    "MD4": _Family(Primitive.HASH, "hash", False),
    "MD5": _Family(Primitive.HASH, "hash", False),
    "RIPEMD": _Family(Primitive.HASH, "hash", False),
    "BLAKE2": _Family(Primitive.HASH, "hash", False),
    "BLAKE3": _Family(Primitive.HASH, "hash", False),
    "SM3": _Family(Primitive.HASH, "hash", False),
    "HMAC": _Family(Primitive.MAC, "mac", False),
    "CMAC": _Family(Primitive.MAC, "none", False),
    "GMAC": _Family(Primitive.MAC, "none", False),
    "Poly1305": _Family(Primitive.MAC, "fixed", False, 128),
    "UMAC": _Family(Primitive.MAC, "none", False),
    "PBKDF2": _Family(Primitive.KDF, "none", False),
    "HKDF": _Family(Primitive.KDF, "none", False),
    "scrypt": _Family(Primitive.KDF, "none", False),
    "Argon2": _Family(Primitive.KDF, "none", False),
    "bcrypt": _Family(Primitive.KDF, "none", False),
    "PBKDF1": _Family(Primitive.KDF, "none", False),
    "ConcatKDF": _Family(Primitive.KDF, "none", False),
    "X963KDF": _Family(Primitive.KDF, "none", False),
    "KBKDF": _Family(Primitive.KDF, "none", False),
    "TLS": _Family(Primitive.OTHER, "none", None),
    "SSL": _Family(Primitive.OTHER, "none", None),
    "DTLS": _Family(Primitive.OTHER, "none", None),
    "SSH": _Family(Primitive.OTHER, "none", None),
    UNKNOWN_FAMILY: _Family(Primitive.UNKNOWN, "none", None),
}

PROTOCOL_FAMILIES = {"TLS", "SSL", "DTLS", "SSH"}


def hash_name(text: str) -> str | None:
    """Canonical hash name (`SHA-256`, `SHA3-384`, `MD5`) for common spellings (`sha256`, `SHA2_256`)."""
    compact = re.sub(r"[^A-Z0-9/]", "", text.upper())
    return _HASH_ALIASES.get(compact)


_HASH_ALIASES: dict[str, str] = {
    "MD4": "MD4",
    "MD5": "MD5",
    "SHA": "SHA-1",
    "SHA1": "SHA-1",
    "SHA224": "SHA-224",
    "SHA256": "SHA-256",
    "SHA384": "SHA-384",
    "SHA512": "SHA-512",
    "SHA2224": "SHA-224",
    "SHA2256": "SHA-256",
    "SHA2384": "SHA-384",
    "SHA2512": "SHA-512",
    "SHA512224": "SHA-512/224",
    "SHA512256": "SHA-512/256",
    "SHA512/224": "SHA-512/224",
    "SHA512/256": "SHA-512/256",
    "SHA3224": "SHA3-224",
    "SHA3256": "SHA3-256",
    "SHA3384": "SHA3-384",
    "SHA3512": "SHA3-512",
    "SHAKE128": "SHAKE128",
    "SHAKE256": "SHAKE256",
    "RIPEMD160": "RIPEMD-160",
    "RMD160": "RIPEMD-160",
    "BLAKE2B": "BLAKE2b",
    "BLAKE2B512": "BLAKE2b",
    "BLAKE2S": "BLAKE2s",
    "BLAKE2S256": "BLAKE2s",
    "BLAKE3": "BLAKE3",
    "SM3": "SM3",
}


def _level_from_symmetric_bits(bits: int | None) -> int | None:
    if bits is None:
        return None
    return 5 if bits >= 256 else 3 if bits >= 192 else 1 if bits >= 128 else 0


def _level_from_collision_bits(bits: int) -> int:
    return 5 if bits >= 256 else 4 if bits >= 192 else 2 if bits >= 128 else 0


def _ifc_strength(modulus_bits: int) -> int:
    for size, strength in _IFC_STRENGTH:
        if modulus_bits >= size:
            return strength
    return 0


def _hash_family(canonical: str) -> str:
    if canonical in _HASH_FAMILY:
        return _HASH_FAMILY[canonical]
    if canonical.startswith("SHAKE"):
        return "SHAKE"
    return "SHA-3" if canonical.startswith("SHA3") else "SHA-2"


def hash_algorithm(canonical: str) -> Algorithm:
    """Classify a canonical hash name (see `hash_name`)."""
    spec = _FAMILIES[_hash_family(canonical)]
    bits = _HASH_COLLISION_BITS[canonical]
    return Algorithm(
        family=_hash_family(canonical),
        name=canonical,
        primitive=spec.primitive,
        parameter=canonical,
        classical_bits=bits,
        nist_level=_level_from_collision_bits(bits),
        quantum_vulnerable=False,
    )


def classify(
    family: str,
    parameter: str | int | None = None,
    *,
    mode: str | None = None,
    padding: str | None = None,
    primitive: Primitive | None = None,
    name: str | None = None,
) -> Algorithm:
    """Build an Algorithm with its name, strength and quantum levels from family and parameter.

    `parameter` is a key size for RSA/DSA/DH/AES, a curve for EC families, a parameter set for PQC,
    a hash name for HMAC and a version for protocols. Unknown families classify as `unknown`.
    """
    if family in {"SHA-1", "SHA-2", "SHA-3", "SHAKE", "MD4", "MD5", "RIPEMD", "BLAKE2", "BLAKE3", "SM3"}:
        canonical = hash_name(str(parameter or family))
        if canonical:
            return hash_algorithm(canonical)
    spec = _FAMILIES.get(family)
    if spec is None:
        family, spec = UNKNOWN_FAMILY, _FAMILIES[UNKNOWN_FAMILY]
    param = None if parameter is None else str(parameter)
    mode = mode.lower() if mode else None
    bits, level, param = _strength(family, spec, param)
    if primitive is None:
        primitive = spec.primitive
        if family in {"AES", "Camellia", "ARIA", "SM4"} and mode in AEAD_MODES:
            primitive = Primitive.AE
    return Algorithm(
        family=family,
        name=name or _name(family, param, mode, spec),
        primitive=primitive,
        parameter=param,
        mode=mode,
        padding=padding,
        classical_bits=bits,
        nist_level=level,
        quantum_vulnerable=spec.quantum_vulnerable,
    )


def _strength(family: str, spec: _Family, param: str | None) -> tuple[int | None, int | None, str | None]:
    """Classical bits, NIST PQ level and the canonical parameter."""
    if spec.kind == "ifc":
        if param and param.isdigit():
            return _ifc_strength(int(param)), 0, param
        return None, 0, param
    if spec.kind == "ecc":
        entry = _CURVES.get(re.sub(r"[-_ ]", "", param).lower()) if param else None
        return (entry[1], 0, entry[0]) if entry else (None, 0, param)
    if spec.kind == "pqc":
        levels = _PQC_LEVELS[family].get(param or "")
        return (levels[0], levels[1], param) if levels else (None, None, param)
    if spec.kind == "slh":
        size = re.search(r"(128|192|256)", param or "")
        if size:
            bits = int(size.group(1))
            return bits, _level_from_symmetric_bits(bits), param
        return None, None, param
    if spec.kind == "symmetric":
        bits = int(param) if param and param.isdigit() else None
        return bits, _level_from_symmetric_bits(bits), param
    if spec.kind == "fixed":
        return spec.fixed_bits, _level_from_symmetric_bits(spec.fixed_bits), param
    if spec.kind == "mac":
        canonical = hash_name(param) if param else None
        if canonical:
            bits = min(_HASH_OUTPUT_BITS.get(canonical, 256), 256)
            return bits, _level_from_symmetric_bits(bits), canonical
        return None, None, param
    return None, None, param


_HASH_OUTPUT_BITS = {"MD5": 128, "SHA-1": 160, "SHA-224": 224, "SHA3-224": 224, "SHA-512/224": 224}


def _name(family: str, param: str | None, mode: str | None, spec: _Family) -> str:
    if family in {"EdDSA", "XDH"}:
        curve_name = {"Curve25519": "25519", "Curve448": "448"}.get(param or "")
        prefix = "Ed" if family == "EdDSA" else "X"
        return f"{prefix}{curve_name}" if curve_name else family
    if family == "HMAC":
        return f"HMAC-{param}" if param else "HMAC"
    if family in PROTOCOL_FAMILIES:
        return f"{family}v{param}" if param else family
    if family == "Kyber":
        return f"Kyber{param}" if param else family
    parts = [family]
    if param and spec.kind != "fixed":
        parts.append(param)
    if mode:
        parts.append(mode.upper())
    return "-".join(parts)


def unknown(name: str) -> Algorithm:
    return Algorithm(family=UNKNOWN_FAMILY, name=name, primitive=Primitive.UNKNOWN)
