"""Crypto policy packs (versioned YAML) and the verdict each gives an asset as of a date; unknown fails closed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from qtqms.kernel.datapack import ParsedDocument, calendar_problems, parse_yaml, raise_problems, schema_problems
from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.pqc.scanner.algorithms import VERDICT_SEVERITY, Algorithm, AssetType, Finding, Verdict, hash_algorithm

PACKS_DIR = Path(__file__).with_name("packs")
SCHEMA_FILE = PACKS_DIR / "policy-pack.schema.json"


@dataclass(frozen=True)
class PolicyRule:
    id: str
    label: str
    match: dict[str, Any]
    verdict: Verdict | None
    deprecated_from: date | None
    risk_acceptance_from: date | None
    disallowed_from: date | str | None  # a date, or "category": the chosen category's date
    source: str | None
    verify: bool

    def matches(self, algorithm: Algorithm, asset_type: AssetType) -> bool:
        match = self.match
        checks = (
            ("families", lambda v: algorithm.family in v),
            ("names", lambda v: algorithm.name in v),
            ("parameters", lambda v: algorithm.parameter in v),
            ("primitives", lambda v: algorithm.primitive.value in v),
            ("asset_types", lambda v: asset_type.value in v),
            ("quantum_vulnerable", lambda v: algorithm.quantum_vulnerable is v),
            ("known", lambda v: algorithm.known),
            ("strength", lambda v: _strength_matches(v, algorithm.classical_bits)),
        )
        return all(check(match[key]) for key, check in checks if key in match)

    def dated_verdict(self, as_of: date, disallowed: date | None) -> Verdict:
        """A dated rule's verdict as of a day, given its disallowed date (the category's, where it has one)."""
        if disallowed is not None and as_of >= disallowed:
            return Verdict.DISALLOWED
        if self.deprecated_from is not None and as_of >= self.deprecated_from:
            return Verdict.DEPRECATED
        return Verdict.ALLOWED


def _strength_matches(bounds: str | dict[str, int], bits: int | None) -> bool:
    if bounds == "unknown":
        return bits is None
    if bits is None:
        return False
    assert isinstance(bounds, dict)
    return bounds.get("min", 0) <= bits <= bounds.get("max", bits)


@dataclass(frozen=True)
class PolicyPack:
    id: str
    title: str
    version: str
    source: str
    verified_on: date
    data: dict[str, Any]
    rules: tuple[PolicyRule, ...]
    origin: str

    @property
    def categories(self) -> dict[str, dict[str, str]]:
        return self.data.get("categories", {})

    def category_date(self, category: str | None) -> date | None:
        """The chosen (or default) category's disallowed date; None where there is no category, or the category
        has no hard end date."""
        chosen = category or self.data.get("default_category")
        if chosen is None:
            return None
        if chosen not in self.categories:
            choices = ", ".join(self.categories) or "none"
            raise InvalidInput(f"policy '{self.id}' has no category '{chosen}' (choose from: {choices})")
        end = self.categories[chosen].get("disallowed_from")
        return date.fromisoformat(end) if end else None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "source": self.source,
            "verified_on": self.verified_on.isoformat(),
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Assessment:
    """A policy's verdict on one finding as of a date, and the rule that decided it."""

    finding: Finding
    verdict: Verdict
    rule_id: str | None
    rule_label: str | None
    disallowed_from: date | None = None
    risk_acceptance_from: date | None = None
    verify: bool = False  # the deciding rule rests on a draft or an unconfirmed reading of its source

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.finding.label,
            "path": self.finding.path,
            "line": self.finding.line,
            "verdict": self.verdict.value,
            "rule": self.rule_id,
            "rule_label": self.rule_label,
            "disallowed_from": self.disallowed_from.isoformat() if self.disallowed_from else None,
            "risk_acceptance_from": self.risk_acceptance_from.isoformat() if self.risk_acceptance_from else None,
            "verify": self.verify,
        }


def shipped_pack_ids() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in PACKS_DIR.glob("*.yaml")))


def load_pack(reference: str) -> PolicyPack:
    """A shipped pack by id, or a pack file of the user's own by path, read anew (the caller keeps what it needs)."""
    if reference in shipped_pack_ids():
        return _load_file(PACKS_DIR / f"{reference}.yaml")
    candidate = Path(reference)
    if candidate.suffix in {".yaml", ".yml"} and candidate.is_file():
        return _load_file(candidate)
    known = ", ".join(shipped_pack_ids())
    raise InvalidInput(f"unknown policy '{reference}' (shipped: {known}; or give a path to a .yaml pack)")


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text("utf-8"))


def _load_file(path: Path) -> PolicyPack:
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read policy pack: {error.strerror or error}") from None
    document = parse_yaml(text, source=str(path))
    raise_problems(str(path), policy_problems(document))
    return policy_from(document)


# Days a pack holds; the schema checks their shape, the calendar whether they exist.
DATED_FIELDS = (
    ("verified_on",),
    ("milestones", "*", "date"),
    ("categories", "*", "disallowed_from"),
    *(("rules", "*", name) for name in ("deprecated_from", "risk_acceptance_from", "disallowed_from")),
)


def policy_problems(document: ParsedDocument) -> list[Problem]:
    """Every problem of a policy pack: its schema first, then its days and its categories."""
    problems = schema_problems(document, _schema())
    if problems:
        return problems
    return calendar_problems(document, *DATED_FIELDS) or _category_problems(document)


def policy_from(document: ParsedDocument) -> PolicyPack:
    """The pack a document without problems describes; its origin is where the document was read."""
    data = document.data
    return PolicyPack(
        id=data["id"],
        title=data["title"],
        version=data["version"],
        source=data["source"],
        verified_on=date.fromisoformat(data["verified_on"]),
        data=data,
        rules=tuple(_rule(entry) for entry in data["rules"]),
        origin=document.source,
    )


def _category_problems(document: ParsedDocument) -> list[Problem]:
    data = document.data
    problems = [
        document.problem(("rules", index, "disallowed_from"), "'category' needs default_category")
        for index, rule in enumerate(data["rules"])
        if rule.get("disallowed_from") == "category" and not data.get("default_category")
    ]
    default = data.get("default_category")
    if default and default not in data.get("categories", {}):
        problems.append(
            Problem(f"unknown default_category '{default}'", document.where("default_category"), "default_category")
        )
    return problems


def _rule(entry: dict[str, Any]) -> PolicyRule:
    def day(key: str) -> date | None:
        value = entry.get(key)
        return date.fromisoformat(value) if value else None

    disallowed = entry.get("disallowed_from")
    return PolicyRule(
        id=entry["id"],
        label=entry["label"],
        match=entry["match"],
        verdict=Verdict(entry["verdict"]) if "verdict" in entry else None,
        deprecated_from=day("deprecated_from"),
        risk_acceptance_from=day("risk_acceptance_from"),
        disallowed_from=disallowed if disallowed == "category" else day("disallowed_from"),
        source=entry.get("source"),
        verify=entry.get("verify", False),
    )


def judge(
    algorithm: Algorithm, asset_type: AssetType, pack: PolicyPack, as_of: date, category: str | None = None
) -> tuple[Verdict, PolicyRule | None, date | None]:
    """Verdict of the first matching rule, and the date the asset becomes (or became) disallowed."""
    for rule in pack.rules:
        if not rule.matches(algorithm, asset_type):
            continue
        if rule.verdict is not None:
            return rule.verdict, rule, None
        disallowed = pack.category_date(category) if rule.disallowed_from == "category" else rule.disallowed_from
        assert disallowed is None or isinstance(disallowed, date)
        return rule.dated_verdict(as_of, disallowed), rule, disallowed
    return Verdict.UNKNOWN, None, None


def evaluate(
    findings: Iterable[Finding], pack: PolicyPack, as_of: date, category: str | None = None
) -> Iterator[Assessment]:
    """Assess every crypto asset (library dependencies are not assets a policy rules on)."""
    for finding in findings:
        if finding.asset_type is AssetType.LIBRARY:
            continue
        judged = [judge(a, finding.asset_type, pack, as_of, category) for a in _assessed_algorithms(finding)]
        verdict, rule, disallowed = max(judged, key=lambda j: VERDICT_SEVERITY[j[0]])
        yield Assessment(
            finding=finding,
            verdict=verdict,
            rule_id=rule.id if rule else None,
            rule_label=rule.label if rule else "no rule of the policy covers this asset",
            disallowed_from=disallowed,
            risk_acceptance_from=rule.risk_acceptance_from if rule else None,
            verify=rule.verify if rule else False,
        )


def _assessed_algorithms(finding: Finding) -> list[Algorithm]:
    """A certificate is judged on its key and on the hash its issuer signed it with."""
    algorithms = [finding.algorithm]
    signature_hash = finding.detail("signature_hash")
    if finding.asset_type is AssetType.CERTIFICATE and signature_hash:
        algorithms.append(hash_algorithm(signature_hash))
    return algorithms


def fails(assessments: Iterable[Assessment], fail_on: Verdict) -> bool:
    """Whether any verdict is at least as severe as `fail_on` (unknown is the most severe: fail closed)."""
    threshold = VERDICT_SEVERITY[fail_on]
    return any(VERDICT_SEVERITY[a.verdict] >= threshold for a in assessments)
