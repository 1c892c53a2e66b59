"""Findings ⇄ CycloneDX 1.6 CBOM: one component per asset, one occurrence per finding, schema-checked before writing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.pqc.scanner.algorithms import (
    PROTOCOL_FAMILIES,
    Algorithm,
    AssetType,
    Confidence,
    Finding,
    Primitive,
    classify,
    unknown,
)
from qtqms.pqc.scanner.names import parse_name
from qtqms.pqc.scanner.policy import Assessment

_KEY_TYPES = {"private-key", "public-key"}


def build_bom(
    findings: Iterable[Finding], *, subject: str, assessments: Iterable[Assessment] = (), policy_id: str | None = None
) -> Any:
    """A CycloneDX Bom whose components carry every finding as an evidence occurrence."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType

    from qtqms import __version__

    verdicts = {_finding_key(a.finding): a for a in assessments}
    bom = Bom()
    application = Component(name=subject, type=ComponentType.APPLICATION, bom_ref=f"app:{_slug(subject)}")
    bom.metadata.component = application
    bom.metadata.tools.components.add(
        Component(name="qtqms-pqc-scanner", version=__version__, type=ComponentType.APPLICATION)
    )
    builder = _ComponentBuilder(verdicts, policy_id)
    for finding in findings:
        builder.add(finding)
    for component in builder.components.values():
        bom.components.add(component)
    bom.register_dependency(application, list(builder.components.values()))
    return bom


def to_json(bom: Any) -> str:
    """Serialise as CycloneDX 1.6 JSON after checking it against the strict 1.6 schema."""
    from cyclonedx.output.json import JsonV1Dot6
    from cyclonedx.schema import SchemaVersion

    JsonStrictValidator = _strict_validator()  # noqa: N806 - a class
    text = JsonV1Dot6(bom).output_as_string(indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise RuntimeError(f"generated CBOM is not valid CycloneDX 1.6: {error}")
    return text


def _strict_validator() -> Any:
    """CycloneDX's strict JSON validator, imported without `rfc3987_syntax`.

    jsonschema loads that package, when it is installed, for its `iri` format checks, and the package builds
    a grammar at import: about 2 s of every `--cbom` run, whatever the size of the CBOM (issue 13). It is kept
    out only while jsonschema is first imported here (a process that imported jsonschema before keeps its
    checks); the schema's structure, types, enumerations and patterns are all still checked, the syntax of
    IRI-valued fields is not.
    """
    import sys

    blocked = "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment] # importing it raises ImportError
    try:
        from cyclonedx.validation.json import JsonStrictValidator
    finally:
        if blocked:
            del sys.modules["rfc3987_syntax"]
    return JsonStrictValidator


def write_cbom(path: Path, findings: Iterable[Finding], **kwargs: Any) -> None:
    path.write_text(to_json(build_bom(findings, **kwargs)) + "\n", encoding="utf-8")


def _finding_key(finding: Finding) -> tuple[str, int, str]:
    return finding.path, finding.line, finding.label


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-") or "asset"


class _ComponentBuilder:
    """Groups findings into components: one per algorithm, protocol or library; one per certificate or key."""

    def __init__(self, verdicts: dict[tuple[str, int, str], Assessment], policy_id: str | None) -> None:
        self.components: dict[tuple[str, ...], Any] = {}
        self.verdicts = verdicts
        self.policy_id = policy_id
        self._refs: set[str] = set()

    def add(self, finding: Finding) -> None:
        from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence

        key = self._key(finding)
        component = self.components.get(key)
        if component is None:
            component = self._component(finding)
            component.evidence = ComponentEvidence()
            self.components[key] = component
        component.evidence.occurrences.add(
            Occurrence(
                location=finding.path,
                line=finding.line,
                offset=finding.column,
                additional_context=finding.evidence or None,
            )
        )
        self._add_verdict(component, finding)

    def _key(self, finding: Finding) -> tuple[str, ...]:
        if finding.asset_type is AssetType.CERTIFICATE:
            return ("certificate", finding.detail("sha256_fingerprint") or f"{finding.path}:{finding.line}")
        if finding.asset_type is AssetType.RELATED_MATERIAL:
            return ("material", finding.path, str(finding.line), finding.algorithm.name)
        algorithm = finding.algorithm
        return (finding.asset_type.value, finding.label, algorithm.primitive.value, algorithm.padding or "")

    def _ref(self, base: str) -> str:
        ref, index = base, 1
        while ref in self._refs:
            index += 1
            ref = f"{base}-{index}"
        self._refs.add(ref)
        return ref

    def _component(self, finding: Finding) -> Any:
        if finding.asset_type is AssetType.LIBRARY:
            return self._library(finding)
        if finding.asset_type is AssetType.PROTOCOL:
            return self._protocol(finding)
        if finding.asset_type is AssetType.CERTIFICATE:
            return self._certificate(finding)
        if finding.asset_type is AssetType.RELATED_MATERIAL:
            return self._material(finding)
        return self._algorithm_component(finding.algorithm, finding.confidence)

    def _algorithm_component(self, algorithm: Algorithm, confidence: Confidence | None = None) -> Any:
        from cyclonedx.model.crypto import CryptoAssetType, CryptoProperties

        key = ("algorithm", algorithm.name, algorithm.primitive.value, algorithm.padding or "")
        if key in self.components:
            return self.components[key]
        properties = [("qtqms:family", algorithm.family)]
        if algorithm.quantum_vulnerable is not None:
            properties.append(("qtqms:quantum-vulnerable", str(algorithm.quantum_vulnerable).lower()))
        if confidence is not None:
            properties.append(("qtqms:confidence", confidence.value))
        component = _crypto_component(
            algorithm.name,
            self._ref(f"crypto/algorithm/{_slug(algorithm.name)}"),
            CryptoProperties(
                asset_type=CryptoAssetType.ALGORITHM, algorithm_properties=_algorithm_properties(algorithm)
            ),
            properties,
        )
        return component

    def _linked_algorithm(self, algorithm: Algorithm) -> Any:
        """An algorithm component referenced by a certificate or key (registered so it is written too)."""
        component = self._algorithm_component(algorithm)
        key = ("algorithm", algorithm.name, algorithm.primitive.value, algorithm.padding or "")
        if key not in self.components:
            from cyclonedx.model.component_evidence import ComponentEvidence

            component.evidence = ComponentEvidence()
            self.components[key] = component
        return component

    def _protocol(self, finding: Finding) -> Any:
        from cyclonedx.model.crypto import CryptoAssetType, CryptoProperties, ProtocolProperties, ProtocolPropertiesType

        algorithm = finding.algorithm
        kind = {"TLS": ProtocolPropertiesType.TLS, "SSL": ProtocolPropertiesType.TLS, "SSH": ProtocolPropertiesType.SSH}
        properties = CryptoProperties(
            asset_type=CryptoAssetType.PROTOCOL,
            protocol_properties=ProtocolProperties(
                type=kind.get(algorithm.family, ProtocolPropertiesType.OTHER), version=algorithm.parameter
            ),
        )
        return _crypto_component(algorithm.name, self._ref(f"crypto/protocol/{_slug(algorithm.name)}"), properties, [])

    def _certificate(self, finding: Finding) -> Any:
        from datetime import datetime

        from cyclonedx.model.crypto import CertificateProperties, CryptoAssetType, CryptoProperties

        key_component = self._linked_algorithm(finding.algorithm)
        signature = finding.detail("signature_algorithm")
        signature_component = None
        if signature:
            signature_component = self._linked_algorithm(
                classify(
                    finding.algorithm.family, finding.algorithm.parameter, primitive=Primitive.SIGNATURE, name=signature
                )
            )

        def when(key: str) -> datetime | None:
            value = finding.detail(key)
            return datetime.fromisoformat(value) if value else None

        properties = CryptoProperties(
            asset_type=CryptoAssetType.CERTIFICATE,
            certificate_properties=CertificateProperties(
                subject_name=finding.detail("subject"),
                issuer_name=finding.detail("issuer"),
                not_valid_before=when("not_valid_before"),
                not_valid_after=when("not_valid_after"),
                signature_algorithm_ref=signature_component.bom_ref if signature_component else None,
                subject_public_key_ref=key_component.bom_ref,
                certificate_format="X.509",
                certificate_extension=Path(finding.path).suffix.lstrip(".") or None,
            ),
        )
        name = finding.detail("subject") or f"certificate {finding.path}"
        return _crypto_component(name, self._ref(f"crypto/certificate/{_slug(name)}"), properties, [])

    def _material(self, finding: Finding) -> Any:
        from cyclonedx.model.crypto import (
            CryptoAssetType,
            CryptoProperties,
            RelatedCryptoMaterialProperties,
            RelatedCryptoMaterialType,
        )

        kind = finding.detail("material") or "key"
        material_type = RelatedCryptoMaterialType(kind) if kind in _KEY_TYPES else RelatedCryptoMaterialType.KEY
        algorithm = finding.algorithm
        size = int(algorithm.parameter) if algorithm.parameter and algorithm.parameter.isdigit() else None
        properties = CryptoProperties(
            asset_type=CryptoAssetType.RELATED_CRYPTO_MATERIAL,
            related_crypto_material_properties=RelatedCryptoMaterialProperties(
                type=material_type,
                algorithm_ref=self._linked_algorithm(algorithm).bom_ref if algorithm.known else None,
                size=size,
                format=finding.detail("format"),
            ),
        )
        name = f"{algorithm.name} {kind}"
        return _crypto_component(name, self._ref(f"crypto/key/{_slug(finding.path)}-{finding.line}"), properties, [])

    def _library(self, finding: Finding) -> Any:
        from cyclonedx.model import Property
        from cyclonedx.model.component import Component, ComponentType
        from packageurl import PackageURL

        purl = finding.detail("purl")
        return Component(
            name=finding.algorithm.name,
            version=finding.detail("version"),
            type=ComponentType.LIBRARY,
            bom_ref=self._ref(f"library/{_slug(finding.label)}"),
            purl=PackageURL.from_string(purl) if purl else None,
            description=finding.detail("description"),
            properties=[Property(name="qtqms:post-quantum", value=finding.detail("post_quantum") or "false")],
        )

    def _add_verdict(self, component: Any, finding: Finding) -> None:
        from cyclonedx.model import Property

        assessment = self.verdicts.get(_finding_key(finding))
        if assessment is None or self.policy_id is None:
            return
        name = f"qtqms:policy:{self.policy_id}:verdict"
        if not any(p.name == name for p in component.properties):
            component.properties.add(Property(name=name, value=assessment.verdict.value))
            if assessment.disallowed_from:
                component.properties.add(
                    Property(
                        name=f"qtqms:policy:{self.policy_id}:disallowed-from",
                        value=assessment.disallowed_from.isoformat(),
                    )
                )


def _crypto_component(name: str, ref: str, crypto: Any, properties: list[tuple[str, str]]) -> Any:
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component, ComponentType

    return Component(
        name=name,
        type=ComponentType.CRYPTOGRAPHIC_ASSET,
        bom_ref=ref,
        crypto_properties=crypto,
        properties=[Property(name=k, value=v) for k, v in properties],
    )


def _algorithm_properties(algorithm: Algorithm) -> Any:
    from cyclonedx.model.crypto import AlgorithmProperties, CryptoMode, CryptoPadding, CryptoPrimitive

    curve = algorithm.parameter if algorithm.family in {"EC", "ECDSA", "ECDH", "EdDSA", "XDH"} else None
    parameter = None if curve else algorithm.parameter
    modes = {m.value for m in CryptoMode}
    paddings = {p.value for p in CryptoPadding}
    return AlgorithmProperties(
        primitive=CryptoPrimitive(algorithm.primitive.value),
        parameter_set_identifier=parameter,
        curve=curve,
        mode=CryptoMode(algorithm.mode if algorithm.mode in modes else "other") if algorithm.mode else None,
        padding=CryptoPadding(algorithm.padding if algorithm.padding in paddings else "other")
        if algorithm.padding
        else None,
        classical_security_level=algorithm.classical_bits,
        nist_quantum_security_level=algorithm.nist_level,
    )


# ---------- import ----------


def import_cbom(path: str | Path) -> list[Finding]:
    """Findings from a third-party CycloneDX CBOM (JSON, spec 1.6 or 1.7): one per occurrence of each asset."""
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read CBOM: {error}") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path}:{error.lineno}: invalid JSON: {error.msg}") from None
    return cbom_findings(data, str(path))


def cbom_findings(data: Any, source: str) -> list[Finding]:
    """Findings from a parsed CBOM document; `source` (a file name) locates errors and unlocated occurrences."""
    _validate(source, data)
    components = _all_components(data.get("components", []))
    by_ref = {c.get("bom-ref"): c for c in components if c.get("bom-ref")}
    name = Path(source).name
    findings: list[Finding] = []
    for component in components:
        asset = _imported_asset(component, by_ref)
        if asset is None:
            continue
        asset_type, algorithm, details = asset
        occurrences = component.get("evidence", {}).get("occurrences") or [{}]
        for occurrence in occurrences:
            findings.append(
                Finding(
                    asset_type=asset_type,
                    algorithm=algorithm,
                    path=occurrence.get("location") or f"{name}#{component.get('bom-ref', component['name'])}",
                    line=occurrence.get("line") or 1,
                    column=occurrence.get("offset") or 1,
                    evidence=(occurrence.get("additionalContext") or "")[:160],
                    confidence=Confidence.MEDIUM,
                    rule_id="cbom.import",
                    language="cbom",
                    details=details,
                )
            )
    return findings


def _validate(source: str, data: Any) -> None:
    """Refuse anything but a CycloneDX 1.6/1.7 document, naming the JSON pointer of the first schema violation."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    versions = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}
    if not isinstance(data, dict) or data.get("bomFormat") != "CycloneDX":
        problem = Problem("bomFormat is not 'CycloneDX'", source, "/bomFormat")
        raise InvalidInput(f"{source}: not a CycloneDX document ({problem.message})", [problem])
    spec = data.get("specVersion")
    if spec not in versions:
        problem = Problem(
            f"CycloneDX {spec} has no crypto assets; a CBOM needs spec 1.6 or 1.7", source, "/specVersion"
        )
        raise InvalidInput(f"{source}: {problem.field}: {problem.message}", [problem])
    error = JsonStrictValidator(versions[spec]).validate_str(json.dumps(data))
    if error is not None:
        detail = getattr(error.data, "message", None) or str(error)
        pointer = "".join(f"/{part}" for part in getattr(error.data, "absolute_path", ())) or "/"
        problem = Problem(detail[:300], source, pointer)
        raise InvalidInput(f"{source}: not valid CycloneDX {spec} at {pointer}: {problem.message}", [problem])


def _all_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for component in components:
        out.append(component)
        out.extend(_all_components(component.get("components", [])))
    return out


def _imported_asset(
    component: dict[str, Any], by_ref: dict[str, dict[str, Any]]
) -> tuple[AssetType, Algorithm, tuple[tuple[str, str], ...]] | None:
    if component.get("type") == "library":
        details = tuple((k, component[k]) for k in ("version", "purl") if component.get(k))
        return (
            AssetType.LIBRARY,
            Algorithm(family="library", name=component["name"], primitive=Primitive.OTHER),
            details,
        )
    crypto = component.get("cryptoProperties")
    if component.get("type") != "cryptographic-asset" or not crypto:
        return None
    asset_type = AssetType(crypto["assetType"])
    if asset_type is AssetType.PROTOCOL:
        protocol = crypto.get("protocolProperties", {})
        family = "SSH" if protocol.get("type") == "ssh" else "TLS"
        return asset_type, classify(family, protocol.get("version")), ()
    if asset_type is AssetType.CERTIFICATE:
        certificate = crypto.get("certificateProperties", {})
        key = by_ref.get(certificate.get("subjectPublicKeyRef", ""))
        algorithm = _imported_algorithm(key) if key else unknown(component["name"])
        details = tuple(
            (field, certificate[source])
            for field, source in (
                ("subject", "subjectName"),
                ("issuer", "issuerName"),
                ("not_valid_after", "notValidAfter"),
            )
            if certificate.get(source)
        )
        return asset_type, algorithm, details
    if asset_type is AssetType.RELATED_MATERIAL:
        material = crypto.get("relatedCryptoMaterialProperties", {})
        key = by_ref.get(material.get("algorithmRef", ""))
        algorithm = _imported_algorithm(key) if key else unknown(component["name"])
        return asset_type, algorithm, (("material", material.get("type", "unknown")),)
    return asset_type, _imported_algorithm(component), ()


def _imported_algorithm(component: dict[str, Any]) -> Algorithm:
    """Reclassify by our own tables when the name or properties say which algorithm it is; else unknown."""
    properties = component.get("cryptoProperties", {}).get("algorithmProperties", {})
    parsed = parse_name(component["name"])
    if parsed is None or not parsed.known:
        return unknown(component["name"])
    if parsed.family in PROTOCOL_FAMILIES:
        return parsed
    parameter = parsed.parameter or properties.get("curve") or properties.get("parameterSetIdentifier")
    mode = parsed.mode or properties.get("mode")
    primitive = properties.get("primitive")
    return classify(
        parsed.family,
        parameter,
        mode=mode if mode not in {"other", "unknown"} else None,
        padding=parsed.padding or properties.get("padding"),
        primitive=Primitive(primitive) if primitive in {p.value for p in Primitive} else parsed.primitive,
    )
