"""Evidence use cases: attach a file or a URL to any record of the organisation, list and show evidence, hand a
file out only once it has matched its recorded hash, and check every kept file of the organisation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from qtqms.db.uow import UnitOfWork
from qtqms.evidence import domain, store
from qtqms.evidence import repository as repo
from qtqms.evidence.domain import EvidenceAltered, EvidenceKind
from qtqms.evidence.schemas import BadFile, EvidenceRead, VerifyReport
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import InvalidInput, NotFound, Problem
from qtqms.kernel.rbac import OrgScope, Permission, authorize
from qtqms.kit import subjects
from qtqms.kit.subjects import Subject
from qtqms.models.evidence import Evidence
from qtqms.settings import get_settings

CHECK_FAILED = "check_failed"  # the trail's action for a kept file that failed its check


def _root() -> Path:
    return get_settings().blob_dir


def _finder(subject_type: str) -> subjects.Finder:
    find = subjects.finder(subject_type)
    if find is None:
        known = ", ".join(subjects.kinds())
        message = f"must be one of {known}"
        raise InvalidInput(f"subject_type '{subject_type}': {message}", [Problem(message, field="subject_type")])
    return find


def _subject(uow: UnitOfWork, actor: Actor, subject_type: str, subject_id: str) -> Subject:
    found = _finder(subject_type)(uow, actor, [subject_id]).get(subject_id)
    if found is None:
        problem = Problem(f"no {subject_type} '{subject_id}' in this organisation", field="subject_id")
        raise NotFound(f"{subject_type} '{subject_id}' not found", [problem])
    return found


def _reads(uow: UnitOfWork, scope: OrgScope, items: Sequence[Evidence]) -> list[EvidenceRead]:
    today = clock.today()
    names = identity_service.usernames(uow, {e.added_by_id for e in items if e.added_by_id is not None}, scope)
    return [
        EvidenceRead(
            id=e.id,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            title=e.title,
            kind=e.kind,
            url=e.url,
            sha256=e.sha256,
            filename=e.filename,
            size=e.size,
            valid_from=e.valid_from,
            valid_until=e.valid_until,
            current=domain.is_current(e.valid_from, e.valid_until, today),
            added_by=names.get(e.added_by_id, "") if e.added_by_id is not None else "",
            added_at=e.created_at,
        )
        for e in items
    ]


def _new(scope: OrgScope, subject: Subject, checked: domain.Checked, valid_until: date | None, **fields) -> Evidence:
    added_by = scope.actor.user_id if scope.actor else None
    return Evidence(organisation_id=scope.organisation_id, subject_type=subject.kind, subject_id=subject.ref,
                    title=checked.title, valid_from=checked.valid_from, valid_until=valid_until,
                    added_by_id=added_by or None, **fields)  # fmt: skip


def add_url(
    uow: UnitOfWork,
    actor: Actor,
    subject_type: str,
    subject_id: str,
    *,
    title: str,
    url: str,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> EvidenceRead:
    scope = authorize(actor, Permission.EVIDENCE_EDIT)
    subject = _subject(uow, actor, subject_type, subject_id)
    today = clock.today()
    checked = domain.check(title=title, url=url, valid_from=valid_from, valid_until=valid_until, today=today)
    item = _new(scope, subject, checked, valid_until, kind=EvidenceKind.URL.value, url=url)
    uow.session.add(item)
    uow.flush()
    return _reads(uow, scope, [item])[0]


def add_file(
    uow: UnitOfWork,
    actor: Actor,
    subject_type: str,
    subject_id: str,
    *,
    title: str,
    filename: str,
    content: bytes | BinaryIO,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> EvidenceRead:
    """Keep the file (once, by content) and attach it; the title defaults to the file's name. Everything about
    the record is checked before the file is read, and the file is put in place only once the record is written:
    a refused upload leaves no file behind."""
    scope = authorize(actor, Permission.EVIDENCE_EDIT)
    subject = _subject(uow, actor, subject_type, subject_id)
    name = domain.file_name(filename)
    today = clock.today()
    checked = domain.check(title=title or name, valid_from=valid_from, valid_until=valid_until, today=today)
    with store.receive(_root(), content) as incoming:
        item = _new(scope, subject, checked, valid_until, kind=EvidenceKind.FILE.value, sha256=incoming.sha256,
                    filename=name, size=incoming.size)  # fmt: skip
        uow.session.add(item)
        uow.flush()
        incoming.keep()
    return _reads(uow, scope, [item])[0]


def list_evidence(
    uow: UnitOfWork, actor: Actor, *, subject_type: str | None = None, subject_id: str | None = None
) -> list[EvidenceRead]:
    """The organisation's evidence, of one kind of record or one record when given."""
    scope = authorize(actor, Permission.READ)
    if subject_type is not None:
        _finder(subject_type)
    elif subject_id is not None:
        raise InvalidInput("subject_id needs subject_type", [Problem("needs subject_type", field="subject_id")])
    ids = None if subject_id is None else [subject_id]
    return _reads(uow, scope, repo.listed(uow.session, scope, subject_type, ids))


def evidence_of(uow: UnitOfWork, actor: Actor, subject_type: str, subject_ids: Iterable[str]) -> dict[str, list]:
    """Each of these records' evidence (by reference), oldest first; one query whatever the number of records."""
    scope = authorize(actor, Permission.READ)
    found: dict[str, list[EvidenceRead]] = {}
    for read in _reads(uow, scope, repo.listed(uow.session, scope, subject_type, subject_ids)):
        found.setdefault(read.subject_id, []).append(read)
    return found


def subjects_of(uow: UnitOfWork, actor: Actor, items: Sequence[EvidenceRead]) -> dict[tuple[str, str], Subject]:
    """The records these evidence items are attached to, as their slices show them; one finder call per kind.
    A record that no longer exists (or a kind no slice declares any more) is left out."""
    authorize(actor, Permission.READ)
    wanted: dict[str, set[str]] = {}
    for item in items:
        wanted.setdefault(item.subject_type, set()).add(item.subject_id)
    found: dict[tuple[str, str], Subject] = {}
    for kind, refs in wanted.items():
        find = subjects.finder(kind)
        if find is not None:
            found.update({(kind, ref): subject for ref, subject in find(uow, actor, sorted(refs)).items()})
    return found


def get_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int) -> EvidenceRead:
    scope = authorize(actor, Permission.READ)
    return _reads(uow, scope, [repo.by_id(uow.session, scope, evidence_id)])[0]


@dataclass
class EvidenceFile:
    """A file checked against its record, ready to hand out: `copy` holds exactly the bytes that matched."""

    evidence_id: int
    filename: str
    copy: store.CheckedCopy


def open_file(uow: UnitOfWork, actor: Actor, evidence_id: int) -> EvidenceFile:
    """An evidence record's file, read once and checked against the SHA-256 and size recorded when it was added.
    A file that no longer matches raises EvidenceAltered (nothing of it is handed out); the entry point records
    the refusal with `record_failed_checks` in a transaction of its own."""
    item = repo.by_id(uow.session, authorize(actor, Permission.READ), evidence_id)
    if item.kind != EvidenceKind.FILE.value:
        raise NotFound(f"evidence {evidence_id} is a URL, not a file: {item.url}")
    try:
        copy = store.checked_copy(_root(), item.sha256, item.size)
    except store.BlobMissing:
        raise NotFound(
            f"the file of evidence {evidence_id} (sha256 {item.sha256}) is missing from the data directory"
        ) from None
    except store.BlobAltered as altered:
        raise EvidenceAltered.of(evidence_id, item.sha256, str(altered)) from None
    return EvidenceFile(evidence_id, item.filename or item.sha256, copy)


def verify_files(uow: UnitOfWork, actor: Actor) -> VerifyReport:
    """Read every file the organisation's evidence cites, once per file, and check it against its record."""
    rows = repo.file_rows(uow.session, authorize(actor, Permission.READ))
    citing: dict[tuple[str, int], list[int]] = {}
    for evidence_id, sha256, size in rows:
        citing.setdefault((sha256, size), []).append(evidence_id)
    bad = []
    for (sha256, size), ids in citing.items():
        try:
            store.check(_root(), sha256, size)
        except store.BlobMissing:
            bad.append(BadFile(sha256=sha256, problem="missing", evidence=ids))
        except store.BlobAltered as altered:
            bad.append(BadFile(sha256=sha256, problem=str(altered), evidence=ids))
    return VerifyReport(checked=len(citing), records=len(rows), bad=bad)


def record_failed_checks(uow: UnitOfWork, actor: Actor, bad: Iterable[BadFile]) -> None:
    """Put each evidence record whose file failed its check in the audit trail, with what was found."""
    scope = authorize(actor, Permission.READ)
    for file in bad:
        for evidence_id in file.evidence:
            item = repo.by_id(uow.session, scope, evidence_id)
            uow.record(CHECK_FAILED, "evidence", evidence_id, label=item.title, before={"sha256": file.sha256},
                       after={"found": file.problem})  # fmt: skip


def refused(refusal: EvidenceAltered) -> BadFile:
    """A refused download as a failed check, for the trail."""
    return BadFile(sha256=refusal.recorded, problem=refusal.found, evidence=[refusal.evidence_id])
