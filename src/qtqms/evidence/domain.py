"""Evidence rules without storage: what a title, a URL and a validity period must be, when evidence is current,
and the refusal of a file that no longer matches its recorded hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import PureWindowsPath

from qtqms.kernel.errors import CheckFailed, InvalidInput, Problem

TITLE_LIMIT = 200
FILENAME_LIMIT = 255
URL_SCHEMES = ("https://", "http://")


class EvidenceKind(StrEnum):
    FILE = "file"
    URL = "url"


def is_current(valid_from: date, valid_until: date | None, today: date) -> bool:
    return valid_from <= today and (valid_until is None or valid_until >= today)


def file_name(uploaded_as: str) -> str:
    """The name a file is offered under again: its last path part (a browser may send "C:\\scans\\q1.pdf"),
    never a name that means a folder."""
    name = PureWindowsPath(uploaded_as).name[:FILENAME_LIMIT]
    return name if name.strip(". ") else "upload"


@dataclass(frozen=True)
class Checked:
    title: str
    valid_from: date


def check(
    *, title: str, valid_from: date | None, valid_until: date | None, today: date, url: str | None = None
) -> Checked:
    """The title and the start of validity (today unless given); every problem at once, each naming its field."""
    problems = []
    title = title.strip()
    if not title:
        problems.append(Problem("must not be empty", field="title"))
    elif len(title) > TITLE_LIMIT:
        problems.append(Problem(f"longer than {TITLE_LIMIT} characters", field="title"))
    if url is not None and not url.lower().startswith(URL_SCHEMES):
        problems.append(Problem("must be an http:// or https:// address", field="url"))
    start = valid_from or today
    if valid_until is not None and valid_until < start:
        problems.append(Problem(f"ends ({valid_until}) before it starts ({start})", field="valid_until"))
    if problems:
        raise InvalidInput("evidence: " + "; ".join(str(p) for p in problems), problems)
    return Checked(title=title, valid_from=start)


@dataclass
class EvidenceAltered(CheckFailed):
    """The file kept for an evidence record is not the one recorded: it is refused, never served as current."""

    evidence_id: int = 0
    recorded: str = ""  # the SHA-256 recorded when the file was added
    found: str = ""  # what is on disk instead: another digest, or another size

    code = "evidence_altered"

    @classmethod
    def of(cls, evidence_id: int, recorded: str, found: str) -> EvidenceAltered:
        message = f"evidence {evidence_id}: the file no longer matches its recorded hash, so it is not served"
        problem = Problem(f"recorded sha256 {recorded}, found {found}", f"evidence {evidence_id}", "sha256")
        return cls(message, [problem], evidence_id=evidence_id, recorded=recorded, found=found)
