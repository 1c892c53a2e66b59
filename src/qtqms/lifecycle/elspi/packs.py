"""The ELSPI pack kinds: the versioned question bank (dimensions, questions, scoring, floors, levels) and the
red lines."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from qtqms.kernel.datapack import ParsedDocument, calendar_problems, dates_as_text, schema_problems
from qtqms.kit import packs as registry
from qtqms.kit.packs import Checked, Known, PackKind
from qtqms.lifecycle.elspi.domain import (
    Floor,
    LevelRule,
    Question,
    QuestionBank,
    RedLine,
    RedLinePack,
)

PACKAGE = "qtqms.lifecycle.elspi"


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((resources.files(PACKAGE) / f"packs/schema/{name}.schema.json").read_text())


def _checked(document: ParsedDocument, name: str) -> tuple[dict[str, Any], list]:
    problems = schema_problems(document, _schema(name))
    if problems:
        return {}, problems
    return dates_as_text(document.data), calendar_problems(document, ("verified_on",))


def _check_bank(document: ParsedDocument, known: Known) -> Checked:
    data, problems = _checked(document, "elspi-question-bank")
    if not data:
        return Checked(None, tuple(problems))
    dimensions = {d["id"] for d in data["dimensions"]}
    ids = [q["id"] for q in data["questions"]]
    for index, question in enumerate(data["questions"]):
        if question["dimension"] not in dimensions:
            path = ("questions", index, "dimension")
            problems.append(document.problem(path, f"'{question['dimension']}' is not a dimension of this bank"))
        if ids.count(question["id"]) > 1:
            problems.append(
                document.problem(("questions", index, "id"), f"question '{question['id']}' is listed twice")
            )
    if [band["level"] for band in data["scoring"]["bands"]] != ["I", "II", "III", "IV"]:
        problems.append(document.problem(("scoring", "bands"), "list the bands I, II, III, IV in order"))
    if problems:
        return Checked(None, tuple(problems))
    scoring = data["scoring"]
    return Checked(
        QuestionBank(
            id=data["id"],
            version=str(data["version"]),
            source=data["source"],
            verified_on=data["verified_on"],
            risk_scale=tuple(data["scales"]["risk"]),
            mitigation_scale=tuple(data["scales"]["mitigation"]),
            mitigation_threshold=scoring["mitigation_threshold"],
            mitigation_factor=scoring["mitigation_factor"],
            bands=tuple((b["level"], b["up_to"]) for b in scoring["bands"]),
            floors=tuple(Floor(**{**f, "severe_in": tuple(f.get("severe_in", ()))}) for f in scoring["floors"]),
            levels={
                level: LevelRule(rule["reassess_months"], tuple(rule["signers"]), tuple(rule["requires"]))
                for level, rule in data["levels"].items()
            },
            dimensions=tuple((d["id"], d["title"]) for d in data["dimensions"]),
            questions=tuple(Question(**q) for q in data["questions"]),
        )
    )


def _check_red_lines(document: ParsedDocument, known: Known) -> Checked:
    data, problems = _checked(document, "red-lines")
    if not data:
        return Checked(None, tuple(problems))
    ids = [r["id"] for r in data["red_lines"]]
    problems += [
        document.problem(("red_lines",), f"red line '{i}' is listed twice")
        for i in sorted(set(ids))
        if ids.count(i) > 1
    ]
    if problems:
        return Checked(None, tuple(problems))
    return Checked(
        RedLinePack(
            id=data["id"],
            version=str(data["version"]),
            deciders=tuple(data["deciders"]),
            red_lines=tuple(RedLine(**r) for r in data["red_lines"]),
        )
    )


SHIPPED = (f"{PACKAGE}:packs",)
QUESTION_BANK = PackKind(
    "elspi-question-bank", "lifecycle", f"{PACKAGE}:packs/schema/elspi-question-bank.schema.json", SHIPPED, _check_bank
)
RED_LINES = PackKind(
    "red-lines", "lifecycle", f"{PACKAGE}:packs/schema/red-lines.schema.json", SHIPPED, _check_red_lines
)


def question_bank() -> QuestionBank:
    """The shipped question bank in force (one is shipped; a new version replaces it)."""
    banks = list(registry.shipped_by_id(QUESTION_BANK).values())
    assert len(banks) == 1, "exactly one ELSPI question bank is shipped"
    return banks[0]


def red_lines() -> RedLinePack:
    packs = list(registry.shipped_by_id(RED_LINES).values())
    assert len(packs) == 1, "exactly one red-line pack is shipped"
    return packs[0]
