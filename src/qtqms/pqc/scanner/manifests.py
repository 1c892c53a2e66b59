"""Dependency manifests and lock files → which crypto libraries a project depends on, at which version."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterator
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

from qtqms.pqc.scanner.algorithms import Algorithm, AssetType, Confidence, Finding, Primitive

LIBRARIES_FILE = Path(__file__).with_name("rules") / "libraries.toml"
Dependency = tuple[str, str | None, str]  # name, version (or requirement), text to locate it by
Parser = Callable[[str], Iterator[Dependency]]

_PEP508 = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(\(?\s*(?:===|==|~=|>=|<=|!=|>|<)[^;#]*)?")


@cache
def _libraries() -> dict[str, Any]:
    return tomllib.loads(LIBRARIES_FILE.read_text("utf-8"))


def _normalise_pypi(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(text: str) -> tuple[str, str | None] | None:
    match = _PEP508.match(text)
    if not match:
        return None
    version = (match.group(2) or "").strip().strip("()").strip() or None
    if version and version.startswith("==") and "," not in version:
        version = version[2:].strip()
    return match.group(1), version


def _requirements_txt(text: str) -> Iterator[Dependency]:
    for line in text.splitlines():
        stripped = line.split(" #", 1)[0].strip()
        if not stripped or stripped.startswith(("#", "-", "git+", "http")):
            continue
        parsed = _requirement(stripped)
        if parsed:
            yield parsed[0], parsed[1], line


def _pyproject(text: str) -> Iterator[Dependency]:
    data = tomllib.loads(text)
    project = data.get("project", {})
    groups = [project.get("dependencies", []), *project.get("optional-dependencies", {}).values()]
    groups += list(data.get("dependency-groups", {}).values())
    for group in groups:
        for entry in group:
            parsed = _requirement(entry) if isinstance(entry, str) else None
            if parsed:
                yield parsed[0], parsed[1], entry
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [group.get("dependencies", {}) for group in poetry.get("group", {}).values()]
    for table in tables:
        for name, spec in table.items():
            version = spec.get("version") if isinstance(spec, dict) else spec
            yield name, version, name


def _toml_lock(text: str) -> Iterator[Dependency]:
    for package in tomllib.loads(text).get("package", []):
        yield package["name"], package.get("version"), f'name = "{package["name"]}"'


def _package_json(text: str) -> Iterator[Dependency]:
    data = json.loads(text)
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        for name, version in data.get(key, {}).items():
            yield name, version, f'"{name}"'


def _package_lock(text: str) -> Iterator[Dependency]:
    data = json.loads(text)
    for key, entry in data.get("packages", {}).items():
        if key:
            name = key.rsplit("node_modules/", 1)[-1]
            yield name, entry.get("version"), f'"{key}"'
    if "packages" not in data:
        for name, entry in data.get("dependencies", {}).items():
            yield name, entry.get("version"), f'"{name}"'


def _go_mod(text: str) -> Iterator[Dependency]:
    in_block = False
    for line in text.splitlines():
        stripped = line.split("//", 1)[0].strip()
        if stripped.startswith("require ("):
            in_block = True
            continue
        if in_block and stripped == ")":
            in_block = False
            continue
        match = (
            re.fullmatch(r"(?:require\s+)?(\S+)\s+(v\S+)", stripped)
            if in_block or stripped.startswith("require ")
            else None
        )
        if match:
            yield match.group(1), match.group(2), line


def _pom(text: str) -> Iterator[Dependency]:
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)  # commented-out dependencies are not dependencies
    properties = dict(re.findall(r"<([\w.-]+)>\s*([^<\s]+)\s*</\1>", _section(text, "properties")))
    for block in re.finditer(r"<dependency>(.*?)</dependency>", text, re.DOTALL):
        fields = dict(re.findall(r"<(groupId|artifactId|version)>\s*([^<\s]+)\s*</\1>", block.group(1)))
        if "groupId" in fields and "artifactId" in fields:
            version = fields.get("version")
            if version:
                version = re.sub(r"\$\{([^}]+)\}", lambda m: properties.get(m.group(1), m.group(0)), version)
            yield f"{fields['groupId']}:{fields['artifactId']}", version, f"<artifactId>{fields['artifactId']}<"


def _section(text: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.DOTALL)
    return match.group(1) if match else ""


def _cargo(text: str) -> Iterator[Dependency]:
    data = tomllib.loads(text)
    tables = [data.get(key, {}) for key in ("dependencies", "dev-dependencies", "build-dependencies")]
    tables += [t.get("dependencies", {}) for t in data.get("target", {}).values()]
    for table in tables:
        for name, spec in table.items():
            version = spec.get("version") if isinstance(spec, dict) else spec
            yield spec.get("package", name) if isinstance(spec, dict) else name, version, name


_MANIFESTS: tuple[tuple[re.Pattern[str], str, Parser], ...] = (
    (re.compile(r"requirements[\w.-]*\.(?:txt|in)"), "pypi", _requirements_txt),
    (re.compile(r"pyproject\.toml"), "pypi", _pyproject),
    (re.compile(r"(?:poetry|uv)\.lock"), "pypi", _toml_lock),
    (re.compile(r"package\.json"), "npm", _package_json),
    (re.compile(r"package-lock\.json"), "npm", _package_lock),
    (re.compile(r"go\.mod"), "go", _go_mod),
    (re.compile(r"pom\.xml"), "maven", _pom),
    (re.compile(r"Cargo\.toml"), "cargo", _cargo),
)


_MANIFEST_NAME = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _, _ in _MANIFESTS))  # asked of every file


def is_manifest(name: str) -> bool:
    return bool(_MANIFEST_NAME.fullmatch(name))


def scan(text: str, path: str) -> list[Finding]:
    """Crypto libraries declared in one manifest; a manifest that does not parse is reported as a finding-free file."""
    name = path.rsplit("/", 1)[-1]
    ecosystem, parser = next((eco, parse) for pattern, eco, parse in _MANIFESTS if pattern.fullmatch(name))
    lines = text.splitlines()
    findings = []
    try:
        dependencies = list(parser(text))
    except (ValueError, KeyError, TypeError, AttributeError, tomllib.TOMLDecodeError):
        return []
    seen: set[str] = set()
    for dependency, version, locator in dependencies:
        library = _crypto_library(ecosystem, dependency)
        if library is None or (library, version) in seen:
            continue
        seen.add((library, version))  # type: ignore[arg-type]
        line = _line_of(lines, locator)
        findings.append(_finding(ecosystem, library, dependency, version, path, line, lines))
    return findings


def _crypto_library(ecosystem: str, name: str) -> str | None:
    """The catalogue key a dependency matches (its own name, or a module-path / artifact pattern)."""
    table: dict[str, str] = _libraries().get(ecosystem, {})
    if ecosystem == "pypi":
        key = _normalise_pypi(name)
        return key if key in table else None
    if ecosystem == "go":
        return next((k for k in table if name == k or name.startswith(k + "/")), None)
    if ecosystem == "maven":
        return next((k for k in table if fnmatchcase(name, k)), None)
    return name if name in table else None


def _line_of(lines: list[str], locator: str) -> int:
    for number, line in enumerate(lines, 1):
        if locator in line:
            return number
    return 1


def _finding(
    ecosystem: str, library: str, dependency: str, version: str | None, path: str, line: int, lines: list[str]
) -> Finding:
    pqc = dependency in _libraries().get("pqc", {}).get(ecosystem, []) or library in _libraries().get("pqc", {}).get(
        ecosystem, []
    )
    details = {
        "ecosystem": ecosystem,
        "description": _libraries()[ecosystem][library],
        "post_quantum": str(pqc).lower(),
    }
    if version:
        details["version"] = version
    purl_type = {"pypi": "pypi", "npm": "npm", "go": "golang", "maven": "maven", "cargo": "cargo"}[ecosystem]
    details["purl"] = _purl(purl_type, dependency, version)
    return Finding(
        asset_type=AssetType.LIBRARY,
        algorithm=Algorithm(family="library", name=dependency, primitive=Primitive.OTHER),
        path=path,
        line=line,
        column=1,
        evidence=lines[line - 1].strip()[:160] if lines else "",
        confidence=Confidence.HIGH,
        rule_id=f"manifest.{ecosystem}",
        language="manifest",
        details=tuple(details.items()),
    )


def _purl(purl_type: str, name: str, version: str | None) -> str:
    from packageurl import PackageURL

    namespace = None
    if purl_type == "maven":
        namespace, name = name.split(":", 1)
    elif purl_type == "golang" and "/" in name:
        namespace, name = name.rsplit("/", 1)
    elif purl_type == "npm" and name.startswith("@"):
        namespace, name = name.split("/", 1)
    exact = version if version and re.fullmatch(r"v?\d[\w.+-]*", version) else None
    return PackageURL(type=purl_type, namespace=namespace, name=name, version=exact).to_string()
