import pytest

from qtqms.kernel.datapack import calendar_problems, dates_as_text, load_document, parse_yaml
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
    with pytest.raises(InvalidInput, match=r"^pack.yaml:2:verified_on: invalid value: .*day"):
        parse_yaml("id: a\nverified_on: 2026-02-30\n", source="pack.yaml")


def test_days_that_are_not_in_the_calendar_are_named_by_line_and_field():
    text = "verified_on: '2026-02-30'\nsteps:\n  - {day: '2026-01-31'}\n  - {day: '2025-13-01'}\n  - {day: soon}\n"
    document = parse_yaml(text, source="pack.yaml")
    shown = [str(p) for p in calendar_problems(document, ("verified_on",), ("steps", "*", "day"), ("missing",))]
    # The shape ('soon') is the schema's to judge; only real-looking days are checked against the calendar.
    assert shown == [
        "pack.yaml:1:verified_on: '2026-02-30' is not a calendar date",
        "pack.yaml:4:steps[1].day: '2025-13-01' is not a calendar date",
    ]


def test_unquoted_days_become_iso_text_at_any_depth():
    data = parse_yaml("day: 2026-11-24\nrows: [{day: 2026-01-02}]\n", source="p.yaml").data
    assert dates_as_text(data) == {"day": "2026-11-24", "rows": [{"day": "2026-01-02"}]}
