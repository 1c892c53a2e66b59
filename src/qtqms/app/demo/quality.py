"""The demo company's quality records (all of them demo data): controlled documents in every state, signed by
the demo admin, one with its periodic review overdue, acknowledgements given and awaited."""

from __future__ import annotations

from datetime import timedelta

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.quality.documents import service as documents
from qtqms.quality.documents.domain import Part
from qtqms.quality.documents.schemas import DocumentCreate, DraftChange, StepIn

QUALITY_MANAGER = "quinn.quality"
ENGINEER = "emery.engineer"
ADMIN = "alex.admin"

QUALITY_POLICY = """# Quality policy (demo data)

Aurora Quantum Labs builds quantum systems people can rely on. We:

1. meet our customers' requirements and the law in every market we sell to;
2. measure what our devices really do, and say so, uncertainty included;
3. move our cryptography to post-quantum algorithms before it is needed;
4. learn from every nonconformity, and check that our corrections work.
"""

DOCUMENT_CONTROL_V1 = """# Control of documented information (demo data)

1. The author writes a draft in qtqms and names a reviewer and an approver.
2. The approver signs; the author never approves their own document.
3. The quality manager makes the approved version effective.
4. Every effective document is reviewed at least once a year.
"""

DOCUMENT_CONTROL_V2 = DOCUMENT_CONTROL_V1.replace(
    "4. Every effective document is reviewed at least once a year.",
    "4. Every effective document is reviewed at least once a year.\n"
    "5. People the document applies to confirm they have read and understood it.",
)

KEY_HANDLING = """# Handling QKD key material (demo data)

- Keys leave the key-management service only through the ETSI GS QKD 014 API.
- Never log key material; log key identifiers only.
- Report a suspected key exposure to the CISO within one hour.
"""

CALIBRATION_FORM = """# Gravimeter calibration record (demo data)

| Field | Value |
|---|---|
| Instrument serial | |
| Reference site | |
| Measured g (µGal) | |
| Uncertainty (µGal) | |
"""

SUPPLIER_PROCEDURE = """# Evaluating suppliers (demo data)

Critical suppliers (cryogenics, lasers, single-photon detectors) are evaluated before the first order and
re-evaluated every year.
"""


def build_quality_demo(uow: UnitOfWork, admin: Actor, *, admin_password: str) -> None:
    """Documents written by the quality manager and the engineer, approved with the admin's signature."""
    quinn = identity_service.local_actor(uow, QUALITY_MANAGER)
    emery = identity_service.local_actor(uow, ENGINEER)
    released = _released(uow, quinn, admin, admin_password)
    policy = released(kind="policy", title="Quality policy", content=QUALITY_POLICY, audience=["all"],
                      requirements=["iso9001-2015:5.2"])  # fmt: skip
    procedure = released(kind="procedure", title="Control of documented information", content=DOCUMENT_CONTROL_V1,
                         audience=["quality_manager", "engineer"], requirements=["iso9001-2015:7.5",
                         "iso27001-2022:7.5"], controls=["CTL-DOCS"])  # fmt: skip
    _as(uow, quinn)
    documents.acknowledge(uow, quinn, policy)
    documents.acknowledge(uow, _as(uow, emery), policy)
    # A second version of the procedure waits for the risk owner's review.
    documents.new_version(uow, _as(uow, quinn), procedure, DraftChange(
        content=DOCUMENT_CONTROL_V2, change_reason="Demo: add read-and-understood acknowledgements",
        reviewers=["riley.risk"], approvers=[ADMIN]))  # fmt: skip
    documents.take_step(uow, quinn, procedure, StepIn(action="submit"))
    # A work instruction still being written by the engineer.
    documents.create_document(uow, _as(uow, emery), DocumentCreate(
        kind="work_instruction", title="Handling QKD key material", content=KEY_HANDLING,
        change_reason="Demo: first draft after the key-management audit", approvers=[QUALITY_MANAGER],
        audience=["engineer"], controls=["CTL-KEYMGMT"]))  # fmt: skip
    # A form approved and waiting to be made effective.
    form = _written(uow, quinn, kind="form", title="Gravimeter calibration record", content=CALIBRATION_FORM,
                    controls=["CTL-CALIBRATION"])  # fmt: skip
    _approve(uow, quinn, admin, admin_password, form)
    # A procedure released thirteen months ago whose periodic review is overdue.
    with clock.use(clock.FixedClock(clock.now() - timedelta(days=400))):
        released(kind="procedure", title="Evaluating suppliers", content=SUPPLIER_PROCEDURE,
                 requirements=["iso9001-2015:8.4"])  # fmt: skip
    # An interim policy, retired.
    interim = released(kind="policy", title="Interim cryptography policy",
                       content="# Interim cryptography policy (demo data)\n\nUse RSA-3072 or larger until ML-KEM is "
                       "available.\n")  # fmt: skip
    documents.take_step(uow, _as(uow, admin), interim, StepIn(action="retire",
                        reason="Demo: replaced by the post-quantum crypto policy pack"))  # fmt: skip
    _as(uow, admin)


def _written(uow: UnitOfWork, author: Actor, **fields) -> str:
    data = DocumentCreate(change_reason="Demo: first issue", approvers=[ADMIN], **fields)
    return documents.create_document(uow, _as(uow, author), data).ref


def _approve(uow: UnitOfWork, author: Actor, admin: Actor, password: str, ref: str) -> None:
    documents.take_step(uow, _as(uow, author), ref, StepIn(action="submit"))
    documents.sign_version(uow, _as(uow, admin), ref, Part.APPROVER, password, "Demo approval")


def _released(uow: UnitOfWork, author: Actor, admin: Actor, password: str):
    def release(**fields) -> str:
        ref = _written(uow, author, **fields)
        _approve(uow, author, admin, password, ref)
        documents.take_step(uow, admin, ref, StepIn(action="release"))
        return ref

    return release


def _as(uow: UnitOfWork, actor: Actor) -> Actor:
    """Make `actor` the author of what follows in the audit trail."""
    uow.actor = actor
    return actor
