"""Pattern rule packs (rules/*.toml): literal anchors, a confirm regex run on candidate lines, a classification."""

from __future__ import annotations

import json
import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.pqc.domain import Algorithm, AssetType, Confidence, Finding, Primitive, classify
from qtqms.pqc.names import parse_jose, parse_name
from qtqms.pqc.suites import cipher_list, cipher_suite, tls_group

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


class SourceText:
    """A decoded source file with line offsets and the spans of its comments."""

    def __init__(self, text: str, comment_style: str) -> None:
        self.text = text
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.comments, self.strings = _literal_spans(text, comment_style)
        self._comment_starts = [start for start, _ in self.comments]
        self._string_starts = [start for start, _ in self.strings]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def line_span(self, line: int) -> tuple[int, int]:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return start, end

    def in_comment(self, offset: int) -> bool:
        index = bisect_right(self._comment_starts, offset) - 1
        return index >= 0 and offset < self.comments[index][1]

    def in_string(self, offset: int) -> bool:
        """Strictly inside a string literal: a match may start at the opening quote, not after it."""
        index = bisect_right(self._string_starts, offset) - 1
        return index >= 0 and self.strings[index][0] < offset < self.strings[index][1] - 1

    def window(self, line: int, lines: int) -> tuple[int, int]:
        start, _ = self.line_span(line)
        _, end = self.line_span(min(line + lines, len(self.line_starts)))
        return start, end


_C_LIKE = re.compile(
    r"//[^\n]*|/\*.*?(?:\*/|\Z)|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`", re.DOTALL
)
_HASH_STYLE = re.compile(r"#[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'")


def _literal_spans(text: str, style: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Comment spans and string-literal spans, found in one pass so `"http://x"` opens no comment."""
    pattern = _HASH_STYLE if style == "hash" else _C_LIKE
    comments, strings = [], []
    for match in pattern.finditer(text):
        (comments if match.group(0)[0] in "/#" else strings).append(match.span())
    return comments, strings


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
        for offset, algorithm in _algorithms(rule, groups):
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
    """The string a same-file constant holds (`static final String ALG = "AES/GCM/NoPadding"`, `#define`)."""
    name = re.escape(identifier)
    match = re.search(rf"\b{name}\s*(?::\s*[\w<>\[\]]+\s*)?=\s*[\"'`]([^\"'`\n]+)[\"'`]", text) or re.search(
        rf"#\s*define\s+{name}\s+\"([^\"\n]+)\"", text
    )
    return match.group(1) if match else None


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
