"""One text form for a requirement reference and for a record's number."""

import pytest

from qtqms.kernel.errors import InvalidInput
from qtqms.kernel.refs import HumanRef, RequirementRef


def test_a_requirement_reference_reads_and_prints_in_one_form():
    ref = RequirementRef.parse(" iso27001-2022:A.8.24 ")
    assert ref == RequirementRef("iso27001-2022", "A.8.24") and str(ref) == "iso27001-2022:A.8.24"


@pytest.mark.parametrize("text", ["iso27001-2022 A.8.24", "A.8.24", "ISO27001:A.8.24", "iso27001-2022:", ""])
def test_a_malformed_requirement_reference_is_refused_naming_the_field_and_the_form(text):
    with pytest.raises(InvalidInput) as refused:
        RequirementRef.parse(text, "requirements[2]")
    assert refused.value.problems[0].field == "requirements[2]"
    assert "pack-id:REQ-ID" in refused.value.message


def test_a_human_reference_is_padded_and_read_back_leniently():
    assert str(HumanRef("NC", 7)) == "NC-0007"
    assert HumanRef.parse("R", "r42", "risk") == HumanRef("R", 42) == HumanRef.parse("R", "R-0042", "risk")


def test_a_human_reference_of_another_kind_is_refused_with_the_form():
    with pytest.raises(InvalidInput, match="risk reference 'NC-0007': use the form R-0042"):
        HumanRef.parse("R", "NC-0007", "risk")
