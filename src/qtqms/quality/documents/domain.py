"""Controlled-document rules: kinds, the version workflow, what a signature covers, safe Markdown, the diff
between versions and where a periodic review stands."""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from markdown_it import MarkdownIt

from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.kernel.rbac import Permission
from qtqms.kernel.refs import HumanRef
from qtqms.kernel.workflow import Transition, Workflow

PREFIX = "DOC"
DUE_SOON_DAYS = 30  # a periodic review this close is shown as due


class DocumentKind(StrEnum):
    POLICY = "policy"
    PROCEDURE = "procedure"
    WORK_INSTRUCTION = "work_instruction"
    FORM = "form"
    RECORD = "record"


class VersionStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    EFFECTIVE = "effective"
    OBSOLETE = "obsolete"


class Part(StrEnum):
    REVIEWER = "reviewer"
    APPROVER = "approver"


EVERYONE = "all"


def format_ref(number: int) -> str:
    return str(HumanRef(PREFIX, number))


def parse_ref(text: str) -> int:
    return HumanRef.parse(PREFIX, text, "document").number


def parse_kind(value: str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        known = ", ".join(k.value for k in DocumentKind)
        message = f"'{value}' is not a kind of document: use {known}"
        raise InvalidInput(f"kind: {message}", [Problem(message, field="kind")]) from None


# --- the workflow ----------------------------------------------------------------------------------


def _has_content(version: Any) -> str:
    return "" if (version.content or "").strip() or version.evidence_id else "it has no content and no file"


def _has_approver(version: Any) -> str:
    named = any(s.part == Part.APPROVER for s in version.sign_offs)
    return "" if named else "no approver is named"


def _reviews_done(version: Any) -> str:
    waiting = [s for s in version.sign_offs if s.part == Part.REVIEWER and s.signature_id is None]
    return f"{len(waiting)} named reviewer(s) have not reviewed it yet" if waiting else ""


def _approvals_done(version: Any) -> str:
    waiting = [s for s in version.sign_offs if s.part == Part.APPROVER and s.signature_id is None]
    return f"{len(waiting)} named approver(s) have not approved it yet" if waiting else ""


S = VersionStatus
WORKFLOW = Workflow(
    name="document version",
    states=tuple(s.value for s in VersionStatus),
    initial=S.DRAFT.value,
    transitions=(
        Transition("submit", frozenset({S.DRAFT}), S.IN_REVIEW, Permission.DOCUMENT_EDIT,
                   guards=(_has_content, _has_approver)),
        Transition("withdraw", frozenset({S.IN_REVIEW}), S.DRAFT, Permission.DOCUMENT_EDIT, needs_reason=True),
        Transition("approve", frozenset({S.IN_REVIEW}), S.APPROVED, Permission.DOCUMENT_APPROVE,
                   signature="approved", guards=(_reviews_done, _approvals_done)),
        Transition("release", frozenset({S.APPROVED}), S.EFFECTIVE, Permission.DOCUMENT_APPROVE),
        Transition("supersede", frozenset({S.EFFECTIVE}), S.OBSOLETE, Permission.DOCUMENT_APPROVE),
        Transition("retire", frozenset({S.EFFECTIVE}), S.OBSOLETE, Permission.DOCUMENT_APPROVE, needs_reason=True),
        Transition("discard", frozenset({S.DRAFT, S.IN_REVIEW, S.APPROVED}), S.OBSOLETE, Permission.DOCUMENT_EDIT,
                   needs_reason=True),
    ),
)  # fmt: skip
# Steps a person takes from a page or a command by name; "approve" happens through signatures, "supersede"
# when the next version is released.
STEPS = ("submit", "withdraw", "release", "retire", "discard")
OPEN_STATES = frozenset({S.DRAFT, S.IN_REVIEW, S.APPROVED})


def pending_reviews(version: Any) -> str:
    """Why an approver may not sign yet, or ""."""
    return _reviews_done(version)


def pending_approvals(version: Any) -> str:
    """Which approvals the version still waits for, or "" once every named approver signed."""
    return _approvals_done(version)


# --- what a signature covers -----------------------------------------------------------------------


def material_state(
    *,
    ref: str,
    kind: str,
    version: int,
    title: str,
    content: str,
    file_sha256: str,
    file_name: str,
    change_reason: str,
    author: str,
    reviewers: Iterable[str],
    approvers: Iterable[str],
) -> dict[str, Any]:
    """Everything a reader of the version relies on; a signature binds its hash."""
    return {
        "document": ref,
        "kind": kind,
        "version": version,
        "title": title,
        "content": content,
        "file_sha256": file_sha256,
        "file_name": file_name,
        "change_reason": change_reason,
        "author": author,
        "reviewers": sorted(reviewers),
        "approvers": sorted(approvers),
    }


# --- safe Markdown ---------------------------------------------------------------------------------

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def _safe_link(url: str) -> bool:
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def _renderer() -> MarkdownIt:
    engine = MarkdownIt("commonmark", {"html": False}).enable("table")
    engine.validateLink = _safe_link  # type: ignore[method-assign]
    return engine


def _inspector() -> MarkdownIt:
    """Parses raw HTML and every link as written, so that the check can name what it refuses."""
    engine = MarkdownIt("commonmark", {"html": True}).enable("table")
    engine.validateLink = lambda url: True  # type: ignore[method-assign]
    return engine


_RENDER = _renderer()
_INSPECT = _inspector()


def markdown_problems(text: str, field: str = "content") -> list[Problem]:
    """What makes Markdown unsafe to show, each with its line: raw HTML (scripts, event handlers) and links or
    images to anything but http(s), mailto or a relative address (javascript:, data:, file:)."""
    problems: list[Problem] = []

    def refuse(line: int, message: str) -> None:
        problems.append(Problem(f"line {line}: {message}", field=field))

    for token in _INSPECT.parse(text):
        line = (token.map[0] + 1) if token.map else 1
        if token.type == "html_block":
            refuse(line, "raw HTML is not allowed; write it in Markdown")
        for child in token.children or []:
            if child.type == "html_inline":
                refuse(line, f"raw HTML {child.content[:40]!r} is not allowed; write it in Markdown")
            elif child.type in ("link_open", "image"):
                url = str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
                if not _safe_link(url):
                    refuse(line, f"the link '{url[:60]}' is not allowed: use http, https or mailto addresses")
    return problems


def check_markdown(text: str, field: str = "content") -> None:
    problems = markdown_problems(text, field)
    if problems:
        raise InvalidInput(f"{field}: {problems[0].message}", problems)


def render_markdown(text: str) -> str:
    """HTML for the page: raw HTML is shown as text and unsafe links are not made links."""
    return _RENDER.render(text)


# --- differences between versions ------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "added" or "removed"
    text: str
    old_line: int | None
    new_line: int | None


def line_diff(old: str, new: str) -> list[DiffLine]:
    """The lines of `new` against `old`, each kept, added or removed, with its line numbers."""
    before, after = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", before[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
            continue
        lines += [DiffLine("removed", before[i], i + 1, None) for i in range(i1, i2)]
        lines += [DiffLine("added", after[j], None, j + 1) for j in range(j1, j2)]
    return lines


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any], fields: Sequence[str]) -> list[str]:
    return [name for name in fields if old.get(name) != new.get(name)]


# --- periodic review -------------------------------------------------------------------------------


class ReviewStanding(StrEnum):
    NOT_SET = "not set"
    IN_DATE = "in date"
    DUE = "due"
    OVERDUE = "overdue"


def review_standing(next_review_on: date | None, today: date) -> ReviewStanding:
    if next_review_on is None:
        return ReviewStanding.NOT_SET
    if next_review_on < today:
        return ReviewStanding.OVERDUE
    if (next_review_on - today).days <= DUE_SOON_DAYS:
        return ReviewStanding.DUE
    return ReviewStanding.IN_DATE


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter (31 Jan + 1 -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def in_audience(role: str, audience: Sequence[str]) -> bool:
    return EVERYONE in audience or role in audience
