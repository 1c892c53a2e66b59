"""The demo company's risk register: quantum and classical risks at every stage, linked to catalogue requirements
and to the demo controls, one signed acceptance, one overdue treatment action, and Mosca exposure of its customer
data and QKD key-management data (y entered for the portal, from the PQC migration plans for the rest)."""

from __future__ import annotations

from datetime import timedelta

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.risk import service as risk_service
from qtqms.risk.schemas import (
    AcceptanceIn,
    ActionIn,
    AssetCreate,
    DataClassCreate,
    ExposureCreate,
    RatingIn,
    RiskCreate,
    TreatmentIn,
)

PROPOSER = "riley.risk"
ENGINEER = "emery.engineer"
T = "qtqms-threats:"

DEMO_MATRICES = {"compliance": "qtqms-3x3", "elspi": "qtqms-4x4"}  # the other domains keep the 5x5 default

DEMO_ASSETS = (
    AssetCreate(key="CUSTOMER-DB", name="Customer and contract records", kind="information", owner=PROPOSER),
    AssetCreate(key="PORTAL", name="Customer portal (TLS with RSA certificates)", kind="service", owner=PROPOSER),
    AssetCreate(key="CLOUD-API", name="QPU cloud API gateway", kind="service", owner=ENGINEER, product="QPU-CLOUD"),
    AssetCreate(
        key="QKD-KMS",
        name="QKD key-management service (ETSI 014 API)",
        kind="service",
        owner=ENGINEER,
        product="QKD-LINK",
    ),
    AssetCreate(
        key="QKD-AUTH",
        name="Classical authentication channel of the QKD link",
        kind="software",
        owner=ENGINEER,
        product="QKD-LINK",
    ),
    AssetCreate(
        key="SPAD-RX",
        name="Single-photon detectors of the QKD receiver",
        kind="quantum-equipment",
        owner=ENGINEER,
        product="QKD-LINK",
    ),
    AssetCreate(
        key="FRIDGE-1",
        name="Dilution refrigerator, Delft",
        kind="quantum-equipment",
        owner=ENGINEER,
        product="QPU-CLOUD",
    ),
    AssetCreate(
        key="QPU-CTRL", name="Qubit control electronics", kind="quantum-equipment", owner=ENGINEER, product="QPU-CLOUD"
    ),
    AssetCreate(
        key="GRAV-LASERS",
        name="Cooling and Raman lasers of the gravimeter",
        kind="quantum-equipment",
        owner=ENGINEER,
        product="GRAV-1",
    ),
    AssetCreate(
        key="CALIB-MODEL",
        name="Hybrid quantum-classical calibration model",
        kind="software",
        owner=ENGINEER,
        product="QPU-CLOUD",
    ),
    AssetCreate(key="LAB-STAFF", name="Lab and operations staff", kind="people", owner=PROPOSER),
)

DEMO_DATA_CLASSES = (
    DataClassCreate(
        key="customer-data",
        name="Customer contracts and personal data",
        shelf_life_years=7,
        sensitivity="high",
        owner=PROPOSER,
        description="Demo: kept seven years after a contract ends.",
    ),
    DataClassCreate(
        key="qkd-key-management",
        name="QKD key-management and authentication data",
        shelf_life_years=20,
        sensitivity="critical",
        owner=ENGINEER,
        description="Demo: banks and grid operators expect key material to stay secret for twenty years.",
    ),
)

# (data class, protecting system, migration years y). None: the system's product gets a PQC migration plan in
# the crypto-inventory demo, and that plan sets y.
DEMO_EXPOSURES = (
    ("customer-data", "PORTAL", 3),
    ("customer-data", "CLOUD-API", None),
    ("qkd-key-management", "QKD-KMS", None),
    ("qkd-key-management", "QKD-AUTH", None),
)


def _rating(likelihood: int, impact: int) -> RatingIn:
    return RatingIn(likelihood=likelihood, impact=impact)


def _risks() -> list[tuple[str, RiskCreate]]:
    """(proposer, risk) pairs; ratings are on the matrix of each risk's domain."""
    return [
        (
            ENGINEER,
            RiskCreate(
                title="Detector blinding attack on the AuroraLink receiver",
                domain="security",
                threat=T + "Q-QKD-BLIND",
                assets=["SPAD-RX"],
                product="QKD-LINK",
                owner=PROPOSER,
                vulnerabilities="Detectors are not monitored for bright-light operation.",
                existing_controls="Quantum bit error rate alarm.",
                linked_requirements=["quantum-standards:ETSI GS QKD 014", "iso27001-2022:A.8.24"],
                linked_controls=["CTL-QKD-API"],
                inherent=_rating(4, 4),
                current=_rating(3, 4),
                residual=_rating(1, 4),
            ),
        ),
        (
            PROPOSER,
            RiskCreate(
                title="Helium-3 supply disruption stops the Delft dilution refrigerator",
                domain="quality",
                threat=T + "Q-HELIUM",
                assets=["FRIDGE-1"],
                product="QPU-CLOUD",
                owner=PROPOSER,
                existing_controls="Two suppliers under contract; six months of reserve on site.",
                linked_requirements=["iso27001-2022:A.5.21"],
                linked_controls=["CTL-CRYO-CHANGE"],
                inherent=_rating(3, 4),
                current=_rating(2, 3),
            ),
        ),
        (
            ENGINEER,
            RiskCreate(
                title="Calibration drift leads to misreported two-qubit fidelities on the cloud QPU",
                domain="quality",
                threat=T + "Q-BENCH-MISREPORT",
                assets=["QPU-CTRL"],
                product="QPU-CLOUD",
                owner=ENGINEER,
                vulnerabilities="Published figures come from the best calibration of the week.",
                linked_requirements=["qtqms-profile:QMS.MEASUREMENT"],
                inherent=_rating(4, 3),
                current=_rating(3, 3),
            ),
        ),
        (
            PROPOSER,
            RiskCreate(
                title="Cloud QPU access reaches users in restricted destinations",
                domain="compliance",
                threat=T + "Q-EXPORT",
                assets=["CLOUD-API"],
                product="QPU-CLOUD",
                owner=PROPOSER,
                vulnerabilities="Sign-up checks only the e-mail domain.",
                inherent=_rating(3, 3),
                current=_rating(2, 3),
            ),
        ),
        (
            PROPOSER,
            RiskCreate(
                title="Gravimeter bought for covert surveillance of people or facilities",
                domain="elspi",
                threat=T + "Q-SENSE-SURVEIL",
                assets=["GRAV-LASERS"],
                product="GRAV-1",
                owner=PROPOSER,
                description="Identified at the last management review; not yet rated.",
            ),
        ),
        (
            ENGINEER,
            RiskCreate(
                title="Poisoned training data biases the calibration model",
                domain="ai",
                threat=T + "Q-QML-POISON",
                assets=["CALIB-MODEL"],
                product="QPU-CLOUD",
                owner=ENGINEER,
                linked_requirements=["iso42001-2023:A.6.2.7"],
                linked_controls=["CTL-MODEL-CARDS", "CTL-AI-IMPACT"],
                inherent=_rating(2, 4),
                current=_rating(2, 3),
            ),
        ),
        (
            PROPOSER,
            RiskCreate(
                title="Phishing of lab staff leads to stolen credentials",
                domain="security",
                threat=T + "G-PHISH",
                assets=["LAB-STAFF"],
                owner=PROPOSER,
                existing_controls="Multi-factor authentication on all accounts; yearly awareness training.",
                linked_requirements=["iso27001-2022:A.6.3"],
                inherent=_rating(4, 3),
                current=_rating(3, 3),
            ),
        ),
        (
            PROPOSER,
            RiskCreate(
                title="Ransomware on the lab control network",
                domain="security",
                threat=T + "G-RANSOM",
                assets=["QPU-CTRL"],
                owner=ENGINEER,
                existing_controls="Segmented lab network; offline backups.",
                inherent=_rating(3, 4),
                current=_rating(2, 4),
            ),
        ),
    ]


def build_risk_demo(uow: UnitOfWork, admin: Actor, *, admin_password: str) -> None:
    """Everything runs as the demo users it belongs to, so the trail and the four-eyes rules are real."""
    users = {name: identity_service.local_actor(uow, name) for name in (PROPOSER, ENGINEER)}
    _as(uow, admin)
    for domain, matrix in DEMO_MATRICES.items():
        risk_service.choose_matrix(uow, admin, domain, matrix)
    riley = _as(uow, users[PROPOSER])
    for asset in DEMO_ASSETS:
        risk_service.create_asset(uow, riley, asset)
    for data_class in DEMO_DATA_CLASSES:
        risk_service.create_data_class(uow, riley, data_class)
    for data_class, system, years in DEMO_EXPOSURES:
        risk_service.add_exposure(
            uow, riley, ExposureCreate(data_class=data_class, system=system, migration_years=years)
        )
    refs = []
    for proposer, risk in _risks():
        refs.append(f"R-{risk_service.create_risk(uow, _as(uow, users[proposer]), risk).number:04d}")
    blinding, helium, _, export, *_ = refs
    _treat(uow, users, blinding, export)
    _as(uow, users[PROPOSER])
    risk_service.treat_risk(
        uow,
        users[PROPOSER],
        helium,
        TreatmentIn(option="retain", plan="Keep the two-supplier contract and the six-month reserve."),
    )
    risk_service.accept_risk(
        uow,
        _as(uow, admin),
        helium,
        AcceptanceIn(
            password=admin_password,
            justification="Demo: residual supply risk is low with two suppliers and a six-month reserve.",
        ),
    )
    _as(uow, admin)


def _treat(uow: UnitOfWork, users: dict[str, Actor], blinding: str, export: str) -> None:
    today = clock.today()
    engineer = _as(uow, users[ENGINEER])
    risk_service.treat_risk(
        uow,
        engineer,
        blinding,
        TreatmentIn(
            option="modify",
            plan="Detect bright-light operation of the detectors and have the countermeasure tested.",
            actions=[
                ActionIn(
                    title="Add a photocurrent watchdog to the detector modules",
                    owner=ENGINEER,
                    due_date=today + timedelta(days=45),
                ),
                ActionIn(
                    title="Independent blinding test by an external lab",
                    owner=PROPOSER,
                    due_date=today - timedelta(days=10),
                ),
            ],
        ),
    )
    risk_service.treat_risk(
        uow,
        _as(uow, users[PROPOSER]),
        export,
        TreatmentIn(
            option="modify",
            plan="Screen every cloud sign-up against export-control and sanctions lists.",
            actions=[
                ActionIn(
                    title="Automated end-user screening at sign-up", owner=PROPOSER, due_date=today + timedelta(days=60)
                )
            ],
        ),
    )


def _as(uow: UnitOfWork, actor: Actor) -> Actor:
    """Make `actor` the author of what follows in the audit trail."""
    uow.actor = actor
    return actor
