"""Findings ⇄ CycloneDX 1.6/1.7 CBOM: one component per asset, one occurrence per finding, schema-checked before
writing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.pqc.scanner.algorithms import (
    AEAD_MODES,
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
from qtqms.pqc.scanner.redact import redact_text

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


CBOM_VERSIONS = ("1.6", "1.7")


def to_json(bom: Any, version: str = "1.6") -> str:
    """Serialise as CycloneDX JSON of `version` (1.6 or 1.7) after checking it against that strict schema."""
    from cyclonedx.output.json import JsonV1Dot6, JsonV1Dot7
    from cyclonedx.schema import SchemaVersion

    writers = {"1.6": (JsonV1Dot6, SchemaVersion.V1_6), "1.7": (JsonV1Dot7, SchemaVersion.V1_7)}
    if version not in writers:
        raise InvalidInput(f"CycloneDX {version} cannot hold a CBOM here (choose {' or '.join(CBOM_VERSIONS)})")
    writer, schema = writers[version]
    JsonStrictValidator = _strict_validator()  # noqa: N806 - a class
    text = writer(bom).output_as_string(indent=2)
    error = JsonStrictValidator(schema).validate_str(text)
    if error is not None:
        raise RuntimeError(f"generated CBOM is not valid CycloneDX {version}: {error}")
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


def write_cbom(path: Path, findings: Iterable[Finding], *, version: str = "1.6", **kwargs: Any) -> None:
    path.write_text(to_json(build_bom(findings, **kwargs), version) + "\n", encoding="utf-8")


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
        return (finding.asset_type.value, finding.label, _primitive(algorithm).value, algorithm.padding or "")

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

    def _algorithm_component(
        self, algorithm: Algorithm, confidence: Confidence | None = None, oid: str | None = None
    ) -> Any:
        from cyclonedx.model.crypto import CryptoAssetType, CryptoProperties

        key = ("algorithm", algorithm.name, _primitive(algorithm).value, algorithm.padding or "")
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
                asset_type=CryptoAssetType.ALGORITHM,
                algorithm_properties=_algorithm_properties(algorithm),
                oid=oid or algorithm_oid(algorithm),
            ),
            properties,
        )
        return component

    def _linked_algorithm(self, algorithm: Algorithm, oid: str | None = None) -> Any:
        """An algorithm component referenced by a certificate or key (registered so it is written too)."""
        component = self._algorithm_component(algorithm, oid=oid)
        key = ("algorithm", algorithm.name, _primitive(algorithm).value, algorithm.padding or "")
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
                _signature_algorithm(signature), oid=finding.detail("signature_algorithm_oid")
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
    from cyclonedx.model.crypto import AlgorithmProperties, CryptoFunction, CryptoMode, CryptoPadding, CryptoPrimitive

    curve = algorithm.parameter if algorithm.family in _CURVE_FAMILIES else None
    parameter = None if curve else parameter_set_identifier(algorithm)
    modes = {m.value for m in CryptoMode}
    paddings = {p.value for p in CryptoPadding}
    return AlgorithmProperties(
        primitive=CryptoPrimitive(_primitive(algorithm).value),
        parameter_set_identifier=parameter,
        curve=curve,
        mode=CryptoMode(algorithm.mode if algorithm.mode in modes else "other") if algorithm.mode else None,
        padding=CryptoPadding(algorithm.padding if algorithm.padding in paddings else "other")
        if algorithm.padding
        else None,
        crypto_functions=[CryptoFunction(f) for f in _FUNCTIONS.get(_primitive(algorithm), ("unknown",))],
        classical_security_level=algorithm.classical_bits,
        nist_quantum_security_level=algorithm.nist_level,
    )


_CURVE_FAMILIES = {"EC", "ECDSA", "ECDH", "EdDSA", "XDH"}


def _primitive(algorithm: Algorithm) -> Primitive:
    """A block cipher in an authenticated mode is authenticated encryption, whichever library's API named it:
    one component for AES-256-GCM, not one per way of spelling it."""
    if algorithm.primitive is Primitive.BLOCK_CIPHER and algorithm.mode in AEAD_MODES:
        return Primitive.AE
    return algorithm.primitive


# What an algorithm of each primitive is used for (CycloneDX `cryptoFunctions`); a finding rarely tells which
# of them the code calls, so each component lists what its primitive does.
_FUNCTIONS: dict[Primitive, tuple[str, ...]] = {
    Primitive.HASH: ("digest",),
    Primitive.XOF: ("digest",),
    Primitive.MAC: ("tag",),
    Primitive.SIGNATURE: ("keygen", "sign", "verify"),
    Primitive.PKE: ("keygen", "encrypt", "decrypt"),
    Primitive.KEM: ("keygen", "encapsulate", "decapsulate"),
    Primitive.KEY_AGREE: ("keygen", "keyderive"),
    Primitive.BLOCK_CIPHER: ("encrypt", "decrypt"),
    Primitive.STREAM_CIPHER: ("encrypt", "decrypt"),
    Primitive.AE: ("encrypt", "decrypt", "tag"),
    Primitive.KDF: ("keyderive",),
    Primitive.DRBG: ("generate",),
    Primitive.COMBINER: ("other",),
    Primitive.OTHER: ("other",),
}

# Digest sizes the name does not spell out (for the others the last number of the name is the size, or for
# SHAKE the security level, as the CycloneDX examples have it).
_DIGEST_BITS = {
    "MD4": "128",
    "MD5": "128",
    "SHA-1": "160",
    "SHA-512/224": "224",
    "SHA-512/256": "256",
    "BLAKE2s": "256",
    "BLAKE2b": "512",
    "BLAKE3": "256",
    "SM3": "256",
}


def parameter_set_identifier(algorithm: Algorithm) -> str | None:
    """CycloneDX's `parameterSetIdentifier`: the number that sizes the algorithm (key, digest or set:
    "2048", "256", "768"), or a standard's own set name where it has one (SLH-DSA's "SHA2-128s")."""
    parameter = algorithm.parameter
    if parameter is None or parameter.isdigit():
        return parameter
    if parameter in _DIGEST_BITS:
        return _DIGEST_BITS[parameter]
    if algorithm.family == "SLH-DSA":
        return parameter
    numbers = re.findall(r"\d+", parameter)
    return numbers[-1] if numbers else None


def _signature_algorithm(name: str) -> Algorithm:
    """A certificate's signature algorithm (`sha256WithRSAEncryption`, `ecdsa-with-SHA384`), by its name alone:
    the issuer's key signed it, so the size of the certificate's own key says nothing about it."""
    parsed = parse_name(name)
    if parsed is not None and parsed.family in _FIXED_SIGNATURES:
        return parsed
    lowered = name.lower().replace("_", "-")
    family = next((f for marker, f in _SIGNATURE_FAMILIES if marker in lowered), None)
    return classify(family, None, primitive=Primitive.SIGNATURE, name=name) if family else unknown(name)


_FIXED_SIGNATURES = {"EdDSA", "ML-DSA", "SLH-DSA", "FN-DSA"}  # the name alone fixes the parameter set


_SIGNATURE_FAMILIES = (
    ("ecdsa", "ECDSA"),
    ("rsa", "RSA"),
    ("dsa", "DSA"),
)


def algorithm_oid(algorithm: Algorithm) -> str | None:
    """The object identifier of an algorithm component, where one names exactly it."""
    return _OIDS.get(algorithm.name) or _FAMILY_OIDS.get(algorithm.family)


_NIST = "2.16.840.1.101.3.4"
_AES_OIDS = {
    f"AES-{bits}-{mode}": f"{_NIST}.1.{base + offset}"
    for bits, base in ((128, 0), (192, 20), (256, 40))
    for mode, offset in (("ECB", 1), ("CBC", 2), ("OFB", 3), ("CFB", 4), ("WRAP", 5), ("GCM", 6), ("CCM", 7))
}
_OIDS = {
    **_AES_OIDS,
    "MD4": "1.2.840.113549.2.4",
    "MD5": "1.2.840.113549.2.5",
    "SHA-1": "1.3.14.3.2.26",
    "SHA-224": f"{_NIST}.2.4",
    "SHA-256": f"{_NIST}.2.1",
    "SHA-384": f"{_NIST}.2.2",
    "SHA-512": f"{_NIST}.2.3",
    "SHA-512/224": f"{_NIST}.2.5",
    "SHA-512/256": f"{_NIST}.2.6",
    "SHA3-224": f"{_NIST}.2.7",
    "SHA3-256": f"{_NIST}.2.8",
    "SHA3-384": f"{_NIST}.2.9",
    "SHA3-512": f"{_NIST}.2.10",
    "SHAKE128": f"{_NIST}.2.11",
    "SHAKE256": f"{_NIST}.2.12",
    "HMAC-SHA-1": "1.2.840.113549.2.7",
    "HMAC-SHA-224": "1.2.840.113549.2.8",
    "HMAC-SHA-256": "1.2.840.113549.2.9",
    "HMAC-SHA-384": "1.2.840.113549.2.10",
    "HMAC-SHA-512": "1.2.840.113549.2.11",
    "ML-KEM-512": f"{_NIST}.4.1",
    "ML-KEM-768": f"{_NIST}.4.2",
    "ML-KEM-1024": f"{_NIST}.4.3",
    "ML-DSA-44": f"{_NIST}.3.17",
    "ML-DSA-65": f"{_NIST}.3.18",
    "ML-DSA-87": f"{_NIST}.3.19",
    "X25519": "1.3.101.110",
    "X448": "1.3.101.111",
    "Ed25519": "1.3.101.112",
    "Ed448": "1.3.101.113",
    "DES-CBC": "1.3.14.3.2.7",
    "3DES-CBC": "1.2.840.113549.3.7",
    "RC4": "1.2.840.113549.3.4",
    "ChaCha20-Poly1305": "1.2.840.113549.1.9.16.3.18",
}
# Families whose key algorithm has one identifier whatever the size (the SubjectPublicKeyInfo one).
_FAMILY_OIDS = {
    "RSA": "1.2.840.113549.1.1.1",
    "DSA": "1.2.840.10040.4.1",
    "DH": "1.2.840.113549.1.3.1",
    "EC": "1.2.840.10045.2.1",
    "ECDSA": "1.2.840.10045.2.1",
    "ECDH": "1.3.132.1.12",
    "PBKDF2": "1.2.840.113549.1.5.12",
    "scrypt": "1.3.6.1.4.1.11591.4.11",
}


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
    referenced = _referenced(components)
    findings: list[Finding] = []
    for component in components:
        asset = _imported_asset(component, by_ref)
        occurrences = component.get("evidence", {}).get("occurrences")
        if asset is None or (not occurrences and component.get("bom-ref") in referenced):
            continue
        asset_type, algorithm, details = asset
        occurrences = occurrences or [{}]
        for occurrence in occurrences:
            findings.append(
                Finding(
                    asset_type=asset_type,
                    algorithm=algorithm,
                    path=occurrence.get("location") or f"{name}#{component.get('bom-ref', component['name'])}",
                    line=occurrence.get("line") or 1,
                    column=occurrence.get("offset") or 1,
                    evidence=redact_text((occurrence.get("additionalContext") or "")[:160]),
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


def _referenced(components: list[dict[str, Any]]) -> set[str]:
    """Refs that certificates and keys point to: a certificate's key and signature algorithm are part of the
    certificate, not assets found on their own (unless they were seen somewhere themselves)."""
    refs = set()
    for component in components:
        crypto = component.get("cryptoProperties", {})
        certificate = crypto.get("certificateProperties", {})
        material = crypto.get("relatedCryptoMaterialProperties", {})
        refs.update(
            ref
            for ref in (
                certificate.get("signatureAlgorithmRef"),
                certificate.get("subjectPublicKeyRef"),
                material.get("algorithmRef"),
            )
            if ref
        )
    return refs


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
        # Without a reference the name is all there is: ours reads "<algorithm> <kind of material>".
        algorithm = _imported_algorithm(key) if key else unknown(component["name"].rsplit(" ", 1)[0])
        return asset_type, algorithm, (("material", material.get("type", "unknown")),)
    return asset_type, _imported_algorithm(component), ()


def _imported_algorithm(component: dict[str, Any]) -> Algorithm:
    """Reclassify by our own tables when the name or properties say which algorithm it is; else unknown."""
    properties = component.get("cryptoProperties", {}).get("algorithmProperties", {})
    parsed = parse_name(component["name"])
    family = next((p.get("value") for p in component.get("properties", []) if p.get("name") == "qtqms:family"), None)
    if (parsed is None or not parsed.known) and family:
        # Our own CBOM names the family: a hybrid group or a name our parser does not read still comes back
        # as the asset the scan judged.
        return classify(
            family,
            properties.get("curve") or properties.get("parameterSetIdentifier"),
            mode=properties.get("mode") if properties.get("mode") not in {None, "other", "unknown"} else None,
            padding=properties.get("padding") if properties.get("padding") not in {None, "other"} else None,
            name=component["name"],
        )
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
