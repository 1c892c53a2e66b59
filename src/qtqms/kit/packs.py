"""The pack registry: every kind of shipped, versioned data (framework packs, mapping sets, risk matrices, threat
catalogues, CRQC scenarios, crypto policies, replacement tables, and the kinds still to come) read, checked,
cached and summarised one way.

A slice declares each kind it owns as a `PackKind` and names it in its manifest (`Slice.packs`); the composition
root installs those names here, and `qtqms packs` lists, shows and validates through them. A slice reads its own
shipped packs with `shipped(KIND)`, which needs nothing installed: the registry is for the tools that see every
kind, the cache for everyone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from qtqms.kernel.datapack import ParsedDocument, parse_yaml, raise_problems
from qtqms.kernel.errors import InvalidInput, NotFound, Problem
from qtqms.kit.slices import resolve

PACK_SUFFIXES = (".yaml", ".yml")
VERIFY_MARK = "[verify"

# The packs of other kinds that are valid in the same batch, by id: `known("framework")`.
Known = Callable[[str], Mapping[str, Any]]


@dataclass(frozen=True)
class Checked:
    """One document after its kind's checks: the pack it describes when valid (else None) and every problem."""

    value: Any
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class PackSummary:
    """What a listing says of one pack, whatever its kind."""

    kind: str
    id: str
    version: str
    title: str
    source: str
    verified_on: str
    verify: bool  # some fact in it still awaits checking against its source ([verify] or `verify: true`)
    file: str


def summary_of(kind: str, document: ParsedDocument) -> PackSummary:
    """The summary of a pack that keeps the usual fields at its top level (every kind so far)."""
    data = document.data if isinstance(document.data, dict) else {}
    return PackSummary(
        kind=kind,
        id=_text(data.get("id")),
        version=_text(data.get("version")),
        title=_text(data.get("title")),
        source=_text(data.get("source")),
        verified_on=_text(data.get("verified_on")),
        verify=awaits_verification(data),
        file=document.source,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def awaits_verification(value: Any) -> bool:
    """Whether any text carries a [verify] mark or any entry says `verify: true`."""
    if isinstance(value, dict):
        return value.get("verify") is True or any(awaits_verification(item) for item in value.values())
    if isinstance(value, list):
        return any(awaits_verification(item) for item in value)
    return isinstance(value, str) and VERIFY_MARK in value


@dataclass(frozen=True, eq=False)
class PackKind:
    """One kind of pack, declared by the slice that owns it.

    `schema` and each of `shipped` are "package:path" (a folder of YAML files or one file); `check` runs every
    check the kind has (its JSON Schema first) on one parsed document and builds the pack when all pass; a kind
    is told from a document by its `kind` field unless `recognise` says otherwise.
    """

    name: str
    slice: str
    schema: str
    shipped: tuple[str, ...]
    check: Callable[[ParsedDocument, Known], Checked]
    recognise: Callable[[Any], bool] | None = None
    summarise: Callable[[str, ParsedDocument], PackSummary] = summary_of

    def recognises(self, data: Any) -> bool:
        if self.recognise is not None:
            return self.recognise(data)
        return isinstance(data, dict) and data.get("kind") == self.name

    def summary(self, document: ParsedDocument) -> PackSummary:
        return self.summarise(self.name, document)

    @property
    def schema_file(self) -> str:
        return _display(*_location(self.schema))


# ---- shipped packs: read and checked once a process -------------------------------------------------------


@dataclass(frozen=True)
class ShippedPack:
    summary: PackSummary
    value: Any  # what the kind's check built: a FrameworkPack, a RiskMatrix, a PolicyPack, ...
    data: Any  # the document as read


_cache: dict[PackKind, tuple[ShippedPack, ...]] = {}
# Re-entrant: checking one kind may read another's shipped packs (a mapping set its frameworks).
_cache_lock = threading.RLock()


def shipped(kind: PackKind) -> tuple[ShippedPack, ...]:
    """Every shipped pack of the kind, checked; raises InvalidInput listing every problem if any is broken."""
    found = _cache.get(kind)
    if found is None:
        with _cache_lock:
            found = _cache.get(kind)
            if found is None:
                found = _cache[kind] = _load_shipped(kind)
    return found


def shipped_by_id(kind: PackKind) -> dict[str, Any]:
    """The built shipped packs of a kind, by id."""
    return {pack.summary.id: pack.value for pack in shipped(kind)}


def _load_shipped(kind: PackKind) -> tuple[ShippedPack, ...]:
    documents = [d for d in _shipped_documents(kind) if kind.recognises(d.data)]
    reports = check_documents(documents, (kind,), forced=kind)
    raise_problems(f"shipped {kind.name} packs", [p for report in reports for p in report.problems])
    return tuple(ShippedPack(r.summary, r.value, d.data) for r, d in zip(reports, documents, strict=True) if r.summary)


def _shipped_documents(kind: PackKind) -> list[ParsedDocument]:
    documents = []
    for location in kind.shipped:
        package, path = _location(location)
        entry = resources.files(package).joinpath(*path.split("/"))
        files = [entry] if entry.is_file() else sorted(entry.iterdir(), key=lambda item: item.name)
        for file in files:
            if file.name.endswith(PACK_SUFFIXES):
                name = path if file is entry else f"{path}/{file.name}"
                documents.append(parse_yaml(file.read_text("utf-8"), source=_display(package, name)))
    return documents


def _location(location: str) -> tuple[str, str]:
    package, _, path = location.partition(":")
    return package, path.strip("/")


def _display(package: str, path: str) -> str:
    return f"{package.replace('.', '/')}/{path}"


# ---- checking documents and files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """One file's outcome: its kind and summary when it could be told, the pack when valid, every problem."""

    file: str
    kind: str | None
    summary: PackSummary | None
    value: Any
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems


def check_documents(
    documents: Sequence[ParsedDocument], kinds: Sequence[PackKind], *, forced: PackKind | None = None
) -> list[Report]:
    """Check documents together, each as the kind it is (or `forced`): kinds in the order given, so a pack may
    refer to valid packs of an earlier kind in the same batch; a second pack of one kind with an id already
    claimed in the batch is refused."""
    told = [forced or _kind_of(document.data, kinds) for document in documents]
    reports: dict[int, Report] = {}
    valid: dict[str, dict[str, Any]] = {}

    def known(name: str) -> Mapping[str, Any]:
        return valid.get(name, {})

    for kind in (*kinds, *([forced] if forced and forced not in kinds else [])):
        claimed: dict[str, str] = {}
        for index, document in enumerate(documents):
            if told[index] is kind:
                report = _check_one(kind, document, known, claimed)
                reports[index] = report
                if report.valid:
                    valid.setdefault(kind.name, {})[report.summary.id] = report.value
    for index, document in enumerate(documents):
        if index not in reports:
            reports[index] = Report(document.source, None, None, None, (_unknown_kind(document, kinds),))
    return [reports[index] for index in range(len(documents))]


def _check_one(kind: PackKind, document: ParsedDocument, known: Known, claimed: dict[str, str]) -> Report:
    stated = document.data.get("kind") if isinstance(document.data, dict) else None
    if stated is not None and stated != kind.name:
        problem = document.problem(("kind",), f"the file is a '{stated}' pack, not a '{kind.name}' pack")
        return Report(document.source, kind.name, None, None, (problem,))
    checked = kind.check(document, known)
    problems = list(checked.problems)
    summary = kind.summary(document) if not problems else None
    if summary is not None:
        first = claimed.setdefault(summary.id, document.source)
        if first != document.source:
            problems.append(document.problem(("id",), f"pack id '{summary.id}' is already used by {first}"))
            summary = None
    return Report(document.source, kind.name, summary, checked.value if not problems else None, tuple(problems))


def _kind_of(data: Any, kinds: Sequence[PackKind]) -> PackKind | None:
    matching = [kind for kind in kinds if kind.recognises(data)]
    return matching[0] if len(matching) == 1 else None


def _unknown_kind(document: ParsedDocument, kinds: Sequence[PackKind]) -> Problem:
    names = ", ".join(kind.name for kind in kinds)
    data = document.data if isinstance(document.data, dict) else {}
    matching = [kind.name for kind in kinds if kind.recognises(data)]
    if len(matching) > 1:
        message = f"the file could be a pack of kind {' or '.join(matching)}: give --kind"
    elif "kind" in data:
        message = f"'{data['kind']}' is not a kind of pack (known: {names})"
    else:
        message = f"cannot tell which kind of pack this is (known: {names}): add 'kind' or give --kind"
    return document.problem(("kind",), message)


def check_files(paths: Sequence[Path], kinds: Sequence[PackKind], *, forced: PackKind | None = None) -> list[Report]:
    """Each file's report, checked together; a file that cannot be read or parsed is a report with its problem."""
    parsed: list[ParsedDocument | Problem | list[Problem]] = [_parse(path) for path in paths]
    documents = [item for item in parsed if isinstance(item, ParsedDocument)]
    checked = iter(check_documents(documents, kinds, forced=forced))
    return [
        next(checked)
        if isinstance(item, ParsedDocument)
        else Report(str(path), None, None, None, tuple(item if isinstance(item, list) else [item]))
        for path, item in zip(paths, parsed, strict=True)
    ]


def _parse(path: Path) -> ParsedDocument | Problem | list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Problem("no such file", str(path))
    except (OSError, UnicodeDecodeError) as error:
        return Problem(f"cannot read the file: {error}", str(path))
    try:
        return parse_yaml(text, source=str(path))
    except InvalidInput as error:
        return error.problems or [Problem(error.message, str(path))]


# ---- the registry the composition root installs -------------------------------------------------------------


class Registry:
    """The kinds every slice declares ("module:attribute" targets), imported on first use."""

    def __init__(self) -> None:
        self._targets: tuple[str, ...] = ()
        self._kinds: tuple[PackKind, ...] | None = ()

    def install(self, targets: Iterable[str]) -> None:
        self._targets, self._kinds = tuple(targets), None

    def kinds(self) -> tuple[PackKind, ...]:
        if self._kinds is None:
            kinds = tuple(resolve(target) for target in self._targets)
            names = [kind.name for kind in kinds]
            twice = sorted({name for name in names if names.count(name) > 1})
            if twice:
                raise InvalidInput(f"pack kinds declared twice: {', '.join(twice)}")
            self._kinds = kinds
        return self._kinds

    def kind(self, name: str) -> PackKind:
        found = next((kind for kind in self.kinds() if kind.name == name), None)
        if found is None:
            known = ", ".join(kind.name for kind in self.kinds()) or "none"
            raise InvalidInput(f"--kind: '{name}' is not a kind of pack (known: {known})")
        return found

    def find(self, pack_id: str, kind: str | None = None) -> tuple[PackKind, ShippedPack]:
        """A shipped pack by id (of one kind, or of any when its id is used by one kind only)."""
        kinds = (self.kind(kind),) if kind else self.kinds()
        found = [(k, pack) for k in kinds for pack in shipped(k) if pack.summary.id == pack_id]
        if not found:
            raise NotFound(f"no shipped pack with id '{pack_id}' (see 'qtqms packs list')")
        if len(found) > 1:
            names = ", ".join(k.name for k, _ in found)
            raise InvalidInput(f"'{pack_id}' is the id of packs of several kinds ({names}): give --kind")
        return found[0]


registry = Registry()
