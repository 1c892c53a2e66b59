"""Literal values cut out of evidence excerpts, so that a key or password written into the code never reaches
a CBOM, SARIF or JSON report (issue 17, point 8).

By default every string, bytes or template literal loses its contents (the call and the location stay: the
finding's name already says which algorithm it is), and so do long hexadecimal numbers and long runs that
look like hex or Base64 key material. With `show_literals` the literals are kept except those that look like
key material or hold a private key, which are never shown.
"""

from __future__ import annotations

import dataclasses
import re

from qtqms.pqc.scanner.algorithms import Finding

REDACTED = "<redacted>"

# A quoted literal on one line; an excerpt cut at its length limit may end inside one, so the end of the text
# also closes it. The prefix letters keep b"", r"", f"" and the like recognisable after redaction.
_LITERAL = re.compile(
    r"""(?P<prefix>\b[rRbBuUfF]{1,2})?(?P<quote>'''|\"\"\"|['"`])(?P<body>(?:\\.|.)*?)(?P<end>(?P=quote)|$)"""
)
_KEY_MATERIAL = re.compile(
    r"\b0[xX][0-9a-fA-F]{16,}\b"  # a number written as a long hex literal (an RSA modulus, a raw key)
    r"|\b\d{20,}\b"  # a long decimal number
    r"|\b[0-9a-fA-F]{32,}\b"  # hex-encoded bytes
    r"|\b[A-Za-z0-9+/]{40,}={0,2}"  # Base64, when it holds a digit (cipher suite names have - or _: never)
)
_QUOTES = re.compile(r"['\"`]")
_LONG_RUN = re.compile(r"[0-9A-Za-z+/]{16,}")
_PRIVATE_KEY = re.compile(r"PRIVATE\s+KEY|PRIVATE-KEY|PrivateKey-|-----BEGIN", re.IGNORECASE)


def redact_text(text: str, show_literals: bool = False) -> str:
    """`text` with literal values replaced by `<redacted>`."""

    def literal(match: re.Match[str]) -> str:
        body = match.group("body")
        if show_literals and not _PRIVATE_KEY.search(body) and _KEY_MATERIAL.sub(_material, body) == body:
            return match.group(0)
        if not body:
            return match.group(0)
        quote = match.group("quote")
        return f"{match.group('prefix') or ''}{quote}{REDACTED}{match.group('end')}"

    if not _QUOTES.search(text) and not _LONG_RUN.search(text):
        return text  # most excerpts: nothing to look at
    return _KEY_MATERIAL.sub(_material, _LITERAL.sub(literal, text))


def _material(match: re.Match[str]) -> str:
    run = match.group(0)
    return REDACTED if any(character.isdigit() for character in run) else run


def redact(finding: Finding, show_literals: bool = False) -> Finding:
    """The finding with its evidence redacted (the same object when there was nothing to cut)."""
    evidence = redact_text(finding.evidence, show_literals)
    return finding if evidence == finding.evidence else dataclasses.replace(finding, evidence=evidence)
