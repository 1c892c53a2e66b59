"""Accuracy of the scanner on the labelled corpus: expected findings are marked on their lines.

A marker is a trailing comment `expect: LABEL, LABEL` (`#`, `//` or `<!-- -->`). Markers are removed before the
scan (the file is copied with each marker cut from its line), so a marker can never be a finding.
Files without comments (JSON, keys, certificates) list their expectations in `expected.yaml` beside them.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from qtqms.pqc.scanner.engine import Scanner, ScanOptions

CORPUS = Path(__file__).with_name("corpus")
SIDECAR = "expected.yaml"
_MARKER = re.compile(r"\s*(?:#|//|<!--)\s*expect:\s*(?P<labels>.+?)\s*(?:-->)?\s*$")

Case = tuple[str, int, str]  # path relative to the corpus, line, label


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass
class Report:
    expected: set[Case]
    found: set[Case]
    by_language: dict[str, Score] = field(default_factory=dict)
    by_asset_type: dict[str, Score] = field(default_factory=dict)
    overall: Score = field(default_factory=Score)

    @property
    def misses(self) -> list[Case]:
        return sorted(self.expected - self.found)

    @property
    def false_alarms(self) -> list[Case]:
        return sorted(self.found - self.expected)

    def table(self) -> str:
        lines = [f"{'group':<28}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>5}{'FN':>5}"]
        for title, groups in (("language", self.by_language), ("asset type", self.by_asset_type)):
            for name, score in sorted(groups.items()):
                lines.append(_row(f"{title}: {name}", score))
        lines.append(_row("overall", self.overall))
        return "\n".join(lines)


def _row(name: str, score: Score) -> str:
    return (
        f"{name:<28}{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}"
        f"{score.true_positives:>6}{score.false_positives:>5}{score.false_negatives:>5}"
    )


def asset_type(label: str) -> str:
    prefix, _, rest = label.partition(":")
    return prefix if rest else "algorithm"


def prepare(workdir: Path) -> set[Case]:
    """Copy the corpus without its markers into `workdir`; return the expected findings."""
    expected: set[Case] = set()
    for source in sorted(CORPUS.rglob("*")):
        relative = source.relative_to(CORPUS).as_posix()
        if source.is_dir():
            continue
        target = workdir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.name == SIDECAR:
            for path, entries in yaml.safe_load(source.read_text("utf-8")).items():
                folder = source.parent.relative_to(CORPUS).as_posix()
                expected.update((f"{folder}/{path}", entry["line"], entry["label"]) for entry in entries)
            continue
        raw = source.read_bytes()
        if b"\0" in raw or not raw.isascii() and _not_utf8(raw):
            shutil.copyfile(source, target)
            continue
        lines = raw.decode("utf-8").split("\n")
        for number, line in enumerate(lines, 1):
            marker = _MARKER.search(line)
            if marker:
                expected.update((relative, number, label.strip()) for label in marker.group("labels").split(","))
                lines[number - 1] = line[: marker.start()]
        target.write_text("\n".join(lines), encoding="utf-8")
    return expected


def _not_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def evaluate(workdir: Path, matcher: str = "auto") -> Report:
    expected = prepare(workdir)
    scanner = Scanner(ScanOptions(matcher=matcher))
    found = {(f.path, f.line, f.label) for f in scanner.scan(workdir)}
    report = Report(expected=expected, found=found)
    for case in expected | found:
        language = case[0].split("/", 1)[0]
        for groups, key in ((report.by_language, language), (report.by_asset_type, asset_type(case[2]))):
            _count(groups.setdefault(key, Score()), case, expected, found)
        _count(report.overall, case, expected, found)
    return report


def _count(score: Score, case: Case, expected: set[Case], found: set[Case]) -> None:
    if case in expected and case in found:
        score.true_positives += 1
    elif case in found:
        score.false_positives += 1
    else:
        score.false_negatives += 1


def counts(expected: set[Case]) -> Counter[str]:
    return Counter(case[0].split("/", 1)[0] for case in expected)
