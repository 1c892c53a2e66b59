"""The demo company's quality records (all of them demo data): controlled documents in every state, signed by
the demo admin, one with its periodic review overdue, acknowledgements given and awaited; nonconformities at
every stage of their CAPA, one reopened by a failed effectiveness check."""

from __future__ import annotations

from datetime import timedelta

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.quality.documents import service as documents
from qtqms.quality.documents.domain import Part
from qtqms.quality.documents.schemas import DocumentCreate, DraftChange, StepIn
from qtqms.quality.nonconformity import service as nonconformities
from qtqms.quality.nonconformity.schemas import (
    ActionDone,
    ActionIn,
    CheckIn,
    ClosureIn,
    InvestigationIn,
    NcStepIn,
    NonconformityCreate,
)

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


def build_nonconformity_demo(uow: UnitOfWork, admin: Actor, *, admin_password: str) -> None:
    """Nonconformities at different stages: one just raised, one acting with an overdue action, one reopened by
    a failed effectiveness check, one waiting for its check, one closed."""
    emery = identity_service.local_actor(uow, ENGINEER)
    quinn = identity_service.local_actor(uow, QUALITY_MANAGER)
    today = clock.today()
    raise_ = _raiser(uow)
    raise_(quinn, title="Supplier shipped detectors without calibration certificates", source="supplier",
           severity="minor", product="QKD-LINK", process="Incoming inspection")  # fmt: skip
    late = raise_(emery, title="QBER above the abort threshold on the Munich-Garching link", source="test_out_of_spec",
                  severity="major", product="QKD-LINK", requirements=["iso9001-2015:8.7"],
                  containment="Link taken out of service; keys since the last good calibration discarded")  # fmt: skip
    _analyse(uow, emery, late, "Detector temperature drifted: no alarm on the cooler controller")
    _action(uow, emery, late, "Add a drift alarm to the detector cooler", ENGINEER, today - timedelta(days=5))
    _action(uow, emery, late, "Re-qualify link A-B after the fix", QUALITY_MANAGER, today + timedelta(days=20))
    nonconformities.take_step(uow, emery, late, NcStepIn(action="act"))
    reopened = raise_(emery, title="Cloud API accepted an RSA-2048 client certificate", product="QPU-CLOUD",
                      source="pqc_policy_violation", severity="major",
                      containment="RSA client certificates refused at the gateway")  # fmt: skip
    _analyse(uow, emery, reopened, "The gateway's allow-list was copied from the classical profile")
    action = _action(uow, emery, reopened, "Generate the allow-list from the crypto policy pack", ENGINEER,
                     today + timedelta(days=14))  # fmt: skip
    nonconformities.take_step(uow, emery, reopened, NcStepIn(action="act"))
    nonconformities.complete_action(uow, emery, action, ActionDone(outcome="Demo: allow-list generated"))
    nonconformities.take_step(uow, emery, reopened, NcStepIn(action="verify"))
    nonconformities.check_effectiveness(uow, _as(uow, admin), reopened, CheckIn(
        passed=False, note="Demo: a staging gateway still accepted RSA-2048", password=admin_password))  # fmt: skip
    _action(uow, _as(uow, emery), reopened, "Apply the generated allow-list to the staging gateway too", ENGINEER,
            today + timedelta(days=7))  # fmt: skip
    verifying = raise_(
        quinn,
        title="Audit: document review dates not tracked",
        source="audit_finding",
        severity="minor",
        documents=["DOC-0002"],
        containment="Review dates entered by hand",
    )
    _analyse(uow, quinn, verifying, "Review dates lived in a spreadsheet nobody owned")
    action = _action(uow, quinn, verifying, "Track periodic reviews in qtqms", QUALITY_MANAGER, today)
    nonconformities.take_step(uow, quinn, verifying, NcStepIn(action="act"))
    nonconformities.complete_action(uow, quinn, action, ActionDone(outcome="Demo: review dates in qtqms"))
    nonconformities.take_step(uow, quinn, verifying, NcStepIn(action="verify"))
    closed = raise_(emery, title="Gravimeter shipped with the wrong firmware", source="customer_complaint",
                    severity="minor", product="GRAV-1", containment="Customer's unit updated on site")  # fmt: skip
    _analyse(uow, emery, closed, "The release checklist did not name the firmware version")
    action = _action(uow, emery, closed, "Add the firmware version to the release checklist", ENGINEER, today)
    nonconformities.take_step(uow, emery, closed, NcStepIn(action="act"))
    nonconformities.complete_action(uow, emery, action, ActionDone(outcome="Demo: checklist updated"))
    nonconformities.take_step(uow, emery, closed, NcStepIn(action="verify"))
    nonconformities.check_effectiveness(
        uow,
        _as(uow, admin),
        closed,
        CheckIn(passed=True, note="Demo: three releases since, all with the right firmware", password=admin_password),
    )
    nonconformities.close(uow, admin, closed, ClosureIn(password=admin_password, comment="Demo closure"))


def _raiser(uow: UnitOfWork):
    def raise_(author: Actor, **fields) -> str:
        data = NonconformityCreate(description="Demo data.", **fields)
        return nonconformities.raise_nonconformity(uow, _as(uow, author), data).ref

    return raise_


def _analyse(uow: UnitOfWork, actor: Actor, ref: str, root_cause: str) -> None:
    nc = nonconformities.get_nonconformity(uow, _as(uow, actor), ref)
    if nc.status == "open":
        nonconformities.take_step(uow, actor, ref, NcStepIn(action="contain"))
    nonconformities.update_investigation(uow, actor, ref, InvestigationIn(
        cause_method="5 whys", whys=["Why did it happen?", root_cause], root_cause=root_cause,
        effectiveness_criteria="No recurrence for 90 days", reason="Demo: analysis"))  # fmt: skip


def _action(uow: UnitOfWork, actor: Actor, ref: str, title: str, owner: str, due) -> int:
    done = nonconformities.add_action(uow, _as(uow, actor), ref, ActionIn(title=title, owner=owner, due_on=due))
    return done.actions[-1].id
