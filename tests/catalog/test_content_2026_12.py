"""The catalogue's facts as corrected in December 2026 (reference/facts-2026-12.md): each test names the error it
pins, so a pack edit that brings an old fact back fails here."""

from __future__ import annotations

import pytest

from qtqms.catalog import packs


@pytest.fixture(scope="module")
def frameworks():
    return packs.load_shipped()[0]


def requirement(framework, requirement_id):
    return next(r for r in framework.requirements if r.id == requirement_id)


def test_iso42001_has_no_amendment_and_says_which_annexes_are_normative(frameworks):
    """E3 and [verify] 15."""
    pack = frameworks["iso42001-2023"]
    assert pack.edition == "2023 (first edition)"
    assert any("Annexes A and B are normative; C and D are informative" in note for note in pack.info.notes)


def test_the_harmonized_structures_climate_text_is_an_annex_sl_update_not_a_numbered_amendment(frameworks):
    """E4."""
    assert "Amendment" not in frameworks["hs-2021"].edition and "2024 climate" in frameworks["hs-2021"].edition


def test_iso9001_2015_is_marked_superseded_with_its_transition_dates_to_verify(frameworks):
    """E10."""
    pack = frameworks["iso9001-2015"]
    assert "superseded by ISO 9001:2026" in pack.edition
    (note,) = [n for n in pack.info.notes if "16 Sep 2026" in n]
    assert "31 Mar 2028" in note and "30 Sep 2029" in note and "[verify" in note


def test_ieee_p7130_began_in_2017_and_stays_a_project(frameworks):
    """E6."""
    p7130 = requirement(frameworks["quantum-standards"], "IEEE P7130")
    assert "2017" in p7130.description and "2019" not in p7130.description
    assert p7130.tags["status"] == ("project",) and p7130.tags["status_date"] == ("2017-08-23",)


def test_etsi_qkd_016_carries_its_version_and_certified_protection_profile(frameworks):
    """[verify] 25."""
    qkd016 = requirement(frameworks["quantum-standards"], "ETSI GS QKD 016")
    assert "V2.1.1" in qkd016.description and qkd016.tags["certification"] == ("BSI-CC-PP-0120-2024",)


def test_every_quantum_standard_has_a_status_and_each_checked_one_its_day(frameworks):
    standards = [r for r in frameworks["quantum-standards"].requirements if r.parent]
    assert all(r.tags.get("status") for r in standards)
    assert all(r.tags.get("verified_on") or r.tags.get("verify") for r in standards)


def test_ir_8547_has_no_112_bit_eddsa_row_and_224_bit_hashes_retire(frameworks):
    """E11, E13."""
    pqc = frameworks["pqc"]
    assert "EdDSA signatures" not in requirement(pqc, "IR 8547/SIG-112").description
    assert "no 112-bit EdDSA row" in requirement(pqc, "IR 8547/SIG-112").description
    sym = requirement(pqc, "IR 8547/SYM")
    assert "SHA3-224" in sym.description and "256 bits or more" in sym.description


def test_eu_roadmap_is_v1_1_and_2035_completes_medium_risk_with_low_risk_best_effort(frameworks):
    """E1, E2."""
    pqc = frameworks["pqc"]
    assert "Version 1.1" in requirement(pqc, "EU-PQC").description
    assert "as far as feasible" not in requirement(pqc, "EU-PQC/2035").label
    assert "as far as feasible" in requirement(pqc, "EU-PQC/LOW-RISK").label


def test_the_pqc_pack_knows_the_us_order_and_the_uk_timeline_and_the_cnssp_15_milestones(frameworks):
    """E18, E8."""
    ids = {r.id for r in frameworks["pqc"].requirements}
    assert {"US-EO-14412/KE-2030", "US-EO-14412/SIG-2031", "UK-NCSC/2031"} <= ids
    assert {"CNSA 2.0/PHASE-OUT-2030", "CNSA 2.0/MANDATE-2031"} <= ids


def test_no_settled_verify_mark_is_left_in_the_pqc_and_quantum_standards_notes(frameworks):
    for pack_id in ("pqc", "quantum-standards"):
        assert not any("[verify" in note for note in frameworks[pack_id].info.notes), pack_id
