"""Export-control rules: a control list as tests over a product's recorded parameters, and the calculator that
names each candidate controlled item with the threshold that triggered it, where it applies, and what is missing
to decide. Decision support, not legal advice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NOT_LEGAL_ADVICE = (
    "Decision support, not legal advice: the classification reads the recorded parameters against our reading of "
    "the control lists; an export-control specialist confirms it before any export."
)


@dataclass(frozen=True)
class TableRow:
    min: int
    max: int | None
    max_error: float | None  # None: controlled whatever the error

    def says(self) -> str:
        qubits = f"{self.min}-{self.max}" if self.max is not None else f"{self.min} or more"
        error = f"C-NOT error at most {self.max_error:g}" if self.max_error is not None else "any C-NOT error"
        return f"{qubits} physical qubits with {error}"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    applies_to: tuple[str, ...]
    test: str
    table: tuple[TableRow, ...] = ()
    needs: str = ""
    follows: str = ""
    verify: bool = False


@dataclass(frozen=True)
class ControlList:
    id: str
    jurisdiction: str
    title: str
    version: str
    source: str
    verified_on: str
    notes: tuple[str, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Candidate:
    jurisdiction: str
    pack: str
    item: str
    title: str
    status: str  # controlled, not controlled, undetermined
    reason: str
    verify: bool


def _qubit_table(rule: Rule, parameters: Mapping[str, Any]) -> tuple[str, str, list[str]]:
    qubits, error = parameters.get("physical_qubits"), parameters.get("cnot_error")
    if qubits is None:
        return "undetermined", "the number of physical qubits is not recorded", ["physical_qubits"]
    row = next((r for r in rule.table if r.min <= qubits and (r.max is None or qubits <= r.max)), None)
    if row is None:
        return "not controlled", f"{qubits} physical qubits is below every row of the table (fewer than 34)", []
    if row.max_error is None:
        return "controlled", f"{qubits} qubits meets the row '{row.says()}'", []
    if error is None:
        return (
            "undetermined",
            f"{qubits} qubits falls in the row '{row.says()}'; the C-NOT error is not recorded",
            ["cnot_error"],
        )
    if error <= row.max_error:
        return "controlled", f"{qubits} qubits at a C-NOT error of {error:g} meets the row '{row.says()}'", []
    return (
        "not controlled",
        f"{qubits} qubits at a C-NOT error of {error:g} is above the row's limit ({row.says()})",
        [],
    )


def classify(
    domain: str, parameters: Mapping[str, Any], lists: Sequence[ControlList]
) -> tuple[list[Candidate], list[str]]:
    """Every rule of every list that applies to the domain, with its verdict; and what is missing to decide."""
    found, missing = [], []
    for control_list in lists:
        verdicts: dict[str, str] = {}
        for rule in control_list.rules:
            if domain not in rule.applies_to:
                continue
            if rule.test == "qubit-table":
                status, reason, lacking = _qubit_table(rule, parameters)
                missing += lacking
            elif rule.test == "follows":
                status = verdicts.get(rule.follows, "not controlled")
                reason = f"follows {rule.follows}: {status}"
            else:
                status, reason = "undetermined", f"to decide, record {rule.needs}"
            verdicts[rule.id] = status
            found.append(
                Candidate(
                    control_list.jurisdiction,
                    f"{control_list.id}@{control_list.version}",
                    rule.id,
                    rule.title,
                    status,
                    reason,
                    rule.verify,
                )
            )
    return found, sorted(set(missing))


def changes(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> list[str]:
    """What changed between two classifications, item by item ("4A906.a (US): controlled -> not controlled")."""
    then = {(c["jurisdiction"], c["item"]): c["status"] for c in before}
    now = {(c["jurisdiction"], c["item"]): c["status"] for c in after}
    said = []
    for key in sorted({*then, *now}):
        if then.get(key) != now.get(key):
            said.append(f"{key[1]} ({key[0]}): {then.get(key, 'not listed')} -> {now.get(key, 'not listed')}")
    return said
