"""The top-level statements of a Python source, found one at a time without parsing the whole file.

Parsing a 70 KB module costs about 20 ms and walking its tree in Python several times that, while the
statements that can hold crypto use are usually a handful. A top-level statement starts on a line that
begins in column 0 with code, unless that line is inside a multi-line string, continues the line above
(which ends with an open bracket, a comma, a backslash or an operator), or is the `else`/`except` part or
the decorated `def` of a statement above. When in doubt two statements stay together: a statement that
holds two is parsed just the same. A split that is still wrong leaves a piece that does not parse, and
the caller then parses the whole file.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Iterable

from qtqms.pqc.scanner.patterns import LineIndex, line_crossing_literals, occurrences

# A line that may start a statement: code in column 0 that does not close a bracket or continue a statement.
_STATEMENT_START = re.compile(r"(?!(?:else|elif|except|finally)\b)[^\s#)\]}]")
_NEXT_STATEMENT_START = re.compile(r"\n(?!(?:else|elif|except|finally)\b)[^\s#)\]}]")
_CONTINUES = frozenset("([{,\\+-*/%&|^=<>.@~:")
_DECORATED = re.compile(r"(?:async\s+)?(?:def|class)\b|@")
_LITERAL = re.compile(
    r"#[^\n]*|\"\"\"(?:\\.|[^\\])*?(?:\"\"\"|\Z)|'''(?:\\.|[^\\])*?(?:'''|\Z)|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'",
    re.DOTALL,
)
# Where a string can run past the end of its line: triple quotes, a backslash before a newline. Each is looked
# for with `str.find`: one regex for all three has no literal to look for, and is many times slower.
_LINE_CROSSING = ('"""', "'''", "\\\n")


class Unsplittable(Exception):
    """A statement did not parse on its own: the file is parsed whole instead."""


class Statements:
    """Top-level statements of `text`, located around offsets on demand and parsed once each."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._multiline = _multiline_literals(text)
        self._multiline_starts = [start for start, _ in self._multiline]
        self._known_starts: list[int] = []  # statements located so far, ascending, with their ends
        self._known_ends: list[int] = []
        self._end_of: dict[int, int] = {}
        self._parsed: dict[int, list[ast.stmt]] = {}
        self._lines = LineIndex(text)

    def at(self, offset: int) -> int:
        """Start of the top-level statement holding `offset` (its key for `parse` and `end`)."""
        index = bisect_right(self._known_starts, offset) - 1
        if index >= 0 and offset < self._known_ends[index]:
            return self._known_starts[index]
        start = self._start_before(offset)
        index = bisect_right(self._known_starts, start)
        self._known_starts.insert(index, start)
        self._known_ends.insert(index, self._end_after(start))
        self._end_of[start] = self._known_ends[index]
        return start

    def size(self, start: int) -> int:
        """Characters in the statement(s) beginning at `start`."""
        return self._end_of[start] - start

    def line(self, start: int) -> int:
        return self._lines.line_of(start)

    def forget(self, starts: Iterable[int]) -> None:
        """Drop the syntax trees of these statements: a tree takes about a hundred times its source's memory."""
        for start in starts:
            self._parsed.pop(start, None)

    def parse(self, start: int) -> list[ast.stmt]:
        """The statement(s) beginning at `start`, with line numbers as in the whole file."""
        if start not in self._parsed:
            # Line numbers as in the file: near the top by padding the source with newlines, further down by
            # moving the tree (padding costs time in proportion to the line number, for every statement,
            # which is quadratic in a large module; moving costs time in proportion to the statement).
            above = self._lines.line_of(start) - 1
            padding = "\n" * above if above < _PADDED_LINES else ""
            try:
                body = ast.parse(padding + self.text[start : self._end_of[start]]).body
            except (SyntaxError, ValueError, RecursionError):
                raise Unsplittable from None
            if not padding and above:
                _move_down(body, above)
            self._parsed[start] = body
        return self._parsed[start]

    def _starts_statement(self, line_start: int) -> bool:
        if line_start == 0:
            return True
        if not _STATEMENT_START.match(self.text, line_start):
            return False
        index = bisect_right(self._multiline_starts, line_start) - 1
        if index >= 0 and line_start < self._multiline[index][1]:
            return False
        return not self._continues_line_above(line_start)

    def _continues_line_above(self, line_start: int) -> bool:
        above = self._code_line_above(line_start)
        if above is None:
            return False
        line = self.text[above : line_start - 1]
        if "#" in line:
            if "'" in line or '"' in line:
                return True  # cannot tell a comment from a '#' in a string here: keep the lines together
            line = line[: line.index("#")]
        line = line.rstrip()
        return not line or line[-1] in _CONTINUES

    def _code_line_above(self, line_start: int) -> int | None:
        """Start of the nearest line above that is neither blank nor only a comment."""
        while line_start > 0:
            line_start = self.text.rfind("\n", 0, line_start - 1) + 1
            content = self.text[line_start : self.text.find("\n", line_start)].strip()
            if content and not content.startswith("#"):
                return line_start
        return None

    def _start_before(self, offset: int) -> int:
        start = self.text.rfind("\n", 0, offset) + 1
        while not self._starts_statement(start):
            start = self.text.rfind("\n", 0, start - 1) + 1
        while start > 0 and _DECORATED.match(self.text, start):  # its decorators belong to a def or class
            previous = self.text.rfind("\n", 0, start - 1) + 1
            while not self._starts_statement(previous):
                previous = self.text.rfind("\n", 0, previous - 1) + 1
            if not self.text.startswith("@", previous):
                break
            start = previous
        return start

    def _end_after(self, start: int) -> int:
        line = start
        while self.text.startswith("@", line):
            line = self._next_start(line)
        return self._next_start(line)

    def _next_start(self, line: int) -> int:
        position = line
        while True:
            match = _NEXT_STATEMENT_START.search(self.text, position)
            if match is None:
                return len(self.text)
            if self._starts_statement(match.start() + 1):
                return match.start() + 1
            position = match.start() + 1


_PADDED_LINES = 2000  # about where padding and moving the tree cost the same


def _move_down(body: list[ast.stmt], lines: int) -> None:
    """`ast.increment_lineno` for a statement list, without its generator per node (half the time)."""
    queue: list[ast.AST] = list(body)
    for node in queue:  # grows while it is read
        if hasattr(node, "lineno"):
            node.lineno += lines
            if node.end_lineno is not None:
                node.end_lineno += lines
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                queue.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                queue.append(value)


def _multiline_literals(text: str) -> list[tuple[int, int]]:
    """Spans of the strings that run past the end of their line, in order."""
    markers = sorted(offset for literal in _LINE_CROSSING for offset in occurrences(text, literal))
    return [literal.span() for literal in line_crossing_literals(text, _LITERAL, markers)]
