"""The pack registry's cache and checks: shipped packs read once a process and shared by every slice, a broken
shipped pack refused whole, ids unique per kind, and every kind's schema a schema."""

from __future__ import annotations

import json
import sys
import textwrap
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from qtqms.app.slices import SLICES
from qtqms.catalog import packs as catalog_packs
from qtqms.kernel.datapack import parse_yaml, schema_problems
from qtqms.kernel.errors import InvalidInput
from qtqms.kit import packs
from qtqms.kit.packs import Checked, PackKind, Registry
from qtqms.pqc import packs as pqc_packs
from qtqms.risk import packs as risk_packs

ALL_KINDS = [target for piece in SLICES for target in piece.packs]


def kinds() -> tuple[PackKind, ...]:
    registry = Registry()
    registry.install(ALL_KINDS)
    return registry.kinds()


def test_shipped_packs_are_read_once_a_process_and_every_slice_reads_the_same_ones():
    assert packs.shipped(risk_packs.RISK_MATRIX) is packs.shipped(risk_packs.RISK_MATRIX)
    assert risk_packs.shipped().matrix("qtqms-5x5") is packs.shipped_by_id(risk_packs.RISK_MATRIX)["qtqms-5x5"]
    assert catalog_packs.find_shipped("hs-2021") is packs.shipped_by_id(catalog_packs.FRAMEWORK)["hs-2021"]
    assert pqc_packs.policy("cnsa-2.0") is pqc_packs.policy("cnsa-2.0")
    assert pqc_packs.replacements() is packs.shipped_by_id(pqc_packs.REPLACEMENTS)["qtqms-replacements"]


@pytest.mark.parametrize("kind", kinds(), ids=lambda kind: kind.name)
def test_every_kind_has_a_json_schema_its_shipped_packs_satisfy(kind):
    package, _, path = kind.schema.partition(":")
    schema = json.loads(resources.files(package).joinpath(*path.split("/")).read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    shipped = packs.shipped(kind)
    assert shipped, kind.name
    for pack in shipped:
        document = parse_yaml(json.dumps(pack.data, default=str), source=pack.summary.file)
        assert schema_problems(document, schema) == [], pack.summary.file


def test_two_kinds_of_one_name_are_refused():
    registry = Registry()
    registry.install(["qtqms.risk.packs:RISK_MATRIX", "qtqms.risk.packs:RISK_MATRIX"])
    with pytest.raises(InvalidInput, match="pack kinds declared twice: risk-matrix"):
        registry.kinds()


def _check_counted(document, known):
    data = document.data
    problems = () if isinstance(data.get("items"), list) else (document.problem(("items",), "a list is needed"),)
    return Checked(None if problems else len(data["items"]), problems)


@pytest.fixture
def shelf(tmp_path, monkeypatch):
    """A kind whose shipped folder a test fills."""
    folder = tmp_path / "shelfpacks" / "shipped"
    folder.mkdir(parents=True)
    (folder.parent / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield PackKind("shelf", "test", "shelfpacks:none.json", ("shelfpacks:shipped",), _check_counted), folder
    for module in [m for m in sys.modules if m == "shelfpacks"]:
        del sys.modules[module]


def write(folder, name: str, text: str):
    (folder / name).write_text(textwrap.dedent(text).lstrip())
    return folder / name


def test_a_broken_shipped_pack_is_refused_whole_with_every_problem(shelf):
    kind, folder = shelf
    write(folder, "a.yaml", "kind: shelf\nid: a\nitems: [1]\n")
    write(folder, "b.yaml", "kind: shelf\nid: b\nitems: none\n")
    with pytest.raises(InvalidInput) as raised:
        packs.shipped(kind)
    assert [str(p) for p in raised.value.problems] == ["shelfpacks/shipped/b.yaml:3:items: a list is needed"]
    with pytest.raises(InvalidInput):  # still refused: a broken pack is not cached as if it were fine
        packs.shipped(kind)


def test_two_packs_of_one_kind_may_not_claim_one_id(shelf, tmp_path):
    kind, folder = shelf
    first = write(tmp_path, "first.yaml", "kind: shelf\nid: same\nitems: []\n")
    second = write(tmp_path, "second.yaml", "kind: shelf\nid: same\nitems: [1, 2]\n")
    reports = packs.check_files([first, second], [kind])
    assert [r.valid for r in reports] == [True, False]
    assert str(reports[1].problems[0]) == f"{second}:2:id: pack id 'same' is already used by {first}"
    assert reports[0].value == 0 and reports[0].summary.file == str(first)


def test_a_kind_is_told_by_its_kind_field_and_a_forced_kind_must_agree_with_it(shelf, tmp_path):
    kind, _ = shelf
    matrix = write(tmp_path, "m.yaml", "kind: risk-matrix\nid: m\n")
    (report,) = packs.check_files([matrix], [kind], forced=kind)
    assert str(report.problems[0]) == f"{matrix}:1:kind: the file is a 'risk-matrix' pack, not a 'shelf' pack"
    (report,) = packs.check_files([matrix], [kind])
    assert str(report.problems[0]) == f"{matrix}:1:kind: 'risk-matrix' is not a kind of pack (known: shelf)"
