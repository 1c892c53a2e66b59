"""Risk packs as files: risk matrices, the threat catalogue and the CRQC timeline scenarios."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from qtqms.kernel.datapack import ParsedDocument, load_document, raise_problems
from qtqms.kernel.errors import InvalidInput, NotFound
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
    date_violations,
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
    document = load_document(text, source=source, schema=pack_schema())
    data = _dates_as_text(document.data)
    violations = {
        "risk-matrix": matrix_violations,
        "threat-catalogue": threat_violations,
        "crqc-scenarios": scenario_violations,
    }[data["kind"]](data)
    violations += date_violations(data)
    raise_problems(source, [document.problem(path, message) for path, message in violations])
    return _build(data, document)


def _dates_as_text(value: Any) -> Any:
    """YAML reads an unquoted 2026-11-24 as a date; the schema expects ISO text."""
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


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


@lru_cache(maxsize=1)
def shipped() -> RiskPacks:
    """The packs shipped in qtqms/risk/packs, loaded once per process."""
    folder = resources.files("qtqms.risk") / "packs"
    packs = [
        load_text(entry.read_text("utf-8"), source=f"risk/packs/{entry.name}")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith((".yaml", ".yml"))
    ]
    crqc = [p for p in packs if isinstance(p, CrqcScenarioSet)]
    assert len(crqc) == 1, "exactly one CRQC scenario pack is shipped"
    return RiskPacks(
        matrices={p.id: p for p in packs if isinstance(p, RiskMatrix)},
        catalogues={p.info.id: p for p in packs if isinstance(p, ThreatCatalogue)},
        crqc=crqc[0],
    )


DEFAULT_MATRIX = "qtqms-5x5"
HNDL_THREAT = "qtqms-threats:Q-HNDL"
