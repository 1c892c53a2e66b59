"""ELSPI use cases: start an impact assessment of a product at its stage, answer it as you go (every answer with
who and when), complete it to a score and a level, sign it off by the roles its level needs, re-score it under
a new bank version and compare; raise red-line hits, which block every gate, and clear them by signed decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qtqms.db.numbering import next_number
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, PermissionDenied, Problem
from qtqms.kernel.rbac import Permission, authorize, can
from qtqms.kit.subjects import Subject
from qtqms.lifecycle.elspi import domain
from qtqms.lifecycle.elspi import repository as repo
from qtqms.lifecycle.elspi.packs import question_bank, red_lines
from qtqms.lifecycle.elspi.schemas import (
    AnswerIn,
    AnswerRead,
    AssessmentPage,
    AssessmentQuery,
    AssessmentRead,
    AssessmentRow,
    Comparison,
    DueRead,
    HitPage,
    HitQuery,
    RedLineHitIn,
    RedLineHitRead,
)
from qtqms.lifecycle.products import service as products
from qtqms.lifecycle.products.schemas import ProductProfile
from qtqms.models.lifecycle import ElspiAssessment, RedLineHit

ASSESSMENT = "elspi-assessment"
HIT = "red-line-hit"


def _profile_snapshot(profile: ProductProfile) -> dict[str, Any]:
    return {
        "jurisdictions": profile.jurisdictions,
        "customer_classes": profile.customer_classes,
        "parameters": profile.parameter_values(),
    }


def _state(row: ElspiAssessment) -> dict[str, Any]:
    """What a sign-off of the assessment binds: the bank, every score, the result."""
    return {
        "bank": f"{row.bank_id}@{row.bank_version}",
        "answers": {qid: a.get("score") for qid, a in sorted(row.answers.items())},
        "raw": row.raw,
        "current": row.current,
        "level": row.level,
    }


def start_assessment(uow: UnitOfWork, actor: Actor, key: str) -> AssessmentRead:
    """A new draft assessment of the product at its current stage under the bank in force."""
    scope = authorize(actor, Permission.ELSPI_EDIT)
    profile = products.get_profile(uow, actor, key)
    bank = question_bank()
    row = ElspiAssessment(
        organisation_id=scope.organisation_id,
        ref=f"EIA-{next_number(uow.session, scope, ASSESSMENT):04d}",
        lifecycle_product_id=profile.id,
        stage=profile.stage,
        bank_id=bank.id,
        bank_version=bank.version,
        assessor_id=actor.user_id,
    )
    uow.session.add(row)
    uow.flush()
    return get_assessment(uow, actor, row.ref)


def _draft(uow: UnitOfWork, actor: Actor, ref: str) -> ElspiAssessment:
    scope = authorize(actor, Permission.ELSPI_EDIT)
    row = repo.assessment(uow.session, scope, ref)
    if row.status != "draft":
        raise Conflict(f"{row.ref} is {row.status}: answers change only in a draft (re-score it to start anew)")
    return row


def _bank_of(row: ElspiAssessment) -> domain.QuestionBank:
    bank = question_bank()
    if (bank.id, bank.version) != (row.bank_id, row.bank_version):
        raise Conflict(f"{row.ref} uses {row.bank_id} version {row.bank_version}, no longer shipped: re-score it")
    return bank


def answer(uow: UnitOfWork, actor: Actor, ref: str, answers: Sequence[AnswerIn]) -> AssessmentRead:
    """Save answers as they are given (a wizard resumes from them); one off the scale refuses them all."""
    row = _draft(uow, actor, ref)
    bank = _bank_of(row)
    problems = []
    for given in answers:
        try:
            domain.check_answer(bank, given.question, given.score)
        except InvalidInput as refused:
            problems += refused.problems
    if problems:
        raise InvalidInput(f"{row.ref}: {problems[0].field}: {problems[0].message}", problems)
    now = clock.now().isoformat()
    row.answers = {
        **row.answers,
        **{g.question: {"score": g.score, "by": actor.user_id, "at": now, "note": g.note} for g in answers},
    }
    row.assessor_id = actor.user_id
    uow.flush()
    return get_assessment(uow, actor, row.ref)


def complete(uow: UnitOfWork, actor: Actor, ref: str) -> AssessmentRead:
    """Score a fully answered draft: the level with its floors, the roles that must sign, when it is due."""
    row = _draft(uow, actor, ref)
    bank = _bank_of(row)
    missing = domain.unanswered(bank, row.answers)
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        raise InvalidInput(
            f"{row.ref}: {len(missing)} questions unanswered: {shown}",
            [Problem("unanswered", field=q) for q in missing],
        )
    profile = products.profiles_by_id(uow, actor, [row.lifecycle_product_id])[row.lifecycle_product_id]
    result = domain.score(bank, row.answers, safety_critical=profile.safety_critical)
    row.raw, row.max_raw, row.mitigation, row.max_mitigation = (
        result.raw,
        result.max_raw,
        result.mitigation,
        result.max_mitigation,
    )
    row.current, row.level, row.floors = result.current, result.level, list(result.floors)
    row.required_roles = list(bank.levels[result.level].signers)
    row.profile = _profile_snapshot(profile)
    row.completed_at = clock.now()
    row.due_on = domain.due_on(bank, result.level, clock.today())
    row.status = "completed"
    uow.flush()
    return get_assessment(uow, actor, row.ref)


def sign_off(uow: UnitOfWork, actor: Actor, ref: str, password: str) -> AssessmentRead:
    """One role's sign-off of a completed assessment; the last role needed makes it signed off. The one who
    completed it signs nothing of it."""
    scope = authorize(actor, Permission.READ)
    row = repo.assessment(uow.session, scope, ref)
    if row.status != "completed":
        raise Conflict(f"{row.ref} is {row.status}: only a completed assessment is signed off")
    products.sign_off(
        uow,
        actor,
        Subject(ASSESSMENT, row.ref, f"ELSPI assessment {row.ref}"),
        subject_id=row.id,
        required=row.required_roles,
        state=_state(row),
        password=password,
        authors={"completed": row.assessor_id},
    )
    signed = products.signoffs_of(uow, actor, ASSESSMENT, {row.id: _state(row)})[row.id]
    if not [r for r in row.required_roles if r not in {s.role for s in signed if s.valid}]:
        row.status = "signed-off"
    uow.flush()
    return get_assessment(uow, actor, row.ref)


def rescore(uow: UnitOfWork, actor: Actor, ref: str) -> AssessmentRead:
    """A new draft under the bank in force, with the answers of the questions it still asks carried over."""
    scope = authorize(actor, Permission.ELSPI_EDIT)
    old = repo.assessment(uow.session, scope, ref)
    bank = question_bank()
    kept = {q.id: old.answers[q.id] for q in bank.questions if q.id in old.answers}
    profile = products.profiles_by_id(uow, actor, [old.lifecycle_product_id])[old.lifecycle_product_id]
    new = start_assessment(uow, actor, profile.key)
    row = repo.assessment(uow.session, scope, new.ref)
    row.answers, row.rescored_from = kept, old.id
    uow.flush()
    return get_assessment(uow, actor, row.ref)


def _reads(uow: UnitOfWork, actor: Actor, rows: Sequence[ElspiAssessment]) -> list[AssessmentRead]:
    bank = question_bank()
    profiles = products.profiles_by_id(uow, actor, [r.lifecycle_product_id for r in rows])
    signed = products.signoffs_of(uow, actor, ASSESSMENT, {r.id: _state(r) for r in rows}) if rows else {}
    people = identity_service.usernames(
        uow,
        [r.assessor_id for r in rows] + [a.get("by") for r in rows for a in r.answers.values()],
        authorize(actor, Permission.READ),
    )
    today = clock.today()
    origins = repo.refs_by_ids(
        uow.session, authorize(actor, Permission.READ), [r.rescored_from for r in rows if r.rescored_from]
    )
    reads = []
    for row in rows:
        profile = profiles[row.lifecycle_product_id]
        sign_offs = signed.get(row.id, [])
        valid_roles = {s.role for s in sign_offs if s.valid}
        answers = [_answer_read(bank, q, row.answers.get(q.id), people) for q in bank.questions]
        due = []
        if row.status != "draft":
            due = domain.due_reasons(
                due=row.due_on,
                today=today,
                then=row.profile,
                now=_profile_snapshot(profile),
                bank_version=row.bank_version,
                current_bank_version=bank.version,
            )
        requires = (
            [
                item
                for level in domain.LEVELS[: domain.LEVELS.index(row.level) + 1]
                for item in bank.levels[level].requires
            ]
            if row.level
            else []
        )
        reads.append(
            AssessmentRead(
                ref=row.ref,
                product=profile.key,
                stage=row.stage,
                bank_id=row.bank_id,
                bank_version=row.bank_version,
                current_bank=(row.bank_id, row.bank_version) == (bank.id, bank.version),
                status=row.status,
                answers=answers,
                unanswered=len(domain.unanswered(bank, row.answers)),
                raw=row.raw,
                max_raw=row.max_raw,
                mitigation=row.mitigation,
                max_mitigation=row.max_mitigation,
                current=row.current,
                level=row.level,
                floors=list(row.floors),
                required_roles=list(row.required_roles),
                missing_roles=[r for r in row.required_roles if r not in valid_roles],
                requires=requires,
                actions=domain.actions(bank, row.answers),
                signoffs=sign_offs,
                assessor=people.get(row.assessor_id, ""),
                assessor_id=row.assessor_id,
                completed_at=row.completed_at,
                due_on=row.due_on,
                due_reasons=due,
                rescored_from=origins.get(row.rescored_from) if row.rescored_from else None,
            )
        )
    return reads


def _answer_read(bank: domain.QuestionBank, question: domain.Question, given: dict | None, people: dict) -> AnswerRead:
    scale = list(bank.scale(question))
    read = AnswerRead(
        question=question.id,
        dimension=question.dimension,
        kind=question.kind,
        text=question.text,
        help=question.help,
        scale=scale,
    )
    if given is None:
        return read
    score = given.get("score")
    return read.model_copy(
        update={
            "answered": True,
            "score": score,
            "label": "not applicable" if score is None else scale[score],
            "by": people.get(given.get("by"), ""),
            "at": given.get("at"),
            "note": given.get("note", ""),
        }
    )


def get_assessment(uow: UnitOfWork, actor: Actor, ref: str) -> AssessmentRead:
    scope = authorize(actor, Permission.READ)
    return _reads(uow, actor, [repo.assessment(uow.session, scope, ref)])[0]


def list_assessments(uow: UnitOfWork, actor: Actor, query: AssessmentQuery) -> AssessmentPage:
    scope = authorize(actor, Permission.READ)
    product_id = products.get_profile(uow, actor, query.product).id if query.product else None
    rows, following, total = repo.assessment_page(
        uow.session,
        scope,
        product_id=product_id,
        status=query.status,
        descending=query.descending,
        cursor=query.cursor,
        limit=query.limit,
    )
    profiles = products.profiles_by_id(uow, actor, [r.lifecycle_product_id for r in rows])
    return AssessmentPage(
        rows=[
            AssessmentRow(
                ref=r.ref,
                product=profiles[r.lifecycle_product_id].key,
                stage=r.stage,
                bank_version=r.bank_version,
                status=r.status,
                level=r.level,
                due_on=r.due_on,
            )
            for r in rows
        ],
        total=total,
        next_cursor=following,
    )


def latest(uow: UnitOfWork, actor: Actor, product_ids: Sequence[int]) -> dict[int, AssessmentRead]:
    """The newest assessment of each product, for gate checks and the board (a constant number of queries)."""
    scope = authorize(actor, Permission.READ)
    rows = repo.latest(uow.session, scope, product_ids)
    reads = _reads(uow, actor, list(rows.values()))
    return {row.lifecycle_product_id: read for row, read in zip(rows.values(), reads, strict=True)}


def compare(uow: UnitOfWork, actor: Actor, refs: Sequence[str]) -> Comparison:
    scope = authorize(actor, Permission.READ)
    rows = [repo.assessment(uow.session, scope, ref) for ref in refs]
    return Comparison(
        refs=[r.ref for r in rows],
        bank_versions=[f"{r.bank_id}@{r.bank_version}" for r in rows],
        levels=[r.level or "-" for r in rows],
        rows=domain.compare([(r.ref, r.answers) for r in rows]),
    )


def due(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> list[DueRead]:
    """For each product, why its ELSPI assessment is due now (none yet, draft only, period over, triggers)."""
    profiles = products.profiles(uow, actor, keys)
    newest = latest(uow, actor, [p.id for p in profiles.values()])
    found = []
    for key, profile in sorted(profiles.items()):
        read = newest.get(profile.id)
        if read is None:
            found.append(DueRead(product=key, ref=None, level="", reasons=["no assessment yet"]))
        elif read.status == "draft":
            found.append(DueRead(product=key, ref=read.ref, level="", reasons=[f"{read.ref} is still a draft"]))
        elif read.due_reasons:
            found.append(DueRead(product=key, ref=read.ref, level=read.level, reasons=read.due_reasons))
    return found


# ---- red lines --------------------------------------------------------------------------------------------


def raise_red_line(uow: UnitOfWork, actor: Actor, key: str, data: RedLineHitIn) -> RedLineHitRead:
    """Record a proposed use that crosses a red line: it blocks every gate of the product and is escalated to the
    roles the pack names."""
    if not (can(actor, Permission.ELSPI_EDIT) or can(actor, Permission.LIFECYCLE_EDIT)):
        authorize(actor, Permission.ELSPI_EDIT)
    scope = authorize(actor, Permission.READ)
    pack = red_lines()
    red_line = pack.red_line(data.red_line.upper())
    profile = products.get_profile(uow, actor, key)
    row = RedLineHit(
        organisation_id=scope.organisation_id,
        lifecycle_product_id=profile.id,
        pack_id=pack.id,
        pack_version=pack.version,
        red_line=red_line.id,
        use_case=data.use_case,
        escalated_to=list(pack.deciders),
        raised_by=actor.user_id,
        raised_at=clock.now(),
    )
    uow.session.add(row)
    uow.flush()
    return _hit_reads(uow, actor, [row])[0]


def _hit_state(row: RedLineHit) -> dict[str, Any]:
    return {"red_line": row.red_line, "pack": f"{row.pack_id}@{row.pack_version}", "use_case": row.use_case}


def clear_red_line(uow: UnitOfWork, actor: Actor, hit_id: int, password: str, justification: str) -> RedLineHitRead:
    """One decider's signed, justified clearance; the last decider needed clears the hit."""
    scope = authorize(actor, Permission.READ)
    row = repo.hit(uow.session, scope, hit_id)
    if row.status != "open":
        raise Conflict(f"red-line hit {hit_id} is already {row.status}")
    if len(justification.strip()) < 20:
        raise InvalidInput(
            "justification: say why, with its lawful basis (20 characters or more)",
            [Problem("say why, with its lawful basis (20 characters or more)", field="justification")],
        )
    if actor.role not in row.escalated_to:
        raise PermissionDenied(f"red-line hit {hit_id} is cleared only by {', '.join(row.escalated_to)}")
    products.sign_off(
        uow,
        actor,
        Subject(HIT, str(row.id), f"red-line hit {row.id} ({row.red_line})"),
        subject_id=row.id,
        required=row.escalated_to,
        state=_hit_state(row),
        password=password,
        authors={"raised": row.raised_by},
        justification=justification,
    )
    signed = products.signoffs_of(uow, actor, HIT, {row.id: _hit_state(row)})[row.id]
    if not [r for r in row.escalated_to if r not in {s.role for s in signed if s.valid}]:
        row.status, row.cleared_at = "cleared", clock.now()
    uow.flush()
    return _hit_reads(uow, actor, [row])[0]


def _hit_reads(uow: UnitOfWork, actor: Actor, rows: Sequence[RedLineHit]) -> list[RedLineHitRead]:
    pack = red_lines()
    texts = {r.id: r.text for r in pack.red_lines}
    profiles = products.profiles_by_id(uow, actor, [r.lifecycle_product_id for r in rows])
    signed = products.signoffs_of(uow, actor, HIT, {r.id: _hit_state(r) for r in rows}) if rows else {}
    people = identity_service.usernames(uow, [r.raised_by for r in rows], authorize(actor, Permission.READ))
    reads = []
    for row in rows:
        sign_offs = signed.get(row.id, [])
        valid = {s.role for s in sign_offs if s.valid}
        reads.append(
            RedLineHitRead(
                id=row.id,
                product=profiles[row.lifecycle_product_id].key,
                red_line=row.red_line,
                text=texts.get(row.red_line, row.red_line),
                use_case=row.use_case,
                status=row.status,
                escalated_to=list(row.escalated_to),
                raised_by=people.get(row.raised_by, ""),
                raised_at=row.raised_at,
                signoffs=sign_offs,
                missing_roles=[r for r in row.escalated_to if r not in valid],
            )
        )
    return reads


def get_hit(uow: UnitOfWork, actor: Actor, hit_id: int) -> RedLineHitRead:
    scope = authorize(actor, Permission.READ)
    return _hit_reads(uow, actor, [repo.hit(uow.session, scope, hit_id)])[0]


def open_hits(uow: UnitOfWork, actor: Actor, product_ids: Sequence[int]) -> dict[int, list[RedLineHitRead]]:
    """The open hits of each product, in a constant number of queries."""
    scope = authorize(actor, Permission.READ)
    rows = repo.open_hits(uow.session, scope, product_ids)
    found: dict[int, list[RedLineHitRead]] = {pid: [] for pid in product_ids}
    for row, read in zip(rows, _hit_reads(uow, actor, rows), strict=True):
        found[row.lifecycle_product_id].append(read)
    return found


def list_hits(uow: UnitOfWork, actor: Actor, query: HitQuery) -> HitPage:
    scope = authorize(actor, Permission.READ)
    product_id = products.get_profile(uow, actor, query.product).id if query.product else None
    rows, following, total = repo.hit_page(
        uow.session,
        scope,
        product_id=product_id,
        status=query.status,
        descending=query.descending,
        cursor=query.cursor,
        limit=query.limit,
    )
    return HitPage(rows=_hit_reads(uow, actor, rows), total=total, next_cursor=following)
