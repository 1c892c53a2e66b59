"""Framework packs and mapping sets as files: load, validate, discover the shipped ones, write YAML."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from qtqms.catalog.domain import (
    FrameworkPack,
    MappingSet,
    Pack,
    PackInfo,
    Relationship,
    Requirement,
    RequirementKind,
    Violation,
    mapping_violations,
    requirement_tree_violations,
)
from qtqms.catalog.domain import Mapping as MappingRow
from qtqms.kernel.datapack import (
    ParsedDocument,
    calendar_problems,
    dates_as_text,
    parse_yaml,
    raise_problems,
    schema_problems,
)
from qtqms.kernel.errors import InvalidInput, NotFound, Problem
from qtqms.kit import packs as registry
from qtqms.kit.packs import PACK_SUFFIXES as PACK_SUFFIXES
from qtqms.kit.packs import Checked, Known, PackKind


def pack_schema() -> dict[str, Any]:
    """The JSON Schema every pack file must satisfy (framework and mapping set alike)."""
    text = (resources.files("qtqms.catalog") / "packs" / "schema" / "pack.schema.json").read_text("utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class CheckedPack:
    """One pack document after every check: the pack when it is valid, else every problem found."""

    document: ParsedDocument
    pack: Pack | None
    problems: tuple[Problem, ...]


class _Node(NamedTuple):
    id: str
    parent: str | None


class _Link(NamedTuple):
    source: str
    target: str


def check_documents(
    documents: Sequence[ParsedDocument], known: Mapping[str, FrameworkPack] | None = None
) -> list[CheckedPack]:
    """Check pack documents together: mapping sets may refer to `known` packs and to valid frameworks here."""
    schema = pack_schema()
    results = [_check_alone(d, schema, {}) if _kind(d) == "framework" else None for d in documents]
    results = _without_clashing_ids(results)
    packs = dict(known or {})
    packs.update({r.pack.id: r.pack for r in results if r is not None and isinstance(r.pack, FrameworkPack)})
    return [
        result or _check_alone(document, schema, packs) for result, document in zip(results, documents, strict=True)
    ]


def check_document(document: ParsedDocument, known: Mapping[str, FrameworkPack] | None = None) -> CheckedPack:
    return check_documents([document], known)[0]


def _kind(document: ParsedDocument) -> Any:
    return document.data.get("kind") if isinstance(document.data, dict) else None


def _without_clashing_ids(results: list[CheckedPack | None]) -> list[CheckedPack | None]:
    """Two framework files checked together must not claim the same pack id; the later one is rejected."""
    claimed: dict[str, str] = {}
    kept: list[CheckedPack | None] = []
    for result in results:
        if result is not None and result.pack is not None:
            first = claimed.setdefault(result.pack.id, result.document.source)
            if first != result.document.source:
                clash = result.document.problem(("id",), f"pack id '{result.pack.id}' is already used by {first}")
                result = replace(result, pack=None, problems=(*result.problems, clash))
        kept.append(result)
    return kept


def _check_alone(
    document: ParsedDocument, schema: Mapping[str, Any], packs: Mapping[str, FrameworkPack]
) -> CheckedPack:
    """Schema, tree and (for mapping sets, against `packs`) reference checks, all reported together."""
    document = replace(document, data=dates_as_text(document.data))
    problems = schema_problems(document, schema)
    data = document.data if isinstance(document.data, dict) else {}
    problems += calendar_problems(document, ("verified_on",))
    if data.get("kind") == "framework":
        violations = _tree_violations(data.get("requirements"))
    elif data.get("kind") == "mapping-set":
        violations = _reference_violations(data, packs)
    else:
        violations = []
    problems += [document.problem(v.path, v.message) for v in violations]
    pack = None if problems else _build(data)
    return CheckedPack(document, pack, tuple(problems))


def _rows(items: Any, *fields: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows whose named fields are text, with their positions; the schema reports the others."""
    if not isinstance(items, list):
        return []
    return [
        (index, item)
        for index, item in enumerate(items)
        if isinstance(item, dict) and all(isinstance(item.get(name), str) for name in fields)
    ]


def _relocated(violations: Iterable[Violation], positions: Sequence[int]) -> list[Violation]:
    """Map violations on a filtered row list back to the rows' positions in the file."""
    return [
        Violation((v.path[0], positions[v.path[1]], *v.path[2:]), v.message) if len(v.path) > 1 else v
        for v in violations
    ]


def _tree_violations(items: Any) -> list[Violation]:
    rows = _rows(items, "id")
    nodes = [_Node(item["id"], item.get("parent") if isinstance(item.get("parent"), str) else None) for _, item in rows]
    return _relocated(requirement_tree_violations(nodes), [index for index, _ in rows])


def _reference_violations(data: dict[str, Any], packs: Mapping[str, FrameworkPack]) -> list[Violation]:
    rows = _rows(data.get("mappings"), "source", "target")
    links = [_Link(item["source"], item["target"]) for _, item in rows]
    violations = mapping_violations(str(data.get("source_pack")), str(data.get("target_pack")), links, packs)
    return _relocated(violations, [index for index, _ in rows])


def _build(data: dict[str, Any]) -> Pack:
    info = PackInfo(
        id=data["id"],
        title=data["title"],
        version=data["version"],
        publisher=data["publisher"],
        source=data["source"],
        verified_on=date.fromisoformat(data["verified_on"]),
        licence=data["licence"],
        notes=tuple(data.get("notes", ())),
    )
    if data["kind"] == "framework":
        requirements = tuple(_requirement(item) for item in data["requirements"])
        return FrameworkPack(info=info, edition=data["edition"], requirements=requirements)
    mappings = tuple(_mapping(item) for item in data["mappings"])
    return MappingSet(info=info, source_pack=data["source_pack"], target_pack=data["target_pack"], mappings=mappings)


def _requirement(item: dict[str, Any]) -> Requirement:
    return Requirement(
        id=item["id"],
        kind=RequirementKind(item["kind"]),
        label=item["label"],
        parent=item.get("parent"),
        assessable=item.get("assessable", True),
        description=item.get("description", ""),
        tags={facet: tuple(values) for facet, values in item.get("tags", {}).items()},
    )


def _mapping(item: dict[str, Any]) -> MappingRow:
    return MappingRow(
        source=item["source"],
        target=item["target"],
        relationship=Relationship(item["relationship"]),
        strength=float(item["strength"]),
        rationale=item["rationale"],
    )


def read_text(path: Path) -> str:
    """A pack file's text; a missing or unreadable file is bad input (exit 2), not a failed check."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read the file: {error}") from None


def _parse(text: str, source: str) -> ParsedDocument | list[Problem]:
    try:
        return parse_yaml(text, source=source)
    except InvalidInput as error:
        return error.problems or [Problem(error.message, source)]


def check_files(paths: Sequence[Path]) -> dict[str, tuple[Pack | None, list[Problem]]]:
    """Each file's pack (when valid) and every problem; mapping sets may refer to shipped packs and to these files."""
    parsed = {str(path): _parse(read_text(path), str(path)) for path in paths}
    documents = [p for p in parsed.values() if isinstance(p, ParsedDocument)]
    checked = {c.document.source: c for c in check_documents(documents, shipped_frameworks())}
    return {
        source: (checked[source].pack, list(checked[source].problems)) if isinstance(p, ParsedDocument) else (None, p)
        for source, p in parsed.items()
    }


def validate_files(paths: Sequence[Path]) -> dict[str, list[Problem]]:
    """Every problem of each file, keyed by file name as given (empty list: the file is valid)."""
    return {source: problems for source, (_, problems) in check_files(paths).items()}


def validate_file(path: Path) -> list[Problem]:
    """Every problem of one pack file (empty when it is valid); raises InvalidInput if it cannot be read."""
    return validate_files([path])[str(path)]


def load_file(path: Path) -> Pack:
    """The pack in one file; raises InvalidInput listing every problem if it is not valid."""
    pack, problems = check_files([path])[str(path)]
    raise_problems(str(path), problems)
    assert pack is not None
    return pack


def load_shipped() -> tuple[dict[str, FrameworkPack], dict[str, MappingSet]]:
    """Every framework pack and mapping set shipped with qtqms (read and checked once a process)."""
    return shipped_frameworks(), registry.shipped_by_id(MAPPING_SET)


def find_shipped(pack_id: str) -> Pack:
    """A shipped framework pack or mapping set by id."""
    frameworks, mapping_sets = load_shipped()
    found = frameworks.get(pack_id) or mapping_sets.get(pack_id)
    if found is None:
        raise NotFound(
            f"no shipped pack with id '{pack_id}'; shipped: {', '.join(sorted({**frameworks, **mapping_sets}))}"
        )
    return found


def shipped_frameworks() -> dict[str, FrameworkPack]:
    """The shipped framework packs alone (enough to check a user's mapping set against)."""
    return registry.shipped_by_id(FRAMEWORK)


def _check_framework(document: ParsedDocument, known: Known) -> Checked:
    checked = check_document(document)
    return Checked(checked.pack, checked.problems)


def _check_mapping_set(document: ParsedDocument, known: Known) -> Checked:
    """A mapping set may refer to every shipped framework and to the valid ones checked with it."""
    checked = check_document(document, {**shipped_frameworks(), **known("framework")})
    return Checked(checked.pack, checked.problems)


SCHEMA = "qtqms.catalog:packs/schema/pack.schema.json"
FRAMEWORK = PackKind("framework", "catalog", SCHEMA, ("qtqms.catalog:packs",), _check_framework)
MAPPING_SET = PackKind("mapping-set", "catalog", SCHEMA, ("qtqms.catalog:packs/mappings",), _check_mapping_set)


def to_data(pack: Pack) -> dict[str, Any]:
    """The plain data a pack file holds, fields in the documented order and defaults left out."""
    info = pack.info
    data: dict[str, Any] = {
        "kind": "framework" if isinstance(pack, FrameworkPack) else "mapping-set",
        "id": info.id,
    }
    data |= {"title": info.title, "version": info.version, "publisher": info.publisher, "source": info.source}
    data |= {"verified_on": info.verified_on.isoformat(), "licence": info.licence}
    if info.notes:
        data["notes"] = list(info.notes)
    if isinstance(pack, FrameworkPack):
        data["edition"] = pack.edition
        data["requirements"] = [_requirement_data(r) for r in pack.requirements]
    else:
        data |= {"source_pack": pack.source_pack, "target_pack": pack.target_pack}
        data["mappings"] = [_mapping_data(m) for m in pack.mappings]
    return data


def _requirement_data(requirement: Requirement) -> dict[str, Any]:
    data: dict[str, Any] = {"id": requirement.id}
    if requirement.parent is not None:
        data["parent"] = requirement.parent
    data["kind"] = requirement.kind.value
    if not requirement.assessable:
        data["assessable"] = False
    data["label"] = requirement.label
    if requirement.description:
        data["description"] = requirement.description
    if requirement.tags:
        data["tags"] = {facet: list(values) for facet, values in requirement.tags.items()}
    return data


def _mapping_data(mapping: MappingRow) -> dict[str, Any]:
    return {
        "source": mapping.source,
        "target": mapping.target,
        "relationship": mapping.relationship.value,
        "strength": mapping.strength,
        "rationale": mapping.rationale,
    }


def dump_yaml(pack: Pack) -> str:
    """The pack as a YAML file that loads back to an equal pack."""
    return yaml.safe_dump(to_data(pack), sort_keys=False, allow_unicode=True, width=110)
