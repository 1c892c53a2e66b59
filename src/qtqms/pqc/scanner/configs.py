"""TLS and SSH configuration (nginx, Apache, HAProxy, openssl.cnf, ssh) → protocol and algorithm findings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from qtqms.pqc.scanner.algorithms import Algorithm, AssetType, Confidence, Finding, Primitive, classify
from qtqms.pqc.scanner.names import parse_name
from qtqms.pqc.scanner.suites import cipher_list, ssh_algorithm, tls_group

_CONFIG_NAMES = frozenset(
    {
        "nginx.conf",
        "httpd.conf",
        "apache2.conf",
        "ssl.conf",
        "haproxy.cfg",
        "openssl.cnf",
        "sshd_config",
        "ssh_config",
        ".htaccess",
    }
)
_CONFIG_DIRS = frozenset({"sites-available", "sites-enabled", "conf.d", "sshd_config.d", "ssh_config.d", "nginx"})

Located = tuple[int, Algorithm, AssetType]  # offset in the value, what, asset type
Reader = Callable[[str], Iterator[Located]]


def is_config(relative: str) -> bool:
    parts = relative.split("/")
    name = parts[-1]
    if name in _CONFIG_NAMES or name.endswith((".conf", ".cnf")):
        return True
    if name.endswith(".cfg") and "haproxy" in name:
        return True
    return len(parts) > 1 and parts[-2] in _CONFIG_DIRS and "." not in name


def _protocols(value: str) -> Iterator[Located]:
    """Enabled protocol versions, applying Apache's `all`, `+X` and `-X` to a set in order."""
    enabled: dict[str, int] = {}
    for token in re.finditer(r"[^\s,]+", value):
        sign, name = re.match(r"([+-]?)(.*)", token.group(0)).groups()  # type: ignore[union-attr]
        versions = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] if name.lower() == "all" else [name]
        for version in versions:
            if _protocol(version) is None:
                continue
            if sign == "-":
                enabled.pop(version.lower(), None)
            else:
                enabled.setdefault(version.lower(), token.start())
    for version, offset in enabled.items():
        yield offset, _protocol(version), AssetType.PROTOCOL  # type: ignore[misc]


def _protocol(name: str) -> Algorithm | None:
    match = re.fullmatch(r"(?i)(SSL|TLS)v?(\d(?:[._]\d)?)", name)
    if not match:
        return None
    family, version = match.group(1).upper(), match.group(2).replace("_", ".")
    if family == "TLS":
        version = {"1": "1.0", "10": "1.0", "11": "1.1", "12": "1.2", "13": "1.3"}.get(version, version)
    return classify(family, version)


def _haproxy_options(value: str) -> Iterator[Located]:
    for match in re.finditer(r"\b(?:ssl-(?:min|max)-ver\s+(?P<version>\S+)|force-(?P<forced>tlsv1\d|sslv3))", value):
        version = match.group("version") or match.group("forced").replace("tlsv1", "TLSv1.").replace("sslv3", "SSLv3")
        algorithm = _protocol(version)
        if algorithm:
            yield match.start(), algorithm, AssetType.PROTOCOL


def _ciphers(value: str) -> Iterator[Located]:
    for offset, algorithm in cipher_list(value):
        yield offset, algorithm, AssetType.ALGORITHM


def _groups(value: str) -> Iterator[Located]:
    for token in re.finditer(r"[^\s:,;\"']+", value):
        group = tls_group(token.group(0))
        if group:
            yield token.start(), group, AssetType.ALGORITHM


def _ssh(value: str) -> Iterator[Located]:
    if value.startswith("-"):  # removes algorithms from the defaults: names nothing in use
        return
    for token in re.finditer(r"[^\s,]+", value.lstrip("+^")):
        algorithm = ssh_algorithm(token.group(0))
        if algorithm:
            yield token.start() + len(value) - len(value.lstrip("+^")), algorithm, AssetType.ALGORITHM


def _signature_algorithms(value: str) -> Iterator[Located]:
    for token in re.finditer(r"[^\s:,]+", value):
        algorithm = _signature_scheme(token.group(0))
        if algorithm:
            yield token.start(), algorithm, AssetType.ALGORITHM


def _signature_scheme(token: str) -> Algorithm | None:
    """TLS signature schemes: `RSA+SHA256`, `ecdsa_secp384r1_sha384`, `rsa_pss_rsae_sha256`, `ed25519`, `mldsa65`."""
    lower = token.lower()
    ecdsa = re.fullmatch(r"ecdsa_(secp\d+r1)_sha\d+", lower)
    if ecdsa:
        return classify("ECDSA", ecdsa.group(1))
    if lower.startswith(("rsa_pss", "rsa_pkcs1", "rsa+")):
        return classify("RSA", padding="other" if "pss" in lower else "pkcs1v15", primitive=Primitive.SIGNATURE)
    return parse_name(lower.split("+", 1)[0])


# (directive regex over a comment-free line, reader of the captured value `v`)
_DIRECTIVES: tuple[tuple[re.Pattern[str], Reader], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reader)
    for pattern, reader in (
        # nginx
        (r"^\s*(?:proxy_|grpc_|uwsgi_)?ssl_protocols\s+(?P<v>[^;]+)", _protocols),
        (r"^\s*(?:proxy_|grpc_|uwsgi_)?ssl_ciphers\s+[\"']?(?P<v>[^;\"']+)", _ciphers),
        (r"^\s*ssl_ecdh_curve\s+(?P<v>[^;]+)", _groups),
        (r"^\s*(?:ssl_conf_command|SSLOpenSSLConfCmd)\s+(?:Groups|Curves)\s+(?P<v>[^;]+)", _groups),
        (r"^\s*(?:ssl_conf_command|SSLOpenSSLConfCmd)\s+Ciphersuites\s+(?P<v>[^;]+)", _ciphers),
        (r"^\s*(?:ssl_conf_command|SSLOpenSSLConfCmd)\s+(?:Min|Max)Protocol\s+(?P<v>[^;]+)", _protocols),
        # Apache httpd
        (r"^\s*SSL(?:Proxy)?Protocol\s+(?P<v>.+)", _protocols),
        (r"^\s*SSL(?:Proxy)?CipherSuite\s+(?:(?:TLSv1\.3|SSL)\s+)?[\"']?(?P<v>[^\"']+)", _ciphers),
        # HAProxy
        (r"^\s*ssl-default-(?:bind|server)-ciphers(?:uites)?\s+(?P<v>\S+)", _ciphers),
        (r"^\s*ssl-default-(?:bind|server)-curves\s+(?P<v>\S+)", _groups),
        (r"^\s*ssl-default-(?:bind|server)-options\s+(?P<v>.+)", _haproxy_options),
        (r"^\s*(?:bind|server)\s.*?\bciphers(?:uites)?\s+(?P<v>\S+)", _ciphers),
        (r"^\s*(?:bind|server)\s.*?\bcurves\s+(?P<v>\S+)", _groups),
        (r"^\s*(?:bind|server)\s(?P<v>.*\bssl-(?:min|max)-ver\s+\S+.*)", _haproxy_options),
        # openssl.cnf
        (r"^\s*(?:Min|Max)Protocol\s*=\s*(?P<v>\S+)", _protocols),
        (r"^\s*(?:CipherString|Ciphersuites)\s*=\s*(?P<v>\S+)", _ciphers),
        (r"^\s*(?:Groups|Curves)\s*=\s*(?P<v>\S+)", _groups),
        (r"^\s*(?:Client)?SignatureAlgorithms\s*=\s*(?P<v>\S+)", _signature_algorithms),
        # OpenSSH sshd_config / ssh_config
        (
            r"^\s*(?:KexAlgorithms|HostKeyAlgorithms|PubkeyAcceptedAlgorithms|PubkeyAcceptedKeyTypes|"
            r"HostbasedAcceptedAlgorithms|CASignatureAlgorithms|Ciphers|MACs)\s+(?P<v>\S+)",
            _ssh,
        ),
    )
)


def scan(text: str, path: str) -> list[Finding]:
    findings = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0]
        if not line.strip():
            continue
        seen: set[str] = set()
        for directive, reader in _DIRECTIVES:
            match = directive.match(line)
            if not match:
                continue
            for offset, algorithm, asset in reader(match.group("v")):
                finding = _finding(path, number, match.start("v") + offset + 1, raw, algorithm, asset)
                if finding.label not in seen:
                    seen.add(finding.label)
                    findings.append(finding)
    return findings


def _finding(path: str, line: int, column: int, raw: str, algorithm: Algorithm, asset: AssetType) -> Finding:
    return Finding(
        asset_type=asset,
        algorithm=algorithm,
        path=path,
        line=line,
        column=column,
        evidence=raw.strip()[:160],
        confidence=Confidence.HIGH,
        rule_id="config.tls" if asset is AssetType.PROTOCOL else "config.algorithm",
        language="config",
    )
