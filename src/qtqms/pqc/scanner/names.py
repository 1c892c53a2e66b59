"""Algorithm names as libraries spell them (`aes-256-gcm`, `AES/GCM/NoPadding`, `SHA256withRSA`) → Algorithm."""

from __future__ import annotations

import re
from collections.abc import Callable

from qtqms.pqc.scanner.algorithms import Algorithm, Primitive, classify, hash_algorithm, hash_name

_MODE = r"(?P<mode>GCM|CBC|CTR|ECB|CFB(?:128|64|8|1)?|OFB|CCM|XTS|SIV|OCB3?|KW|WRAP|GCMSIV)?"
_KEY = r"(?P<bits>128|192|256)?"

Builder = Callable[[re.Match[str]], Algorithm]


def _mode(match: re.Match[str]) -> str | None:
    mode = match.groupdict().get("mode")
    if not mode:
        return None
    mode = mode.lower()
    if mode.startswith("cfb"):
        return "cfb"
    return {"ocb3": "ocb", "kw": "wrap"}.get(mode, mode)


def _block(family: str) -> Builder:
    return lambda m: classify(family, m.groupdict().get("bits"), mode=_mode(m))


def _fixed(family: str, **kwargs: str) -> Builder:
    return lambda m: classify(family, mode=_mode(m), **kwargs)


def _param(family: str, group: str = "p") -> Builder:
    return lambda m: classify(family, m.groupdict().get(group))


def _rsa(m: re.Match[str]) -> Algorithm:
    scheme = (m.group("scheme") or "").upper()
    if scheme.startswith("OAEP") or scheme == "ESPKCS1V15" or scheme == "PKCS1":
        padding = "oaep" if scheme.startswith("OAEP") else "pkcs1v15"
        return classify("RSA", m.group("bits"), padding=padding, primitive=Primitive.PKE)
    if scheme in {"PSS", "SSAPSS"}:
        return classify("RSA", m.group("bits"), padding="other", primitive=Primitive.SIGNATURE)
    if scheme in {"SSAPKCS1V15", "SHA1", "SHA256", "SHA384", "SHA512", "SHA224"}:
        return classify("RSA", m.group("bits"), padding="pkcs1v15", primitive=Primitive.SIGNATURE)
    return classify("RSA", m.group("bits"))


def _slh(m: re.Match[str]) -> Algorithm:
    return classify("SLH-DSA", f"{m.group('h')}-{m.group('n')}{m.group('v').lower()}")


# Regexes over the upper-cased name with every non-alphanumeric removed ("aes-256-gcm" → "AES256GCM").
_COMPACT_RULES: tuple[tuple[re.Pattern[str], Builder], ...] = tuple(
    (re.compile(pattern), builder)
    for pattern, builder in (
        (rf"(?:ID)?AES{_KEY}{_MODE}(?:NOPADDING|PKCS5PADDING|PKCS7PADDING)?", _block("AES")),
        (rf"AES{_KEY}{_MODE}HMACSHA(?:1|256)", _block("AES")),
        (rf"CAMELLIA{_KEY}{_MODE}", _block("Camellia")),
        (rf"ARIA{_KEY}{_MODE}", _block("ARIA")),
        (rf"SM4{_MODE}", _fixed("SM4")),
        (rf"(?:DESEDE3?|3DES|TRIPLEDES|DES3|TDEA|DESEDE3){_MODE}(?:NOPADDING|PKCS5PADDING)?", _fixed("3DES")),
        (rf"DES{_MODE}(?:NOPADDING|PKCS5PADDING)?", _fixed("DES")),
        (r"(?:RC4|ARCFOUR|ARC4)(?:40|128)?", _fixed("RC4")),
        (rf"RC2{_MODE}", _fixed("RC2")),
        (rf"(?:BF|BLOWFISH){_MODE}", _fixed("Blowfish")),
        (rf"CAST5?{_MODE}", _fixed("CAST5")),
        (rf"IDEA{_MODE}", _fixed("IDEA")),
        (r"XCHACHA20POLY1305(?:IETF)?", _fixed("XChaCha20-Poly1305")),
        (r"CHACHA20POLY1305(?:IETF)?(?:OPENSSHCOM)?", _fixed("ChaCha20-Poly1305")),
        (r"CHACHA20", _fixed("ChaCha20")),
        (r"XSALSA20POLY1305", _fixed("XSalsa20-Poly1305")),
        (r"X?SALSA20", _fixed("Salsa20")),
        (
            r"RSA(?P<bits>\d{3,5})?(?P<scheme>OAEP(?:256|384|512)?|PSS|SSAPKCS1V15|SSAPSS|ESPKCS1V15|PKCS1"
            r"|SHA1|SHA224|SHA256|SHA384|SHA512)?",
            _rsa,
        ),
        (r"RSA15", lambda m: classify("RSA", padding="pkcs1v15", primitive=Primitive.PKE)),
        (r"ECDSA(?P<p>P256|P384|P521|SECP256R1|SECP384R1|SECP521R1|SECP256K1)?", _param("ECDSA")),
        (r"ECDH(?:ES)?(?P<p>P256|P384|P521)?", _param("ECDH")),
        (r"(?:EC|ECC)(?P<p>P256|P384|P521)?", _param("EC")),
        (r"ED25519", lambda m: classify("EdDSA", "Ed25519")),
        (r"ED448", lambda m: classify("EdDSA", "Ed448")),
        (r"EDDSA", lambda m: classify("EdDSA")),
        (r"X25519", lambda m: classify("XDH", "X25519")),
        (r"X448", lambda m: classify("XDH", "X448")),
        (r"XDH", lambda m: classify("XDH")),
        (r"(?:DH|DHE|DIFFIEHELLMAN|FFDHE)(?P<p>2048|3072|4096|6144|8192)?", _param("DH")),
        (r"DSA(?P<p>\d{4})?", _param("DSA")),
        (r"MLKEM(?P<p>512|768|1024)?", _param("ML-KEM")),
        (r"MLDSA(?P<p>44|65|87)?", _param("ML-DSA")),
        (r"SLHDSA(?P<h>SHA2|SHAKE)(?P<n>128|192|256)(?P<v>[SF])", _slh),
        (r"SLHDSA", _param("SLH-DSA")),
        (r"(?:FNDSA|FALCON)(?P<p>512|1024)?", _param("FN-DSA")),
        (r"KYBER(?P<p>512|768|1024)?", _param("Kyber")),
        (r"HQC(?P<p>128|192|256)?", _param("HQC")),
        (r"(?:HSS)?LMS", _param("LMS")),
        (r"XMSS(?:MT)?", _param("XMSS")),
        (r"PBKDF2(?:WITH)?(?:HMAC)?(?:SHA\d*)?", _fixed("PBKDF2")),
        (r"HKDF(?:SHA\d+)?", _fixed("HKDF")),
        (r"PBKDF1", _fixed("PBKDF1")),
        (r"CONCATKDF(?:HASH|HMAC)?", _fixed("ConcatKDF")),
        (r"X963KDF", _fixed("X963KDF")),
        (r"KBKDF(?:HMAC|CMAC)?|SP800108COUNTER", _fixed("KBKDF")),
        (r"SCRYPT", _fixed("scrypt")),
        (r"ARGON2(?:I|D|ID)?", _fixed("Argon2")),
        (r"BCRYPT", _fixed("bcrypt")),
        (r"POLY1305", _fixed("Poly1305")),
        (r"CMAC(?:AES)?|AESCMAC", _fixed("CMAC")),
        (r"GMAC", _fixed("GMAC")),
    )
)

_SIGNATURE_SUFFIX = re.compile(
    r"(?P<hash>SHA[-_]?\d+(?:/\d+)?|SHA3[-_]\d+|MD5|SHA1?)WITH(?P<alg>RSA/PSS|RSAANDMGF1|RSASSA-PSS|RSA|ECDSA|"
    r"PLAIN-ECDSA|DSA|ECNR)(?:ANDMGF1)?",
    re.IGNORECASE,
)

# JOSE (JWT/JWS/JWE) algorithm identifiers.
_JOSE = {
    "HS256": ("HMAC", "SHA-256"),
    "HS384": ("HMAC", "SHA-384"),
    "HS512": ("HMAC", "SHA-512"),
    "RS256": ("RSA", None),
    "RS384": ("RSA", None),
    "RS512": ("RSA", None),
    "PS256": ("RSA", None),
    "PS384": ("RSA", None),
    "PS512": ("RSA", None),
    "ES256": ("ECDSA", "P-256"),
    "ES384": ("ECDSA", "P-384"),
    "ES512": ("ECDSA", "P-521"),
    "ES256K": ("ECDSA", "secp256k1"),
    "EDDSA": ("EdDSA", None),
    "ED25519": ("EdDSA", "Ed25519"),
    "RSA-OAEP": ("RSA", None),
    "RSA-OAEP-256": ("RSA", None),
    "RSA1_5": ("RSA", None),
    "ECDH-ES": ("ECDH", None),
    "A128GCM": ("AES", "128"),
    "A192GCM": ("AES", "192"),
    "A256GCM": ("AES", "256"),
    "ML-DSA-44": ("ML-DSA", "44"),
    "ML-DSA-65": ("ML-DSA", "65"),
    "ML-DSA-87": ("ML-DSA", "87"),
}


def parse_jose(name: str) -> Algorithm | None:
    """A JOSE `alg`/`enc` value (`RS256`, `ES384`, `HS256`, `A256GCM`)."""
    entry = _JOSE.get(name.strip().upper())
    if entry is None:
        return None
    family, param = entry
    key = name.strip().upper()
    if key.startswith("RS") or key.startswith("PS"):
        padding = "pkcs1v15" if key.startswith("RS") else "other"
        return classify("RSA", padding=padding, primitive=Primitive.SIGNATURE)
    if key.startswith("RSA"):
        return classify("RSA", padding="oaep" if "OAEP" in key else "pkcs1v15", primitive=Primitive.PKE)
    if family == "AES":
        return classify("AES", param, mode="gcm")
    return classify(family, param)


def parse_name(name: str) -> Algorithm | None:
    """Classify an algorithm name in any common spelling; None when it is not a crypto algorithm we know."""
    text = name.strip()
    if not text or len(text) > 80:
        return None
    head = text.split("/", 1)[0].upper()
    if "/" in text and head not in {"SHA-512", "SHA512"} and "WITH" not in head:
        return _transformation(text)
    signature = _SIGNATURE_SUFFIX.fullmatch(text)
    if signature:
        return _signature(signature.group("alg"))
    upper = text.upper()
    hmac = re.fullmatch(r"HMAC[-_ ]?(?:WITH)?(.+)", upper)
    if hmac and hash_name(hmac.group(1)):
        return classify("HMAC", hash_name(hmac.group(1)))
    if upper in {"HMAC"}:
        return classify("HMAC")
    canonical = hash_name(text)
    if canonical:
        return hash_algorithm(canonical)
    compact = re.sub(r"[^A-Z0-9]", "", upper)
    for pattern, builder in _COMPACT_RULES:
        match = pattern.fullmatch(compact)
        if match:
            return builder(match)
    return None


def _signature(alg: str) -> Algorithm:
    alg = alg.upper()
    if "RSA" in alg:
        padding = "other" if "PSS" in alg or "MGF1" in alg else "pkcs1v15"
        return classify("RSA", padding=padding, primitive=Primitive.SIGNATURE)
    if "ECDSA" in alg or alg == "ECNR":
        return classify("ECDSA")
    return classify("DSA")


def _transformation(text: str) -> Algorithm | None:
    """A JCA transformation `ALG/MODE/PADDING`."""
    alg, mode, padding = (text.split("/") + ["", ""])[:3]
    base = parse_name(alg)
    if base is None:
        return None
    mode_name = mode.strip().lower()
    if base.family == "RSA":
        pad = padding.upper()
        scheme = "oaep" if "OAEP" in pad else "pkcs1v15" if "PKCS1" in pad else "raw" if "NOPADDING" in pad else None
        return classify("RSA", base.parameter, padding=scheme, primitive=Primitive.PKE)
    if mode_name in {"", "none"}:
        return base
    return classify(base.family, base.parameter, mode=mode_name, padding=_padding(padding))


def _padding(padding: str) -> str | None:
    pad = padding.upper()
    if "PKCS5" in pad:
        return "pkcs5"
    if "PKCS7" in pad:
        return "pkcs7"
    return None
