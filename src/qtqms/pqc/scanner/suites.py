"""TLS cipher suites, OpenSSL cipher strings, TLS groups and SSH algorithm names → the algorithms they use."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qtqms.pqc.scanner.algorithms import Algorithm, Primitive, classify
from qtqms.pqc.scanner.names import parse_name

# Key exchange / authentication components of OpenSSL and IANA suite names.
_KEY_EXCHANGE = {
    "ECDHE": "ECDH",
    "EECDH": "ECDH",
    "ECDH": "ECDH",
    "DHE": "DH",
    "EDH": "DH",
    "DH": "DH",
    "KRSA": "RSA",
    "RSA": "RSA",
    "ECDSA": "ECDSA",
    "DSS": "DSA",
}
_MAC_SUFFIX = re.compile(r"[-_](?:SHA(?:1|224|256|384|512)?|MD5)$")
_OPENSSL_KEYWORDS = {"HIGH", "MEDIUM", "LOW", "DEFAULT", "ALL", "COMPLEMENTOFDEFAULT", "COMPLEMENTOFALL", "EXPORT"}


def cipher_list(text: str) -> Iterator[tuple[int, Algorithm]]:
    """Algorithms enabled by an OpenSSL cipher string or a list of IANA suite names, with their offsets.

    Excluded entries (`!RC4`, `-MD5`) and broad keywords (`HIGH`, `@SECLEVEL=2`) name no algorithm.
    """
    for token in re.finditer(r"[^\s:,;\"']+", text):
        entry = token.group(0)
        if entry[0] in "!-" or entry.startswith("@"):
            continue
        for algorithm in cipher_suite(entry.lstrip("+")):
            yield token.start(), algorithm


def cipher_suite(name: str) -> list[Algorithm]:
    """The key exchange, authentication and bulk cipher of one suite (`ECDHE-RSA-AES128-GCM-SHA256`,
    `TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384`, `TLS_AES_256_GCM_SHA384`) or combination (`ECDHE+AESGCM`)."""
    upper = name.upper()
    if upper in _OPENSSL_KEYWORDS or upper.startswith(("A", "E")) and upper[1:] == "NULL":
        return []
    if upper.startswith(("TLS_", "TLS13_", "SSL_")):
        return _iana_suite(upper)
    if "+" in upper:
        return [a for part in upper.split("+") for a in _openssl_part(part)]
    return _openssl_suite(upper)


def _openssl_part(part: str) -> list[Algorithm]:
    if part in _KEY_EXCHANGE:
        return [classify(_KEY_EXCHANGE[part], primitive=_primitive_for(part))]
    cipher = _bulk_cipher(part)
    return [cipher] if cipher else []


def _primitive_for(component: str) -> Primitive | None:
    if component in {"RSA", "KRSA"}:
        return Primitive.PKE
    return None


def _openssl_suite(upper: str) -> list[Algorithm]:
    parts = upper.split("-")
    exchange = []
    while parts and parts[0] in _KEY_EXCHANGE:
        exchange.append(parts.pop(0))
    rest = _MAC_SUFFIX.sub("", "-".join(parts))
    cipher = _bulk_cipher(rest) if rest else None
    if cipher is None:
        return [classify(_KEY_EXCHANGE[p], primitive=_primitive_for(p)) for p in exchange] if not rest else []
    if not exchange and rest != upper:
        exchange = ["RSA"]  # suites without a key-exchange prefix (AES128-SHA) use RSA key transport
    return [*(classify(_KEY_EXCHANGE[p], primitive=_primitive_for(p)) for p in exchange), cipher]


def _iana_suite(upper: str) -> list[Algorithm]:
    body = re.sub(r"^(?:TLS13|TLS|SSL)_", "", upper)
    exchange_part, _, cipher_part = body.rpartition("_WITH_")
    exchange = [p for p in exchange_part.split("_") if p in _KEY_EXCHANGE] if exchange_part else []
    cipher = _bulk_cipher(_MAC_SUFFIX.sub("", cipher_part))
    found = [classify(_KEY_EXCHANGE[p], primitive=_primitive_for(p)) for p in exchange]
    return [*found, cipher] if cipher else found


def _bulk_cipher(part: str) -> Algorithm | None:
    part = part.replace("3DES_EDE", "DES-EDE3").replace("DES-CBC3", "DES-EDE3-CBC")
    part = re.sub(r"[-_]8$", "", part)  # CCM_8 is CCM with a short tag
    if part in {"AESGCM", "AESCCM", "AES", "CHACHA20", "CAMELLIA", "ARIA"}:
        return parse_name({"CHACHA20": "CHACHA20-POLY1305"}.get(part, part))
    algorithm = parse_name(part)
    if algorithm is None or algorithm.primitive in {Primitive.HASH, Primitive.MAC}:
        return None
    if algorithm.family in {"AES", "Camellia", "ARIA"} and algorithm.mode is None and algorithm.parameter:
        return classify(algorithm.family, algorithm.parameter, mode="cbc")  # TLS 1.2 suites without a mode
    return algorithm


# TLS named groups (RFC 8446 registry names and OpenSSL aliases), including hybrid post-quantum groups.
_HYBRID_GROUPS = {
    "X25519MLKEM768": ("ML-KEM", "768"),
    "SECP256R1MLKEM768": ("ML-KEM", "768"),
    "SECP384R1MLKEM1024": ("ML-KEM", "1024"),
    "X25519KYBER768DRAFT00": ("Kyber", "768"),
    "X25519KYBER768": ("Kyber", "768"),
    "P256KYBER768DRAFT00": ("Kyber", "768"),
    "MLKEM512": ("ML-KEM", "512"),
    "MLKEM768": ("ML-KEM", "768"),
    "MLKEM1024": ("ML-KEM", "1024"),
}


def tls_group(name: str) -> Algorithm | None:
    """A TLS key-exchange group (`X25519`, `secp384r1`, `ffdhe3072`, `X25519MLKEM768`)."""
    compact = re.sub(r"[^A-Z0-9]", "", name.upper())
    hybrid = _HYBRID_GROUPS.get(compact)
    if hybrid:
        family, param = hybrid
        display = name if not compact.startswith("MLKEM") else None
        return classify(family, param, name=display)
    if compact in {"X25519", "X448"}:
        return classify("XDH", compact)
    ffdhe = re.fullmatch(r"FFDHE(\d{4})", compact)
    if ffdhe:
        return classify("DH", ffdhe.group(1))
    algorithm = classify("ECDH", name)
    return algorithm if algorithm.classical_bits is not None else None


_SSH_DH_GROUPS = {"1": "1024", "14": "2048", "15": "3072", "16": "4096", "17": "6144", "18": "8192"}
_SSH_HYBRIDS = {
    "sntrup761x25519": ("NTRU-Prime", "sntrup761"),
    "mlkem768x25519": ("ML-KEM", "768"),
    "mlkem768nistp256": ("ML-KEM", "768"),
    "mlkem1024nistp384": ("ML-KEM", "1024"),
}


def ssh_algorithm(name: str) -> Algorithm | None:
    """An SSH key-exchange, host-key, cipher or MAC name (`curve25519-sha256`, `rsa-sha2-512`, ...)."""
    bare = name.split("@", 1)[0].lower()
    bare = re.sub(r"-cert-v0[01]$", "", bare)
    for prefix, (family, param) in _SSH_HYBRIDS.items():
        if bare.startswith(prefix):
            return classify(family, param, name=prefix)
    group = re.fullmatch(r"diffie-hellman-group(\d+)-sha\d+", bare)
    if group:
        return classify("DH", _SSH_DH_GROUPS.get(group.group(1)))
    if bare.startswith("diffie-hellman-group-exchange"):
        return classify("DH")
    if bare.startswith("curve25519"):
        return classify("XDH", "X25519")
    if bare.startswith("curve448"):
        return classify("XDH", "X448")
    ecdh = re.fullmatch(r"ecdh-sha2-(nistp\d+)", bare)
    if ecdh:
        return classify("ECDH", ecdh.group(1))
    ecdsa = re.fullmatch(r"(?:sk-)?ecdsa-sha2-(nistp\d+)", bare)
    if ecdsa:
        return classify("ECDSA", ecdsa.group(1))
    if bare in {"ssh-ed25519", "sk-ssh-ed25519"}:
        return classify("EdDSA", "Ed25519")
    if bare == "ssh-ed448":
        return classify("EdDSA", "Ed448")
    if bare in {"ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"}:
        return classify("RSA", padding="pkcs1v15", primitive=Primitive.SIGNATURE)
    if bare == "ssh-dss":
        return classify("DSA")
    mac = re.fullmatch(r"hmac-(sha2-256|sha2-512|sha1|md5|sha1-96|md5-96|ripemd160)(?:-etm)?", bare)
    if mac:
        return classify("HMAC", re.sub(r"-96$", "", mac.group(1)))
    if bare.startswith("umac-"):
        return classify("UMAC")
    if bare == "arcfour" or bare.startswith("arcfour"):
        return classify("RC4")
    return (
        parse_name(bare)
        if re.fullmatch(r"(?:aes\d+-(?:ctr|cbc|gcm)|3des-cbc|blowfish-cbc|chacha20-poly1305)", bare)
        else None
    )
