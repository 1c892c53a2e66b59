"""The demo company's controls, evidence and Statements of Applicability: some controls implemented with current
evidence, some with expired evidence, some still planned, so readiness is partial across every framework."""

from __future__ import annotations

from datetime import timedelta

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlCreate, RequirementRef, SoaEntryUpdate
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import service as evidence_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor

ISO27 = "iso27001-2022"
ISO42 = "iso42001-2023"
PROFILE = "qtqms-profile"

# key, title, owner, status, implementation, requirements ("pack id|requirement id"), evidence
# (title, url, days since it started, days until it ends or None). Negative end days: the evidence has expired.
DEMO_RISK_METHOD = """# Aurora Quantum Labs: risk method (demo data)

One register for every discipline; matrices 5x5 (security), 4x4 (quality), 3x3 (ELSPI); reviewed monthly.
"""

DEMO_CONTROLS = (
    (
        "CTL-RISK",
        "One risk method and register for every discipline",
        "riley.risk",
        "implemented",
        "Risk register in qtqms with 5x5, 4x4 and 3x3 matrices; reviewed monthly by the CISO.",
        (f"{PROFILE}|CORE.RISK", f"{PROFILE}|ISMS.RISK-ASSESSMENT", f"{PROFILE}|ISMS.RISK-TREATMENT"),
        (("Risk register review minutes, October", "https://intranet.example/aurora/risk/2026-10", 40, 320),),
    ),
    (
        "CTL-DOCS",
        "Document control and records",
        "quinn.quality",
        "implemented",
        "All procedures in the controlled wiki with review dates and approvals; records kept seven years.",
        (f"{PROFILE}|CORE.DOCUMENTS",),
        (("Document register export", "https://intranet.example/aurora/docs/register", 10, 355),),
    ),
    (
        "CTL-AUDIT",
        "Integrated internal audit programme",
        "avery.auditor",
        "implemented",
        "Three-year programme covering QMS, ISMS and AIMS; auditors independent of the audited area.",
        (f"{PROFILE}|CORE.AUDIT",),
        (("2025 audit programme", "https://intranet.example/aurora/audit/2025", 400, -35),),
    ),  # expired
    (
        "CTL-KEYMGMT",
        "Hybrid key establishment: ML-KEM-768 with X25519",
        "emery.engineer",
        "implemented",
        "Customer portal and cloud API negotiate X25519MLKEM768; keys held in the HSM; rotation every 90 days.",
        (f"{ISO27}|A.8.24", "pqc|FIPS 203/ML-KEM-768", "pqc|SP 800-227", f"{PROFILE}|PQC.AGILITY"),
        (("TLS configuration scan of the portal", "https://intranet.example/aurora/pqc/tls-scan", 5, 85),),
    ),
    (
        "CTL-QKD-API",
        "QKD key-delivery API hardening (ETSI GS QKD 014)",
        "emery.engineer",
        "implemented",
        "Mutual TLS with client certificates per SAE, rate limits, key-ID replay checks, audit log of every key fetch.",
        ("quantum-standards|ETSI GS QKD 014", f"{ISO27}|A.8.26", f"{ISO27}|A.5.15"),
        (("Penetration test of the key-delivery API", "https://intranet.example/aurora/qkd/pentest-2026", 60, 300),),
    ),
    (
        "CTL-CRYO-CHANGE",
        "Change control for the cryogenic plant",
        "emery.engineer",
        "implemented",
        "Dilution-refrigerator changes raised as change requests, risk-assessed and approved before warm-up.",
        (f"{ISO27}|A.8.32", f"{PROFILE}|CORE.CHANGE"),
        (("Change log of the Delft cryostats", "https://intranet.example/aurora/cryo/changes", 400, -10),),
    ),  # expired
    (
        "CTL-CALIBRATION",
        "Calibration records for gravimeter reference equipment",
        "quinn.quality",
        "implemented",
        "Reference gravimeter and laser frequency standard calibrated yearly against national standards.",
        (f"{PROFILE}|QMS.MEASUREMENT",),
        (("Calibration certificate, laser frequency standard", "https://intranet.example/aurora/cal/lfs", 90, 275),),
    ),
    (
        "CTL-MODEL-CARDS",
        "Model cards for the QPU calibration ML models",
        "ellis.ethics",
        "in_progress",
        "Model cards drafted for the qubit-frequency predictor; the readout classifier still lacks one.",
        (f"{ISO42}|A.6.2.7", f"{PROFILE}|AIMS.LIFECYCLE"),
        (),
    ),
    (
        "CTL-AI-IMPACT",
        "AI system impact assessment for the calibration ML",
        "ellis.ethics",
        "implemented",
        "Impact on researchers whose jobs run on the QPU assessed; no individual-level decisions are made.",
        (f"{ISO42}|A.5.2", f"{ISO42}|A.5.3", f"{PROFILE}|AIMS.IMPACT"),
        (("Impact assessment IA-2026-02", "https://intranet.example/aurora/ai/ia-2026-02", 30, 335),),
    ),
    (
        "CTL-CBOM",
        "Cryptographic inventory (CBOM) of products and services",
        "riley.risk",
        "planned",
        "qtqms pqc scan to run on every release from Q1 2027.",
        (f"{PROFILE}|PQC.INVENTORY",),
        (),
    ),
)

DEMO_EXCLUSIONS = (
    (ISO27, "A.8.30", "No development is outsourced: all software is built in house by employees."),
    (ISO42, "A.10.4", "No AI system is offered to customers; the calibration models are internal only."),
)


def build_catalog_demo(uow: UnitOfWork, admin: Actor) -> None:
    catalog_service.sync_shipped_packs(uow, admin)
    today = clock.today()
    for key, title, owner, status, implementation, requirements, evidence in DEMO_CONTROLS:
        refs = [RequirementRef(framework=r.split("|")[0], requirement=r.split("|")[1]) for r in requirements]
        catalog_service.create_control(
            uow,
            admin,
            ControlCreate(
                key=key,
                title=title,
                owner=owner,
                status=status,
                implementation=implementation,
                review_date=today + timedelta(days=180),
                requirements=refs,
            ),  # fmt: skip
        )
        for label, url, started, ends in evidence:
            evidence_service.add_url(uow, admin, catalog_service.CONTROL_SUBJECT, key, title=label, url=url,
                                     valid_from=today - timedelta(days=started),
                                     valid_until=today + timedelta(days=ends))  # fmt: skip
    evidence_service.add_file(
        uow,
        admin,
        catalog_service.CONTROL_SUBJECT,
        "CTL-RISK",
        title="Risk method, as approved (demo file)",
        filename="risk-method.md",
        content=DEMO_RISK_METHOD.encode(),
        valid_from=today - timedelta(days=40),
        valid_until=today + timedelta(days=320),
    )
    _soa(uow, admin)


def _soa(uow: UnitOfWork, admin: Actor) -> None:
    for framework, ref, reason in DEMO_EXCLUSIONS:
        data = SoaEntryUpdate(applicable=False, justification=reason, implementation_status="retired")
        catalog_service.set_soa_entry(uow, admin, framework, ref, data)
    applied = (
        (ISO27, "A.8.24", "Customer keys and QKD keys need strong, quantum-safe protection.", "implemented"),
        (ISO27, "A.8.32", "The cryogenic plant and the cloud API change often; changes must be controlled.",
         "implemented"),
        (ISO42, "A.6.2.7", "The calibration models need documentation for engineers who maintain them.",
         "in_progress"),
    )  # fmt: skip
    for framework, ref, reason, status in applied:
        data = SoaEntryUpdate(applicable=True, justification=reason, implementation_status=status)
        catalog_service.set_soa_entry(uow, admin, framework, ref, data)
