"""Findings → SARIF 2.1.0, so code-scanning tools show crypto assets and policy verdicts inline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qtqms.pqc.scanner.algorithms import Finding, Verdict
from qtqms.pqc.scanner.policy import Assessment

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Verdict.ALLOWED: "note", Verdict.DEPRECATED: "warning", Verdict.DISALLOWED: "error", Verdict.UNKNOWN: "error"}


def to_sarif(
    findings: Iterable[Finding], assessments: Iterable[Assessment] = (), policy_id: str | None = None
) -> dict[str, Any]:
    from qtqms import __version__

    verdicts = {(a.finding.path, a.finding.line, a.finding.label): a for a in assessments}
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for finding in findings:
        rules.setdefault(finding.rule_id, _rule(finding))
        assessment = verdicts.get((finding.path, finding.line, finding.label))
        results.append(_result(finding, assessment, policy_id))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "qtqms-pqc-scanner",
                        "version": __version__,
                        "informationUri": "https://github.com/qtqms/qtqms",
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }


def _rule(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule_id,
        "shortDescription": {"text": f"Cryptographic asset found by {finding.rule_id} ({finding.language})"},
    }


def _result(finding: Finding, assessment: Assessment | None, policy_id: str | None) -> dict[str, Any]:
    algorithm = finding.algorithm
    message = f"{finding.label} ({algorithm.primitive.value})"
    if algorithm.quantum_vulnerable:
        message += ", quantum-vulnerable"
    if assessment is not None:
        message += f"; policy {policy_id}: {assessment.verdict.value}"
        if assessment.disallowed_from and assessment.verdict is not Verdict.DISALLOWED:
            message += f", disallowed from {assessment.disallowed_from.isoformat()}"
        level = _LEVEL[assessment.verdict]
    else:
        level = "warning" if algorithm.quantum_vulnerable else "note"
    return {
        "ruleId": finding.rule_id,
        "level": level,
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path},
                    "region": {
                        "startLine": max(finding.line, 1),
                        "startColumn": max(finding.column, 1),
                        "snippet": {"text": finding.evidence},
                    },
                }
            }
        ],
        "properties": {k: v for k, v in finding.to_dict().items() if k not in {"path", "line", "column", "evidence"}},
    }
