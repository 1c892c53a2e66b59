"""The one table writer: formulas made inert in CSV and XLSX, JSON keyed by the header, formats refused by name."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from qtqms.kernel.errors import InvalidInput
from qtqms.kit.export import FORMULA_STARTS, inert, table_bytes, table_file

HEADER = ("key", "note", "count")
ROWS = [["A-1", '=HYPERLINK("http://evil","click me")', 3], ["A-2", "-2+3", -2], ["A-3", "plain", 0]]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_gets_a_leading_quote_and_other_cells_stay_as_they_are(start):
    assert inert(f"{start}cmd") == f"'{start}cmd"
    assert inert("plain = text") == "plain = text" and inert(-2) == -2 and inert(None) is None


def test_csv_is_utf8_with_the_header_and_inert_text_cells():
    written = table_bytes(HEADER, iter(ROWS), "csv").decode("utf-8")
    assert list(csv.reader(io.StringIO(written))) == [
        list(HEADER),
        ["A-1", '\'=HYPERLINK("http://evil","click me")', "3"],
        ["A-2", "'-2+3", "-2"],
        ["A-3", "plain", "0"],
    ]


def test_xlsx_cells_are_strings_not_formulas_and_numbers_stay_numbers():
    sheet = load_workbook(io.BytesIO(table_bytes(HEADER, ROWS, "xlsx", sheet="notes")))["notes"]
    formula = sheet["B2"]
    assert (formula.data_type, formula.value) == ("s", '\'=HYPERLINK("http://evil","click me")')
    assert [c.value for c in sheet[1]] == list(HEADER) and sheet["C3"].value == -2


def test_json_is_a_list_of_objects_keyed_by_the_header_with_values_as_they_are():
    assert json.loads(table_bytes(HEADER, ROWS, "json"))[0] == {
        "key": "A-1",
        "note": '=HYPERLINK("http://evil","click me")',
        "count": 3,
    }


def test_a_file_names_its_media_type_and_a_format_not_offered_is_refused_naming_those_that_are():
    exported = table_file(HEADER, ROWS, "csv", "notes")
    assert (exported.media_type, exported.filename) == ("text/csv; charset=utf-8", "notes.csv")
    with pytest.raises(InvalidInput, match="unknown format 'json': use csv, xlsx") as refused:
        table_file(HEADER, ROWS, "json", "notes", formats=("csv", "xlsx"))
    assert refused.value.problems[0].field == "format"


def test_a_control_character_in_one_cell_does_not_make_the_xlsx_unwritable():
    rows = [["A-1", "bell\x07 and nul\x00 and tab\tkept", 1]]
    sheet = load_workbook(io.BytesIO(table_bytes(HEADER, rows, "xlsx", sheet="notes")))["notes"]
    assert sheet["B2"].value == "bell\ufffd and nul\ufffd and tab\tkept"
    assert "\x07" in table_bytes(HEADER, rows, "csv").decode()  # CSV holds it as it is
