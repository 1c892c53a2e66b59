"""Pure risk rules: matrices, packs, acceptance, the state hash and Mosca's inequality."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qtqms.esign.domain import Finding, Verification, changed_fields, state_hash
from qtqms.kernel.errors import InvalidInput
from qtqms.risk import domain, packs
from qtqms.risk.domain import CrqcScenario, Rating, RiskState, Sensitivity

PACKS = packs.shipped()
MATRICES = sorted(PACKS.matrices.values(), key=lambda m: m.id)
TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("matrix", MATRICES, ids=lambda m: m.id)
def test_shipped_matrices_never_lower_the_level_when_likelihood_or_impact_rises(matrix):
    for likelihood in range(1, len(matrix.likelihood) + 1):
        for impact in range(1, len(matrix.impact) + 1):
            level = matrix.level_of(likelihood, impact).index
            if likelihood < len(matrix.likelihood):
                assert matrix.level_of(likelihood + 1, impact).index >= level
            if impact < len(matrix.impact):
                assert matrix.level_of(likelihood, impact + 1).index >= level
    assert (
        matrix.level_of(1, 1).index == 0
        and matrix.level_of(len(matrix.likelihood), len(matrix.impact)).index == len(matrix.levels) - 1
    )


def test_shipped_packs_carry_version_source_and_verification_date():
    infos = [m.info for m in MATRICES] + [c.info for c in PACKS.catalogues.values()] + [PACKS.crqc.info]
    for info in infos:
        assert info.version and info.source and date.fromisoformat(info.verified_on)
    assert {m.size for m in MATRICES} == {"3x3", "4x4", "5x5"}
    quantum = {t.id for _, t in PACKS.all_threats() if t.category == "quantum"}
    expected = "Q-CRQC Q-HNDL Q-QKD-BLIND Q-QKD-TROJAN Q-QKD-SIDE Q-HELIUM Q-COMPONENTS Q-EXPORT Q-DUALUSE"
    assert set(f"{expected} Q-SENSE-SURVEIL Q-QML-POISON Q-CALIB-DRIFT Q-BENCH-MISREPORT".split()) <= quantum


@given(st.integers(), st.integers())
def test_a_rating_is_a_cell_of_the_matrix_or_a_named_problem(likelihood, impact):
    matrix = PACKS.matrix("qtqms-4x4")
    problems = matrix.rating_problems(likelihood, impact, "current.")
    inside = 1 <= likelihood <= 4 and 1 <= impact <= 4
    assert (not problems) == inside
    assert {p.field for p in problems} <= {"current.likelihood", "current.impact"}
    if not inside:
        with pytest.raises(InvalidInput, match="outside matrix qtqms-4x4"):
            matrix.level_of(likelihood, impact)


def test_booleans_and_text_are_not_ratings():
    matrix = PACKS.matrix("qtqms-3x3")
    assert matrix.rating_problems(True, 2) and matrix.rating_problems("2", 2)


BAD_MATRIX = """kind: risk-matrix
id: my-2x2
title: Two by two
version: "1"
source: ours
verified_on: "2026-02-30"
likelihood:
  - {value: 1, label: low, definition: rare}
  - {value: 3, label: high, definition: often}
impact:
  - {value: 1, label: low, definition: small}
  - {value: 2, label: high, definition: big}
levels:
  - {index: 0, key: low, label: low, tone: ok, colour: "#ffffff", decision: accept, accept_roles: [ceo],
     max_treat_days: null, review_days: 365}
  - {index: 1, key: high, label: high, tone: bad, colour: "#000000", decision: treat, accept_roles: [admin],
     max_treat_days: 30, review_days: 30}
grid:
  - [0, 1]
  - [1, 7]
"""


def test_a_bad_matrix_pack_names_every_problem_by_line_and_field():
    with pytest.raises(InvalidInput) as error:
        packs.load_text(BAD_MATRIX, source="my-2x2.yaml")
    found = {(p.where, p.field) for p in error.value.problems}
    assert ("my-2x2.yaml:9", "likelihood[1].value") in found
    assert ("my-2x2.yaml:14", "levels[0].accept_roles[0]") in found
    assert ("my-2x2.yaml:20", "grid[1][1]") in found
    assert ("my-2x2.yaml:6", "verified_on") in found
    assert error.value.message.startswith("my-2x2.yaml: 4 problems")


def test_a_pack_failing_its_schema_is_refused_with_the_line():
    text = "kind: crqc-scenarios\nid: xy\ntitle: X\nversion: '1'\nsource: s\nverified_on: '2026-01-01'\n"
    text += "default: soon\nscenarios:\n"
    text += "  - {key: soon, label: Soon, crqc_year: 1900, source: s, source_date: '2026-01-01'}\n"
    with pytest.raises(InvalidInput) as error:
        packs.load_text(text, source="crqc.yaml")
    assert error.value.problems[0].where == "crqc.yaml:9" and error.value.problems[0].field == "scenarios[0].crqc_year"


def test_a_scenario_checked_on_a_day_that_does_not_exist_is_named():
    text = "kind: crqc-scenarios\nid: xy\ntitle: X\nversion: '1'\nsource: s\nverified_on: '2026-01-01'\n"
    text += "default: soon\nscenarios:\n"
    text += "  - {key: soon, label: Soon, crqc_year: 2033, source: s, source_date: '2024-01-01',\n"
    text += "     verified_on: '2026-02-30'}\n"
    with pytest.raises(InvalidInput) as error:
        packs.load_text(text, source="crqc.yaml")
    problem = error.value.problems[0]
    assert problem.field == "scenarios[0].verified_on" and "'2026-02-30' is not a calendar date" in problem.message


def test_the_shipped_crqc_scenarios_say_which_years_were_checked_against_their_source():
    scenarios = packs.shipped().crqc.scenarios
    for scenario in scenarios:
        assert scenario.verified_on or "[verify]" in scenario.notes
    assert any(s.verified_on for s in scenarios)


def test_the_crqc_scenarios_rest_on_the_2025_report_and_cite_edition_horizon_and_range():
    """E9: the scenarios rested on the 2023 report and called 2040 a late CRQC."""
    crqc = packs.shipped().crqc
    assert {s.key: s.crqc_year for s in crqc.scenarios} == {"pessimistic": 2033, "median": 2037, "optimistic": 2045}
    for scenario in crqc.scenarios:
        assert scenario.edition.startswith("2025") and scenario.horizon and "%" in scenario.probability
    assert "2025 edition" in crqc.info.source
    assert not any("late" in s.label.lower() for s in crqc.scenarios if s.crqc_year <= 2040)


def state(**changes) -> RiskState:
    fields = {
        "matrix_id": "qtqms-5x5",
        "matrix_version": "1",
        "inherent": Rating(4, 4),
        "current": Rating(2, 2),
        "residual": None,
        "treatment_option": "retain",
        "asset_ids": (3, 1),
    }
    return RiskState(**{**fields, **changes})


def test_the_state_hash_covers_every_field_a_reader_relies_on_but_not_the_order_of_links():
    base = state()
    assert base.hash() == state(asset_ids=(1, 3)).hash()
    for change in (
        {"current": Rating(3, 2)},
        {"inherent": Rating(4, 5)},
        {"residual": Rating(1, 1)},
        {"matrix_version": "2"},
        {"treatment_option": "modify"},
        {"asset_ids": (1, 3, 4)},
        {"title": "Another title"},
        {"description": "Reworded"},
        {"threat": "qtqms-threats:Q-HELIUM"},
        {"domain": "quality"},
        {"vulnerabilities": "Unpatched firmware"},
        {"existing_controls": "None"},
        {"product_id": 4},
        {"treatment_plan": "Another plan"},
        {"treatment_actions": ("due 2030-01-01, owner 3: Fix it",)},
        {"data_class_ids": (2,)},
        {"requirement_ids": (8,)},
        {"control_ids": (5,)},
    ):
        assert state(**change).hash() != base.hash(), change
    changes = changed_fields(base.as_dict(), state(current=Rating(3, 2)).as_dict())
    assert [str(c) for c in changes] == ["current: L2xI2 -> L3xI2"]


def test_an_acceptance_signs_the_decision_with_the_state():
    decision = domain.AcceptanceDecision(7, "Within appetite.", TODAY + timedelta(days=30), "low", "Low")
    signed = domain.accepted_state(state(), decision)
    assert signed["accepted_by_id"] == 7 and signed["level"] == "low" and signed["title"] == ""
    for other in (
        domain.AcceptanceDecision(8, "Within appetite.", TODAY + timedelta(days=30), "low", "Low"),
        domain.AcceptanceDecision(7, "Within appetite!", TODAY + timedelta(days=30), "low", "Low"),
        domain.AcceptanceDecision(7, "Within appetite.", TODAY + timedelta(days=31), "low", "Low"),
        domain.AcceptanceDecision(7, "Within appetite.", TODAY + timedelta(days=30), "medium", "Medium"),
    ):
        assert state_hash(domain.accepted_state(state(), other)) != state_hash(signed)


def refusal(st_: RiskState, *, role="risk_owner", acceptor=9, expires=TODAY + timedelta(days=30)):
    return domain.acceptance_refusal(
        PACKS.matrix("qtqms-5x5"),
        st_,
        role=role,
        acceptor_id=acceptor,
        proposers={"created": 1, "last_assessed": 2, "chose_the_treatment_of": None},
        expires_on=expires,
        today=TODAY,
    )


def test_acceptance_rules():
    assert refusal(state()) is None
    assert refusal(state(current=None)).message.startswith("the risk has no current rating")
    assert refusal(state(), acceptor=2).forbidden
    assert refusal(state(), acceptor=2).message == "you last assessed this risk; someone else must accept it"
    high = state(current=Rating(4, 4))
    assert refusal(high).forbidden and "only by admin" in refusal(high).message
    assert refusal(high, role="admin") is None
    assert not refusal(state(current=Rating(1, 5)), role="admin").forbidden
    assert "at any likelihood" in refusal(state(current=Rating(1, 5)), role="admin").message
    assert "anyone" in refusal(state(current=Rating(5, 4)), role="admin").message
    assert "after today" in refusal(state(), expires=TODAY).message
    assert "review period" in refusal(state(), expires=TODAY + timedelta(days=366)).message
    # the residual rating, once recorded, is what is accepted
    assert refusal(state(current=Rating(4, 4), residual=Rating(1, 1))) is None


def verdict(verification, acceptance="valid", status="accepted"):
    return domain.acceptance_verdict(
        verification, stored_acceptance=acceptance, stored_status=status, rated=True, open_actions=1, closed_actions=0
    )


def test_a_claimed_acceptance_stands_only_while_its_signature_holds():
    until = TODAY + timedelta(days=30)
    holds = Verification(1, Finding.VALID, "signature verified", expires_on=until)
    assert verdict(holds) == domain.AcceptanceVerdict("valid", "valid: signature verified", until, "accepted")
    expired = Verification(1, Finding.EXPIRED, f"signature expired on {TODAY}", expires_on=TODAY)
    assert verdict(expired) == domain.AcceptanceVerdict(
        "expired", f"expired: signature expired on {TODAY}", TODAY, "accepted"
    )
    changed = Verification(1, Finding.CHANGED, "the risk changed after it was accepted: title changed")
    assert verdict(changed) == domain.AcceptanceVerdict(
        "invalid", "invalid: the risk changed after it was accepted: title changed", None, "treating"
    )
    assert verdict(None, acceptance="none") == domain.AcceptanceVerdict(
        "invalid", f"invalid: {domain.NO_SIGNED_ACCEPTANCE}", None, "treating"
    )
    # A risk that claims no acceptance is shown as stored: there is nothing to verify.
    assert verdict(None, acceptance="invalid", status="assessed") == domain.as_stored("invalid", "assessed")


def test_status_follows_rating_treatment_and_acceptance():
    assert domain.derive_status(rated=False, open_actions=0, closed_actions=0, accepted=False) == "identified"
    assert domain.derive_status(rated=True, open_actions=0, closed_actions=0, accepted=False) == "assessed"
    assert domain.derive_status(rated=True, open_actions=1, closed_actions=3, accepted=False) == "treating"
    assert domain.derive_status(rated=True, open_actions=0, closed_actions=3, accepted=False) == "treated"
    assert domain.derive_status(rated=True, open_actions=2, closed_actions=0, accepted=True) == "accepted"


def test_treatment_actions_need_owner_title_and_due_date():
    option = domain.TreatmentOption.MODIFY
    assert [p.field for p in domain.treatment_problems(option, [])] == ["actions"]
    assert domain.treatment_problems(domain.TreatmentOption.RETAIN, []) == []
    problems = domain.treatment_problems(option, [{"title": "x", "owner": " ", "due_date": None}])
    assert [p.field for p in problems] == ["actions[0].owner", "actions[0].due_date"]


@given(st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False))
def test_negative_years_are_refused(value):
    with pytest.raises(InvalidInput, match="negative"):
        domain.check_years(value, "x")


@pytest.mark.parametrize("value", ["five", "", None, "nan", "inf", True, [3], "1e400"])
def test_non_numeric_years_are_refused(value):
    with pytest.raises(InvalidInput, match="not a number"):
        domain.check_years(value, "x")


@given(st.floats(min_value=0, max_value=200, allow_nan=False))
def test_valid_years_come_back_as_they_were(value):
    assert domain.check_years(value, "x") == value
    assert domain.check_years(str(value), "x") == value


@given(
    x=st.floats(min_value=0, max_value=100, allow_nan=False),
    y=st.floats(min_value=0, max_value=50, allow_nan=False),
    crqc_year=st.integers(min_value=2026, max_value=2100),
    as_of=st.integers(min_value=2020, max_value=2040),
)
def test_mosca_margin_deadline_and_exposure(x, y, crqc_year, as_of):
    point = domain.mosca_point(CrqcScenario("s", "S", crqc_year, "src", "2026-01-01"), x=x, y=y, as_of_year=as_of)
    assert point.z == crqc_year - as_of
    assert math.isclose(point.margin, point.z - (x + y), abs_tol=0.006)
    assert point.exposed == (point.z - (x + y) < 0)
    assert point.deadline_year == math.floor(crqc_year - x)
    if not point.exposed:
        assert as_of + y <= point.deadline_year + 1  # finishing on time is still possible


def test_mosca_explains_its_computation():
    point = domain.mosca_point(CrqcScenario("median", "M", 2035, "src", "2026-01-01"), x=10, y=3, as_of_year=2026)
    assert point.explain() == (
        "median: x=10 + y=3 = 13 vs z=9 (CRQC 2035); margin -4 years; migration must finish by 2025: EXPOSED"
    )


@given(st.lists(st.booleans(), min_size=1, max_size=6), st.sampled_from(list(Sensitivity)))
def test_hndl_rating_stays_on_the_matrix_and_grows_with_exposure(exposed, sensitivity):
    matrix = PACKS.matrix("qtqms-5x5")
    scenarios = [CrqcScenario(f"s{i}", "S", 2030 + i, "src", "2026-01-01") for i in range(len(exposed))]
    points = [
        domain.mosca_point(s, x=0, y=(s.crqc_year - 2026 + 1) if e else 0, as_of_year=2026)
        for s, e in zip(scenarios, exposed, strict=True)
    ]
    rating = domain.hndl_rating(matrix, points, sensitivity)
    assert not matrix.rating_problems(rating.likelihood, rating.impact)
    more = [domain.mosca_point(s, x=0, y=100, as_of_year=2026) for s in scenarios]
    assert (
        domain.hndl_rating(matrix, more, sensitivity).likelihood
        >= rating.likelihood
        == (rating.likelihood if any(exposed) else 1)
    )


def test_references_and_requirement_links():
    assert domain.format_ref(42) == "R-0042" and domain.parse_ref("r-42") == 42 and domain.parse_ref("R0007") == 7
    with pytest.raises(InvalidInput):
        domain.parse_ref("heatmap")
    assert domain.split_requirement_links(["pqc:FIPS 203/ML-KEM-768", "iso27001-2022:A.8.24"]) == [
        ("pqc", "FIPS 203/ML-KEM-768"),
        ("iso27001-2022", "A.8.24"),
    ]
    with pytest.raises(InvalidInput) as error:
        domain.split_requirement_links(["iso27001-2022:A.8.24", "A.8.24"])
    assert error.value.problems[0].field == "linked_requirements[1]"
