"""Crypto inventory scanner: walk → match anchors → confirm → Finding, streamed, with no database.

With `jobs` > 1, worker processes read, match and confirm the files in chunks; the walk, the summary and
the order of the findings stay in the calling process and are exactly those of a serial scan.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from qtqms.kernel.errors import InvalidInput
from qtqms.pqc.scanner import certificates, configs, manifests, patterns, python_ast
from qtqms.pqc.scanner.algorithms import Algorithm, Finding
from qtqms.pqc.scanner.matchers import Matcher, make_matcher
from qtqms.pqc.scanner.redact import redact
from qtqms.pqc.scanner.walk import ScanEvents, ScanSummary, WalkOptions, walk

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024
_BINARY_PROBE = 8192
PEM_ANCHOR = "-----BEGIN "
# A worker's unit of work: enough files that one round trip to a worker costs little next to reading them.
_CHUNK_BYTES = 4 * 1024 * 1024
_CHUNK_FILES = 256
# Chunks out at a time (scanning, or scanned and waiting for an earlier one): enough to keep every worker
# busy, few enough that the walk never runs far ahead, so memory does not grow with the tree.
_CHUNKS_AHEAD_PER_JOB = 2


@dataclass(frozen=True)
class Language:
    extensions: frozenset[str]
    comments: str  # "hash" or "c"
    import_line: re.Pattern[str] | None  # matches on these lines are imports, not uses


LANGUAGES = {
    "python": Language(frozenset({".py", ".pyw"}), "hash", None),
    "java": Language(frozenset({".java", ".kt", ".kts", ".scala", ".groovy"}), "c", re.compile(r"\s*import\s")),
    "go": Language(frozenset({".go"}), "c", re.compile(r"\s*(?:import\s|\"[\w./-]+\"\s*$)")),
    "c": Language(
        frozenset({".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".m", ".mm"}),
        "c",
        re.compile(r"\s*#\s*include\b"),
    ),
    "javascript": Language(
        frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"}), "c", re.compile(r"\s*import\s")
    ),
    "rust": Language(frozenset({".rs"}), "c", re.compile(r"\s*(?:pub(?:\([^)]*\))?\s+)?use\s")),
}
_LANGUAGE_BY_EXTENSION = {ext: name for name, lang in LANGUAGES.items() for ext in lang.extensions}
# Data files can embed keys and certificates but have no crypto API calls: only PEM blocks are read there.
_DATA_EXTENSIONS = frozenset({".yaml", ".yml", ".json", ".xml", ".properties", ".env", ".ini", ".toml", ".tf"})


@dataclass(frozen=True)
class ScanOptions:
    excludes: tuple[str, ...] = ()
    respect_gitignore: bool = True
    follow_symlinks: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    matcher: str = "auto"
    jobs: int = 1  # worker processes; 1 scans in the calling process
    show_literals: bool = False  # keep literal values in evidence (key material and private keys never)


def default_jobs() -> int:
    """One worker per CPU this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


class _File(NamedTuple):
    """A file to scan, with what the walk skipped on its way there (replayed first, to keep the serial order)."""

    path: str
    relative: str
    size: int
    walked: ScanEvents | None


FileOutcome = tuple[list[Finding], ScanEvents]
# What a worker sends back for each file. Most files have neither findings nor skips: for those the number of
# bytes read is enough. Findings travel as plain values (`_flat`).
_Sent = tuple[list[tuple[Any, ...]], ScanEvents] | int
_FINDING_FIELDS = tuple(field.name for field in fields(Finding))
_ALGORITHM_FIELDS = tuple(field.name for field in fields(Algorithm))


class Scanner:
    """Scans files and trees; reusable across scans (rules and the anchor automaton are built once)."""

    def __init__(self, options: ScanOptions | None = None) -> None:
        self.options = options or ScanOptions()
        if self.options.jobs < 1:
            raise InvalidInput(f"jobs: must be 1 or more, not {self.options.jobs}")
        self.python_rules = python_ast.load_rules()
        self.rule_packs = patterns.load_packs()
        self._anchors: list[str] = []
        self._rules_by_anchor: dict[tuple[str, int], list[patterns.PatternRule]] = defaultdict(list)
        self._language_anchors: dict[str, set[int]] = defaultdict(set)
        self._build_anchor_index()
        self.matcher: Matcher = make_matcher([a.encode() for a in self._anchors], self.options.matcher)
        self.summary = ScanSummary()

    def _anchor_id(self, anchor: str) -> int:
        if anchor not in self._anchor_index:
            self._anchor_index[anchor] = len(self._anchors)
            self._anchors.append(anchor)
        return self._anchor_index[anchor]

    def _build_anchor_index(self) -> None:
        self._anchor_index: dict[str, int] = {}
        self._pem_anchor = self._anchor_id(PEM_ANCHOR)
        for anchor in self.python_rules.anchors:
            self._language_anchors["python"].add(self._anchor_id(anchor))
        for rule in self.rule_packs.rules:
            for anchor in rule.anchors:
                anchor_id = self._anchor_id(anchor)
                for language in rule.languages:
                    self._language_anchors[language].add(anchor_id)
                    self._rules_by_anchor[language, anchor_id].append(rule)

    @property
    def anchors(self) -> tuple[str, ...]:
        return tuple(self._anchors)

    def scan(self, root: str | Path, on_file: Callable[[str, int], None] | None = None) -> Iterator[Finding]:
        """Stream findings for a file or a tree; `self.summary` is complete once the iterator is exhausted."""
        root = Path(root)
        if not root.exists():
            raise InvalidInput(f"{root}: no such file or directory")
        walked = ScanEvents()
        files = self._files(root, walked)
        serial = self.options.jobs == 1 or root.is_file()
        outcomes = self._scan_here(files) if serial else self._scan_in_workers(files)
        for file, (findings, events) in outcomes:
            self.summary.add(file.walked)
            self.summary.add(events)
            if on_file is not None:
                on_file(file.relative, self.summary.bytes_scanned)
            for finding in findings:
                self.summary.findings += 1
                yield redact(finding, self.options.show_literals)
        self.summary.add(walked.take())  # skips after the last file

    def _files(self, root: Path, walked: ScanEvents) -> Iterator[_File]:
        options = WalkOptions(self.options.excludes, self.options.respect_gitignore, self.options.follow_symlinks)
        for path, relative, size in walk(root, options, walked):
            yield _File(path, relative, size, walked.take())

    def _scan_here(self, files: Iterable[_File]) -> Iterator[tuple[_File, FileOutcome]]:
        for file in files:
            yield file, self._scan_one(file.path, file.relative, file.size)

    def _scan_in_workers(self, files: Iterable[_File]) -> Iterator[tuple[_File, FileOutcome]]:
        """Chunks of files scanned by worker processes, results taken in walk order (see `workers`)."""
        from qtqms.pqc.scanner.workers import ordered_results  # multiprocessing takes a third of the import time

        context, inherit = _pool_context()
        rebuild = _Rebuilder()
        chunks = ((chunk, [(f.path, f.relative, f.size) for f in chunk]) for chunk in _chunks(files))
        for chunk, sent in ordered_results(
            chunks,
            jobs=self.options.jobs,
            window=self.options.jobs * _CHUNKS_AHEAD_PER_JOB,
            start=_chunk_scanner,
            source=self if inherit else self.options,
            context=context,
        ):
            for file, outcome in zip(chunk, sent, strict=True):
                if isinstance(outcome, int):
                    yield file, ([], ScanEvents(bytes_read=outcome))
                else:
                    yield file, ([rebuild(values) for values in outcome[0]], outcome[1])

    def _scan_one(self, path: str, relative: str, size: int) -> FileOutcome:
        events = ScanEvents()
        return self._read_and_scan(path, relative, size, events), events

    def _read_and_scan(self, path: str, relative: str, size: int, events: ScanEvents) -> list[Finding]:
        handler = self._handler(relative)
        if handler is None:
            events.skip("not a source, config, manifest or key file")
            return []
        if size > self.options.max_file_size:
            events.skip("too large", relative)
            return []
        try:
            data = _read(path, size)
        except OSError as error:
            events.skip("unreadable", f"{relative}: {error.strerror or error}")
            return []
        events.bytes_read = len(data)
        return handler(data, relative, events)

    def _handler(self, relative: str) -> Handler | None:
        name = relative.rsplit("/", 1)[-1]
        suffix = os.path.splitext(name)[1].lower()
        if certificates.is_key_file(name):
            return lambda data, rel, _events: certificates.scan_key_file(data, rel)
        if manifests.is_manifest(name):
            return _text_handler(manifests.scan)
        if configs.is_config(relative):
            return _text_handler(configs.scan)
        language = _LANGUAGE_BY_EXTENSION.get(suffix)
        if language:
            return lambda data, rel, events: self._scan_source(data, rel, language, events)
        if suffix in _DATA_EXTENSIONS:
            return _scan_data
        return None

    def _scan_source(self, data: bytes, relative: str, language: str, events: ScanEvents) -> list[Finding]:
        found = self.matcher.find(data)
        relevant = found.keys() & self._language_anchors[language]
        if not relevant and self._pem_anchor not in found:
            return []
        text = _decode(data, relative, events)
        if text is None:
            return []
        findings: list[Finding] = []
        if relevant:
            # In ASCII text the matcher's byte offsets are character offsets; otherwise anchors are looked up again.
            offsets = {anchor: found[anchor] for anchor in relevant} if data.isascii() else None
            findings.extend(self._code_findings(text, relative, language, relevant, offsets, events))
        if self._pem_anchor in found:
            findings.extend(certificates.scan_pem_text(text, relative))
        return findings

    def _code_findings(
        self,
        text: str,
        relative: str,
        language: str,
        anchors: set[int],
        offsets: dict[int, list[int]] | None,
        events: ScanEvents,
    ) -> list[Finding]:
        if language == "python":
            unanalysed: list[int] = []
            found = python_ast.analyse(text, relative, self.python_rules, unanalysed)
            for line in unanalysed:
                events.skip("python statement too large to analyse", f"{relative}:{line}")
            if found is None:
                events.skip("python syntax error (not analysed)", relative)
                return []
            return found
        source = patterns.SourceText(text, LANGUAGES[language].comments)
        candidates = self._candidate_lines(source, language, anchors, offsets)
        return _confirmed(source, candidates, relative, language, LANGUAGES[language].import_line)

    def _candidate_lines(
        self,
        source: patterns.SourceText,
        language: str,
        anchors: Iterable[int],
        offsets: dict[int, list[int]] | None,
    ) -> dict[int, set[patterns.PatternRule]]:
        """Lines holding an anchor, with the rules those anchors feed. Anchors whose every rule needs a literal
        the file lacks (`requires`) are passed over."""
        text = source.text
        has: dict[str, bool] = {}  # several rules require the same literals
        hits: list[tuple[int, list[patterns.PatternRule]]] = []
        for anchor_id in anchors:
            rules = [
                rule
                for rule in self._rules_by_anchor[language, anchor_id]
                if not rule.requires or any(has.setdefault(r, r in text) for r in rule.requires)
            ]
            if rules:
                anchor = self._anchors[anchor_id]
                found = offsets[anchor_id] if offsets is not None else patterns.occurrences(text, anchor)
                hits.extend((offset, rules) for offset in found)
        lines: dict[int, set[patterns.PatternRule]] = defaultdict(set)
        for offset, rules in sorted(hits, key=lambda hit: hit[0]):  # in order, so each line number costs little
            lines[source.line_of(offset)].update(rules)
        return lines


Handler = Callable[[bytes, str, ScanEvents], list[Finding]]


def _read(path: str, size: int) -> bytes:
    """The whole file. A bare descriptor reads a small file in half the time `open().read()` takes, which
    counts when most files are read only to be matched."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        parts = [os.read(descriptor, size + 1)]  # one read, and one more to see the end
        while parts[-1]:
            parts.append(os.read(descriptor, 1 << 20))
    finally:
        os.close(descriptor)
    return parts[0] if len(parts) == 2 else b"".join(parts)


def _text_handler(parse: Callable[[str, str], list[Finding]]) -> Handler:
    def handle(data: bytes, relative: str, events: ScanEvents) -> list[Finding]:
        text = _decode(data, relative, events)
        return [] if text is None else parse(text, relative)

    return handle


def _decode(data: bytes, relative: str, events: ScanEvents) -> str | None:
    if b"\0" in data[:_BINARY_PROBE]:
        events.skip("binary")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        events.skip("undecodable (read with replacement characters)", relative)
        return data.decode("utf-8", errors="replace")


def _scan_data(data: bytes, relative: str, events: ScanEvents) -> list[Finding]:
    if PEM_ANCHOR.encode() not in data:
        return []
    text = _decode(data, relative, events)
    return [] if text is None else certificates.scan_pem_text(text, relative)


def _confirmed(
    source: patterns.SourceText,
    candidates: dict[int, set[patterns.PatternRule]],
    relative: str,
    language: str,
    import_line: re.Pattern[str] | None,
) -> list[Finding]:
    """Confirm candidate lines; a match inside another match's span on the same line is part of it."""
    findings: list[Finding] = []
    for line in sorted(candidates):
        start, end = source.line_span(line)
        if import_line is not None and import_line.match(source.text, start, end):
            continue
        matches = [
            (span, finding)
            for rule in sorted(candidates[line], key=lambda r: r.id)
            for span, finding in patterns.confirm(rule, source, line, relative, language)
        ]
        seen: set[str] = set()
        for span, finding in sorted(matches, key=lambda m: (m[0][0], -m[0][1])):
            inside = any(o[0] <= span[0] and span[1] <= o[1] and o != span for o, _ in matches)
            if not inside and finding.label not in seen:
                seen.add(finding.label)
                findings.append(finding)
    return findings


def _chunks(files: Iterable[_File]) -> Iterator[list[_File]]:
    chunk: list[_File] = []
    size = 0
    for file in files:
        chunk.append(file)
        size += file.size
        if size >= _CHUNK_BYTES or len(chunk) >= _CHUNK_FILES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _pool_context() -> tuple[BaseContext, bool]:
    """The way to start workers, and whether they inherit the caller's scanner.

    Forked workers (Linux) inherit the built rules and matcher for free; elsewhere fork is unsafe or missing,
    so workers are spawned and each builds its own scanner from the options (a few tenths of a second).
    """
    import multiprocessing

    if sys.platform == "linux":
        return multiprocessing.get_context("fork"), True
    return multiprocessing.get_context("spawn"), False


def _chunk_scanner(source: Scanner | ScanOptions) -> Callable[[list[tuple[str, str, int]]], list[_Sent]]:
    """In a worker: the function that scans one chunk, with the caller's scanner or one built alike."""
    scanner = source if isinstance(source, Scanner) else Scanner(replace(source, jobs=1))
    return lambda files: [_compact(scanner._scan_one(path, relative, size)) for path, relative, size in files]


def _compact(outcome: FileOutcome) -> _Sent:
    findings, events = outcome
    if findings or events.skips or events.bytes_read is None:
        return [_flat(finding) for finding in findings], events
    return events.bytes_read


def _flat(finding: Finding) -> tuple[Any, ...]:
    """A finding as a tuple of its fields, its algorithm too: sent to the parent and rebuilt there in about
    half the time dataclasses take (unpickling a frozen dataclass runs Python code for each object)."""
    algorithm = tuple(getattr(finding.algorithm, name) for name in _ALGORITHM_FIELDS)
    return tuple(algorithm if name == "algorithm" else getattr(finding, name) for name in _FINDING_FIELDS)


class _Rebuilder:
    """Findings back from `_flat`, each distinct algorithm built once and shared."""

    def __init__(self) -> None:
        self._algorithms: dict[tuple[Any, ...], Algorithm] = {}

    def __call__(self, values: tuple[Any, ...]) -> Finding:
        named = dict(zip(_FINDING_FIELDS, values, strict=True))
        key = named["algorithm"]
        named["algorithm"] = self._algorithms.get(key) or self._algorithms.setdefault(key, Algorithm(*key))
        return Finding(**named)


def scan(root: str | Path, options: ScanOptions | None = None) -> tuple[list[Finding], ScanSummary]:
    """Convenience for small trees: every finding as a list, with the summary."""
    scanner = Scanner(options)
    findings = list(scanner.scan(root))
    return findings, scanner.summary
