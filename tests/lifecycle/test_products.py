"""Products as the lifecycle sees them: enrolment keeps the product's key, the profile takes typed parameters
with their declared units, and a wrong type or unit is refused naming the field, with nothing changed."""

from __future__ import annotations

import pytest

from qtqms.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from qtqms.lifecycle.products import service
from qtqms.lifecycle.products.schemas import ProductQuery, ProfileUpdate


def test_enrolment_keeps_the_key_starts_at_s0_in_the_technology_domain(lab):
    profile = lab.read(lab.viewer, service.get_profile, "QPU-100")
    assert (profile.key, profile.stage, profile.domain) == ("QPU-100", "S0", "quantum-computer")
    assert [p.name for p in profile.parameters][:2] == ["physical_qubits", "cnot_error"]
    with pytest.raises(Conflict, match="already exists"):
        lab.run(lab.admin, service.enrol_product, "QPU-100")
    with pytest.raises(NotFound):
        lab.run(lab.admin, service.enrol_product, "NOPE")


def test_typed_parameters_are_stored_with_their_units(lab):
    data = ProfileUpdate(
        trl=4,
        sold_in=["eu", "US"],
        customer_classes=["research"],
        parameters={"physical_qubits": "100", "cnot_error": {"value": 5e-4, "unit": "ratio"}},
    )
    profile = lab.run(lab.engineer, service.update_profile, "QPU-100", data)
    assert profile.parameter_values() == {"physical_qubits": 100, "cnot_error": 5e-4}
    assert profile.sold_in == ["EU", "US"] and profile.trl == 4


@pytest.mark.parametrize(
    ("parameters", "field", "words"),
    [
        ({"physical_qubits": "many"}, "parameters.physical_qubits", "not a whole number"),
        ({"cnot_error": {"value": 0.05, "unit": "percent"}}, "parameters.cnot_error", "unit 'percent'"),
        ({"cnot_error": 2}, "parameters.cnot_error", "above the largest"),
        ({"key_rate": 10}, "parameters.key_rate", "not a parameter of Quantum computer"),
    ],
)
def test_a_wrong_type_unit_or_range_is_refused_naming_the_field(lab, parameters, field, words):
    with pytest.raises(InvalidInput, match=words) as refused:
        lab.run(lab.engineer, service.update_profile, "QPU-100", ProfileUpdate(trl=5, parameters=parameters))
    assert refused.value.problems[0].field == field
    assert lab.read(lab.viewer, service.get_profile, "QPU-100").trl is None  # nothing half-written


def test_bad_codes_and_classes_are_refused_and_viewers_change_nothing(lab):
    with pytest.raises(InvalidInput, match="sold_in: 'Europe'"):
        lab.run(lab.engineer, service.update_profile, "QKD-LINK", ProfileUpdate(sold_in=["Europe"]))
    with pytest.raises(InvalidInput, match="customer class"):
        lab.run(lab.engineer, service.update_profile, "QKD-LINK", ProfileUpdate(customer_classes=["aliens"]))
    with pytest.raises(PermissionDenied):
        lab.run(lab.viewer, service.update_profile, "QKD-LINK", ProfileUpdate(trl=3))


def test_the_list_is_paged_and_filtered_and_another_organisation_sees_none(lab):
    first = lab.read(lab.viewer, service.list_products, ProductQuery(limit=2))
    assert [r.key for r in first.rows] == ["GRAV-1", "QKD-LINK"] and first.total == 3
    rest = lab.read(lab.viewer, service.list_products, ProductQuery(limit=2, cursor=first.next_cursor))
    assert [r.key for r in rest.rows] == ["QPU-100"] and rest.next_cursor is None
    assert lab.read(lab.other_admin, service.list_products, ProductQuery()).total == 0
    with pytest.raises(NotFound):
        lab.read(lab.other_admin, service.get_profile, "QKD-LINK")
