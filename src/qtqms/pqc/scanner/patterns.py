"""Pattern rule packs (rules/*.toml): literal anchors, a confirm regex run on candidate lines, a classification."""

from __future__ import annotations

import json
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.pqc.scanner.algorithms import Algorithm, AssetType, Confidence, Finding, Primitive, classify
from qtqms.pqc.scanner.names import parse_jose, parse_name
from qtqms.pqc.scanner.suites import cipher_list, cipher_suite, tls_group

RULES_DIR = Path(__file__).with_name("rules") / "code"
_WINDOW_LINES = 2  # a call may wrap: the confirm regex sees the candidate line and the next two


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each rule is loaded once
class PatternRule:
    id: str
    languages: frozenset[str]
    anchors: tuple[str, ...]
    regex: re.Pattern[str]
    spec: dict[str, Any]
    lookahead: tuple[tuple[str, int], ...]
    requires: tuple[str, ...]

    def get(self, key: str, default: Any = None) -> Any:
        return self.spec.get(key, default)


@dataclass(frozen=True)
class RulePacks:
    rules: tuple[PatternRule, ...]
    packs: tuple[dict[str, str], ...]


def load_packs(directory: Path = RULES_DIR) -> RulePacks:
    """Every pattern pack in `directory`. The shipped packs are checked against their schema by the test
    suite (`pack_problems`), not on every scan: importing jsonschema alone costs more than a small scan."""
    rules: list[PatternRule] = []
    packs = []
    for path in sorted(directory.glob("*.toml")):
        data = _read_toml(path)
        packs.append({"id": data["id"], "title": data["title"], "version": data["version"]})
        languages = frozenset(data["languages"])
        for entry in data["rule"]:
            rules.append(_compile(path, entry, languages))
    return RulePacks(tuple(rules), tuple(packs))


def pack_problems(directory: Path = RULES_DIR) -> list[Problem]:
    """Every schema violation in the pattern packs of `directory`, located by file and field."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(json.loads((directory / "pattern-pack.schema.json").read_text("utf-8")))
    return [
        Problem(error.message, str(path), ".".join(map(str, error.absolute_path)))
        for path in sorted(directory.glob("*.toml"))
        for error in validator.iter_errors(_read_toml(path))
    ]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{path}: invalid TOML: {error}", [Problem(str(error), str(path))]) from None


def _compile(path: Path, entry: dict[str, Any], languages: frozenset[str]) -> PatternRule:
    try:
        regex = re.compile(entry["pattern"])
        for lookahead in entry.get("lookahead", []):
            re.compile(lookahead["pattern"].replace("{var}", "x"))
    except re.error as error:
        problem = Problem(f"invalid regex: {error}", str(path), f"rule {entry['id']}")
        raise InvalidInput(str(problem), [problem]) from None
    lookahead = tuple((item["pattern"], item.get("lines", 8)) for item in entry.get("lookahead", []))
    requires = tuple(entry.get("requires", ()))
    return PatternRule(entry["id"], languages, tuple(entry["anchors"]), regex, entry, lookahead, requires)


class LineIndex:
    """Line numbers of a text, worked out only where asked: a candidate file is often large and its crypto lines
    few, so each is counted from the nearest line already located."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines = [1]  # located lines, ascending, with their start offsets
        self._starts = [0]

    def line_of(self, offset: int) -> int:
        index = bisect_right(self._starts, offset) - 1
        line = self._lines[index] + self.text.count("\n", self._starts[index], offset)
        self._locate(line, self.text.rfind("\n", 0, offset) + 1)
        return line

    def start_of(self, line: int) -> int:
        """Start offset of `line` (or the text's end past the last line)."""
        index = bisect_right(self._lines, line) - 1
        known, start = self._lines[index], self._starts[index]
        for _ in range(line - known):
            newline = self.text.find("\n", start)
            if newline == -1:
                return len(self.text)
            start = newline + 1
        self._locate(line, start)
        return start

    def _locate(self, line: int, start: int) -> None:
        index = bisect_right(self._lines, line)
        if self._lines[index - 1] != line:
            self._lines.insert(index, line)
            self._starts.insert(index, start)


class SourceText:
    """A decoded source file, worked out only where a scan looks: line numbers by `LineIndex`, and comments and
    strings mapped from the first line asked about (see `_Literals`)."""

    def __init__(self, text: str, comment_style: str) -> None:
        self.text = text
        self._lines = LineIndex(text)
        self._literals = _Literals(text, comment_style)

    def line_of(self, offset: int) -> int:
        return self._lines.line_of(offset)

    def line_span(self, line: int) -> tuple[int, int]:
        start = self._lines.start_of(line)
        end = self.text.find("\n", start)
        return start, len(self.text) if end == -1 else end

    def window(self, line: int, lines: int) -> tuple[int, int]:
        """From the start of `line` to the end of the line `lines` further on (or of the text)."""
        start = self._lines.start_of(line)
        end = start - 1
        for _ in range(lines + 1):
            end = self.text.find("\n", end + 1)
            if end == -1:
                return start, len(self.text)
        return start, end

    def in_comment(self, offset: int) -> bool:
        return self._literals.in_comment(offset)

    def in_string(self, offset: int) -> bool:
        """Strictly inside a string literal: a match may start at the opening quote, not after it."""
        return self._literals.in_string(offset)


_C_LIKE = re.compile(
    r"//[^\n]*|/\*.*?(?:\*/|\Z)|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`", re.DOTALL
)
# A C-like comment or string can run past the end of its line only from a `/*` not closed on its line, a
# backtick, or a backslash before a newline: lines without any of these hold no literal that crosses a line
# end. Each is looked for on its own, by `re`'s or `str`'s fast literal search (one regex for all three has
# no literal to look for and is eight times slower).
_UNCLOSED_BLOCK_COMMENT = re.compile(r"/\*(?![^\n]*\*/)")


def _c_like_line_crossings(text: str, end: int) -> list[int]:
    """Offsets, in order, of the places before `end` where a literal may begin that crosses a line end."""
    found = [match.start() for match in _UNCLOSED_BLOCK_COMMENT.finditer(text, 0, end)]
    return sorted([*found, *occurrences(text, "`", end), *occurrences(text, "\\\n", end)])


def occurrences(text: str, literal: str, end: int | None = None) -> list[int]:
    """Offsets of every occurrence of `literal` in text[:end], overlapping ones too, in order."""
    found = []
    offset = text.find(literal, 0, end)
    while offset != -1:
        found.append(offset)
        offset = text.find(literal, offset + 1, end)
    return found


_HASH_STYLE = re.compile(r"#[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'")


class _Literals:
    """Comment and string spans of a text, found in one pass so `"http://x"` opens no comment, but only from
    the line of the first offset asked about: the lexical state at that line's start is found by tokenising
    just the lines where a literal may cross a line end, and the rest of the text before it is not read.
    Later questions must not go back before that line (the confirm stage asks in line order); if one does,
    the map is rebuilt from the earlier line."""

    def __init__(self, text: str, style: str) -> None:
        self.text = text
        self.pattern = _HASH_STYLE if style == "hash" else _C_LIKE
        self.c_like = style != "hash"  # hash-style literals never cross a line end
        self.origin: int | None = None  # spans are recorded from here on
        self.frontier = 0  # every literal starting before this (and from `origin`) is recorded
        self.comments: list[tuple[int, int]] = []
        self.strings: list[tuple[int, int]] = []
        self.comment_starts: list[int] = []
        self.string_starts: list[int] = []

    def in_comment(self, offset: int) -> bool:
        self._cover(offset)
        index = bisect_right(self.comment_starts, offset) - 1
        return index >= 0 and offset < self.comments[index][1]

    def in_string(self, offset: int) -> bool:
        self._cover(offset)
        index = bisect_right(self.string_starts, offset) - 1
        return index >= 0 and self.strings[index][0] < offset < self.strings[index][1] - 1

    def _cover(self, offset: int) -> None:
        if self.origin is None or offset < self.origin:
            self._start_at(self.text.rfind("\n", 0, offset) + 1)
        while self.frontier <= offset:
            match = self.pattern.search(self.text, self.frontier)
            if match is None:
                self.frontier = len(self.text) + 1
                return
            self._record(match)

    def _start_at(self, line_start: int) -> None:
        self.origin = line_start
        self.comments, self.strings, self.comment_starts, self.string_starts = [], [], [], []
        crossing = self._literal_across(line_start)
        self.frontier = line_start
        if crossing is not None:
            self._record(crossing)

    def _record(self, match: re.Match[str]) -> None:
        start, end = match.span()
        if self.text[start] in "/#":
            self.comments.append((start, end))
            self.comment_starts.append(start)
        else:
            self.strings.append((start, end))
            self.string_starts.append(start)
        self.frontier = end

    def _literal_across(self, line_start: int) -> re.Match[str] | None:
        """The literal that begins before `line_start` and runs past it, if any."""
        if not self.c_like:
            return None
        markers = _c_like_line_crossings(self.text, line_start)
        for literal in line_crossing_literals(self.text, self.pattern, markers):
            if literal.start() >= line_start:
                return None
            if literal.end() > line_start:
                return literal
        return None


def line_crossing_literals(text: str, pattern: re.Pattern[str], markers: list[int]) -> Iterator[re.Match[str]]:
    """The literals (`pattern`: comments and strings) of `text` that run past the end of their line, in order.

    `markers` are the offsets, in order, where such a literal may begin (an unclosed `/*`, triple quotes...).
    Only their lines are tokenised, from the line's start, known to be outside any literal; tokenising goes
    on while literals keep crossing line ends, then looking resumes at the first line start none crosses.
    """
    position = 0
    while True:
        index = bisect_left(markers, position)
        if index == len(markers):
            return
        cursor = max(position, text.rfind("\n", 0, markers[index]) + 1)
        line_end = _line_end(text, markers[index])
        while True:
            match = pattern.search(text, cursor)
            if match is None or match.start() > line_end:
                break
            if match.end() > line_end:
                yield match
                line_end = _line_end(text, match.end())
            cursor = match.end()
        position = line_end + 1


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end == -1 else end


def confirm(
    rule: PatternRule, source: SourceText, line: int, path: str, language: str
) -> Iterator[tuple[tuple[int, int], Finding]]:
    """Findings the rule's regex confirms that start on `line` outside comments, with the matched span."""
    start, end = source.line_span(line)
    _, window_end = source.window(line, _WINDOW_LINES)
    for match in rule.regex.finditer(source.text, start, window_end):
        if match.start() > end:
            break
        if source.in_comment(match.start()) or source.in_string(match.start()):
            continue  # an API named in a comment or a log message is not a use
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        groups.update(_lookahead(rule, source, match, groups))
        if "ident" in groups and "name" not in groups:
            constant = _constant(source.text, groups["ident"])
            if constant is None:
                continue
            groups["name"] = constant
        for offset, algorithm in _classified(rule, tuple(sorted(groups.items()))):
            column = match.start() - start + 1 + offset
            yield (
                match.span(),
                Finding(
                    asset_type=AssetType(rule.get("asset", "algorithm")),
                    algorithm=algorithm,
                    path=path,
                    line=line,
                    column=column,
                    evidence=source.text[start:end].strip()[:160],
                    confidence=Confidence(rule.get("confidence", "high")),
                    rule_id=rule.id,
                    language=language,
                ),
            )


def _lookahead(rule: PatternRule, source: SourceText, match: re.Match[str], groups: dict[str, str]) -> dict[str, str]:
    """Groups a rule's follow-up patterns find in the next lines (`kpg.initialize(2048)` after getInstance),
    up to the rule's next match: parameters of the following call are not this call's."""
    found: dict[str, str] = {}
    if not rule.lookahead:
        return found
    line = source.line_of(match.start())
    _, reach = source.window(line, max(lines for _, lines in rule.lookahead))
    following = rule.regex.search(source.text, match.end(), reach)
    limit = following.start() if following else reach
    for template, lines in rule.lookahead:
        if "{var}" in template:
            if "var" not in groups:
                continue
            template = template.replace("{var}", re.escape(groups["var"]))
        _, end = source.window(line, lines)
        follow = re.compile(template).search(source.text, match.end(), min(end, limit))
        if follow and not source.in_comment(follow.start()):
            for key, value in follow.groupdict().items():
                if value is not None and key not in groups and key not in found:
                    found[key] = value
    return found


def _constant(text: str, identifier: str) -> str | None:
    """The string a same-file constant holds (`static final String ALG = "AES/GCM/NoPadding"`, `#define`).

    The pattern starts with the name itself, not a word-boundary assertion, so that `re` looks for it with its
    fast literal search (an assertion first makes it try every position: 1-2 ms in a 70 KB file); the word
    boundary is checked where it matched."""
    name = re.escape(identifier)
    assignment = re.compile(rf"{name}\s*(?::\s*[\w<>\[\]]+\s*)?=\s*[\"'`]([^\"'`\n]+)[\"'`]")
    match = assignment.search(text)
    while match is not None and not _WORD_BOUNDARY.match(text, match.start()):
        match = assignment.search(text, match.start() + 1)
    match = match or re.search(rf"#\s*define\s+{name}\s+\"([^\"\n]+)\"", text)
    return match.group(1) if match else None


_WORD_BOUNDARY = re.compile(r"\b")


@lru_cache(maxsize=4096)
def _classified(rule: PatternRule, groups: tuple[tuple[str, str], ...]) -> tuple[tuple[int, Algorithm], ...]:
    """`_algorithms`, remembered: a tree repeats the same calls (`Cipher.getInstance("AES/GCM/NoPadding")`)
    many times, and naming and classifying them again was a third of the confirm stage."""
    return tuple(_algorithms(rule, dict(groups)))


def _algorithms(rule: PatternRule, groups: dict[str, str]) -> list[tuple[int, Algorithm]]:
    kind = rule.get("kind", "algorithm")
    if kind == "cipher-list":
        return list(cipher_list(groups.get("list", "")))
    if kind == "cipher-suite":
        return [(0, a) for a in cipher_suite(groups.get("suite", ""))]
    if kind == "tls-group":
        group = tls_group(groups.get("group", ""))
        return [(0, group)] if group else []
    if kind == "group-list":
        entries = re.finditer(r"[^\s:,;]+", groups.get("list", ""))
        return [(m.start(), g) for m in entries if (g := tls_group(m.group(0)))]
    algorithm = _algorithm(rule, groups)
    return [(0, algorithm)] if algorithm else []


def _algorithm(rule: PatternRule, groups: dict[str, str]) -> Algorithm | None:
    base: Algorithm | None = None
    name = groups.get("name") or rule.get("name")
    if name:
        name = rule.get("name_map", {}).get(name, name)
        base = parse_jose(name) if rule.get("names") == "jose" else parse_name(name)
        if base is None:
            return None
    family = base.family if base else rule.get("family")
    if family is None:
        return None
    param = groups.get("param") or rule.get("param") or (base.parameter if base else None)
    if family == "HMAC" and not param:
        param = groups.get("hash")
    param = rule.get("param_map", {}).get(param, param)
    if family in {"TLS", "SSL", "DTLS"} and param:
        param = _protocol_version(param)
    mode = groups.get("mode") or (base.mode if base else None) or rule.get("mode") or _default_mode(rule, family)
    primitive = Primitive(rule.get("primitive")) if rule.get("primitive") else (base.primitive if base else None)
    padding = rule.get("padding") or (base.padding if base else None)
    return classify(family, param, mode=mode, padding=padding, primitive=primitive, name=rule.get("display"))


def _default_mode(rule: PatternRule, family: str) -> str | None:
    """JCA's `Cipher.getInstance("AES")` means AES/ECB: a rule may say which mode an unnamed mode defaults to."""
    return rule.get("default_mode") if family in {"AES", "3DES", "DES", "Blowfish"} else None


def _protocol_version(text: str) -> str:
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) == 2 and digits[0] == "1":
        return f"1.{digits[1]}"
    if digits == "1":
        return "1.0"
    return digits or text
