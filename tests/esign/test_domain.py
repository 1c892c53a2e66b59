"""Pure e-signature rules: meanings, what a change to the state says, segregation of duties, the manifest."""

from __future__ import annotations

from datetime import UTC, date, datetime

from qtqms.esign import domain
from qtqms.esign.domain import Approval, Finding, Meaning, Subject

RISK = Subject("risk", "3", "R-0003 Detector blinding")


def test_the_meanings_are_the_five_a_quality_system_signs():
    assert [m.value for m in Meaning] == ["authored", "reviewed", "approved", "accepted", "released"]


def test_changed_fields_quote_short_values_and_name_long_ones():
    before = {"title": "Old title", "current": "L2xI2", "asset_ids": [1], "description": "x" * 80, "plan": None}
    after = {"title": "New title", "current": "L3xI2", "asset_ids": [1, 2], "description": "y" * 80, "plan": "Fix"}
    assert [str(c) for c in domain.changed_fields(before, after)] == [
        "asset_ids: [1] -> [1, 2]",
        "current: L2xI2 -> L3xI2",
        "description changed",
        "plan: none -> Fix",
        "title: 'Old title' -> 'New title'",
    ]
    assert domain.changed_fields({"day": date(2027, 1, 31)}, {"day": "2027-01-31"}) == []


def test_an_approval_holds_while_the_state_is_the_signed_one_and_names_what_changed():
    signed = {"title": "Detector blinding", "current": "L2xI2"}
    approval = Approval(9, RISK, "accepted", domain.state_hash(signed), signed)
    assert approval.check(dict(signed)) is None
    changed = approval.check({**signed, "current": "L4xI2"})
    assert changed is not None and changed.finding is Finding.CHANGED and not changed.valid
    assert changed.reason == "the risk changed after it was accepted: current: L2xI2 -> L4xI2"
    assert changed.changed_fields == ("current",)


def test_segregation_of_duties_names_every_part_the_signer_played():
    assert domain.not_among(5, action="accept", subject="this risk", created=1, last_assessed=None) is None
    assert (
        domain.not_among(5, action="approve", subject="this document", authored=5, reviewed=2)
        == "you authored this document; someone else must approve it"
    )
    assert (
        domain.not_among(5, action="accept", subject="this risk", created=5, last_assessed=5, chose_the_treatment_of=5)
        == "you created, last assessed and chose the treatment of this risk; someone else must accept it"
    )


def test_a_manifest_reads_back_and_an_earlier_or_broken_one_does_not():
    signed_at = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    text = domain.manifest(
        signer_id=4,
        signer="robin",
        meaning=Meaning.ACCEPTED,
        subject=RISK,
        signed_at=signed_at,
        expires_on=date(2027, 1, 31),
        content_hash="ab" * 32,
    ).decode()
    read = domain.read_manifest(text)
    assert read == domain.SignedManifest(4, "accepted", RISK, date(2027, 1, 31), "ab" * 32)
    assert domain.read_manifest('{"signer": "robin", "content_hash": "x"}') is None
    assert domain.read_manifest("not json") is None
