"""The technology-parameters pack kind: which typed parameters, with which units, each technology domain
records."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from qtqms.kernel.datapack import ParsedDocument, calendar_problems, dates_as_text, schema_problems
from qtqms.kit import packs as registry
from qtqms.kit.packs import Checked, Known, PackKind
from qtqms.lifecycle.products.domain import ParameterPack, ParameterSpec, TechnologyDomain

SCHEMA = "qtqms.lifecycle.products:packs/schema/technology-parameters.schema.json"


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = (resources.files("qtqms.lifecycle.products") / "packs/schema/technology-parameters.schema.json").read_text()
    return json.loads(text)


def _check(document: ParsedDocument, known: Known) -> Checked:
    problems = schema_problems(document, _schema())
    if problems:
        return Checked(None, tuple(problems))
    data = dates_as_text(document.data)
    problems = calendar_problems(document, ("verified_on",))
    ids = [d["id"] for d in data["domains"]]
    for index, domain in enumerate(data["domains"]):
        if ids.count(domain["id"]) > 1:
            problems.append(document.problem(("domains", index, "id"), f"domain '{domain['id']}' is declared twice"))
        names = [p["name"] for p in domain["parameters"]]
        for p_index, name in enumerate(names):
            if names.count(name) > 1:
                path = ("domains", index, "parameters", p_index, "name")
                problems.append(document.problem(path, f"parameter '{name}' is declared twice"))
    if problems:
        return Checked(None, tuple(problems))
    return Checked(_build(data))


def _build(data: dict[str, Any]) -> ParameterPack:
    return ParameterPack(
        id=data["id"],
        version=str(data["version"]),
        source=data["source"],
        verified_on=data["verified_on"],
        domains=tuple(
            TechnologyDomain(
                id=d["id"],
                title=d["title"],
                technology=d["technology"],
                parameters=tuple(
                    ParameterSpec(**{k: v for k, v in p.items() if k != "verify"}) for p in d["parameters"]
                ),
            )
            for d in data["domains"]
        ),
    )


TECHNOLOGY_PARAMETERS = PackKind(
    "technology-parameters", "lifecycle", SCHEMA, ("qtqms.lifecycle.products:packs",), _check
)


def parameter_pack() -> ParameterPack:
    """The shipped parameter pack (one is shipped)."""
    packs = list(registry.shipped_by_id(TECHNOLOGY_PARAMETERS).values())
    assert len(packs) == 1, "exactly one technology-parameters pack is shipped"
    return packs[0]
