"""Policy packs: verdicts by date and strength, fail-closed unknowns, and how a bad pack is reported."""

from __future__ import annotations

from datetime import date

import pytest

from qtqms.kernel.errors import InvalidInput
from qtqms.pqc.packs import policies
from qtqms.pqc.scanner.algorithms import Algorithm, AssetType, Confidence, Finding, Verdict, classify
from qtqms.pqc.scanner.names import parse_name
from qtqms.pqc.scanner.policy import evaluate, fails, judge, load_pack

NIST = load_pack("nist-ir-8547")
TODAY = date(2026, 11, 24)


def verdict(name: str, pack=NIST, as_of=TODAY, asset=AssetType.ALGORITHM, category=None):
    algorithm = parse_name(name)
    assert algorithm is not None, name
    return judge(algorithm, asset, pack, as_of, category)


def test_every_shipped_pack_loads_with_version_source_and_verification_date():
    packs = policies()
    assert {p.id for p in packs} == {"nist-ir-8547", "cnsa-2.0", "eu-pqc-roadmap", "us-eo-14412", "uk-ncsc-pqc"}
    assert all(p.version and p.source and p.verified_on for p in packs)


@pytest.mark.parametrize(
    ("name", "as_of", "expected", "disallowed_from"),
    [
        ("RSA-2048", TODAY, Verdict.DEPRECATED, date(2036, 1, 1)),
        ("RSA-2048", date(2036, 1, 1), Verdict.DISALLOWED, date(2036, 1, 1)),
        ("RSA-3072", date(2035, 12, 31), Verdict.DEPRECATED, date(2036, 1, 1)),
        ("ECDSA-P-256", TODAY, Verdict.DEPRECATED, date(2036, 1, 1)),
        ("RSA-1024", TODAY, Verdict.DISALLOWED, None),
        ("ML-KEM-768", date(2040, 1, 1), Verdict.ALLOWED, None),
        ("AES-128-GCM", TODAY, Verdict.ALLOWED, None),
        ("3DES-CBC", TODAY, Verdict.DISALLOWED, date(2024, 1, 1)),
        ("MD5", TODAY, Verdict.DISALLOWED, None),
        ("ChaCha20-Poly1305", TODAY, Verdict.UNKNOWN, None),
    ],
)
def test_nist_ir_8547_verdicts(name, as_of, expected, disallowed_from):
    result, _rule, disallowed = verdict(name, as_of=as_of)
    assert result is expected
    assert disallowed == disallowed_from


def test_112_bit_strength_carries_the_risk_acceptance_date_and_128_bit_does_not():
    _, rule_2048, _ = verdict("RSA-2048")
    _, rule_3072, _ = verdict("RSA-3072")
    assert rule_2048.risk_acceptance_from == date(2031, 1, 1)
    assert rule_3072.risk_acceptance_from is None


def test_cnsa_allows_only_category_5_parameter_sets():
    cnsa = load_pack("cnsa-2.0")
    assert verdict("ML-KEM-1024", cnsa)[0] is Verdict.ALLOWED
    assert verdict("ML-KEM-768", cnsa)[0] is Verdict.DISALLOWED
    assert verdict("AES-128", cnsa)[0] is Verdict.DISALLOWED
    assert verdict("RSA-3072", cnsa, as_of=date(2031, 6, 1), category="web-cloud")[0] is Verdict.DEPRECATED
    assert verdict("RSA-3072", cnsa, as_of=date(2031, 6, 1), category="software-signing")[0] is Verdict.DISALLOWED


@pytest.mark.parametrize(
    ("family", "curve"),
    [("ECDSA", "P-256"), ("ECDH", "P-256"), ("EC", "secp256r1"), ("ECDSA", "P-521"), ("ECDSA", "brainpoolP384r1")],
)
def test_cnsa_1_0_knows_no_curve_but_p_384(family, curve):
    """E7: a 128-bit strength test let P-256 pass as CNSA 1.0 until the category's date."""
    judged = judge(classify(family, curve), AssetType.ALGORITHM, load_pack("cnsa-2.0"), TODAY)
    assert (judged[0], judged[1].id, judged[2]) == (Verdict.DISALLOWED, "not-in-suite", None)


@pytest.mark.parametrize("name", ["ECDSA-P-384", "ECDH-P-384", "RSA-3072", "RSA-4096", "DH-3072"])
def test_cnsa_1_0_p_384_and_rsa_dh_from_3072_bits_stay_until_the_category_date(name):
    result, _rule, disallowed = verdict(name, load_pack("cnsa-2.0"))
    assert (result, disallowed) == (Verdict.DEPRECATED, date(2034, 1, 1))


def test_cnsa_rsa_2048_was_never_in_the_suite():
    assert verdict("RSA-2048", load_pack("cnsa-2.0"))[0] is Verdict.DISALLOWED


def test_cnsa_carries_the_cnssp_15_milestones_and_says_its_days_are_its_own_reading():
    cnsa = load_pack("cnsa-2.0")
    days = {m["date"] for m in cnsa.data["milestones"]}
    assert {"2027-01-01", "2030-12-31", "2031-12-31"} <= days
    assert any("qtqms's own reading" in note for note in cnsa.data["notes"])


def test_sha3_224_is_on_the_retirement_path_with_every_224_bit_hash_and_marked_verify():
    """E12: SHA3-224 was allowed while SHA-224 and SHA-512/224 were phased out."""
    for name in ("SHA3-224", "SHA-224", "SHA-512/224"):
        result, rule, disallowed = verdict(name)
        assert (result, rule.id, disallowed, rule.verify) == (Verdict.DEPRECATED, "sha-224", date(2031, 1, 1), True)


def test_the_verify_mark_of_the_deciding_rule_reaches_the_assessment():
    (sha3,) = evaluate([finding(parse_name("SHA3-224"))], NIST, TODAY)
    (sha256,) = evaluate([finding(parse_name("SHA-256"))], NIST, TODAY)
    assert sha3.to_dict()["verify"] is True and sha256.to_dict()["verify"] is False


def test_ed25519_is_never_judged_by_the_112_bit_row():
    """E11: IR 8547 has no 112-bit EdDSA row; an EdDSA key of 112 bits is matched by no rule."""
    ed25519 = parse_name("Ed25519")
    at_112 = Algorithm(ed25519.family, ed25519.name, ed25519.primitive, ed25519.parameter, None, None, 112, 0, True)
    assert judge(at_112, AssetType.ALGORITHM, NIST, TODAY) == (Verdict.UNKNOWN, None, None)
    assert verdict("Ed25519")[1].id == "qv-128-plus"
    assert judge(classify("ECDSA", "P-224"), AssetType.ALGORITHM, NIST, TODAY)[1].id == "qv-112"


def test_hmac_sha_1_stays_allowed_but_marked_verify():
    """E19: whether the SP 800-131A revision keeps HMAC-SHA-1 is not confirmed."""
    result, rule, _ = verdict("HMAC-SHA1")
    assert (result, rule.verify) == (Verdict.ALLOWED, True)
    assert verdict("HMAC-SHA256")[1].verify is False


def test_eu_roadmap_is_part_1_version_1_1_and_low_risk_has_no_hard_date():
    """E1, E2: v1.1 of 11 Jun 2025; 2035 completes medium risk, low risk only as far as feasible."""
    eu = load_pack("eu-pqc-roadmap")
    assert "Version 1.1" in eu.source and "11 Jun 2025" in eu.source and "23 Jun 2025" in eu.source
    (late,) = [m["label"] for m in eu.data["milestones"] if m["date"] == "2035-12-31"]
    assert late.startswith("medium-risk use cases migrated;") and "low-risk" in late
    result, _rule, disallowed = verdict("X25519", eu, as_of=date(2050, 1, 1), category="low-risk")
    assert (result, disallowed) == (Verdict.DEPRECATED, None)


@pytest.mark.parametrize(
    ("name", "as_of", "expected", "disallowed_from"),
    [
        ("X25519", date(2030, 12, 31), Verdict.DEPRECATED, date(2031, 1, 1)),
        ("ECDH-P-384", date(2031, 1, 1), Verdict.DISALLOWED, date(2031, 1, 1)),
        ("ECDSA-P-256", date(2031, 6, 1), Verdict.DEPRECATED, date(2032, 1, 1)),
        ("RSA-3072-PSS", date(2032, 1, 1), Verdict.DISALLOWED, date(2032, 1, 1)),
        ("RSA-1024", TODAY, Verdict.DISALLOWED, None),
        ("ML-KEM-768", date(2040, 1, 1), Verdict.ALLOWED, None),
        ("MD5", TODAY, Verdict.DISALLOWED, None),
    ],
)
def test_us_eo_14412_key_establishment_by_2030_and_signatures_by_2031(name, as_of, expected, disallowed_from):
    result, _rule, disallowed = verdict(name, load_pack("us-eo-14412"), as_of=as_of)
    assert (result, disallowed) == (expected, disallowed_from)


def test_uk_ncsc_priority_systems_by_2031_and_the_rest_by_2035():
    uk = load_pack("uk-ncsc-pqc")
    assert verdict("RSA-2048", uk, as_of=date(2032, 1, 1))[0] is Verdict.DISALLOWED
    assert verdict("RSA-2048", uk, as_of=date(2032, 1, 1), category="all-systems")[0] is Verdict.DEPRECATED
    assert verdict("RSA-2048", uk, as_of=date(2036, 1, 1), category="all-systems")[0] is Verdict.DISALLOWED
    assert [m["date"][:4] for m in uk.data["milestones"]] == ["2028", "2031", "2035"]


def test_the_schema_knows_every_primitive_a_rule_may_match():
    import json

    from qtqms.pqc.scanner.algorithms import Primitive
    from qtqms.pqc.scanner.policy import SCHEMA_FILE

    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    primitives = schema["properties"]["rules"]["items"]["properties"]["match"]["properties"]["primitives"]
    assert set(primitives["items"]["enum"]) == {p.value for p in Primitive}


def test_unknown_category_is_bad_input():
    with pytest.raises(InvalidInput, match="no category 'banking'"):
        verdict("RSA-3072", load_pack("cnsa-2.0"), category="banking")


def test_eu_high_risk_is_due_in_2031_and_medium_risk_in_2036():
    eu = load_pack("eu-pqc-roadmap")
    assert verdict("X25519", eu, as_of=date(2031, 1, 1))[0] is Verdict.DISALLOWED
    assert verdict("X25519", eu, as_of=date(2031, 1, 1), category="medium-risk")[0] is Verdict.DEPRECATED


def finding(algorithm, asset=AssetType.ALGORITHM, details=()):
    return Finding(asset, algorithm, "x", 1, 1, "", Confidence.HIGH, "test", "python", details)


def test_certificate_is_judged_by_its_key_and_its_signature_hash():
    sha1_signed = finding(classify("RSA", 3072), AssetType.CERTIFICATE, (("signature_hash", "SHA-1"),))
    (assessment,) = evaluate([sha1_signed], NIST, date(2032, 1, 1))
    assert assessment.verdict is Verdict.DISALLOWED


def test_fail_on_thresholds_treat_unknown_as_the_worst():
    unknown = list(evaluate([finding(parse_name("ChaCha20"))], NIST, TODAY))
    assert fails(unknown, Verdict.DISALLOWED)
    assert fails(unknown, Verdict.UNKNOWN)
    deprecated = list(evaluate([finding(parse_name("RSA-2048"))], NIST, TODAY))
    assert fails(deprecated, Verdict.DEPRECATED)
    assert not fails(deprecated, Verdict.DISALLOWED)


def test_a_bad_pack_names_file_line_and_field_for_every_problem(tmp_path):
    pack = tmp_path / "mine.yaml"
    pack.write_text(
        "id: mine\ntitle: Mine\nversion: '1'\nsource: ours\nverified_on: '2026-01-01'\n"
        "rules:\n  - id: r1\n    label: x\n    match: {families: [RSA]}\n    verdict: maybe\n"
        "  - id: r2\n    match: {families: [AES]}\n    verdict: allowed\n"
    )
    with pytest.raises(InvalidInput) as raised:
        load_pack(str(pack))
    problems = {(p.where, p.field) for p in raised.value.problems}
    assert (f"{pack}:10", "rules[0].verdict") in problems
    assert (f"{pack}:11", "rules[1]") in problems


def test_a_users_own_pack_is_used_by_path(tmp_path):
    pack = tmp_path / "house.yaml"
    pack.write_text(
        "id: house\ntitle: House rules\nversion: '1'\nsource: our security board\nverified_on: '2026-01-01'\n"
        "rules:\n  - id: no-rsa\n    label: No RSA\n    match: {families: [RSA]}\n    verdict: disallowed\n"
    )
    assert verdict("RSA-4096", load_pack(str(pack)))[0] is Verdict.DISALLOWED
    assert verdict("AES-256", load_pack(str(pack)))[0] is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("field", "line"),
    [("verified_on: '2026-02-30'", "verified_on"), ("    deprecated_from: '2030-02-30'", "rules[0].deprecated_from")],
)
def test_a_day_that_is_not_in_the_calendar_is_a_located_problem_not_a_traceback(tmp_path, field, line):
    text = (
        "id: mine\ntitle: Mine\nversion: '1'\nsource: ours\nverified_on: '2026-01-01'\n"
        "rules:\n  - id: r1\n    label: x\n    match: {families: [RSA]}\n    deprecated_from: '2030-01-01'\n"
    )
    name = field.strip().split(":")[0]
    text = "\n".join(field if row.strip().startswith(f"{name}:") else row for row in text.splitlines()) + "\n"
    pack = tmp_path / "mine.yaml"
    pack.write_text(text)
    with pytest.raises(InvalidInput) as raised:
        load_pack(str(pack))
    (problem,) = raised.value.problems
    assert problem.field == line and "is not a calendar date" in problem.message
