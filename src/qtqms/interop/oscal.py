"""OSCAL catalogs from and to framework packs, through compliance-trestle (the optional `oscal` extra)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

from qtqms.catalog import packs
from qtqms.catalog.domain import FrameworkPack, Requirement
from qtqms.kernel.datapack import ParsedDocument, raise_problems
from qtqms.kernel.errors import ConfigurationError, InvalidInput, Problem

# Our own properties (kind, assessable, tag facets, pack fields) live in this namespace; `label` is OSCAL's.
NAMESPACE = "urn:qtqms:oscal"
TAG_CLASS = "tag"
PACK_PROPS = ("pack-id", "edition", "publisher", "source", "verified-on", "licence")
NOT_STATED = "not stated in the OSCAL catalog"


def _catalog_model() -> Any:
    try:
        from trestle.oscal.catalog import Catalog
    except ImportError:
        raise ConfigurationError("OSCAL needs the optional extra: pip install 'qtqms[oscal]'") from None
    return Catalog


def export_catalog(pack: FrameworkPack) -> str:
    """The pack as an OSCAL catalog (JSON), checked by trestle's Catalog model before it is returned."""
    catalog = _catalog_model().model_validate(_catalog_data(pack))
    return catalog.oscal_serialize_json(pretty=True)


def _catalog_data(pack: FrameworkPack) -> dict[str, Any]:
    """Non-assessable top-level requirements become groups, every other requirement a (nested) control."""
    from trestle.oscal import OSCAL_VERSION

    ids = _oscal_ids(pack)
    info = pack.info
    values = (info.id, pack.edition, info.publisher, info.source, info.verified_on.isoformat(), info.licence)
    props = [_prop(name, value) for name, value in zip(PACK_PROPS, values, strict=True)]
    props += [_prop("note", note) for note in info.notes]
    data: dict[str, Any] = {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:{info.id}:{info.version}")),
        "metadata": {
            "title": info.title,
            "last-modified": f"{info.verified_on.isoformat()}T00:00:00+00:00",
            "version": info.version,
            "oscal-version": OSCAL_VERSION,
            "props": props,
        },
    }
    roots = pack.children(None)
    groups = [_element(pack, root, ids) for root in roots if not root.assessable]
    controls = [_element(pack, root, ids) for root in roots if root.assessable]
    if groups:
        data["groups"] = groups
    if controls:
        data["controls"] = controls
    return data


def _oscal_ids(pack: FrameworkPack) -> dict[str, str]:
    """OSCAL ids are tokens ("4.1" and "ISO/IEC 4879" are not); the original id travels as the `label` prop."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for requirement in pack.requirements:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", requirement.id)
        base = base if re.match(r"[A-Za-z_]", base) else f"req-{base}"
        candidate, counter = base, 2
        while candidate in taken:
            candidate, counter = f"{base}-{counter}", counter + 1
        taken.add(candidate)
        ids[requirement.id] = candidate
    return ids


def _prop(name: str, value: str, **extra: str) -> dict[str, str]:
    return {"name": name, "ns": NAMESPACE, "value": value, **extra}


def _element(pack: FrameworkPack, requirement: Requirement, ids: dict[str, str]) -> dict[str, Any]:
    """A group or control; in both, the children are controls."""
    props = [{"name": "label", "value": requirement.id}, _prop("kind", requirement.kind.value)]
    props.append(_prop("assessable", "true" if requirement.assessable else "false"))
    props += [
        _prop(facet, value, **{"class": TAG_CLASS}) for facet, values in requirement.tags.items() for value in values
    ]
    element: dict[str, Any] = {"id": ids[requirement.id], "title": requirement.label, "props": props}
    if requirement.description:
        element["parts"] = [{"name": "overview", "prose": requirement.description}]
    children = [_element(pack, child, ids) for child in pack.children(requirement.id)]
    if children:
        element["controls"] = children
    return element


def import_catalog(text: str, *, source: str) -> FrameworkPack:
    """A framework pack from an OSCAL catalog (JSON); ours come back identical, others get documented defaults."""
    catalog = _validated_catalog(text, source)
    data = _pack_data(catalog)
    checked = packs.check_document(ParsedDocument(data=data, source=source, lines={}))
    raise_problems(source, list(checked.problems))
    assert isinstance(checked.pack, FrameworkPack)
    return checked.pack


def _validated_catalog(text: str, source: str) -> dict[str, Any]:
    from pydantic import ValidationError

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{source}:{error.lineno}: invalid JSON: {error.msg}") from None
    if not isinstance(document, dict) or not isinstance(document.get("catalog"), dict):
        raise InvalidInput(f"{source}: not an OSCAL catalog (no top-level 'catalog' object)")
    try:
        # The pydantic validator itself: trestle's model_validate collapses an oscal-version error into one line.
        _catalog_model().__pydantic_validator__.validate_python(document["catalog"])
    except ValidationError as error:
        problems = [
            Problem(item["msg"], where=source, field=".".join(str(part) for part in ("catalog", *item["loc"])))
            for item in error.errors()
        ]
        raise_problems(source, problems)
    return document["catalog"]


def _own_props(element: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in element.get("props", []) if p.get("ns") == NAMESPACE]


def _pack_data(catalog: dict[str, Any]) -> dict[str, Any]:
    metadata = catalog["metadata"]
    props = {p["name"]: p["value"] for p in _own_props(metadata) if p["name"] in PACK_PROPS}
    data: dict[str, Any] = {
        "kind": "framework",
        "id": props.get("pack-id") or _slug(metadata["title"]),
        "title": metadata["title"],
        "version": metadata["version"],
        "publisher": props.get("publisher", NOT_STATED),
        "source": props.get("source", f"OSCAL catalog {catalog['uuid']}"),
        "verified_on": props.get("verified-on", metadata["last-modified"][:10]),
        "licence": props.get("licence", NOT_STATED),
        "edition": props.get("edition", metadata["version"]),
    }
    notes = [p["value"] for p in _own_props(metadata) if p["name"] == "note"]
    if notes:
        data["notes"] = notes
    requirements: list[dict[str, Any]] = []
    for group in catalog.get("groups", []):
        _collect(group, None, requirements, is_group=True)
    for control in catalog.get("controls", []):
        _collect(control, None, requirements, is_group=False)
    data["requirements"] = requirements
    return data


def _collect(element: dict[str, Any], parent: str | None, into: list[dict[str, Any]], *, is_group: bool) -> None:
    """Depth-first, parents before children, so the pack keeps the catalog's order."""
    own = _own_props(element)
    settings = {p["name"]: p["value"] for p in own if p.get("class") != TAG_CLASS}
    label = next((p["value"] for p in element.get("props", []) if p["name"] == "label" and "ns" not in p), None)
    requirement: dict[str, Any] = {"id": label or element["id"]}
    if parent is not None:
        requirement["parent"] = parent
    requirement["kind"] = settings.get("kind", "clause" if is_group else "control")
    requirement["assessable"] = settings.get("assessable", "false" if is_group else "true") == "true"
    requirement["label"] = element["title"]
    prose = next((p.get("prose") for p in element.get("parts", []) if p["name"] in ("overview", "statement")), None)
    if prose:
        requirement["description"] = prose
    tags: dict[str, list[str]] = {}
    for prop in own:
        if prop.get("class") == TAG_CLASS:
            tags.setdefault(prop["name"], []).append(prop["value"])
    if tags:
        requirement["tags"] = tags
    into.append(requirement)
    for group in element.get("groups", []):
        _collect(group, requirement["id"], into, is_group=True)
    for control in element.get("controls", []):
        _collect(control, requirement["id"], into, is_group=False)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:64].strip("-") or "oscal-catalog"


def _profile_model() -> Any:
    try:
        from trestle.oscal.profile import Profile
    except ImportError:
        raise ConfigurationError("OSCAL needs the optional extra: pip install 'qtqms[oscal]'") from None
    return Profile


def export_soa_profile(framework: str, rows: Sequence[Any], *, version: str = "1") -> str:
    """A Statement of Applicability as an OSCAL profile of the framework's catalog: applicable controls are
    included, the others excluded, and each decision's justification and status added to its control.
    `rows` are SoA rows (requirement, applicable, justification, implementation_status, controls)."""
    from datetime import UTC, datetime

    from trestle.oscal import OSCAL_VERSION

    def token(ref: str) -> str:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", ref)
        return base if re.match(r"[A-Za-z_]", base) else f"req-{base}"

    applicable = [token(r.requirement) for r in rows if r.applicable]
    excluded = [token(r.requirement) for r in rows if not r.applicable]
    select: dict[str, Any] = {"href": f"{framework}-catalog.json"}
    if applicable:
        select["include-controls"] = [{"with-ids": applicable}]
    else:
        select["include-all"] = {}
    if excluded:
        select["exclude-controls"] = [{"with-ids": excluded}]
    alters = [
        {
            "control-id": token(r.requirement),
            "adds": [
                {
                    "position": "ending",
                    "props": [
                        _prop("applicable", "true" if r.applicable else "false"),
                        _prop("implementation-status", r.implementation_status),
                        *[_prop("implemented-by", key) for key in r.controls],
                    ],
                    "parts": [{"name": "soa-justification", "ns": NAMESPACE, "prose": r.justification}]
                    if r.justification
                    else [],
                }
            ],
        }
        for r in rows
        if r.justification or r.controls or not r.applicable
    ]
    data: dict[str, Any] = {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:soa:{framework}")),
        "metadata": {
            "title": f"Statement of Applicability: {framework}",
            "last-modified": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "version": version,
            "oscal-version": OSCAL_VERSION,
        },
        "imports": [select],
    }
    for alter in alters:
        if not alter["adds"][0]["parts"]:
            del alter["adds"][0]["parts"]
    if alters:
        data["modify"] = {"alters": alters}
    profile = _profile_model().model_validate(data)
    return profile.oscal_serialize_json(pretty=True)
