"""An organisation's own framework from a CSV file or an XLSX sheet, checked exactly like a pack file."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qtqms.catalog import packs
from qtqms.catalog.domain import FrameworkPack
from qtqms.kernel.datapack import ParsedDocument, raise_problems
from qtqms.kernel.errors import InvalidInput, Problem

COLUMNS = ("id", "parent", "kind", "assessable", "label", "description", "tags")
REQUIRED_COLUMNS = ("id", "kind", "label")
ID_COLUMNS = ("id", "parent")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
SHEET_NAME = "requirements"


@dataclass(frozen=True)
class TableDocument(ParsedDocument):
    """Pack data read from a table: requirement problems point at `file:row N` and name the column."""

    rows: tuple[int, ...] = ()  # the sheet row of each requirement, header being row 1

    def where(self, *path: str | int) -> str:
        if _is_row_path(path):
            return f"{self.source}:row {self.rows[int(path[1])]}"
        return self.source

    def problem(self, path: tuple[str | int, ...], message: str) -> Problem:
        if _is_row_path(path):
            return Problem(message, where=self.where(*path), field=str(path[2]) if len(path) > 2 else "")
        return super().problem(path, message)


def _is_row_path(path: Sequence[str | int]) -> bool:
    return len(path) >= 2 and path[0] == "requirements" and isinstance(path[1], int)


def read_framework_table(path: Path, *, meta: Mapping[str, Any]) -> FrameworkPack:
    """A framework pack from `path` (.csv or .xlsx) plus the pack fields in `meta`; every bad row is reported."""
    source = str(path)
    header, numbered_rows = _read_rows(path)
    raise_problems(source, _header_problems(header, source))
    items, row_numbers, problems = [], [], []
    for row_number, cells in numbered_rows:
        item, cell_problems = _requirement_item(dict(zip(header, cells, strict=False)))
        if item:
            problems += [Problem(message, f"{source}:row {row_number}", column) for column, message in cell_problems]
            items.append(item)
            row_numbers.append(row_number)
    data = {"kind": "framework", **meta, "requirements": items}
    checked = packs.check_document(TableDocument(data=data, source=source, lines={}, rows=tuple(row_numbers)))
    raise_problems(source, sorted([*problems, *checked.problems], key=_row_order))
    assert isinstance(checked.pack, FrameworkPack)
    return checked.pack


def _row_order(problem: Problem) -> tuple[int, str]:
    _, _, row = problem.where.rpartition(":row ")
    return (int(row) if row.isdigit() else 0, problem.field)


def _read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)
    else:
        raise InvalidInput(f"{path}: expected a .csv or .xlsx file")
    if not rows:
        raise InvalidInput(f"{path}: the table is empty")
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    return header, ((number, cells) for number, cells in enumerate(rows[1:], start=2))


def _csv_rows(path: Path) -> list[list[Any]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return list(csv.reader(handle))
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InvalidInput(f"{path}: cannot read the CSV file: {error}") from None


def _xlsx_rows(path: Path) -> list[list[Any]]:
    """The sheet named 'requirements', else the first sheet; read-only, formulas as their last values."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except Exception as error:  # openpyxl raises assorted zip/XML errors for a file that is not a workbook
        raise InvalidInput(f"{path}: cannot read the XLSX file: {error}") from None
    try:
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _header_problems(header: list[str], source: str) -> list[Problem]:
    where = f"{source}:row 1"
    problems = [Problem(f"unknown column; expected some of {', '.join(COLUMNS)}", where, column)
                for column in header if column and column not in COLUMNS]  # fmt: skip
    problems += [Problem("required column is missing", where, column) for column in REQUIRED_COLUMNS
                 if column not in header]  # fmt: skip
    return problems


def _requirement_item(cells: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The pack-file entry for one row (empty for a blank row) and the cell problems the schema cannot see."""
    problems: list[tuple[str, str]] = []
    item: dict[str, Any] = {}
    for column in COLUMNS:
        value = cells.get(column)
        if isinstance(value, float) and column in ID_COLUMNS:
            item[column] = value  # a spreadsheet turns 5.10 into 5.1: let the schema refuse it, never guess
            continue
        text = "" if value is None else str(value).strip()
        if text:
            item[column] = text
    if "assessable" in item:
        item["assessable"] = _yes_no(item["assessable"])
    if "tags" in item:
        item["tags"], tag_problem = _tags(item["tags"])
        if tag_problem:
            problems.append(("tags", tag_problem))
    return item, problems


def _yes_no(text: str) -> bool | str:
    """yes/no, true/false or 1/0; anything else is left as text for the schema to reject."""
    lowered = text.lower()
    return True if lowered in YES else False if lowered in NO else text


def _tags(text: str) -> tuple[dict[str, list[str]], str]:
    """'theme=people; control_type=preventive,detective' -> facets; a malformed part is reported, not guessed."""
    tags: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        facet, equals, values = part.partition("=")
        listed = [v.strip() for v in values.split(",") if v.strip()]
        if not equals or not facet.strip() or not listed:
            return {}, f"'{part}' is not facet=value[,value]; separate facets with ';'"
        tags.setdefault(facet.strip().lower(), []).extend(listed)
    return tags, ""
