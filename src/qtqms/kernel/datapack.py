"""Versioned data files (framework, policy, threat packs): YAML parsing with line numbers and schema checks.

Every pack kind in qtqms goes through here, so that a bad file is always reported the same way:
every problem at once, each as ``file:line`` and field, and nothing is half-loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from qtqms.kernel.errors import InvalidInput, Problem

Path = tuple[str | int, ...]
# The C parser keeps line marks and is an order of magnitude faster on the shipped packs.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ParsedDocument:
    """A YAML document's data plus the line on which each value starts."""

    data: Any
    source: str
    lines: Mapping[Path, int]

    def where(self, *path: str | int) -> str:
        """`source:line` of the closest located ancestor of `path`."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return f"{self.source}:{line}"
        return self.source

    def problem(self, path: Path, message: str) -> Problem:
        return Problem(message=message, where=self.where(*path), field=_dotted(path))


def _dotted(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Walker:
    """Builds plain data from composed YAML nodes, recording lines and duplicate keys."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self._line = 0
        self._path: Path = ()
        self._constructor = yaml.SafeLoader("")

    def current_where(self) -> str:
        return f"{self.source}:{self._line}" if self._line else self.source

    def current_field(self) -> str:
        return _dotted(self._path)

    def build(self, node: yaml.Node, path: Path) -> Any:
        self._line = node.start_mark.line + 1
        self._path = path
        self.lines[path] = self._line
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self._constructor.construct_object(key_node, deep=True)
                key = str(key)
                if key in result:
                    self.problems.append(
                        Problem(
                            f"duplicate key '{key}'",
                            where=f"{self.source}:{key_node.start_mark.line + 1}",
                            field=_dotted((*path, key)),
                        )
                    )
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, index)) for index, child in enumerate(node.value)]
        return self._constructor.construct_object(node, deep=True)


def parse_yaml(text: str, *, source: str) -> ParsedDocument:
    """Parse one YAML document; raise InvalidInput naming file:line on syntax errors or duplicate keys."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        detail = error.problem or error.context or "invalid YAML"
        raise InvalidInput(f"{where}: invalid YAML: {detail}", [Problem(f"invalid YAML: {detail}", where)]) from None
    except yaml.YAMLError as error:
        raise InvalidInput(f"{source}: invalid YAML: {error}", [Problem(str(error), source)]) from None
    if node is None:
        raise InvalidInput(f"{source}: the file is empty", [Problem("the file is empty", source)])
    walker = _Walker(source)
    try:
        data = walker.build(node, ())
    except yaml.constructor.ConstructorError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 0
        problem = Problem(f"invalid YAML value: {error.problem}", f"{source}:{line}")
        raise InvalidInput(str(problem), [problem]) from None
    except ValueError as error:  # e.g. an unquoted 2026-02-30, which YAML reads as an impossible date
        problem = Problem(f"invalid value: {error}", walker.current_where(), walker.current_field())
        raise InvalidInput(str(problem), [problem]) from None
    document = ParsedDocument(data=data, source=source, lines=walker.lines)
    if walker.problems:
        raise_problems(source, walker.problems)
    return document


def schema_problems(document: ParsedDocument, schema: Mapping[str, Any]) -> list[Problem]:
    """Every JSON Schema violation of the document, located by line and field."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    found = []
    for error in sorted(validator.iter_errors(document.data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(error.absolute_path)
        found.append(document.problem(path, error.message))
    return found


def dates_as_text(value: Any) -> Any:
    """YAML reads an unquoted 2026-11-24 as a date; the schemas and the models expect ISO text."""
    if isinstance(value, dict):
        return {key: dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [dates_as_text(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def calendar_problems(document: ParsedDocument, *paths: Path) -> list[Problem]:
    """Days that are not in the calendar (2026-02-30), at these paths; "*" stands for every item of a list or
    mapping. The schema checks the YYYY-MM-DD shape and reports any other value; only the calendar knows this."""
    found = []
    for path in paths:
        for where, value in _values_at(document.data, path, ()):
            if isinstance(value, str) and _DAY.fullmatch(value):
                try:
                    date.fromisoformat(value)
                except ValueError:
                    found.append(document.problem(where, f"'{value}' is not a calendar date"))
    return found


def _values_at(data: Any, path: Path, reached: Path) -> Iterator[tuple[Path, Any]]:
    if not path:
        yield reached, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
        for key, item in items:
            yield from _values_at(item, rest, (*reached, key))
    elif isinstance(data, dict) and head in data:
        yield from _values_at(data[head], rest, (*reached, head))


def raise_problems(source: str, problems: list[Problem]) -> None:
    """Reject a whole input: one summary line, every problem attached."""
    if problems:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        first = str(problems[0])
        message = first if count == 1 else f"{source}: {count} {noun}; first: {first}"
        raise InvalidInput(message, list(problems))


def load_document(text: str, *, source: str, schema: Mapping[str, Any]) -> ParsedDocument:
    """Parse and schema-check a pack; raise InvalidInput listing every problem."""
    document = parse_yaml(text, source=source)
    raise_problems(source, schema_problems(document, schema))
    return document
