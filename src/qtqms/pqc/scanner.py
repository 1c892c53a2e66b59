"""Crypto inventory scanner: walk → match anchors → confirm → Finding, streamed, with no database."""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qtqms.pqc import certificates, configs, manifests, patterns, python_ast
from qtqms.pqc.domain import Finding
from qtqms.pqc.matchers import Matcher, make_matcher
from qtqms.pqc.walk import ScanSummary, WalkOptions, walk

DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024
_BINARY_PROBE = 8192
PEM_ANCHOR = "-----BEGIN "


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


class Scanner:
    """Scans files and trees; reusable across scans (rules and the anchor automaton are built once)."""

    def __init__(self, options: ScanOptions | None = None) -> None:
        self.options = options or ScanOptions()
        self.python_rules = python_ast.load_rules()
        self.rule_packs = patterns.load_packs()
        self._anchors: list[str] = []
        self._anchor_rules: dict[int, list[patterns.PatternRule]] = defaultdict(list)
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
                self._anchor_rules[anchor_id].append(rule)
                for language in rule.languages:
                    self._language_anchors[language].add(anchor_id)

    @property
    def anchors(self) -> tuple[str, ...]:
        return tuple(self._anchors)

    def scan(self, root: str | Path, on_file: Callable[[str, int], None] | None = None) -> Iterator[Finding]:
        """Stream findings for a file or a tree; `self.summary` is complete once the iterator is exhausted."""
        root = Path(root)
        if not root.exists():
            from qtqms.kernel.errors import InvalidInput

            raise InvalidInput(f"{root}: no such file or directory")
        options = WalkOptions(self.options.excludes, self.options.respect_gitignore, self.options.follow_symlinks)
        for path, relative, size in walk(root, options, self.summary):
            findings = self.scan_file(path, relative, size)
            if on_file is not None:
                on_file(relative, self.summary.bytes_scanned)
            for finding in findings:
                self.summary.findings += 1
                yield finding

    def scan_file(self, path: str | Path, relative: str, size: int) -> list[Finding]:
        """Findings in one file; anything that stops the file being read is recorded in the summary."""
        handler = self._handler(relative)
        if handler is None:
            self.summary.skip("not a source, config, manifest or key file")
            return []
        if size > self.options.max_file_size:
            self.summary.skip("too large", relative)
            return []
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            self.summary.skip("unreadable", f"{relative}: {error.strerror or error}")
            return []
        self.summary.files_scanned += 1
        self.summary.bytes_scanned += len(data)
        return handler(data, relative)

    def _handler(self, relative: str) -> Callable[[bytes, str], list[Finding]] | None:
        name = relative.rsplit("/", 1)[-1]
        suffix = os.path.splitext(name)[1].lower()
        if certificates.is_key_file(name):
            return certificates.scan_key_file
        if manifests.is_manifest(name):
            return self._text_handler(manifests.scan)
        if configs.is_config(relative):
            return self._text_handler(configs.scan)
        language = _LANGUAGE_BY_EXTENSION.get(suffix)
        if language:
            return lambda data, rel: self._scan_source(data, rel, language)
        if suffix in _DATA_EXTENSIONS:
            return self._scan_data
        return None

    def _text_handler(self, parse: Callable[[str, str], list[Finding]]) -> Callable[[bytes, str], list[Finding]]:
        def handle(data: bytes, relative: str) -> list[Finding]:
            text = self._decode(data, relative)
            return [] if text is None else parse(text, relative)

        return handle

    def _decode(self, data: bytes, relative: str) -> str | None:
        if b"\0" in data[:_BINARY_PROBE]:
            self.summary.skip("binary")
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.summary.skip("undecodable (read with replacement characters)", relative)
            return data.decode("utf-8", errors="replace")

    def _scan_data(self, data: bytes, relative: str) -> list[Finding]:
        if PEM_ANCHOR.encode() not in data:
            return []
        text = self._decode(data, relative)
        return [] if text is None else certificates.scan_pem_text(text, relative)

    def _scan_source(self, data: bytes, relative: str, language: str) -> list[Finding]:
        present = self.matcher.present(data)
        relevant = present & self._language_anchors[language]
        if not relevant and self._pem_anchor not in present:
            return []
        text = self._decode(data, relative)
        if text is None:
            return []
        findings: list[Finding] = []
        if relevant:
            findings.extend(self._code_findings(text, relative, language, relevant))
        if self._pem_anchor in present:
            findings.extend(certificates.scan_pem_text(text, relative))
        return findings

    def _code_findings(self, text: str, relative: str, language: str, anchors: set[int]) -> list[Finding]:
        if language == "python":
            found = python_ast.analyse(text, relative, self.python_rules)
            if found is None:
                self.summary.skip("python syntax error (not analysed)", relative)
                return []
            return found
        source = patterns.SourceText(text, LANGUAGES[language].comments)
        candidates = self._candidate_lines(text, language, anchors)
        return _confirmed(source, candidates, relative, language, LANGUAGES[language].import_line)

    def _candidate_lines(
        self, text: str, language: str, anchors: Iterable[int]
    ) -> dict[int, set[patterns.PatternRule]]:
        """Lines holding an anchor, with the rules those anchors feed (hits are sparse: `str.find` suffices)."""
        lines: dict[int, set[patterns.PatternRule]] = defaultdict(set)
        line_starts: list[int] | None = None
        for anchor_id in anchors:
            rules = [
                rule
                for rule in self._anchor_rules[anchor_id]
                if language in rule.languages and (not rule.requires or any(r in text for r in rule.requires))
            ]
            if not rules:
                continue
            anchor = self._anchors[anchor_id]
            offset = text.find(anchor)
            while offset != -1:
                if line_starts is None:
                    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
                lines[bisect_right(line_starts, offset)].update(rules)
                offset = text.find(anchor, offset + len(anchor))
        return lines


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


def scan(root: str | Path, options: ScanOptions | None = None) -> tuple[list[Finding], ScanSummary]:
    """Convenience for small trees: every finding as a list, with the summary."""
    scanner = Scanner(options)
    findings = list(scanner.scan(root))
    return findings, scanner.summary
