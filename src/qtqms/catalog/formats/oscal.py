"""OSCAL catalogs from and to framework packs, through compliance-trestle (the optional `oscal` extra)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qtqms.catalog import packs
from qtqms.catalog.domain import FrameworkPack, Requirement
from qtqms.kernel import clock
from qtqms.kernel.datapack import ParsedDocument, parse_yaml, raise_problems
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
        base = _token(requirement.id)
        candidate, counter = base, 2
        while candidate in taken:
            candidate, counter = f"{base}-{counter}", counter + 1
        taken.add(candidate)
        ids[requirement.id] = candidate
    return ids


def _token(ref: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", ref)
    return base if re.match(r"[A-Za-z_]", base) else f"req-{base}"


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
    return _validated(text, source, "catalog", _catalog_model())


def _validated(text: str, source: str, root: str, model: Any) -> dict[str, Any]:
    """The document's `root` object after trestle's model accepted it; otherwise every problem, field by field."""
    from pydantic import ValidationError

    document = _json(text, source)
    if not isinstance(document, dict) or not isinstance(document.get(root), dict):
        problem = Problem(f"not an OSCAL {root} (no top-level '{root}' object)", source)
        raise InvalidInput(str(problem), [problem])
    try:
        # The pydantic validator itself: trestle's model_validate collapses an oscal-version error into one line.
        model.__pydantic_validator__.validate_python(document[root])
    except ValidationError as error:
        problems = [
            Problem(item["msg"], where=source, field=".".join(str(part) for part in (root, *item["loc"])))
            for item in error.errors()
        ]
        raise_problems(source, problems)
    return document[root]


def _json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        problem = Problem(f"invalid JSON: {error.msg}", f"{source}:{error.lineno}")
        raise InvalidInput(str(problem), [problem]) from None


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
    from trestle.oscal import OSCAL_VERSION

    applicable = [_token(r.requirement) for r in rows if r.applicable]
    excluded = [_token(r.requirement) for r in rows if not r.applicable]
    select: dict[str, Any] = {"href": f"{framework}-catalog.json"}
    if applicable:
        select["include-controls"] = [{"with-ids": applicable}]
    else:
        select["include-all"] = {}
    if excluded:
        select["exclude-controls"] = [{"with-ids": excluded}]
    alters = [
        {
            "control-id": _token(r.requirement),
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
            "last-modified": clock.now().replace(microsecond=0).isoformat(),
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


# ---- checking a profile against the catalogs it imports ----------------------------------------------------

Resolver = Callable[[str], FrameworkPack | None]
SELECTIONS = ("include-controls", "exclude-controls")


def check_profile(text: str, *, source: str, resolve: Resolver) -> list[Problem]:
    """Every problem of an OSCAL profile: trestle's model first, then each import's href must resolve to a known
    catalog or pack, and each control id the profile selects or alters must be one of that catalog's controls.
    `resolve` gives the pack an href names (None: unknown; InvalidInput: it names a broken file)."""
    return _checked_profile(text, source, resolve)[2]


def _checked_profile(text: str, source: str, resolve: Resolver) -> tuple[dict[str, Any], ParsedDocument, list[Problem]]:
    """The profile object, the parsed document (for locating values) and every problem `check_profile` names."""
    profile = _validated(text, source, "profile", _profile_model())
    document = parse_yaml(text, source=source)  # JSON is YAML: this gives each value's line
    problems: list[Problem] = []
    controls: set[str] = set()
    resolved_all = True
    for index, item in enumerate(profile["imports"]):
        at = ("profile", "imports", index)
        try:
            pack = resolve(item["href"])
        except InvalidInput as error:
            pack, reason = None, f"'{item['href']}' is not a usable catalog: {error.message}"
        else:
            reason = f"'{item['href']}' names no known catalog or pack (see 'qtqms catalog list')"
        if pack is None:
            problems.append(document.problem((*at, "href"), reason))
            resolved_all = False
            continue
        ids = set(_oscal_ids(pack).values())
        controls |= ids
        for key in SELECTIONS:
            for number, selection in enumerate(item.get(key, [])):
                for position, control in enumerate(selection.get("with-ids", [])):
                    if control not in ids:
                        where = (*at, key, number, "with-ids", position)
                        problems.append(document.problem(where, f"control '{control}' is not in {_named(pack)}"))
    if resolved_all:  # an alteration may concern any imported catalog: judge it only when all are known
        for index, alter in enumerate(profile.get("modify", {}).get("alters", [])):
            if alter.get("control-id") and alter["control-id"] not in controls:
                message = f"alters control '{alter['control-id']}', which no imported catalog has"
                problems.append(document.problem(("profile", "modify", "alters", index, "control-id"), message))
    return profile, document, problems


def _named(pack: FrameworkPack) -> str:
    return f"{pack.id} {pack.info.version}"


def file_resolver(profile: Path, known: Mapping[str, FrameworkPack]) -> Resolver:
    """An href resolves to the file it names beside the profile (an OSCAL catalog or a pack YAML), else by its
    name to a known pack (see `pack_named`)."""

    def resolve(href: str) -> FrameworkPack | None:
        if "://" in href or href.startswith("#"):
            return None
        beside = profile.parent / href
        return _pack_file(beside) if beside.is_file() else pack_named(href, known)

    return resolve


def pack_named(href: str, known: Mapping[str, FrameworkPack]) -> FrameworkPack | None:
    """The known pack an href names: `<pack>-catalog.json` (what 'qtqms soa export -f oscal' writes) or
    `<pack>.json|.yaml`; a URL or a fragment names none."""
    if "://" in href or href.startswith("#"):
        return None
    name = Path(href).name
    for suffix in ("-catalog.json", ".json", *packs.PACK_SUFFIXES):
        if name.endswith(suffix) and name[: -len(suffix)] in known:
            return known[name[: -len(suffix)]]
    return None


def _pack_file(path: Path) -> FrameworkPack:
    found = import_catalog(packs.read_text(path), source=str(path)) if path.suffix == ".json" else packs.load_file(path)
    if not isinstance(found, FrameworkPack):
        raise InvalidInput(f"{path} is a mapping set, not a framework")
    return found


def validate_file(path: Path, known: Mapping[str, FrameworkPack]) -> list[Problem]:
    """Every problem of an OSCAL catalog or profile (JSON); a profile is checked against the catalogs it imports."""
    text = packs.read_text(path)
    try:
        if isinstance(root := _json(text, str(path)), dict) and "profile" in root:
            return check_profile(text, source=str(path), resolve=file_resolver(path, known))
        import_catalog(text, source=str(path))
    except InvalidInput as error:
        return error.problems or [Problem(error.message, str(path))]
    return []


@dataclass(frozen=True)
class SoaDecision:
    """One control's decision as an SoA profile states it, located in the file (`where`, `field`)."""

    requirement: str
    applicable: bool
    justification: str
    implementation_status: str
    where: str
    field: str


def soa_decisions(text: str, *, source: str, resolve: Resolver) -> tuple[FrameworkPack, list[SoaDecision]]:
    """The framework an SoA profile imports and the decision it states for each control it selects: included
    controls apply, excluded ones do not; justification and status come from its `modify.alters`. The profile
    must pass `check_profile` and import exactly one catalog; otherwise every problem is raised together."""
    profile, document, problems = _checked_profile(text, source, resolve)
    raise_problems(source, problems)
    if len(profile["imports"]) != 1:
        raise_problems(source, [document.problem(("profile", "imports"), "an SoA profile imports one catalog")])
    pack = resolve(profile["imports"][0]["href"])
    assert pack is not None  # check_profile resolved it
    requirement_of = {token: ref for ref, token in _oscal_ids(pack).items()}
    alters = {alter["control-id"]: index for index, alter in enumerate(profile.get("modify", {}).get("alters", []))}
    decisions = []
    for key, applicable in (("include-controls", True), ("exclude-controls", False)):
        for number, selection in enumerate(profile["imports"][0].get(key, [])):
            for position, control in enumerate(selection.get("with-ids", [])):
                stated = _stated(profile, alters.get(control))
                at = ("profile", "imports", 0, key, number, "with-ids", position)
                if control in alters:
                    at = ("profile", "modify", "alters", alters[control])
                located = document.problem(at, "")
                decisions.append(
                    SoaDecision(requirement_of[control], applicable, *stated, located.where, located.field)
                )
    return pack, decisions


def _stated(profile: dict[str, Any], alter_index: int | None) -> tuple[str, str]:
    """(justification, implementation status) that an alteration adds to a control; none: ("", "planned")."""
    adds = [] if alter_index is None else profile["modify"]["alters"][alter_index].get("adds", [])
    props = {p["name"]: p["value"] for add in adds for p in add.get("props", []) if p.get("ns") == NAMESPACE}
    prose = [
        part.get("prose", "") for add in adds for part in add.get("parts", []) if part["name"] == "soa-justification"
    ]
    return " ".join(prose).strip(), props.get("implementation-status", "planned")
