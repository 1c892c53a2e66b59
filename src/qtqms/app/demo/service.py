"""Build the fictional demo company that every slice extends (all of it marked as demo data)."""

from __future__ import annotations

from dataclasses import dataclass

from qtqms.app.demo.catalog import build_catalog_demo
from qtqms.app.demo.lifecycle import build_lifecycle_demo
from qtqms.app.demo.pqc import build_pqc_demo
from qtqms.app.demo.quality import build_nonconformity_demo, build_quality_demo
from qtqms.app.demo.risk import build_risk_demo
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.identity.schemas import UserCreate
from qtqms.kernel.actor import Actor
from qtqms.org import service as org_service
from qtqms.org.schemas import (
    ExclusionCreate,
    JurisdictionCreate,
    OrganisationUpdate,
    ProductCreate,
    SiteCreate,
)

DEMO_ORGANISATION = "Aurora Quantum Labs (demo)"
DEMO_ADMIN = "alex.admin"

DEMO_USERS = (
    ("quinn.quality", "quality_manager", "Quinn Okafor (quality manager)"),
    ("riley.risk", "risk_owner", "Riley Novak (CISO, risk owner)"),
    ("emery.engineer", "engineer", "Emery Chen (QKD product engineer)"),
    ("ellis.ethics", "ethics_officer", "Ellis Moreau (ethics and legal officer)"),
    ("avery.auditor", "auditor", "Avery Lindqvist (internal auditor)"),
    ("val.viewer", "viewer", "Val Ortega (board observer)"),
)

DEMO_SITES = (
    SiteCreate(
        name="Munich headquarters and photonics lab",
        country="DE",
        address="Demo-Strasse 1, Munich (fictional)",
        activities="Design and assembly of QKD links and cold-atom sensors; management functions",
    ),
    SiteCreate(
        name="Delft cryogenic test facility",
        country="NL",
        address="Demo-laan 7, Delft (fictional)",
        activities="Operation of dilution refrigerators and the superconducting processor behind the cloud API",
    ),
)

DEMO_PRODUCTS = (
    ProductCreate(
        key="QKD-LINK",
        name="AuroraLink QKD system",
        technology="communication",
        description="Prepare-and-measure QKD link with an ETSI GS QKD 014 key-delivery API, "
        "for banks and grid operators.",
    ),
    ProductCreate(
        key="QPU-CLOUD",
        name="Borealis 27-qubit superconducting processor (cloud API)",
        technology="computing",
        description="Superconducting quantum processor offered to researchers through a cloud API and Python SDK.",
    ),
    ProductCreate(
        key="GRAV-1",
        name="Zenith cold-atom gravimeter",
        technology="sensing",
        description="Field-deployable absolute gravimeter for geophysics and civil engineering surveys.",
    ),
)

DEMO_EXCLUSIONS = (
    ExclusionCreate(
        requirement_ref="iso9001-2015 8.5.3",
        justification="No customer or supplier property is held: circuits sent to the cloud API are customer data, "
        "handled under the information-security controls instead.",
    ),
)

DEMO_JURISDICTIONS = (
    JurisdictionCreate(code="DE", name="Germany", operates=True, sells=True),
    JurisdictionCreate(code="NL", name="Netherlands", operates=True, sells=True),
    JurisdictionCreate(code="EU", name="European Union", operates=True, sells=True),
    JurisdictionCreate(code="GB", name="United Kingdom", sells=True),
    JurisdictionCreate(code="US", name="United States", sells=True),
    JurisdictionCreate(code="JP", name="Japan", sells=True),
)


@dataclass(frozen=True)
class DemoCredentials:
    organisation: str
    admin_username: str
    admin_password: str


def build_demo(uow: UnitOfWork) -> DemoCredentials:
    """Create the demo company: organisation, scope, three products, one user per role."""
    organisation, password = org_service.initialise(
        uow,
        organisation_name=DEMO_ORGANISATION,
        admin_username=DEMO_ADMIN,
        is_demo=True,
        legal_name="Aurora Quantum Labs GmbH (fictional)",
        description="DEMO DATA. A fictional quantum-technology company used to show qtqms working end to end.",
    )
    admin = identity_service.local_actor(uow, DEMO_ADMIN)
    uow.actor = admin
    _scope(uow, admin)
    passwords = {DEMO_ADMIN: password}
    for username, role, display_name in DEMO_USERS:
        _, passwords[username] = identity_service.create_user(
            uow, admin, UserCreate(username=username, role=role, display_name=display_name), is_demo=True
        )
    build_catalog_demo(uow, admin)  # before the risks, which link to its requirements and controls
    build_risk_demo(uow, admin, admin_password=password)
    build_pqc_demo(uow, admin)
    build_lifecycle_demo(uow, admin, passwords)
    build_quality_demo(uow, admin, admin_password=password)
    build_nonconformity_demo(uow, admin, admin_password=password)
    return DemoCredentials(organisation.name, DEMO_ADMIN, password)


def _scope(uow: UnitOfWork, admin: Actor) -> None:
    org_service.update_organisation(
        uow,
        admin,
        OrganisationUpdate(
            scope_statement="Design, development, production, operation and support of quantum key distribution "
            "systems, cloud access to a superconducting quantum processor, and cold-atom gravimeters, "
            "at the Munich and Delft sites (demo scope)."
        ),
    )
    for site in DEMO_SITES:
        org_service.add_site(uow, admin, site)
    for product in DEMO_PRODUCTS:
        org_service.add_product(uow, admin, product)
    for exclusion in DEMO_EXCLUSIONS:
        org_service.add_exclusion(uow, admin, exclusion)
    for jurisdiction in DEMO_JURISDICTIONS:
        org_service.add_jurisdiction(uow, admin, jurisdiction)
