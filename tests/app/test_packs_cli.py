"""`qtqms packs`: every kind of shipped pack listed, shown and validated through the one registry the root
command fills from the slices' manifests; a toy kind joins it through its manifest alone."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from qtqms.app.cli import root_command
from qtqms.app.slices import SLICES
from qtqms.kit.slices import Slice

PACKAGE = Path(__file__).resolve().parents[2] / "src"
KINDS = {
    "framework",
    "mapping-set",
    "risk-matrix",
    "threat-catalogue",
    "crqc-scenarios",
    "crypto-policy",
    "replacements",
    "technology-parameters",
    "gate-template",
    "elspi-question-bank",
    "red-lines",
    "export-control-list",
}
# Every shipped data file of the kinds above, found here without asking the registry.
SHIPPED_FILES = [
    "qtqms/catalog/packs/*.yaml",
    "qtqms/catalog/packs/mappings/*.yaml",
    "qtqms/risk/packs/*.yaml",
    "qtqms/pqc/scanner/packs/*.yaml",
    "qtqms/pqc/scanner/replacements.yaml",
    "qtqms/lifecycle/*/packs/*.yaml",
]


def packs(*args: str, slices=None):
    return CliRunner().invoke(root_command(slices), ["packs", *args])


def listed(slices=None) -> list[dict]:
    result = packs("list", "--json", slices=slices)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def shipped() -> list[dict]:
    return listed()


def test_every_shipped_pack_of_every_kind_is_listed_with_its_source_and_verified_on(shipped):
    expected = {path.relative_to(PACKAGE).as_posix() for pattern in SHIPPED_FILES for path in PACKAGE.glob(pattern)}
    assert sorted(pack["file"] for pack in shipped) == sorted(expected)
    assert {pack["kind"] for pack in shipped} == KINDS
    for pack in shipped:
        assert pack["id"] and pack["version"] and pack["title"] and pack["source"], pack
        assert date.fromisoformat(pack["verified_on"]), pack
    assert len({(pack["kind"], pack["id"]) for pack in shipped}) == len(shipped)


def test_the_list_says_which_packs_still_carry_facts_to_verify(shipped):
    verify = {pack["id"]: pack["verify"] for pack in shipped}
    assert verify["nist-ir-8547"] and verify["us-eo-14412"] and verify["iso27001-2022"]
    assert not verify["qtqms-5x5"] and not verify["qtqms-crqc-timeline"]  # the 2025 report settled the scenarios


def test_the_list_of_one_kind_and_the_table():
    matrices = json.loads(packs("list", "--kind", "risk-matrix", "--json").output)
    assert {pack["id"] for pack in matrices} == {"qtqms-3x3", "qtqms-4x4", "qtqms-5x5"}
    table = CliRunner().invoke(root_command(), ["packs", "list"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "qtqms-replacements" in table.output and "iso27001-2022" in table.output
    unknown = packs("list", "--kind", "gate-templates")
    assert unknown.exit_code == 2 and "'gate-templates' is not a kind of pack" in unknown.output


def test_show_prints_a_pack():
    result = packs("show", "iso27001-2022")
    assert result.exit_code == 0, result.output
    assert "framework 'iso27001-2022' version 1.0.0 (owned by the catalog slice)" in result.output
    assert "verified on 2026-11-24" in result.output and "requirements: 139" in result.output
    assert "schema: qtqms/catalog/packs/schema/pack.schema.json" in result.output
    shown = json.loads(packs("show", "nist-ir-8547", "--json").output)
    assert shown["kind"] == "crypto-policy" and shown["slice"] == "pqc" and shown["data"]["rules"]
    missing = packs("show", "iso9001-2026")
    assert missing.exit_code == 2 and "no shipped pack with id 'iso9001-2026'" in missing.output


def test_every_shipped_file_validates_as_the_kind_it_is_listed_as(shipped):
    result = packs("validate", "--json", *(str(PACKAGE / pack["file"]) for pack in shipped))
    assert result.exit_code == 0, result.output
    assert [(r["kind"], r["id"], r["valid"]) for r in json.loads(result.output)] == [
        (pack["kind"], pack["id"], True) for pack in shipped
    ]


def line_of(text: str, field: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.lstrip("\t").startswith(f"{field}:"))


def with_field(text: str, field: str, value: str) -> str:
    return re.sub(rf"^{field}:.*$", f"{field}: {value}", text, count=1, flags=re.MULTILINE)


# Each way of breaking a pack: the edit, the top-level field on whose line the problem is, the field the problem
# names (none for a syntax error) and what its message says.
BREAKAGES = {
    "bad YAML": (lambda text: re.sub("^title:", "\ttitle:", text, count=1, flags=re.M), "title", "", "invalid YAML"),
    "schema violation": (lambda text: with_field(text, "id", "42"), "id", "id", "is not of type 'string'"),
    "impossible verified_on": (
        lambda text: with_field(text, "verified_on", '"2026-02-30"'),
        "verified_on",
        "verified_on",
        "'2026-02-30' is not a calendar date",
    ),
    "impossible unquoted verified_on": (
        lambda text: with_field(text, "verified_on", "2026-02-30"),
        "verified_on",
        "verified_on",
        "invalid value: day is out of range for month",
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_validate_names_file_line_and_field_of_a_broken_pack_of_each_kind(shipped, tmp_path, kind, breakage):
    first = next(pack for pack in shipped if pack["kind"] == kind)
    edit, line_field, field, message = BREAKAGES[breakage]
    broken = edit((PACKAGE / first["file"]).read_text("utf-8"))
    path = tmp_path / f"broken-{kind}.yaml"
    path.write_text(broken, "utf-8")
    result = packs("validate", str(path))
    assert result.exit_code == 2, result.output
    where = f"{path}:{line_of(broken, line_field)}:" + (f"{field}:" if field else "")
    problems = [row.strip() for row in result.output.splitlines() if row.startswith("  ")]
    assert any(row.startswith(where) and message in row for row in problems), (where, result.output)
    assert "1 of 1 pack file(s) invalid" in result.output


def test_validate_checks_files_together_and_reports_the_unreadable_and_the_untold(tmp_path):
    framework = tmp_path / "lab.yaml"
    framework.write_text(
        "kind: framework\nid: lab-2026\ntitle: Lab\nversion: '1'\npublisher: Us\nsource: ours\n"
        "verified_on: 2026-11-24\nlicence: ours\nedition: '2026'\n"
        "requirements:\n  - {id: 'L.1', kind: control, label: Monitor oxygen}\n"
    )
    mapping = tmp_path / "lab-map.yaml"
    mapping.write_text(
        "kind: mapping-set\nid: lab-2026-to-iso27001-2022\ntitle: Lab to 27001\nversion: '1'\npublisher: Us\n"
        "source: ours\nverified_on: 2026-11-24\nlicence: ours\nsource_pack: lab-2026\ntarget_pack: iso27001-2022\n"
        "mappings:\n  - {source: 'L.1', target: 'A.7.5', relationship: subset, strength: 0.3, rationale: Env}\n"
    )
    untold = tmp_path / "notes.yaml"
    untold.write_text("id: notes\ntitle: Not a pack\n")
    result = packs("validate", str(mapping), str(framework), str(untold), str(tmp_path / "gone.yaml"))
    assert result.exit_code == 2
    assert f"{mapping}: ok (mapping-set 'lab-2026-to-iso27001-2022' 1)" in result.output
    assert f"{framework}: ok (framework 'lab-2026' 1)" in result.output
    assert f"{untold}:1:kind: cannot tell which kind of pack this is" in result.output
    assert f"{tmp_path / 'gone.yaml'}: no such file" in result.output
    assert "2 of 4 pack file(s) invalid" in result.output
    forced = packs("validate", "--kind", "crypto-policy", "--json", str(untold))
    (report,) = json.loads(forced.stdout)
    assert forced.exit_code == 2 and report["kind"] == "crypto-policy"
    assert {p["message"] for p in report["problems"]} >= {"'rules' is a required property"}


TOY_FILES = {
    "__init__.py": "",
    "packs.py": """
        import json
        from importlib import resources

        from qtqms.kernel.datapack import schema_problems
        from qtqms.kit.packs import Checked, PackKind


        def check(document, known):
            schema = json.loads((resources.files("toypacks") / "bank.schema.json").read_text("utf-8"))
            problems = schema_problems(document, schema)
            return Checked(None if problems else document.data["questions"], tuple(problems))


        QUESTION_BANK = PackKind(
            "question-bank", "toy", "toypacks:bank.schema.json", ("toypacks:banks",), check
        )
        """,
    "bank.schema.json": '{"type": "object", "required": ["kind", "id", "questions"]}',
    "banks/elspi-questions.yaml": """
        kind: question-bank
        id: toy-elspi-questions
        title: Toy ELSPI questions
        version: "0.1"
        source: a test
        verified_on: 2026-12-07
        questions: [Who could be harmed?]
        """,
}


@pytest.fixture
def toy(tmp_path, monkeypatch):
    for name, text in TOY_FILES.items():
        path = tmp_path / "toypacks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    monkeypatch.syspath_prepend(str(tmp_path))
    yield Slice(name="toy", package="toypacks", packs=("toypacks.packs:QUESTION_BANK",))
    for module in [m for m in sys.modules if m == "toypacks" or m.startswith("toypacks.")]:
        del sys.modules[module]


def test_a_toy_kind_joins_the_registry_through_its_manifest_alone(toy, tmp_path):
    (pack,) = json.loads(packs("list", "--kind", "question-bank", "--json", slices=[*SLICES, toy]).output)
    assert pack["id"] == "toy-elspi-questions" and pack["file"] == "toypacks/banks/elspi-questions.yaml"
    assert pack["source"] == "a test" and pack["verified_on"] == "2026-12-07"
    own = tmp_path / "mine.yaml"
    own.write_text("kind: question-bank\nid: mine\n")
    result = packs("validate", str(own), slices=[*SLICES, toy])
    assert result.exit_code == 2 and f"{own}:1: 'questions' is a required property" in result.output
    assert "question-bank" not in {pack["kind"] for pack in listed()}
