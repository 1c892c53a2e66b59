"""Gates and ELSPI end to end on the lab: a gate check says for each criterion met or not and why; a decision is
signed by the roles it needs and never by its author; a passing one moves the stage; a red line blocks every gate
until cleared by signed decision; scoring floors raise the level; export classification names 4A906's row."""

from __future__ import annotations

import pytest

from qtqms.kernel.errors import CheckFailed, Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from qtqms.lifecycle.elspi import service as elspi
from qtqms.lifecycle.elspi.packs import question_bank
from qtqms.lifecycle.elspi.schemas import AnswerIn, RedLineHitIn
from qtqms.lifecycle.export_control import service as export_control
from qtqms.lifecycle.gates import service as gates
from qtqms.lifecycle.gates.schemas import DecisionIn
from qtqms.lifecycle.products import service as products
from qtqms.lifecycle.products.schemas import ProfileUpdate
from tests.builders import PASSWORD

PROFILE = ProfileUpdate(intended_uses=["Surveys"], intended_users=["Geophysicists"], sold_in=["EU"], trl=5)


def _answers(overrides=None) -> list[AnswerIn]:
    overrides = overrides or {}
    return [
        AnswerIn(question=q.id, score=overrides.get(q.id, 0 if q.kind == "risk" else 2))
        for q in question_bank().questions
    ]


def _signed_assessment(lab, key: str, overrides=None) -> str:
    ref = lab.run(lab.ethics, elspi.start_assessment, key).ref
    lab.run(lab.ethics, elspi.answer, ref, _answers(overrides))
    done = lab.run(lab.ethics, elspi.complete, ref)
    for role_actor in (lab.quality, lab.admin, lab.owner):
        if role_actor.role in done.missing_roles:
            lab.run(role_actor, elspi.sign_off, ref, PASSWORD)
    return ref


def test_the_check_says_for_each_criterion_met_or_not_and_why(lab):
    check = lab.read(lab.viewer, gates.check_gate, "GRAV-1")
    assert (check.gate, check.passed) == ("G0", False)
    verdicts = {c.id: (c.passed, c.reason) for c in check.criteria}
    assert verdicts["G0-1"] == (False, "not recorded: intended uses, intended users, sold in")
    assert verdicts["G0-2"] == (False, "no ELSPI assessment of this product yet")
    assert verdicts["G0-3"] == (True, "no open red-line hit")


def test_a_gate_passes_only_through_a_decision_signed_by_others_than_its_author(lab):
    lab.run(lab.admin, products.update_profile, "GRAV-1", PROFILE)
    with pytest.raises(CheckFailed, match="gate G0 of GRAV-1 is blocked: G0-2"):
        lab.run(lab.quality, gates.propose_decision, "GRAV-1", DecisionIn(outcome="go", rationale="Ready to go now"))
    _signed_assessment(lab, "GRAV-1")
    assert lab.read(lab.viewer, gates.check_gate, "GRAV-1").passed
    decision = lab.run(
        lab.quality,
        gates.propose_decision,
        "GRAV-1",
        DecisionIn(outcome="go", rationale="Concept is clear and screened"),
    )
    assert decision.status == "awaiting" and decision.missing_roles == ["quality_manager"]
    with pytest.raises(PermissionDenied, match="you proposed gate G0 decision of GRAV-1; someone else must sign"):
        lab.run(lab.quality, gates.sign_decision, decision.id, PASSWORD)
    with pytest.raises(PermissionDenied, match="the role risk_owner does not sign this"):
        lab.run(lab.owner, gates.sign_decision, decision.id, PASSWORD)
    with pytest.raises(PermissionDenied, match="may not do 'gates:decide'"):
        lab.run(lab.engineer, gates.sign_decision, decision.id, PASSWORD)
    assert lab.read(lab.viewer, products.get_profile, "GRAV-1").stage == "S0"


def test_a_wrong_password_signs_nothing(lab):
    lab.run(lab.admin, products.update_profile, "GRAV-1", PROFILE)
    _signed_assessment(lab, "GRAV-1")
    decision = lab.run(lab.owner, gates.propose_decision, "GRAV-1", DecisionIn(outcome="go", rationale="Concept ok"))
    with pytest.raises(NotAuthenticated, match="not signed"):
        lab.run(lab.quality, gates.sign_decision, decision.id, "wrong")
    done = lab.run(lab.quality, gates.sign_decision, decision.id, PASSWORD)
    assert done.status == "decided" and lab.read(lab.viewer, products.get_profile, "GRAV-1").stage == "S1"
    lab.run(lab.engineer, products.update_profile, "GRAV-1", ProfileUpdate(trl=6))
    stale = lab.read(lab.viewer, gates.get_decision, decision.id)
    assert stale.stale and stale.status == "stale" and "trl: 5 -> 6" in stale.stale_reasons[0]


def test_a_red_line_blocks_every_gate_until_each_decider_signs_a_justified_clearance(lab):
    lab.run(lab.admin, products.update_profile, "GRAV-1", PROFILE)
    _signed_assessment(lab, "GRAV-1")
    hit = lab.run(
        lab.engineer,
        elspi.raise_red_line,
        "GRAV-1",
        RedLineHitIn(red_line="RL2", use_case="Covert detection of people in buildings"),
    )
    check = lab.read(lab.viewer, gates.check_gate, "GRAV-1")
    assert not check.passed and check.red_line_blocked
    assert "red line hit" in next(c.reason for c in check.criteria if c.id == "G0-3")
    with pytest.raises(InvalidInput, match="justification"):
        lab.run(lab.ethics, elspi.clear_red_line, hit.id, PASSWORD, "too short")
    with pytest.raises(PermissionDenied, match="cleared only by ethics_officer, admin"):
        lab.run(lab.quality, elspi.clear_red_line, hit.id, PASSWORD, "Lawful basis: court order 2026/17 recorded")
    half = lab.run(lab.ethics, elspi.clear_red_line, hit.id, PASSWORD, "Use withdrawn by the reseller in writing")
    assert half.status == "open" and half.missing_roles == ["admin"]
    cleared = lab.run(lab.admin, elspi.clear_red_line, hit.id, PASSWORD, "Use withdrawn; contract clause added")
    assert cleared.status == "cleared" and lab.read(lab.viewer, gates.check_gate, "GRAV-1").passed


def test_one_severe_safety_answer_raises_the_level_through_the_floor_and_adds_sign_offs(lab):
    lab.run(lab.admin, products.update_profile, "QKD-LINK", ProfileUpdate(safety_critical=True))
    ref = lab.run(lab.ethics, elspi.start_assessment, "QKD-LINK").ref
    lab.run(lab.ethics, elspi.answer, ref, _answers())
    with pytest.raises(InvalidInput, match="EIA-0001: D4.1: 4 is outside the scale"):
        lab.run(lab.ethics, elspi.answer, ref, [AnswerIn(question="D4.1", score=4)])
    lab.run(lab.ethics, elspi.answer, ref, [AnswerIn(question="D4.1", score=3)])
    done = lab.run(lab.ethics, elspi.complete, ref)
    assert done.level == "III" and done.raw == 3
    assert done.floors == ["F2: a severe safety answer in a safety-critical context sets the level to at least III"]
    assert done.required_roles == ["quality_manager", "ethics_officer", "risk_owner", "admin"]
    with pytest.raises(PermissionDenied, match="you completed ELSPI assessment"):
        lab.run(lab.ethics, elspi.sign_off, ref, PASSWORD)
    assert any("D4.1: Reduce" in action for action in done.actions)


def test_a_new_jurisdiction_makes_the_assessment_due_and_rescoring_makes_a_comparable_one(lab):
    ref = _signed_assessment(lab, "QKD-LINK")
    assert lab.read(lab.viewer, elspi.due, ["QKD-LINK"]) == []
    lab.run(lab.engineer, products.update_profile, "QKD-LINK", ProfileUpdate(sold_in=["US"]))
    [due] = lab.read(lab.viewer, elspi.due, ["QKD-LINK"])
    assert due.reasons == ["new jurisdiction US"]
    again = lab.run(lab.ethics, elspi.rescore, ref)
    assert again.rescored_from == ref and again.unanswered == 0 and again.status == "draft"
    compared = lab.read(lab.viewer, elspi.compare, [ref, again.ref])
    assert compared.refs == [ref, again.ref] and compared.rows[0] == ("D1.1", [0, 0])
    with pytest.raises(Conflict, match="answers change only in a draft"):
        lab.run(lab.ethics, elspi.answer, ref, [AnswerIn(question="D1.1", score=1)])


def test_the_100_qubit_processor_is_flagged_under_4a906_and_fewer_than_34_qubits_clears_it(lab):
    lab.run(
        lab.engineer,
        products.update_profile,
        "QPU-100",
        ProfileUpdate(parameters={"physical_qubits": 100, "cnot_error": 5e-4}),
    )
    found = lab.run(lab.engineer, export_control.record_classification, "QPU-100")
    us = next(c for c in found.candidates if c.item == "4A906.a")
    assert us.status == "controlled" and "'100-199 physical qubits with C-NOT error at most 0.001'" in us.reason
    assert "not legal advice" in found.notice and found.current
    lab.run(lab.engineer, products.update_profile, "QPU-100", ProfileUpdate(parameters={"physical_qubits": 33}))
    now = lab.read(lab.viewer, export_control.classify, "QPU-100")
    assert next(c for c in now.candidates if c.item == "4A906.a").status == "not controlled"
    assert "4A906.a (US): controlled -> not controlled" in now.changes and not now.current


def _check_queries(lab, key: str) -> int:
    from qtqms.db.uow import UnitOfWork
    from tests.builders import query_counter

    with UnitOfWork(lab.db, actor=lab.viewer) as uow, query_counter(lab.db) as statements:
        gates.check_gate(uow, lab.viewer, key)
    return len(statements)


def test_a_gate_check_costs_the_same_queries_however_many_assessments_hits_and_evidence(lab):
    from qtqms.evidence import service as evidence_service

    _signed_assessment(lab, "GRAV-1")
    lab.run(lab.engineer, elspi.raise_red_line, "GRAV-1", RedLineHitIn(red_line="RL1", use_case="Reading mail"))
    lab.run(lab.engineer, evidence_service.add_url, "product", "GRAV-1", title="V&V 1", url="https://example.org/1")
    few = _check_queries(lab, "GRAV-1")
    for index in range(4):
        _signed_assessment(lab, "GRAV-1")
        lab.run(
            lab.engineer, elspi.raise_red_line, "GRAV-1", RedLineHitIn(red_line="RL2", use_case=f"Watching {index}")
        )
        lab.run(
            lab.engineer,
            evidence_service.add_url,
            "product",
            "GRAV-1",
            title=f"E {index}",
            url=f"https://example.org/e{index}",
        )
    assert _check_queries(lab, "GRAV-1") == few


def test_a_refused_approval_stays_in_the_trail(lab):
    from qtqms.trail import service as trail_service

    lab.run(lab.admin, products.update_profile, "GRAV-1", PROFILE)
    _signed_assessment(lab, "GRAV-1")
    decision = lab.run(
        lab.quality, gates.propose_decision, "GRAV-1", DecisionIn(outcome="go", rationale="Ready to go now")
    )
    with pytest.raises(PermissionDenied, match="you proposed"):
        lab.run(lab.quality, gates.sign_decision, decision.id, PASSWORD)
    [event] = lab.read(lab.admin, trail_service.history, "gate-decision", decision.id)
    assert event.action == "signoff_refused" and "you proposed" in event.after["refused"]
