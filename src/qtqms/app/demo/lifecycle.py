"""The demo company's technology lifecycle (all demo data): its products described for the lifecycle, among
them the 27-qubit processor's 100-qubit successor."""

from __future__ import annotations

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.lifecycle.products import service as products
from qtqms.lifecycle.products.schemas import ProfileUpdate
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate

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


def build_lifecycle_demo(uow: UnitOfWork, admin: Actor) -> None:
    org_service.add_product(uow, admin, NEXT_GENERATION)
    for key, profile in PROFILES.items():
        products.enrol_product(uow, admin, key)
        products.update_profile(uow, admin, key, profile)
