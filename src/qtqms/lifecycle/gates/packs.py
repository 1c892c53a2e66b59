"""The gate-template pack kind: the criteria and signers of each stage gate, versioned."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from qtqms.kernel.datapack import ParsedDocument, calendar_problems, dates_as_text, schema_problems
from qtqms.kit import packs as registry
from qtqms.kit.packs import Checked, Known, PackKind
from qtqms.lifecycle.gates.domain import Criterion, Gate, GateTemplate

SCHEMA = "qtqms.lifecycle.gates:packs/schema/gate-template.schema.json"
GATE_ORDER = [f"G{index}" for index in range(7)]


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads((resources.files("qtqms.lifecycle.gates") / "packs/schema/gate-template.schema.json").read_text())


def _check(document: ParsedDocument, known: Known) -> Checked:
    problems = schema_problems(document, _schema())
    if problems:
        return Checked(None, tuple(problems))
    data = dates_as_text(document.data)
    problems = calendar_problems(document, ("verified_on",))
    if [g["id"] for g in data["gates"]] != GATE_ORDER:
        problems.append(document.problem(("gates",), "list the gates once each, in order G0 to G6"))
    ids = [c["id"] for g in data["gates"] for c in g["criteria"]]
    for twice in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(document.problem(("gates",), f"criterion id '{twice}' is used twice"))
    if problems:
        return Checked(None, tuple(problems))
    return Checked(
        GateTemplate(
            id=data["id"],
            version=str(data["version"]),
            source=data["source"],
            verified_on=data["verified_on"],
            high_levels=tuple(data["high_levels"]),
            level_signers={level: tuple(roles) for level, roles in data["level_signers"].items()},
            gates=tuple(
                Gate(
                    id=g["id"],
                    title=g["title"],
                    signers=tuple(g["signers"]),
                    criteria=tuple(Criterion(**{**c, "fields": tuple(c.get("fields", ()))}) for c in g["criteria"]),
                )
                for g in data["gates"]
            ),
        )
    )


GATE_TEMPLATE = PackKind("gate-template", "lifecycle", SCHEMA, ("qtqms.lifecycle.gates:packs",), _check)


def gate_template() -> GateTemplate:
    """The shipped gate template (one is shipped; per-technology templates would be chosen here)."""
    templates = list(registry.shipped_by_id(GATE_TEMPLATE).values())
    assert len(templates) == 1, "exactly one gate template is shipped"
    return templates[0]
