import pytest

from qtqms.kernel.datapack import load_document, parse_yaml
from qtqms.kernel.errors import InvalidInput

SCHEMA = {
    "type": "object",
    "required": ["id", "items"],
    "properties": {"items": {"type": "array", "items": {"type": "object", "required": ["id"]}}},
}


def test_every_schema_problem_is_reported_with_its_line_and_field():
    text = "id: x\nitems:\n  - id: a\n  - name: b\n  - {}\n"
    with pytest.raises(InvalidInput) as raised:
        load_document(text, source="pack.yaml", schema=SCHEMA)
    shown = [str(p) for p in raised.value.problems]
    assert shown == [
        "pack.yaml:4:items[1]: 'id' is a required property",
        "pack.yaml:5:items[2]: 'id' is a required property",
    ]


def test_duplicate_keys_are_rejected_not_silently_overwritten():
    with pytest.raises(InvalidInput, match="pack.yaml:3:id: duplicate key 'id'"):
        parse_yaml("id: a\nitems: []\nid: b\n", source="pack.yaml")


def test_syntax_errors_name_the_line():
    with pytest.raises(InvalidInput, match=r"^pack.yaml:2: invalid YAML: found .*tab"):
        parse_yaml("id: a\n\titems: []\n", source="pack.yaml")


def test_locations_are_kept_for_valid_documents():
    document = load_document("id: x\nitems:\n  - id: a\n", source="p.yaml", schema=SCHEMA)
    assert document.where("items", 0, "id") == "p.yaml:3"


def test_an_impossible_date_is_a_located_error_not_a_traceback():
    with pytest.raises(InvalidInput, match=r"^pack.yaml:2: invalid value: .*day"):
        parse_yaml("id: a\nverified_on: 2026-02-30\n", source="pack.yaml")
