"""Risk packs as files: risk matrices, the threat catalogue and the CRQC timeline scenarios."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from qtqms.kernel.datapack import (
    ParsedDocument,
    calendar_problems,
    dates_as_text,
    parse_yaml,
    raise_problems,
    schema_problems,
)
from qtqms.kernel.errors import InvalidInput, NotFound, Problem
from qtqms.kit import packs as registry
from qtqms.kit.packs import Checked, Known, PackKind
from qtqms.risk.domain import (
    CrqcScenario,
    CrqcScenarioSet,
    Decision,
    PackInfo,
    RiskLevel,
    RiskMatrix,
    ScaleStep,
    Threat,
    ThreatCatalogue,
    matrix_violations,
    scenario_violations,
    threat_violations,
)

Pack = RiskMatrix | ThreatCatalogue | CrqcScenarioSet


@lru_cache(maxsize=1)
def pack_schema() -> dict[str, Any]:
    text = (resources.files("qtqms.risk") / "packs" / "schema" / "risk-pack.schema.json").read_text("utf-8")
    return json.loads(text)


def load_text(text: str, *, source: str) -> Pack:
    """One pack from YAML text; every problem is reported as file:line and field, and nothing is half-loaded."""
    pack, problems = check_document(parse_yaml(text, source=source))
    raise_problems(source, problems)
    assert pack is not None
    return pack


# Days a pack holds; the schema checks their shape, the calendar whether they exist.
DATED_FIELDS = (("verified_on",), ("scenarios", "*", "source_date"), ("scenarios", "*", "verified_on"))


def check_document(document: ParsedDocument) -> tuple[Pack | None, list[Problem]]:
    """The pack a document describes, or every problem: its schema first, then the rules of its kind."""
    problems = schema_problems(document, pack_schema())
    if problems:
        return None, problems
    data = dates_as_text(document.data)
    violations = {
        "risk-matrix": matrix_violations,
        "threat-catalogue": threat_violations,
        "crqc-scenarios": scenario_violations,
    }[data["kind"]](data)
    problems = [document.problem(path, message) for path, message in violations]
    problems += calendar_problems(document, *DATED_FIELDS)
    return (None if problems else _build(data, document)), problems


def _check(document: ParsedDocument, known: Known) -> Checked:
    pack, problems = check_document(document)
    return Checked(pack, tuple(problems))


def _info(data: Mapping[str, Any]) -> PackInfo:
    return PackInfo(
        id=data["id"],
        title=data["title"],
        version=str(data["version"]),
        source=data["source"],
        verified_on=data["verified_on"],
        notes=tuple(data.get("notes", ())),
    )


def _build(data: Mapping[str, Any], document: ParsedDocument) -> Pack:
    if data["kind"] == "risk-matrix":
        return RiskMatrix(
            info=_info(data),
            likelihood=tuple(ScaleStep(**step) for step in data["likelihood"]),
            impact=tuple(ScaleStep(**step) for step in data["impact"]),
            levels=tuple(
                RiskLevel(
                    **{**level, "decision": Decision(level["decision"]), "accept_roles": tuple(level["accept_roles"])}
                )
                for level in data["levels"]
            ),
            grid=tuple(tuple(row) for row in data["grid"]),
        )
    if data["kind"] == "threat-catalogue":
        return ThreatCatalogue(
            info=_info(data),
            threats=tuple(
                Threat(**{**t, "domains": tuple(t["domains"]), "affects": tuple(t["affects"])}) for t in data["threats"]
            ),
        )
    return CrqcScenarioSet(
        info=_info(data),
        default=data["default"],
        scenarios=tuple(CrqcScenario(**s) for s in data["scenarios"]),
    )


@dataclass(frozen=True)
class RiskPacks:
    matrices: dict[str, RiskMatrix]
    catalogues: dict[str, ThreatCatalogue]
    crqc: CrqcScenarioSet

    def matrix(self, matrix_id: str) -> RiskMatrix:
        found = self.matrices.get(matrix_id)
        if found is None:
            raise NotFound(f"risk matrix '{matrix_id}' not found (known: {', '.join(sorted(self.matrices))})")
        return found

    def threat(self, ref: str) -> Threat:
        """The threat named 'catalogue-id:THREAT-ID'."""
        pack_id, _, threat_id = ref.partition(":")
        catalogue = self.catalogues.get(pack_id)
        threat = next((t for t in catalogue.threats if t.id == threat_id), None) if catalogue else None
        if threat is None:
            raise InvalidInput(f"threat '{ref}' is not in the threat catalogue (use e.g. qtqms-threats:Q-HNDL)")
        return threat

    def all_threats(self) -> list[tuple[str, Threat]]:
        return [(c.ref(t), t) for c in self.catalogues.values() for t in c.threats]


SCHEMA = "qtqms.risk:packs/schema/risk-pack.schema.json"
SHIPPED = ("qtqms.risk:packs",)
RISK_MATRIX = PackKind("risk-matrix", "risk", SCHEMA, SHIPPED, _check)
THREAT_CATALOGUE = PackKind("threat-catalogue", "risk", SCHEMA, SHIPPED, _check)
CRQC_SCENARIOS = PackKind("crqc-scenarios", "risk", SCHEMA, SHIPPED, _check)


def shipped() -> RiskPacks:
    """The packs shipped in qtqms/risk/packs (read and checked once a process, by the pack registry's cache)."""
    crqc = list(registry.shipped_by_id(CRQC_SCENARIOS).values())
    assert len(crqc) == 1, "exactly one CRQC scenario pack is shipped"
    return RiskPacks(
        matrices=registry.shipped_by_id(RISK_MATRIX),
        catalogues=registry.shipped_by_id(THREAT_CATALOGUE),
        crqc=crqc[0],
    )


DEFAULT_MATRIX = "qtqms-5x5"
HNDL_THREAT = "qtqms-threats:Q-HNDL"
