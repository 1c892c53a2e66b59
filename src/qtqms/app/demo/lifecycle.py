"""The demo company's technology lifecycle (all demo data): its products described for the lifecycle, among them
the 27-qubit processor's 100-qubit successor (flagged under 4A906); the gravimeter through its first gate on a
signed review; the QKD link blocked by an ELSPI assessment still in draft; and a proposed surveillance use of the
gravimeter hitting a red line, escalated."""

from __future__ import annotations

from collections.abc import Mapping

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel.actor import Actor
from qtqms.lifecycle.elspi import service as elspi
from qtqms.lifecycle.elspi.packs import question_bank
from qtqms.lifecycle.elspi.schemas import AnswerIn, RedLineHitIn
from qtqms.lifecycle.export_control import service as export_control
from qtqms.lifecycle.gates import service as gates
from qtqms.lifecycle.gates.schemas import DecisionIn
from qtqms.lifecycle.products import service as products
from qtqms.lifecycle.products.schemas import ProfileUpdate
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate

ETHICS, QUALITY, ENGINEER = "ellis.ethics", "quinn.quality", "emery.engineer"

NEXT_GENERATION = ProductCreate(
    key="QPU-NEXT",
    name="Borealis next generation 100-qubit processor (in design)",
    technology="computing",
    description="Successor of the 27-qubit processor: 100 physical qubits at a 5e-4 average C-NOT error (demo).",
)

PROFILES = {
    "QKD-LINK": ProfileUpdate(
        trl=6,
        intended_uses=["Key distribution between bank data centres", "Grid control-centre links"],
        intended_users=["Bank network operators", "Grid operators' security teams"],
        foreseeable_misuses=["Treating the link as secure without authenticating the classical channel"],
        developed_in=["DE"],
        sold_in=["EU", "GB"],
        used_in=["DE", "NL"],
        customer_classes=["enterprise", "critical-infrastructure"],
        safety_critical=True,
        parameters={"key_rate": 12000, "qber": 2.1, "distance": 48},
    ),
    "QPU-CLOUD": ProfileUpdate(
        trl=7,
        intended_uses=["Research access to a superconducting processor through a cloud API"],
        intended_users=["University and industrial researchers"],
        foreseeable_misuses=["Benchmark claims made without the published error model"],
        developed_in=["NL"],
        sold_in=["EU", "US", "JP"],
        used_in=["NL"],
        customer_classes=["research", "enterprise"],
        parameters={"physical_qubits": 27, "cnot_error": 8e-3, "t1": 110, "t2": 90, "operating_temperature": 12},
    ),
    "QPU-NEXT": ProfileUpdate(
        trl=4,
        intended_uses=["Next-generation cloud processor for research"],
        intended_users=["University and industrial researchers"],
        developed_in=["NL", "DE"],
        sold_in=["EU", "US"],
        used_in=["NL"],
        customer_classes=["research", "enterprise"],
        parameters={"physical_qubits": 100, "cnot_error": 5e-4, "t1": 150, "t2": 120, "operating_temperature": 10},
    ),
    "GRAV-1": ProfileUpdate(
        trl=8,
        intended_uses=["Absolute gravity surveys for geophysics and civil engineering"],
        intended_users=["Survey engineers", "Geophysicists"],
        foreseeable_misuses=["Detecting hidden rooms or people in buildings without consent"],
        developed_in=["DE"],
        sold_in=["EU", "GB"],
        used_in=["EU"],
        customer_classes=["research", "enterprise"],
        parameters={"sensitivity": 500, "stability": 10, "operating_temperature": 293},
    ),
}

# The gravimeter's answers that are not the default (risk 0, mitigation 2): a low-impact survey instrument.
GRAVIMETER_ANSWERS = {"D3.1": 1, "D4.1": 1, "D8.1": 1, "D10.2": 1, "D5.m": 1}
SURVEILLANCE = (
    "A reseller proposes networked gravimeters to detect, without their knowledge, people moving inside "
    "buildings near a border crossing."
)


def _as(uow: UnitOfWork, username: str) -> Actor:
    actor = identity_service.local_actor(uow, username)
    uow.actor = actor
    return actor


def build_lifecycle_demo(uow: UnitOfWork, admin: Actor, passwords: Mapping[str, str]) -> None:
    org_service.add_product(uow, admin, NEXT_GENERATION)
    for key, profile in PROFILES.items():
        products.enrol_product(uow, admin, key)
        products.update_profile(uow, admin, key, profile)
    _gravimeter_through_g0(uow, admin, passwords)
    _qkd_link_in_draft(uow)
    export_control.record_classification(uow, _as(uow, ENGINEER), "QPU-NEXT")
    elspi.raise_red_line(uow, _as(uow, ENGINEER), "GRAV-1", RedLineHitIn(red_line="RL2", use_case=SURVEILLANCE))
    uow.actor = admin


def _gravimeter_through_g0(uow: UnitOfWork, admin: Actor, passwords: Mapping[str, str]) -> None:
    ethics = _as(uow, ETHICS)
    started = elspi.start_assessment(uow, ethics, "GRAV-1")
    answers = [
        AnswerIn(question=q.id, score=GRAVIMETER_ANSWERS.get(q.id, 0 if q.kind == "risk" else 2))
        for q in question_bank().questions
    ]
    elspi.answer(uow, ethics, started.ref, answers)
    elspi.complete(uow, ethics, started.ref)
    elspi.sign_off(uow, _as(uow, QUALITY), started.ref, passwords[QUALITY])
    uow.actor = admin
    rationale = "Survey use, markets and a level I ELSPI screening are recorded and signed; no red line is hit."
    decision = gates.propose_decision(uow, admin, "GRAV-1", DecisionIn(outcome="go", rationale=rationale))
    gates.sign_decision(uow, _as(uow, QUALITY), decision.id, passwords[QUALITY])


def _qkd_link_in_draft(uow: UnitOfWork) -> None:
    ethics = _as(uow, ETHICS)
    started = elspi.start_assessment(uow, ethics, "QKD-LINK")
    first = [AnswerIn(question=q.id, score=1 if q.kind == "risk" else 1) for q in question_bank().questions[:9]]
    elspi.answer(uow, ethics, started.ref, first)
