"""Findings → SARIF 2.1.0 that code-scanning services accept (GitHub's upload rules among them), so that crypto
assets and their policy verdicts show inline in a pull request and are tracked from commit to commit.

One rule per kind of finding (asset type and family: `pqc/algorithm/rsa`, `pqc/certificate/ecdsa`,
`pqc/protocol/tls`), with help that says why it matters, what the policy decided and which replacement the
table suggests. Locations are relative to `%SRCROOT%`, the scanned folder; the partial fingerprint leaves the
line out, so a finding keeps its identity when code above it moves.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qtqms.pqc.scanner.algorithms import VERDICT_SEVERITY, AssetType, Confidence, Finding, Verdict
from qtqms.pqc.scanner.policy import Assessment
from qtqms.pqc.scanner.replacements import ReplacementTable, Suggestion

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "qtqmsFinding/v1"
INFORMATION_URI = "https://github.com/qtqms/qtqms"
HELP_URI = f"{INFORMATION_URI}/blob/main/docs/pqc.md#sarif-for-code-scanning"

_LEVEL = {Verdict.ALLOWED: "note", Verdict.DEPRECATED: "warning", Verdict.DISALLOWED: "error", Verdict.UNKNOWN: "error"}
# GitHub reads security-severity as a CVSS-like score: 7.0 and up is "high", 4.0 to 6.9 "medium", below "low".
_SEVERITY = {Verdict.ALLOWED: "1.0", Verdict.DEPRECATED: "5.0", Verdict.DISALLOWED: "7.5", Verdict.UNKNOWN: "8.0"}
_UNJUDGED_SEVERITY = {True: "6.0", False: "2.0", None: "3.0"}  # by quantum-vulnerable, when no policy was given

_ASSET_WORDS = {
    AssetType.ALGORITHM: "algorithm",
    AssetType.CERTIFICATE: "certificate",
    AssetType.PROTOCOL: "protocol",
    AssetType.RELATED_MATERIAL: "key material",
    AssetType.LIBRARY: "crypto library",
}


def to_sarif(
    findings: Iterable[Finding],
    assessments: Iterable[Assessment] = (),
    policy_id: str | None = None,
    *,
    source_root: str | Path | None = None,
    replacements: ReplacementTable | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """A SARIF log of one run. `source_root` is the folder the finding paths are relative to (the scanned one);
    `replacements` names the suggested replacement in each rule's help; `as_of` the day the policy judged."""
    from qtqms import __version__

    findings = list(findings)
    verdicts = {(a.finding.path, a.finding.line, a.finding.label): a for a in assessments}
    judged = [(finding, verdicts.get((finding.path, finding.line, finding.label))) for finding in findings]
    kinds: dict[str, list[tuple[Finding, Assessment | None]]] = defaultdict(list)
    for finding, assessment in judged:
        kinds[rule_id(finding)].append((finding, assessment))
    context = _Context(policy_id, replacements, as_of)
    rules = [_rule(identifier, members, context) for identifier, members in kinds.items()]
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    seen: Counter[str] = Counter()
    results = [_result(finding, assessment, index, seen, context) for finding, assessment in judged]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "qtqms-pqc-scanner",
                "fullName": "qtqms crypto inventory scanner",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if source_root is not None:
        root = Path(source_root).resolve()
        run["originalUriBaseIds"] = {
            SRCROOT: {"uri": root.as_uri().rstrip("/") + "/", "description": {"text": "The scanned folder."}}
        }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def rule_id(finding: Finding) -> str:
    """The rule of a finding's kind: its asset type and family (`pqc/algorithm/rsa`; `pqc/library`)."""
    if finding.asset_type is AssetType.LIBRARY:
        return "pqc/library"
    return f"pqc/{finding.asset_type.value}/{_slug(finding.algorithm.family)}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


class _Context:
    """What every rule and result of one run is judged with."""

    def __init__(self, policy_id: str | None, table: ReplacementTable | None, as_of: date | None) -> None:
        self.policy_id = policy_id
        self.table = table
        self.as_of = as_of

    def suggestion(self, finding: Finding, locations: list[str]) -> Suggestion | None:
        if self.table is None:
            return None
        algorithm = finding.algorithm
        asset = {
            "family": algorithm.family,
            "primitive": algorithm.primitive.value,
            "asset_type": finding.asset_type.value,
            "quantum_vulnerable": algorithm.quantum_vulnerable,
            "locations": locations,
        }
        return self.table.suggest(asset)


def _rule(identifier: str, members: list[tuple[Finding, Assessment | None]], context: _Context) -> dict[str, Any]:
    first = members[0][0]
    algorithm = first.algorithm
    noun = _ASSET_WORDS[first.asset_type]
    family = "Crypto library" if first.asset_type is AssetType.LIBRARY else f"{algorithm.family} {noun}"
    worst = _worst([assessment for _, assessment in members])
    why = _why(first)
    verdict_text = _verdict_summary(members, context)
    suggestion = context.suggestion(first, [])
    advice = (
        f"Suggested replacement ({context.table.label}:{suggestion.id}): {suggestion.replacement}. "
        f"{suggestion.rationale}"
        if suggestion and context.table
        else "No replacement is suggested for this kind: keep it within the limits the policy sets."
    )
    primitives = sorted({finding.algorithm.primitive.value for finding, _ in members})
    tags = ["security", "cryptography", "post-quantum", first.asset_type.value, *primitives]
    if algorithm.quantum_vulnerable:
        tags.append("quantum-vulnerable")
    severity = _SEVERITY[worst] if worst is not None else _UNJUDGED_SEVERITY[algorithm.quantum_vulnerable]
    return {
        "id": identifier,
        "name": "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", f"{family}") if part),
        "shortDescription": {"text": f"{family} in use."},
        "fullDescription": {"text": f"{family} found in code or configuration. {why}"},
        "help": {
            "text": f"{why} {verdict_text} {advice}",
            "markdown": (
                f"**Why it matters.** {why}\n\n**Policy.** {verdict_text}\n\n**What to do.** {advice}\n\n"
                f"See [the crypto scanner's documentation]({HELP_URI})."
            ),
        },
        "helpUri": HELP_URI,
        "defaultConfiguration": {"level": _level(worst, first)},
        "properties": {"tags": tags, "security-severity": severity, "precision": _precision(members)},
    }


def _precision(members: list[tuple[Finding, Assessment | None]]) -> str:
    """The rule's precision as code scanning reads it: that of its least certain finding."""
    confidences = {finding.confidence for finding, _ in members}
    return next(level.value for level in (Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH) if level in confidences)


def _why(finding: Finding) -> str:
    algorithm = finding.algorithm
    if finding.asset_type is AssetType.LIBRARY:
        return (
            "A cryptography library among the dependencies: its version decides which algorithms, post-quantum "
            "ones included, the code can use."
        )
    if finding.asset_type is AssetType.PROTOCOL:
        return (
            f"{algorithm.family} protects data in transit; its version and the key exchange and signatures it "
            "negotiates decide whether recorded sessions stay confidential once quantum computers arrive."
        )
    if not algorithm.known:
        return (
            "A crypto API was recognised but its algorithm could not be told from the code, so no policy can "
            "judge it: it counts as unknown, which fails every policy gate until it is named."
        )
    if algorithm.quantum_vulnerable:
        return (
            f"{algorithm.family} is public-key cryptography that a large quantum computer breaks (Shor's "
            "algorithm); data it protects today can be recorded now and read later."
        )
    if algorithm.classical_bits == 0:
        return f"{algorithm.family} is already broken without a quantum computer and should not protect anything."
    return (
        f"{algorithm.family} is not broken by quantum computers; Grover's search at most halves its strength, so "
        "the key or digest size decides whether it stays acceptable."
    )


def _verdict_summary(members: list[tuple[Finding, Assessment | None]], context: _Context) -> str:
    if context.policy_id is None:
        return "No policy was given to this scan, so nothing was judged (scan with --policy to judge)."
    counts = Counter(assessment.verdict.value for _, assessment in members if assessment is not None)
    day = f" as of {context.as_of.isoformat()}" if context.as_of else ""
    if not counts:
        return f"Policy {context.policy_id}{day} does not judge this kind (libraries are not judged)."
    listed = ", ".join(f"{count} {verdict}" for verdict, count in sorted(counts.items()))
    dates = sorted({a.disallowed_from for _, a in members if a is not None and a.disallowed_from})
    later = f"; disallowed from {dates[0].isoformat()}" if dates else ""
    return f"Policy {context.policy_id}{day}: {listed}{later}."


def _worst(assessments: Iterable[Assessment | None]) -> Verdict | None:
    verdicts = [assessment.verdict for assessment in assessments if assessment is not None]
    return max(verdicts, key=VERDICT_SEVERITY.__getitem__) if verdicts else None


def _level(verdict: Verdict | None, finding: Finding) -> str:
    if verdict is not None:
        return _LEVEL[verdict]
    return "warning" if finding.algorithm.quantum_vulnerable else "note"


def _result(
    finding: Finding, assessment: Assessment | None, index: dict[str, int], seen: Counter[str], context: _Context
) -> dict[str, Any]:
    algorithm = finding.algorithm
    identifier = rule_id(finding)
    message = f"{finding.label} ({algorithm.primitive.value})"
    if algorithm.quantum_vulnerable:
        message += ", quantum-vulnerable"
    properties = {k: v for k, v in finding.to_dict().items() if k not in {"path", "line", "column", "evidence"}}
    if assessment is not None:
        message += f"; policy {context.policy_id}: {assessment.verdict.value}"
        if assessment.disallowed_from and assessment.verdict is not Verdict.DISALLOWED:
            message += f", disallowed from {assessment.disallowed_from.isoformat()}"
        properties["verdict"] = assessment.verdict.value
        properties["policy_rule"] = assessment.rule_id
    suggestion = context.suggestion(finding, [finding.path])
    if suggestion is not None and assessment is not None and assessment.verdict is not Verdict.ALLOWED:
        message += f"; suggested: {suggestion.replacement}"
        properties["suggested_replacement"] = suggestion.replacement
    return {
        "ruleId": identifier,
        "ruleIndex": index[identifier],
        "level": _level(assessment.verdict if assessment else None, finding),
        "message": {"text": message + "."},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(finding.path), "uriBaseId": SRCROOT},
                    "region": {
                        "startLine": max(finding.line, 1),
                        "startColumn": max(finding.column, 1),
                        "snippet": {"text": finding.evidence},
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(identifier, finding, seen)},
        "properties": properties,
    }


def _fingerprint(identifier: str, finding: Finding, seen: Counter[str]) -> str:
    """Same finding, same print, on any run: rule, file, asset and the excerpt with its spacing evened out, and
    which repeat of those in the file it is; the line is left out so that edits above it do not change it."""
    key = "\x1f".join((identifier, finding.path, finding.label, " ".join(finding.evidence.split())))
    seen[key] += 1
    return hashlib.sha256(f"{key}\x1f{seen[key]}".encode()).hexdigest()[:32]
