"""The export-control-list pack kind: one jurisdiction's controlled quantum items, each with source, date and
verified_on, and `verify: true` where our reading awaits confirmation."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from qtqms.kernel.datapack import ParsedDocument, calendar_problems, dates_as_text, schema_problems
from qtqms.kit import packs as registry
from qtqms.kit.packs import Checked, Known, PackKind
from qtqms.lifecycle.export_control.domain import ControlList, Rule, TableRow

PACKAGE = "qtqms.lifecycle.export_control"


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads((resources.files(PACKAGE) / "packs/schema/export-control-list.schema.json").read_text())


def _check(document: ParsedDocument, known: Known) -> Checked:
    problems = schema_problems(document, _schema())
    if problems:
        return Checked(None, tuple(problems))
    data = dates_as_text(document.data)
    problems = calendar_problems(document, ("verified_on",), ("source_date",))
    for index, rule in enumerate(data["rules"]):
        rows = rule.get("table", [])
        for r_index, (row, following) in enumerate(zip(rows, rows[1:], strict=False)):
            if row["max"] is None or following["min"] != row["max"] + 1:
                path = ("rules", index, "table", r_index + 1, "min")
                problems.append(document.problem(path, "the rows must follow each other without gap or overlap"))
    if problems:
        return Checked(None, tuple(problems))
    return Checked(
        ControlList(
            id=data["id"],
            jurisdiction=data["jurisdiction"],
            title=data["title"],
            version=str(data["version"]),
            source=data["source"],
            verified_on=data["verified_on"],
            notes=tuple(data.get("notes", ())),
            rules=tuple(
                Rule(
                    **{
                        **r,
                        "applies_to": tuple(r["applies_to"]),
                        "table": tuple(TableRow(**t) for t in r.get("table", ())),
                    }
                )
                for r in data["rules"]
            ),
        )
    )


EXPORT_CONTROL_LIST = PackKind(
    "export-control-list",
    "lifecycle",
    f"{PACKAGE}:packs/schema/export-control-list.schema.json",
    (f"{PACKAGE}:packs",),
    _check,
)


def control_lists() -> list[ControlList]:
    return sorted(registry.shipped_by_id(EXPORT_CONTROL_LIST).values(), key=lambda c: c.jurisdiction)
