"""ELSPI rules: the question bank, scoring to a raw score, a mitigation ratio, a current score and an impact level
I-IV with severity floors (one severe answer cannot be averaged away), what each level requires, when an
assessment is due again, and the red lines screened before any scoring."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from qtqms.kernel.errors import InvalidInput, Problem

LEVELS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    kind: str  # risk or mitigation
    text: str
    help: str = ""
    action_at: int | None = None

    @property
    def top(self) -> int:
        return 3 if self.kind == "risk" else 2

    def calls_for_action(self, score: int) -> bool:
        if self.action_at is None:
            return False
        return score >= self.action_at if self.kind == "risk" else score <= self.action_at


@dataclass(frozen=True)
class Floor:
    id: str
    level: str
    says: str
    severe_in: tuple[str, ...] = ()
    safety_critical: bool = False
    severe_dimensions: int | None = None


@dataclass(frozen=True)
class LevelRule:
    reassess_months: int | None
    signers: tuple[str, ...]
    requires: tuple[str, ...]


@dataclass(frozen=True)
class QuestionBank:
    id: str
    version: str
    source: str
    verified_on: str
    risk_scale: tuple[str, ...]
    mitigation_scale: tuple[str, ...]
    mitigation_threshold: float
    mitigation_factor: float
    bands: tuple[tuple[str, float], ...]
    floors: tuple[Floor, ...]
    levels: Mapping[str, LevelRule]
    dimensions: tuple[tuple[str, str], ...]
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        found = next((q for q in self.questions if q.id == question_id), None)
        if found is None:
            raise InvalidInput(
                f"question '{question_id}' is not in {self.id} version {self.version}",
                [Problem("not a question of this bank", field=question_id)],
            )
        return found

    def scale(self, question: Question) -> tuple[str, ...]:
        return self.risk_scale if question.kind == "risk" else self.mitigation_scale


@dataclass(frozen=True)
class RedLine:
    id: str
    text: str


@dataclass(frozen=True)
class RedLinePack:
    id: str
    version: str
    deciders: tuple[str, ...]
    red_lines: tuple[RedLine, ...]

    def red_line(self, red_line_id: str) -> RedLine:
        found = next((r for r in self.red_lines if r.id == red_line_id), None)
        if found is None:
            known = ", ".join(r.id for r in self.red_lines)
            raise InvalidInput(
                f"red_line: '{red_line_id}' is not a red line (known: {known})",
                [Problem(f"not a red line (known: {known})", field="red_line")],
            )
        return found


def check_answer(bank: QuestionBank, question_id: str, score: int | None) -> Question:
    """The question, when `score` is on its scale (None: not applicable); else the refusal naming it."""
    question = bank.question(question_id)
    if score is not None and not 0 <= score <= question.top:
        labels = ", ".join(f"{i} {label}" for i, label in enumerate(bank.scale(question)))
        message = f"{score} is outside the scale of this {question.kind} question (use {labels}, or not applicable)"
        raise InvalidInput(f"answer to {question_id}: {message}", [Problem(message, field=question_id)])
    return question


@dataclass(frozen=True)
class Score:
    raw: int
    max_raw: int
    mitigation: int
    max_mitigation: int
    ratio: float
    current: float
    banded: str
    level: str
    floors: tuple[str, ...]  # each raising floor, said in words

    @property
    def share(self) -> float:
        return self.current / self.max_raw if self.max_raw else 0.0


def _scores(bank: QuestionBank, answers: Mapping[str, Any], kind: str) -> list[tuple[Question, int]]:
    return [
        (q, answers[q.id]["score"])
        for q in bank.questions
        if q.kind == kind and q.id in answers and answers[q.id].get("score") is not None
    ]


def score(bank: QuestionBank, answers: Mapping[str, Any], *, safety_critical: bool) -> Score:
    """The AIA-style score with the bank's severity floors; not-applicable answers leave both sums."""
    risks = _scores(bank, answers, "risk")
    mitigations = _scores(bank, answers, "mitigation")
    raw, max_raw = sum(s for _, s in risks), sum(q.top for q, _ in risks)
    mitigation, max_mitigation = sum(s for _, s in mitigations), sum(q.top for q, _ in mitigations)
    ratio = mitigation / max_mitigation if max_mitigation else 0.0
    current = raw * bank.mitigation_factor if ratio >= bank.mitigation_threshold else float(raw)
    share = current / max_raw if max_raw else 0.0
    banded = next((level for level, up_to in bank.bands if share <= up_to + 1e-9), LEVELS[-1])
    level, raised = banded, []
    severe = {q.dimension for q, s in risks if s == q.top}
    for floor in bank.floors:
        if _floor_applies(floor, severe, safety_critical) and LEVELS.index(floor.level) > LEVELS.index(level):
            level = floor.level
        if _floor_applies(floor, severe, safety_critical) and LEVELS.index(floor.level) > LEVELS.index(banded):
            raised.append(f"{floor.id}: {floor.says} sets the level to at least {floor.level}")
    return Score(
        raw, max_raw, mitigation, max_mitigation, round(ratio, 3), round(current, 2), banded, level, tuple(raised)
    )


def _floor_applies(floor: Floor, severe: set[str], safety_critical: bool) -> bool:
    if floor.severe_dimensions is not None:
        return len(severe) >= floor.severe_dimensions
    if floor.safety_critical and not safety_critical:
        return False
    return bool(severe & set(floor.severe_in))


def unanswered(bank: QuestionBank, answers: Mapping[str, Any]) -> list[str]:
    return [q.id for q in bank.questions if q.id not in answers]


def actions(bank: QuestionBank, answers: Mapping[str, Any]) -> list[str]:
    """The answers that call for an action, said as the action."""
    found = []
    for question in bank.questions:
        given = answers.get(question.id, {}).get("score")
        if given is not None and question.calls_for_action(given):
            verb = "Reduce" if question.kind == "risk" else "Put in place"
            found.append(f"{question.id}: {verb}: {question.text}")
    return found


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(bank: QuestionBank, level: str, completed: date) -> date | None:
    months = bank.levels[level].reassess_months
    return add_months(completed, months) if months else None


def due_reasons(
    *,
    due: date | None,
    today: date,
    then: Mapping[str, Any],
    now: Mapping[str, Any],
    bank_version: str,
    current_bank_version: str,
) -> list[str]:
    """Why a completed assessment must be made again now: its period ran out, or a triggering event happened
    since (new jurisdiction, new customer class, a changed technical parameter, a new question-bank version)."""
    reasons = []
    if due is not None and due <= today:
        reasons.append(f"the re-assessment period ended on {due}")
    new_places = sorted(set(now.get("jurisdictions", ())) - set(then.get("jurisdictions", ())))
    if new_places:
        reasons.append("new jurisdiction " + ", ".join(new_places))
    new_classes = sorted(set(now.get("customer_classes", ())) - set(then.get("customer_classes", ())))
    if new_classes:
        reasons.append("new customer class " + ", ".join(new_classes))
    changed = sorted(
        k
        for k in {*now.get("parameters", {}), *then.get("parameters", {})}
        if now.get("parameters", {}).get(k) != then.get("parameters", {}).get(k)
    )
    if changed:
        reasons.append("significant change of " + ", ".join(changed))
    if bank_version != current_bank_version:
        reasons.append(f"question bank version {current_bank_version} replaced {bank_version}")
    return reasons


def compare(bank_answers: Sequence[tuple[str, Mapping[str, Any]]]) -> list[tuple[str, list[Any]]]:
    """Answers of several assessments side by side, question by question (a question missing in one shows '')."""
    ids = list(dict.fromkeys(qid for _, answers in bank_answers for qid in answers))
    return [(qid, [answers.get(qid, {}).get("score", "") for _, answers in bank_answers]) for qid in ids]
