"""An organisation's own framework from CSV or XLSX: a good table gives a pack, a bad one names each row."""

import csv

import pytest
from openpyxl import Workbook

from qtqms.catalog.domain import RequirementKind
from qtqms.catalog.formats.tabular import read_framework_table
from qtqms.kernel.errors import InvalidInput

META = {
    "id": "acme-lab",
    "title": "Acme lab rules",
    "version": "1.0.0",
    "publisher": "Acme Quantum",
    "source": "acme intranet",
    "verified_on": "2026-11-24",
    "licence": "internal",
    "edition": "2026",
}
HEADER = ["id", "parent", "kind", "assessable", "label", "description", "tags"]
GOOD_ROWS = [
    ["LAB", "", "clause", "no", "Laboratory", "", ""],
    ["LAB.1", "LAB", "control", "yes", "Oxygen monitors in cryostat rooms", "Alarm below 19.5 %.", "domain=sensing"],
    ["LAB.2", "LAB", "control", "", "Helium supply logged", "", "theme=physical; type=preventive,detective"],
]
BAD_ROWS = [
    ["LAB", "", "clause", "no", "Laboratory", "", ""],
    ["LAB.1", "LAB", "rule", "perhaps", "Oxygen monitors", "", ""],
    ["", "", "", "", "", "", ""],
    ["LAB.1", "LAB", "control", "", "", "", "just words"],
    ["LAB.3", "NOWHERE", "control", "", "Orphan", "", ""],
]


def write_csv(path, rows, header=HEADER):
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def write_xlsx(path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "requirements"
    for row in [header, *rows]:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize("write", [write_csv, write_xlsx])
def test_a_good_table_becomes_a_pack(tmp_path, write):
    pack = read_framework_table(write(tmp_path / f"lab.{write.__name__.split('_')[1]}", GOOD_ROWS), meta=META)
    assert [r.id for r in pack.requirements] == ["LAB", "LAB.1", "LAB.2"]
    lab, monitors, helium = pack.requirements
    assert (lab.kind, lab.assessable, monitors.parent) == (RequirementKind.CLAUSE, False, "LAB")
    assert monitors.description == "Alarm below 19.5 %." and monitors.tags == {"domain": ("sensing",)}
    assert helium.assessable is True
    assert helium.tags == {"theme": ("physical",), "type": ("preventive", "detective")}


@pytest.mark.parametrize("write", [write_csv, write_xlsx])
def test_every_bad_row_is_reported_by_row_and_column(tmp_path, write):
    path = write(tmp_path / f"lab.{write.__name__.split('_')[1]}", BAD_ROWS)
    with pytest.raises(InvalidInput) as raised:
        read_framework_table(path, meta=META)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:row 3:assessable: 'perhaps' is not of type 'boolean'",
        f"{path}:row 3:kind: 'rule' is not one of ['clause', 'control', 'objective', 'guidance']",
        f"{path}:row 5: 'label' is a required property",
        f"{path}:row 5:id: duplicate requirement id 'LAB.1'",
        f"{path}:row 5:tags: 'just words' is not facet=value[,value]; separate facets with ';'",
        f"{path}:row 6:parent: parent 'NOWHERE' is not a requirement of this pack",
    ]


def test_a_numeric_id_cell_is_refused_rather_than_guessed(tmp_path):
    path = write_xlsx(tmp_path / "lab.xlsx", [[5.1, None, "control", None, "Five point ten?", None, None]])
    with pytest.raises(InvalidInput) as raised:
        read_framework_table(path, meta=META)
    [problem] = raised.value.problems
    assert str(problem) == f"{path}:row 2:id: 5.1 is not of type 'string'"


def test_header_problems(tmp_path):
    path = write_csv(tmp_path / "lab.csv", [["LAB", "Laboratory"]], header=["id", "title"])
    with pytest.raises(InvalidInput) as raised:
        read_framework_table(path, meta=META)
    assert [(p.where, p.field) for p in raised.value.problems] == [
        (f"{path}:row 1", "title"),
        (f"{path}:row 1", "kind"),
        (f"{path}:row 1", "label"),
    ]


def test_pack_fields_are_checked_too(tmp_path):
    path = write_csv(tmp_path / "lab.csv", GOOD_ROWS)
    with pytest.raises(InvalidInput) as raised:
        read_framework_table(path, meta={**META, "id": "Not A Pack Id"})
    [problem] = raised.value.problems
    assert problem.where == str(path) and problem.field == "id"


def test_unsupported_and_unreadable_files(tmp_path):
    with pytest.raises(InvalidInput, match="expected a .csv or .xlsx file"):
        read_framework_table(tmp_path / "lab.ods", meta=META)
    with pytest.raises(InvalidInput, match="no such file"):
        read_framework_table(tmp_path / "missing.csv", meta=META)
    not_a_workbook = tmp_path / "fake.xlsx"
    not_a_workbook.write_text("hello")
    with pytest.raises(InvalidInput, match="cannot read the XLSX file"):
        read_framework_table(not_a_workbook, meta=META)
