"""One table writer for every export: CSV, XLSX or JSON, with user text kept inert in spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from qtqms.kernel.errors import InvalidInput, Problem

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FORMATS = tuple(MEDIA_TYPES)
# A spreadsheet runs a cell that starts with one of these as a formula (tab and carriage return too, after
# which some programs look at the next character), so text from users could fetch URLs or run commands.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFile(NamedTuple):
    """What an export hands to a download or a file: the bytes, their media type and a file name."""

    content: bytes
    media_type: str
    filename: str


def inert(cell: object) -> object:
    """A leading quote keeps a text cell that a spreadsheet would run as a formula plain text."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def check_format(fmt: str, formats: Sequence[str] = FORMATS) -> str:
    if fmt not in formats:
        allowed = ", ".join(formats)
        raise InvalidInput(f"unknown format '{fmt}': use {allowed}", [Problem(f"use {allowed}", field="format")])
    return fmt


def table_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, *, sheet: str = "export") -> bytes:
    """The table (a header and rows, read once, so a generator streams) as CSV or XLSX with every text cell
    made inert, or as JSON: a list of objects keyed by the header, values as they are."""
    check_format(fmt)
    if fmt == "json":
        records = [dict(zip(header, row, strict=True)) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False, default=_json_value).encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([inert(cell) for cell in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    return _xlsx(header, rows, sheet)


def table_file(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    stem: str,
    *,
    formats: Sequence[str] = FORMATS,
    sheet: str = "export",
) -> ExportFile:
    """The table in one of `formats`, named `stem`.`fmt`; any other format is refused naming those allowed."""
    check_format(fmt, formats)
    return ExportFile(table_bytes(header, rows, fmt, sheet=sheet), MEDIA_TYPES[fmt], f"{stem}.{fmt}")


def _xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell_of(value: object) -> object:
        # A control character XML 1.0 cannot hold would make the whole file unwritable, for everyone's export:
        # it becomes the replacement character, which shows that something was there.
        value = inert(value)
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value

    # Write-only: rows go to the file as they come, so a long export does not hold a cell object per value.
    book = Workbook(write_only=True)
    page = book.create_sheet(sheet)
    page.append([cell_of(name) for name in header])
    for row in rows:
        page.append([cell_of(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)
