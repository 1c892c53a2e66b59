"""Controlled-document use cases: write, review, approve (signed), release, retire and periodically review
versions; acknowledge them; link documents to what they serve; list, export and compare."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import suppress
from datetime import timedelta
from typing import Any, BinaryIO

from sqlalchemy import Row

from qtqms.catalog import service as catalog_service
from qtqms.db.numbering import next_number
from qtqms.db.uow import UnitOfWork
from qtqms.esign import domain as esign_domain
from qtqms.esign import service as esign_service
from qtqms.esign.domain import Meaning
from qtqms.evidence import service as evidence_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied, Problem
from qtqms.kernel.rbac import ROLE_PERMISSIONS, OrgScope, Permission, Role, authorize
from qtqms.kernel.refs import RequirementRef
from qtqms.kit import workflow
from qtqms.kit.export import ExportFile, table_file
from qtqms.kit.subjects import Subject
from qtqms.models.quality import Document, DocumentAcknowledgement, DocumentLink, DocumentSignOff, DocumentVersion
from qtqms.quality.documents import domain
from qtqms.quality.documents import repository as repo
from qtqms.quality.documents.domain import WORKFLOW, Part, ReviewStanding, VersionStatus
from qtqms.quality.documents.schemas import (
    AcknowledgementRead,
    DiffLineRead,
    DocumentCreate,
    DocumentPage,
    DocumentQuery,
    DocumentRead,
    DocumentRow,
    DraftChange,
    FileRead,
    LinksIn,
    PeriodicReviewIn,
    ServingDocument,
    SignOffRead,
    StepIn,
    VersionDiff,
    VersionRead,
    VersionSummary,
    Waiting,
    WaitingList,
)

SUBJECT_KIND = "document"  # evidence and signatures cite a document by this kind
AUDIENCE = "audience"  # the kind of link naming a role the document applies to
VERSION_KIND = "document_version"
COUNT_CAP = 1000
MEANINGS = {Part.REVIEWER: Meaning.REVIEWED, Part.APPROVER: Meaning.APPROVED}


def _invalid(message: str, field: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", [Problem(message, field=field)])


def _document(uow: UnitOfWork, scope: OrgScope, ref: str) -> Document:
    return repo.document(uow.session, scope, domain.parse_ref(ref), ref)


def _version(uow: UnitOfWork, scope: OrgScope, document: Document, number: int | None = None) -> DocumentVersion:
    """The version asked for; by default the effective one, or the latest while none is effective."""
    found = repo.versions(uow.session, scope, document.id)
    wanted = number or document.effective_version or document.latest_version
    for version in found:
        if version.version == wanted:
            return version
    raise NotFound(f"{domain.format_ref(document.number)} has no version {wanted}")


def _latest(uow: UnitOfWork, scope: OrgScope, document: Document) -> DocumentVersion:
    return _version(uow, scope, document, document.latest_version)


# --- people named on a version -----------------------------------------------------------------------


def _named(uow: UnitOfWork, scope: OrgScope, usernames: Sequence[str], field: str) -> list[repo.Person]:
    wanted = list(dict.fromkeys(name.strip() for name in usernames if name.strip()))
    found = repo.people_by_usernames(uow.session, scope, wanted)
    problems = [Problem(f"no active user '{name}' in this organisation", field=field)
                for name in wanted if name not in found or found[name].disabled]  # fmt: skip
    if problems:
        raise InvalidInput(f"{field}: {problems[0].message}", problems)
    return [found[name] for name in wanted]


def _check_parties(author_id: int, reviewers: list[repo.Person], approvers: list[repo.Person]) -> None:
    """Segregation of duties when naming: the author neither reviews nor approves their own version, and every
    approver's role may approve documents."""
    for field, people in (("reviewers", reviewers), ("approvers", approvers)):
        if any(p.id == author_id for p in people):
            raise _invalid("the author of a version cannot sign it off; name someone else", field)
    unable = [p.username for p in approvers if Permission.DOCUMENT_APPROVE not in _role_permissions(p.role)]
    if unable:
        raise _invalid(f"{', '.join(unable)} may not approve documents (their role lacks documents:approve)",
                       "approvers")  # fmt: skip


def _role_permissions(role: str) -> frozenset[Permission]:
    with suppress(ValueError):
        return ROLE_PERMISSIONS[Role(role)]
    return frozenset()


def _set_parties(version: DocumentVersion, reviewers: list[repo.Person], approvers: list[repo.Person]) -> None:
    version.sign_offs.clear()
    for part, people in ((Part.REVIEWER, reviewers), (Part.APPROVER, approvers)):
        for person in people:
            version.sign_offs.append(
                DocumentSignOff(organisation_id=version.organisation_id, part=part.value, user_id=person.id)
            )


def _audience(values: Sequence[str]) -> list[str]:
    known = {role.value for role in Role} | {domain.EVERYONE}
    chosen = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise _invalid(f"unknown role '{unknown[0]}' (use {', '.join(sorted(known))})", "audience")
    return chosen


# --- links to requirements and controls ------------------------------------------------------------


def requirement_refs(uow: UnitOfWork, actor: Actor, texts: Sequence[str], field: str = "requirements") -> list[str]:
    """The requirement references typed (pack:REQ), each checked to name a requirement of the current edition;
    every one that does not is refused at once, by `field`."""
    refs = [RequirementRef.parse(text, field) for text in dict.fromkeys(t for t in texts if t.strip())]
    found = catalog_service.find_requirements(uow, actor, [f"{r.framework} {r.requirement}" for r in refs])
    problems = [Problem(f"no requirement '{r}' in the current edition of {r.framework}", field=field)
                for r in refs if f"{r.framework} {r.requirement}" not in found]  # fmt: skip
    if problems:
        raise InvalidInput(f"{field}: {problems[0].message}", problems)
    return [str(r) for r in refs]


def _control_keys(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    found = catalog_service.find_controls(uow, actor, wanted)
    problems = [Problem(f"no control '{k}' in this organisation", field="controls") for k in wanted if k not in found]
    if problems:
        raise InvalidInput(f"controls: {problems[0].message}", problems)
    return wanted


def _audience_of(uow: UnitOfWork, scope: OrgScope, document: Document) -> list[str]:
    return [link.target for link in repo.links(uow.session, scope, [document.id]) if link.target_kind == AUDIENCE]


def _replace_links(uow: UnitOfWork, scope: OrgScope, document: Document, kind: str, targets: list[str]) -> None:
    existing = {link.target: link for link in repo.links(uow.session, scope, [document.id]) if link.target_kind == kind}
    for target, link in existing.items():
        if target not in targets:
            uow.session.delete(link)
    for target in targets:
        if target not in existing:
            uow.session.add(DocumentLink(organisation_id=scope.organisation_id, document_id=document.id,
                                         target_kind=kind, target=target))  # fmt: skip


# --- writing -------------------------------------------------------------------------------------------


def create_document(uow: UnitOfWork, actor: Actor, data: DocumentCreate) -> DocumentRead:
    """A new document with its first version, a draft written by the actor."""
    scope = authorize(actor, Permission.DOCUMENT_EDIT)
    kind = domain.parse_kind(data.kind)
    domain.check_markdown(data.content)
    reviewers = _named(uow, scope, data.reviewers, "reviewers")
    approvers = _named(uow, scope, data.approvers, "approvers")
    _check_parties(actor.user_id, reviewers, approvers)
    requirements = requirement_refs(uow, actor, data.requirements)
    controls = _control_keys(uow, actor, data.controls)
    audience = _audience(data.audience)
    uow.reason = data.change_reason
    document = Document(
        organisation_id=scope.organisation_id,
        number=next_number(uow.session, scope, SUBJECT_KIND),
        kind=kind.value,
        title=data.title,
        status=VersionStatus.DRAFT.value,
        owner_id=actor.user_id,
        latest_version=1,
        review_interval_months=data.review_interval_months,
    )
    uow.session.add(document)
    uow.flush()
    version = DocumentVersion(
        organisation_id=scope.organisation_id,
        document_id=document.id,
        version=1,
        status=VersionStatus.DRAFT.value,
        title=data.title,
        content=data.content,
        change_reason=data.change_reason,
        author_id=actor.user_id,
    )
    _set_parties(version, reviewers, approvers)
    uow.session.add(version)
    _replace_links(uow, scope, document, "requirement", requirements)
    _replace_links(uow, scope, document, "control", controls)
    _replace_links(uow, scope, document, AUDIENCE, audience)
    uow.flush()
    return get_document(uow, actor, domain.format_ref(document.number), version=1)


def new_version(uow: UnitOfWork, actor: Actor, ref: str, data: DraftChange) -> DocumentRead:
    """The next version, a draft by the actor starting from the latest one's content and sign-off parties."""
    scope = authorize(actor, Permission.DOCUMENT_EDIT)
    document = _document(uow, scope, ref)
    latest = _latest(uow, scope, document)
    if latest.status in domain.OPEN_STATES:
        raise Conflict(f"{ref} version {latest.version} is still {latest.status}: finish or discard it first")
    # The parties carry over, but never to sign off their own version: the new author is left out.
    people = repo.people_by_ids(uow.session, scope, [s.user_id for s in latest.sign_offs])
    carried = [s for s in latest.sign_offs if s.user_id != actor.user_id]
    names = {part: [people[s.user_id].username for s in carried if s.part == part] for part in Part}
    content = latest.content if data.content is None else data.content
    domain.check_markdown(content)
    reviewers = _named(uow, scope, names[Part.REVIEWER] if data.reviewers is None else data.reviewers, "reviewers")
    approvers = _named(uow, scope, names[Part.APPROVER] if data.approvers is None else data.approvers, "approvers")
    _check_parties(actor.user_id, reviewers, approvers)
    uow.reason = data.change_reason
    version = DocumentVersion(
        organisation_id=scope.organisation_id,
        document_id=document.id,
        version=latest.version + 1,
        status=VersionStatus.DRAFT.value,
        title=data.title or latest.title,
        content=content,
        evidence_id=latest.evidence_id if data.content is None else None,
        change_reason=data.change_reason,
        author_id=actor.user_id,
    )
    _set_parties(version, reviewers, approvers)
    uow.session.add(version)
    document.latest_version = version.version
    _sync(document, version)
    uow.flush()
    return get_document(uow, actor, ref, version=version.version)


def _editable_draft(uow: UnitOfWork, scope: OrgScope, document: Document, ref: str) -> DocumentVersion:
    latest = _latest(uow, scope, document)
    if latest.status != VersionStatus.DRAFT:
        raise Conflict(
            f"{ref} version {latest.version} is {latest.status.replace('_', ' ')}: it cannot be edited; "
            + ("withdraw it to a draft first" if latest.status == VersionStatus.IN_REVIEW else "start a new version")
        )
    return latest


def edit_draft(uow: UnitOfWork, actor: Actor, ref: str, data: DraftChange) -> DocumentRead:
    """Change the draft; a version in review, approved, effective or obsolete is never edited."""
    scope = authorize(actor, Permission.DOCUMENT_EDIT)
    document = _document(uow, scope, ref)
    draft = _editable_draft(uow, scope, document, ref)
    if data.content is not None:
        domain.check_markdown(data.content)
        draft.content, draft.evidence_id = data.content, None
    if data.title is not None:
        draft.title = data.title
    if data.reviewers is not None or data.approvers is not None:
        people = repo.people_by_ids(uow.session, scope, [s.user_id for s in draft.sign_offs])
        names = {part: [people[s.user_id].username for s in draft.sign_offs if s.part == part] for part in Part}
        reviewers = _named(uow, scope, data.reviewers if data.reviewers is not None else names[Part.REVIEWER],
                           "reviewers")  # fmt: skip
        approvers = _named(uow, scope, data.approvers if data.approvers is not None else names[Part.APPROVER],
                           "approvers")  # fmt: skip
        _check_parties(draft.author_id, reviewers, approvers)
        _set_parties(draft, reviewers, approvers)
    draft.change_reason = data.change_reason
    uow.reason = data.change_reason
    _sync(document, draft)
    uow.flush()
    return get_document(uow, actor, ref, version=draft.version)


def attach_file(
    uow: UnitOfWork, actor: Actor, ref: str, *, filename: str, content: bytes | BinaryIO, change_reason: str
) -> DocumentRead:
    """Make an uploaded file the draft's content: kept as evidence of the document (by SHA-256)."""
    scope = authorize(actor, Permission.DOCUMENT_EDIT)
    if len(change_reason.strip()) < 3:
        raise _invalid("say why, in at least 3 characters", "change_reason")
    document = _document(uow, scope, ref)
    draft = _editable_draft(uow, scope, document, ref)
    kept = evidence_service.add_file(
        uow, actor, SUBJECT_KIND, domain.format_ref(document.number), title=f"{draft.title} v{draft.version}",
        filename=filename, content=content,
    )  # fmt: skip
    draft.evidence_id, draft.content, draft.change_reason = kept.id, "", change_reason
    uow.reason = change_reason
    uow.flush()
    return get_document(uow, actor, ref, version=draft.version)


def _sync(document: Document, version: DocumentVersion) -> None:
    """The document row repeats what its shown version says."""
    if document.effective_version is None or version.version == document.effective_version:
        document.title, document.status = version.title, version.status


# --- the workflow -------------------------------------------------------------------------------------


def take_step(uow: UnitOfWork, actor: Actor, ref: str, step: StepIn) -> DocumentRead:
    """Submit, withdraw, release, retire or discard the version the step applies to."""
    scope = authorize(actor, Permission.READ)
    document = _document(uow, scope, ref)
    if step.action == "retire":
        if document.effective_version is None:
            raise Conflict(f"{ref} has no effective version to retire")
        target = _version(uow, scope, document, document.effective_version)
    else:
        target = _latest(uow, scope, document)
    if step.action == "release":
        return _release(uow, actor, scope, document, target, ref)
    workflow.transition(uow, actor, target, WORKFLOW, step.action, reason=step.reason)
    if step.action == "retire":
        document.effective_version, document.next_review_on = None, None
        document.status = VersionStatus.OBSOLETE.value
    _sync(document, target)
    uow.flush()
    return get_document(uow, actor, ref, version=target.version)


def _release(
    uow: UnitOfWork, actor: Actor, scope: OrgScope, document: Document, version: DocumentVersion, ref: str
) -> DocumentRead:
    """Make an approved version effective, once each of its signatures still holds; the one it replaces
    becomes obsolete. The periodic review falls due one interval later."""
    WORKFLOW.check(actor, version.status, "release", version)
    broken = [check for check in _verifications(uow, actor, document, version).values() if not check.valid]
    if broken:
        raise Conflict(f"{ref} version {version.version} cannot be released: {broken[0].reason}")
    if document.effective_version is not None:
        previous = _version(uow, scope, document, document.effective_version)
        workflow.transition(uow, actor, previous, WORKFLOW, "supersede", reason=f"superseded by v{version.version}")
    workflow.transition(uow, actor, version, WORKFLOW, "release", reason=version.change_reason)
    today = clock.today()
    version.effective_on = today
    document.effective_version = version.version
    document.next_review_on = domain.add_months(today, document.review_interval_months)
    _sync(document, version)
    uow.flush()
    return get_document(uow, actor, ref)


def _state(uow: UnitOfWork, scope: OrgScope, document: Document, version: DocumentVersion) -> dict[str, Any]:
    people = repo.people_by_ids(uow.session, scope, [version.author_id, *(s.user_id for s in version.sign_offs)])
    file = _file(uow, scope.actor, version) if version.evidence_id else None
    return domain.material_state(
        ref=domain.format_ref(document.number),
        kind=document.kind,
        version=version.version,
        title=version.title,
        content=version.content,
        file_sha256=file.sha256 if file else "",
        file_name=file.filename if file else "",
        change_reason=version.change_reason,
        author=people[version.author_id].username,
        reviewers=[people[s.user_id].username for s in version.sign_offs if s.part == Part.REVIEWER],
        approvers=[people[s.user_id].username for s in version.sign_offs if s.part == Part.APPROVER],
    )


def _subject(document: Document, version: DocumentVersion) -> esign_domain.Subject:
    label = f"{domain.format_ref(document.number)} v{version.version} {version.title}"
    return esign_domain.Subject(VERSION_KIND, str(version.id), label)


REFUSED = "signature_refused"  # the trail's action for a refused attempt to sign, kept though the use case fails


def refused_signature(uow: UnitOfWork, kind: str, record_id: int, label: str, error: DomainError) -> DomainError:
    """Record a refused attempt to sign in the trail (kept after the rollback), and hand the refusal back."""
    uow.record(REFUSED, kind, record_id, label=label, after={"refused": error.message}, keep=True)
    return error


def sign_version(uow: UnitOfWork, actor: Actor, ref: str, part: Part, password: str, comment: str = "") -> DocumentRead:
    """A named reviewer reviews, or a named approver approves, the version in review with their electronic
    signature; the author never does. The last approval moves the version to approved. A refusal is recorded
    in the trail."""
    scope = authorize(actor, Permission.READ)
    document = _document(uow, scope, ref)
    version = _latest(uow, scope, document)
    try:
        _check_signer(actor, ref, part, version)
    except DomainError as error:
        raise refused_signature(uow, "document_version", version.id, f"{ref} v{version.version}", error) from None
    mine = next(s for s in version.sign_offs if s.part == part and s.user_id == actor.user_id)
    state = _state(uow, scope, document, version)
    signature = esign_service.sign(uow, actor, _subject(document, version), MEANINGS[part], password, state=state)
    mine.signature_id, mine.signed_at, mine.signed_state, mine.comment = (
        signature.id, signature.signed_at, state, comment
    )  # fmt: skip
    uow.reason = comment or f"{MEANINGS[part].value} {ref} v{version.version}"
    uow.flush()
    if part is Part.APPROVER and not domain.pending_approvals(version):
        workflow.transition(uow, actor, version, WORKFLOW, "approve", reason=uow.reason, signature_id=signature.id)
        _sync(document, version)
        uow.flush()
    return get_document(uow, actor, ref, version=version.version)


def _check_signer(actor: Actor, ref: str, part: Part, version: DocumentVersion) -> None:
    """Why the actor may not sign the version as `part` now, raised; nothing when they may."""
    if part is Part.APPROVER:
        authorize(actor, Permission.DOCUMENT_APPROVE)
    if version.status != VersionStatus.IN_REVIEW:
        raise Conflict(f"{ref} version {version.version} is {version.status.replace('_', ' ')}, not in review")
    action = "approve" if part is Part.APPROVER else "review"
    refusal = esign_domain.not_among(actor.user_id, action=action, subject="this version", wrote=version.author_id)
    if refusal:
        raise PermissionDenied(refusal)
    mine = next((s for s in version.sign_offs if s.part == part and s.user_id == actor.user_id), None)
    if mine is None:
        raise PermissionDenied(f"you are not a named {part.value} of {ref} version {version.version}")
    if mine.signature_id is not None:
        raise Conflict(f"you already signed {ref} version {version.version} as {part.value}")
    if part is Part.APPROVER and (waiting := domain.pending_reviews(version)):
        raise Conflict(f"{ref} version {version.version} cannot be approved yet: {waiting}")


def _verifications(
    uow: UnitOfWork, actor: Actor, document: Document, version: DocumentVersion
) -> dict[int, esign_domain.Verification]:
    """Each signature of the version checked against its present material state."""
    signed = [s for s in version.sign_offs if s.signature_id is not None]
    if not signed:
        return {}
    scope = authorize(actor, Permission.READ)
    state = _state(uow, scope, document, version)
    checks = [esign_service.StateCheck(s.signature_id, state, s.signed_state) for s in signed if s.signature_id]
    return esign_service.verify_all(uow, actor, checks)


# --- periodic review, acknowledgement, links --------------------------------------------------------


def confirm_periodic_review(uow: UnitOfWork, actor: Actor, ref: str, data: PeriodicReviewIn) -> DocumentRead:
    """The effective version was reviewed and still holds: the next review falls due one interval on."""
    scope = authorize(actor, Permission.DOCUMENT_EDIT)
    document = _document(uow, scope, ref)
    if document.effective_version is None:
        raise Conflict(f"{ref} has no effective version to review")
    uow.reason = data.comment
    document.next_review_on = domain.add_months(clock.today(), document.review_interval_months)
    uow.flush()
    return get_document(uow, actor, ref)


def acknowledge(uow: UnitOfWork, actor: Actor, ref: str) -> DocumentRead:
    """The actor read and understood the effective version."""
    scope = authorize(actor, Permission.READ)
    document = _document(uow, scope, ref)
    if document.effective_version is None:
        raise Conflict(f"{ref} has no effective version to acknowledge")
    if not domain.in_audience(actor.role, _audience_of(uow, scope, document)):
        raise Conflict(f"{ref} does not apply to your role ({actor.role}): nothing to acknowledge")
    version = _version(uow, scope, document, document.effective_version)
    if actor.user_id in repo.acknowledgements(uow.session, scope, version.id):
        raise Conflict(f"you already acknowledged {ref} version {version.version}")
    uow.session.add(DocumentAcknowledgement(organisation_id=scope.organisation_id, version_id=version.id,
                                            user_id=actor.user_id, acknowledged_at=clock.now()))  # fmt: skip
    uow.flush()
    return get_document(uow, actor, ref)


def set_links(uow: UnitOfWork, actor: Actor, ref: str, data: LinksIn) -> DocumentRead:
    """What the document serves (requirements, controls), whom it applies to and how often it is reviewed."""
    scope = authorize(actor, Permission.DOCUMENT_EDIT)
    document = _document(uow, scope, ref)
    _replace_links(uow, scope, document, "requirement", requirement_refs(uow, actor, data.requirements))
    _replace_links(uow, scope, document, "control", _control_keys(uow, actor, data.controls))
    if data.audience is not None:
        _replace_links(uow, scope, document, AUDIENCE, _audience(data.audience))
    if data.review_interval_months is not None:
        document.review_interval_months = data.review_interval_months
    uow.reason = data.reason
    uow.flush()
    return get_document(uow, actor, ref)


# --- reading ------------------------------------------------------------------------------------------


def _file(uow: UnitOfWork, actor: Actor | None, version: DocumentVersion) -> FileRead | None:
    if version.evidence_id is None or actor is None:
        return None
    kept = evidence_service.get_evidence(uow, actor, version.evidence_id)
    return FileRead(evidence_id=kept.id, filename=kept.filename, sha256=kept.sha256, size=kept.size)


def _summary(version: DocumentVersion, people: dict[int, repo.Person]) -> VersionSummary:
    return VersionSummary(version=version.version, status=version.status, title=version.title,
                          change_reason=version.change_reason, author=people[version.author_id].username,
                          created_at=version.created_at, effective_on=version.effective_on)  # fmt: skip


def _steps(actor: Actor, document: Document, version: DocumentVersion) -> list[str]:
    offered = [t.name for t in WORKFLOW.available(version.status, actor) if t.name in domain.STEPS]
    if version.version != document.latest_version:
        offered = [name for name in offered if name == "retire"]
    return offered


def _version_read(
    uow: UnitOfWork, actor: Actor, scope: OrgScope, document: Document, version: DocumentVersion
) -> VersionRead:
    people = repo.people_by_ids(uow.session, scope, [version.author_id, *(s.user_id for s in version.sign_offs)])
    checks = _verifications(uow, actor, document, version)
    sign_offs = []
    for s in version.sign_offs:
        check = checks.get(s.signature_id) if s.signature_id else None
        person = people[s.user_id]
        sign_offs.append(SignOffRead(
            part=s.part, username=person.username, name=person.name, signed=s.signature_id is not None,
            signed_at=s.signed_at, meaning=MEANINGS[Part(s.part)].value if s.signature_id else "",
            signature_id=s.signature_id, comment=s.comment, verification=check.reason if check else "",
            valid=check.valid if check else None,
        ))  # fmt: skip
    state = _state(uow, scope, document, version)
    return VersionRead(
        **_summary(version, people).model_dump(),
        content=version.content,
        html=domain.render_markdown(version.content),
        file=_file(uow, actor, version),
        sign_offs=sign_offs,
        state_hash=esign_domain.state_hash(state),
        steps=_steps(actor, document, version),
    )


def get_document(uow: UnitOfWork, actor: Actor, ref: str, version: int | None = None) -> DocumentRead:
    """A document with the version asked for (by default the effective one, else the latest), its signatures
    checked, its history of versions and who has acknowledged the effective version."""
    scope = authorize(actor, Permission.READ)
    document = _document(uow, scope, ref)
    shown = _version(uow, scope, document, version)
    versions = repo.versions(uow.session, scope, document.id)
    people = repo.people_by_ids(uow.session, scope, [document.owner_id, *(v.author_id for v in versions)])
    links = repo.links(uow.session, scope, [document.id])
    audience = [link.target for link in links if link.target_kind == AUDIENCE]
    acknowledgements, mine = _acknowledgements(uow, actor, scope, document, versions, audience)
    return DocumentRead(
        ref=domain.format_ref(document.number),
        kind=document.kind,
        title=document.title,
        status=document.status,
        owner=people[document.owner_id].username,
        effective_version=document.effective_version,
        latest_version=document.latest_version,
        review_interval_months=document.review_interval_months,
        next_review_on=document.next_review_on,
        review=domain.review_standing(document.next_review_on, clock.today()).value,
        audience=audience,
        requirements=[link.target for link in links if link.target_kind == "requirement"],
        controls=[link.target for link in links if link.target_kind == "control"],
        shown=_version_read(uow, actor, scope, document, shown),
        versions=[_summary(v, people) for v in reversed(versions)],
        acknowledgements=acknowledgements,
        my_acknowledgement_due=mine,
    )


def _acknowledgements(
    uow: UnitOfWork,
    actor: Actor,
    scope: OrgScope,
    document: Document,
    versions: list[DocumentVersion],
    audience: list[str],
) -> tuple[list[AcknowledgementRead], bool]:
    effective = next((v for v in versions if v.version == document.effective_version), None)
    if effective is None or not audience:
        return [], False
    done = repo.acknowledgements(uow.session, scope, effective.id)
    readers = [p for p in repo.active_people(uow.session, scope) if domain.in_audience(p.role, audience)]
    rows = [AcknowledgementRead(username=p.username, acknowledged_at=done.get(p.id)) for p in readers]
    mine = domain.in_audience(actor.role, audience) and actor.user_id not in done
    return rows, mine


def document_id(uow: UnitOfWork, actor: Actor, ref: str) -> int:
    """The internal id behind a reference, for the audit-trail history of the document."""
    return _document(uow, authorize(actor, Permission.READ), ref).id


def _filter(query: DocumentQuery) -> repo.ListFilter:
    number = None
    if query.search:
        with suppress(InvalidInput):
            number = domain.parse_ref(query.search)
    if query.kind:
        domain.parse_kind(query.kind)
    if query.status and query.status not in WORKFLOW.states:
        raise _invalid(f"unknown status '{query.status}' (use {', '.join(WORKFLOW.states)})", "status")
    review_before = None
    if query.review == "overdue":
        review_before = clock.today() - timedelta(days=1)
    elif query.review == "due":
        review_before = clock.today() + timedelta(days=domain.DUE_SOON_DAYS)
    requirement = str(RequirementRef.parse(query.requirement, "requirement")) if query.requirement else None
    return repo.ListFilter(kind=query.kind, status=query.status, search=query.search, number=number,
                           review_before=review_before, requirement=requirement)  # fmt: skip


def _row(row: Row[Any]) -> DocumentRow:
    standing = domain.review_standing(row.next_review_on, clock.today()) if row.effective_version else None
    return DocumentRow.model_construct(
        ref=domain.format_ref(row.number), kind=row.kind, title=row.title, status=row.status,
        effective_version=row.effective_version, latest_version=row.latest_version, owner=row.owner_name,
        next_review_on=row.next_review_on, review=(standing or ReviewStanding.NOT_SET).value,
        updated_at=row.updated_at,
    )  # fmt: skip


def list_documents(uow: UnitOfWork, actor: Actor, query: DocumentQuery | None = None) -> DocumentPage:
    """One page of the document register by keyset: two queries whatever the page size."""
    scope = authorize(actor, Permission.READ)
    query = query or DocumentQuery()
    where = _filter(query)
    found, next_cursor = repo.document_page(uow.session, scope, where, sort=query.sort, descending=query.descending,
                                            cursor=query.cursor, limit=query.limit)  # fmt: skip
    total = repo.count(uow.session, scope, where, cap=COUNT_CAP)
    return DocumentPage(rows=[_row(r) for r in found], total=min(total, COUNT_CAP), total_capped=total > COUNT_CAP,
                        next_cursor=next_cursor)  # fmt: skip


EXPORT_COLUMNS = ("ref", "kind", "title", "status", "effective version", "latest version", "owner", "next review",
                  "review")  # fmt: skip


def _export_rows(uow: UnitOfWork, scope: OrgScope, query: DocumentQuery) -> Iterator[list[Any]]:
    for row in repo.document_rows(uow.session, scope, _filter(query), sort=query.sort, descending=query.descending):
        read = _row(row)
        yield [read.ref, read.kind, read.title, read.status, read.effective_version, read.latest_version, read.owner,
               read.next_review_on.isoformat() if read.next_review_on else "", read.review]  # fmt: skip


def export_documents(uow: UnitOfWork, actor: Actor, fmt: str, query: DocumentQuery | None = None) -> ExportFile:
    """Every document matching the query, as CSV, XLSX or JSON (text cells kept inert in spreadsheets)."""
    scope = authorize(actor, Permission.READ)
    query = query or DocumentQuery()
    return table_file(EXPORT_COLUMNS, _export_rows(uow, scope, query), fmt, "documents", sheet="documents")


def diff_versions(
    uow: UnitOfWork, actor: Actor, ref: str, old: int | None = None, new: int | None = None
) -> VersionDiff:
    """What changed between two versions (by default the latest against the one before it)."""
    scope = authorize(actor, Permission.READ)
    document = _document(uow, scope, ref)
    new_no = new or document.latest_version
    old_no = old if old is not None else max(new_no - 1, 1)
    before, after = _version(uow, scope, document, old_no), _version(uow, scope, document, new_no)
    old_state, new_state = _state(uow, scope, document, before), _state(uow, scope, document, after)
    fields = ("title", "file_sha256", "change_reason", "author", "reviewers", "approvers")
    lines = domain.line_diff(before.content if before is not after else "", after.content)
    return VersionDiff(
        ref=domain.format_ref(document.number), old=old_no, new=new_no,
        changed=domain.changed_fields(old_state, new_state, fields) if before is not after else [],
        lines=[DiffLineRead(op=x.op, text=x.text, old_line=x.old_line, new_line=x.new_line) for x in lines],
    )  # fmt: skip


# --- for other slices ----------------------------------------------------------------------------------


def documents_serving(
    uow: UnitOfWork, actor: Actor, refs: Sequence[RequirementRef]
) -> dict[RequirementRef, list[ServingDocument]]:
    """For readiness: the effective documents whose periodic review is not overdue, serving each requirement.
    One query whatever the number of requirements."""
    scope = authorize(actor, Permission.READ)
    wanted = {str(ref): ref for ref in refs}
    today = clock.today()
    found: dict[RequirementRef, list[ServingDocument]] = {ref: [] for ref in refs}
    for target, document in repo.serving(uow.session, scope, "requirement", list(wanted)):
        if domain.review_standing(document.next_review_on, today) is ReviewStanding.OVERDUE:
            continue
        found[wanted[target]].append(ServingDocument(
            ref=domain.format_ref(document.number), title=document.title, kind=document.kind,
            version=document.effective_version or 0, next_review_on=document.next_review_on,
        ))  # fmt: skip
    return found


def documents_for_controls(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> dict[str, list[ServingDocument]]:
    """The effective documents serving each control (all of them, in date or not: the page says which)."""
    scope = authorize(actor, Permission.READ)
    found: dict[str, list[ServingDocument]] = {key: [] for key in keys}
    for target, document in repo.serving(uow.session, scope, "control", list(keys)):
        found[target].append(ServingDocument(
            ref=domain.format_ref(document.number), title=document.title, kind=document.kind,
            version=document.effective_version or 0, next_review_on=document.next_review_on,
        ))  # fmt: skip
    return found


def find_documents(uow: UnitOfWork, actor: Actor, refs: Sequence[str]) -> dict[str, Subject]:
    """Documents by reference (DOC-0001, doc1), as other slices cite them (evidence, the file of a version)."""
    scope = authorize(actor, Permission.READ)
    wanted = {}
    for ref in refs:
        with suppress(InvalidInput):
            wanted[ref] = domain.parse_ref(ref)
    found = {d.number: d for d in repo.documents_by_numbers(uow.session, scope, wanted.values())}
    return {
        ref: Subject(SUBJECT_KIND, domain.format_ref(n), found[n].title, f"/quality/documents/{domain.format_ref(n)}")
        for ref, n in wanted.items()
        if n in found
    }


def waiting_for(uow: UnitOfWork, actor: Actor, limit: int) -> WaitingList:
    """What waits for the actor among documents, the most pressing `limit` of each kind and how many in all:
    versions to review or approve, effective documents to acknowledge, and the periodic reviews of their own
    documents due within 30 days or overdue."""
    scope = authorize(actor, Permission.READ)
    today = clock.today()
    items: list[Waiting] = []
    for sign_off, document in repo.sign_offs_waiting(uow.session, scope, actor.user_id, limit):
        ref = domain.format_ref(document.number)
        verb = "approve" if sign_off.part == Part.APPROVER else "review"
        title = f"{verb.capitalize()} {ref} v{document.latest_version} {document.title}"
        items.append(Waiting(kind=verb, ref=ref, title=title,
                             href=f"/quality/documents/{ref}?version={document.latest_version}"))  # fmt: skip
    for document in repo.acknowledgements_due(uow.session, scope, actor.user_id, actor.role, limit):
        ref = domain.format_ref(document.number)
        title = f"Read and acknowledge {ref} v{document.effective_version} {document.title}"
        items.append(Waiting(kind="acknowledge", ref=ref, title=title, href=f"/quality/documents/{ref}"))
    soon = today + timedelta(days=domain.DUE_SOON_DAYS)
    for document in repo.reviews_due(uow.session, scope, actor.user_id, soon, limit):
        ref = domain.format_ref(document.number)
        items.append(
            Waiting(
                kind="periodic review",
                ref=ref,
                href=f"/quality/documents/{ref}",
                title=f"Periodic review of {ref} {document.title}",
                due_on=document.next_review_on,
            )
        )
    total = (
        repo.count_sign_offs_waiting(uow.session, scope, actor.user_id)
        + repo.count_acknowledgements_due(uow.session, scope, actor.user_id, actor.role)
        + repo.count_reviews_due(uow.session, scope, actor.user_id, soon)
    )
    overdue = repo.count_reviews_due(uow.session, scope, actor.user_id, today - timedelta(days=1))
    return WaitingList(items=items, total=total, overdue=overdue)
