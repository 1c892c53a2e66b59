"""Pack files: the shipped catalogue and its acceptance counts, and how a broken file is reported."""

from collections import Counter
from datetime import date
from textwrap import dedent

import pytest

from qtqms.catalog import packs
from qtqms.catalog.domain import FrameworkPack, RequirementKind
from qtqms.kernel.datapack import parse_yaml
from qtqms.kernel.errors import InvalidInput


@pytest.fixture(scope="module")
def shipped():
    return packs.load_shipped()


def controls(framework: FrameworkPack, prefix: str) -> list:
    return [r for r in framework.requirements if r.kind is RequirementKind.CONTROL and r.id.startswith(prefix)]


def test_iso27001_has_93_annex_a_controls_in_four_themes(shipped):
    annex_a = controls(shipped[0]["iso27001-2022"], "A.")
    assert len(annex_a) == 93
    assert Counter(r.parent for r in annex_a) == {"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34}
    assert Counter(r.tags["theme"] for r in annex_a) == {
        ("organisational",): 37,
        ("people",): 8,
        ("physical",): 14,
        ("technological",): 34,
    }
    assert {r.id for r in annex_a if r.tags.get("introduced") == ("2022",)} == {
        "A.5.7",
        "A.5.23",
        "A.5.30",
        "A.7.4",
        "A.8.9",
        "A.8.10",
        "A.8.11",
        "A.8.12",
        "A.8.16",
        "A.8.23",
        "A.8.28",
    }


def test_every_27001_control_carries_the_27002_attribute_facets(shipped):
    for control in controls(shipped[0]["iso27001-2022"], "A."):
        for facet in ("control_type", "security_property", "cybersecurity_concept", "operational_capability"):
            assert control.tags.get(facet), (control.id, facet)
        assert set(control.tags["control_type"]) <= {"preventive", "detective", "corrective"}
        assert set(control.tags["security_property"]) <= {"confidentiality", "integrity", "availability"}
    assert shipped[0]["iso27001-2022"].get("A.5.30").tags["security_property"] == ("availability",)


def test_iso42001_has_38_annex_a_controls_across_nine_areas(shipped):
    framework = shipped[0]["iso42001-2023"]
    annex_a = controls(framework, "A.")
    assert len(annex_a) == 38
    areas = Counter(framework.ancestors(r.id)[-2].id for r in annex_a)
    assert areas == {"A.2": 3, "A.3": 2, "A.4": 5, "A.5": 4, "A.6": 9, "A.7": 5, "A.8": 4, "A.9": 3, "A.10": 3}


def test_the_shipped_catalogue(shipped):
    frameworks, mapping_sets = shipped
    assert set(frameworks) == {
        "hs-2021",
        "iso9001-2015",
        "iso27001-2022",
        "iso27005-2022",
        "iso42001-2023",
        "pqc",
        "quantum-standards",
        "elspi",
        "qtqms-profile",
    }
    pairs = {(m.source_pack, m.target_pack) for m in mapping_sets.values()}
    for must in [
        ("hs-2021", "iso9001-2015"),
        ("hs-2021", "iso27001-2022"),
        ("hs-2021", "iso42001-2023"),
        ("iso27001-2022", "pqc"),
        ("iso42001-2023", "elspi"),
        ("iso27005-2022", "iso27001-2022"),
        ("qtqms-profile", "hs-2021"),
    ]:
        assert must in pairs
    assert {target for source, target in pairs if source == "qtqms-profile"} == set(frameworks) - {"qtqms-profile"}


def test_every_pack_says_where_it_comes_from(shipped):
    frameworks, mapping_sets = shipped
    for pack in [*frameworks.values(), *mapping_sets.values()]:
        info = pack.info
        assert info.version and info.source and info.licence and info.publisher, info.id
        assert info.verified_on in {date(2026, 11, 24), date(2026, 12, 8)}, info.id


def test_every_mapping_row_joins_existing_requirements_and_has_a_rationale(shipped):
    frameworks, mapping_sets = shipped
    rows = 0
    for mapping_set in mapping_sets.values():
        source, target = frameworks[mapping_set.source_pack], frameworks[mapping_set.target_pack]
        for row in mapping_set.mappings:
            assert row.source in source and row.target in target, (mapping_set.id, row)
            assert len(row.rationale.split()) >= 4, (mapping_set.id, row)
            assert 0 <= row.strength <= 1
            rows += 1
    assert rows > 250


def test_27001_a_8_24_maps_to_the_post_quantum_standards(shipped):
    rows = shipped[1]["iso27001-2022-to-pqc"].mappings
    assert {r.target for r in rows if r.source == "A.8.24"} >= {"FIPS 203", "FIPS 204", "FIPS 205", "SP 800-227"}


def test_every_reference_verify_mark_is_carried_into_notes(shipped):
    """The marks the December 2026 review left open (the others it settled: see test_content_2026_12)."""
    frameworks = shipped[0]
    for pack_id in ("iso9001-2015", "iso27001-2022", "hs-2021", "elspi"):
        assert any("[verify" in note for note in frameworks[pack_id].info.notes), pack_id


def test_every_pack_survives_a_yaml_round_trip(shipped):
    frameworks, mapping_sets = shipped
    for pack in [*frameworks.values(), *mapping_sets.values()]:
        document = parse_yaml(packs.dump_yaml(pack), source=f"{pack.id}.yaml")
        assert packs.check_document(document, frameworks).pack == pack


# ---- broken files -----------------------------------------------------------------------------

GOOD_FRAMEWORK = """\
kind: framework
id: org-own
title: Our own framework
version: "1.0.0"
publisher: Example Quantum Ltd
source: internal
verified_on: 2026-11-24
licence: internal use
edition: "2026"
requirements:
  - {id: "1", kind: clause, assessable: false, label: Governance}
  - {id: "1.1", parent: "1", kind: control, label: A named owner for every product}
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(dedent(text))
    return path


def messages(problems):
    return [str(p) for p in problems]


def test_a_good_file_has_no_problems(tmp_path):
    assert packs.validate_file(write(tmp_path, "own.yaml", GOOD_FRAMEWORK)) == []


def test_bad_yaml_is_located(tmp_path):
    path = write(tmp_path, "bad.yaml", "kind: framework\nid: [unclosed\n")
    [problem] = packs.validate_file(path)
    assert problem.where.startswith(f"{path}:") and "invalid YAML" in problem.message


def test_every_problem_of_a_broken_framework_is_listed_with_line_and_field(tmp_path):
    text = """\
    kind: framework
    id: org-own
    title: Our own framework
    version: "1.0.0"
    publisher: Example Quantum Ltd
    verified_on: "2026-02-30"
    licence: internal use
    edition: "2026"
    requirements:
      - {id: "1", kind: clause, label: Governance}
      - {id: "1.1", parent: "1", kind: rule, label: Owners}
      - {id: "1.1", parent: "1", kind: control, label: Owners again}
      - {id: "1.2", parent: "9", kind: control, label: Orphan}
      - {id: "2", parent: "2.1", kind: clause, label: Loop}
      - {id: "2.1", parent: "2", kind: control, label: Loop back}
      - {id: 3.1, kind: control, label: Unquoted id}
    """
    path = write(tmp_path, "broken.yaml", text)
    found = messages(packs.validate_file(path))
    assert found == [
        f"{path}:1: 'source' is a required property",
        f"{path}:11:requirements[1].kind: 'rule' is not one of ['clause', 'control', 'objective', 'guidance']",
        f"{path}:16:requirements[6].id: 3.1 is not of type 'string'",
        f"{path}:6:verified_on: '2026-02-30' is not a calendar date",
        f"{path}:12:requirements[2].id: duplicate requirement id '1.1'",
        f"{path}:13:requirements[3].parent: parent '9' is not a requirement of this pack",
        f"{path}:14:requirements[4].parent: parent chain loops: 2 -> 2.1 -> 2",
    ]


def test_a_mapping_set_with_unknown_requirements_and_a_missing_rationale(tmp_path):
    own = write(tmp_path, "own.yaml", GOOD_FRAMEWORK)
    mapping = write(
        tmp_path,
        "map.yaml",
        """\
    kind: mapping-set
    id: org-own-to-iso27001-2022
    title: Ours to 27001
    version: "1.0.0"
    publisher: Example Quantum Ltd
    source: internal
    verified_on: 2026-11-24
    licence: internal use
    source_pack: org-own
    target_pack: iso27001-2022
    mappings:
      - {source: "1.1", target: A.5.2, relationship: subset, strength: 0.5, rationale: Owners are a security role too}
      - {source: "1.9", target: A.5.99, relationship: equal, strength: 1, rationale: Nothing real}
      - {source: "1.1", target: A.5.3, relationship: equal, strength: 1.5}
    """,
    )
    found = packs.validate_files([own, mapping])
    assert found[str(own)] == []
    assert messages(found[str(mapping)]) == [
        f"{mapping}:14:mappings[2]: 'rationale' is a required property",
        f"{mapping}:14:mappings[2].strength: 1.5 is greater than the maximum of 1",
        f"{mapping}:13:mappings[1].source: '1.9' is not a requirement of pack 'org-own'",
        f"{mapping}:13:mappings[1].target: 'A.5.99' is not a requirement of pack 'iso27001-2022'",
    ]


def test_a_mapping_set_needs_its_packs(tmp_path):
    mapping = write(
        tmp_path,
        "map.yaml",
        """\
    kind: mapping-set
    id: nowhere
    title: Nowhere
    version: "1"
    publisher: Us
    source: internal
    verified_on: 2026-11-24
    licence: internal use
    source_pack: no-such-pack
    target_pack: iso27001-2022
    mappings:
      - {source: "1", target: A.5.1, relationship: related, strength: 0.1, rationale: Just a test row}
    """,
    )
    assert messages(packs.validate_file(mapping)) == [
        f"{mapping}:9:source_pack: no framework pack with id 'no-such-pack' is known"
    ]


def test_two_files_cannot_claim_one_pack_id(tmp_path):
    first = write(tmp_path, "a.yaml", GOOD_FRAMEWORK)
    second = write(tmp_path, "b.yaml", GOOD_FRAMEWORK)
    found = packs.validate_files([first, second])
    assert found[str(first)] == []
    assert messages(found[str(second)]) == [f"{second}:2:id: pack id 'org-own' is already used by {first}"]


def test_an_unknown_kind_and_extra_fields_are_rejected(tmp_path):
    assert messages(packs.validate_file(write(tmp_path, "k.yaml", "kind: catalogue\nid: x\n"))) == [
        f"{tmp_path / 'k.yaml'}:1:kind: 'catalogue' is not one of ['framework', 'mapping-set']"
    ]
    extra = write(tmp_path, "e.yaml", GOOD_FRAMEWORK + "colour: blue\n")
    assert messages(packs.validate_file(extra))[0].startswith(f"{extra}:1: 'colour' is not one of ['kind', 'id',")


def test_a_missing_file_is_bad_input_not_a_failed_check(tmp_path):
    with pytest.raises(InvalidInput, match="no such file"):
        packs.validate_file(tmp_path / "nope.yaml")
