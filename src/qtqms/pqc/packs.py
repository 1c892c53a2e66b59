"""The scanner engine's data as pack kinds: crypto policies and the table of suggested replacements.

The engine knows nothing of the toolkit (see `.importlinter`), so the slice declares its kinds here and reads
the shipped ones through the pack registry's cache; the engine checks and builds each document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qtqms.kernel.datapack import ParsedDocument
from qtqms.kit import packs as registry
from qtqms.kit.packs import Checked, Known, PackKind
from qtqms.pqc.scanner import (
    PolicyPack,
    ReplacementTable,
    load_pack,
    policy_from,
    policy_problems,
    table_from,
    table_problems,
)


def _check_policy(document: ParsedDocument, known: Known) -> Checked:
    problems = policy_problems(document)
    return Checked(None if problems else policy_from(document), tuple(problems))


def _check_replacements(document: ParsedDocument, known: Known) -> Checked:
    problems = table_problems(document)
    return Checked(None if problems else table_from(document), tuple(problems))


def _without_kind(field: str) -> Callable[[Any], bool]:
    """Policies and replacement tables carry no `kind`; each is told by the list it holds."""
    return lambda data: isinstance(data, dict) and "kind" not in data and field in data


CRYPTO_POLICY = PackKind(
    "crypto-policy",
    "pqc",
    "qtqms.pqc.scanner:packs/policy-pack.schema.json",
    ("qtqms.pqc.scanner:packs",),
    _check_policy,
    recognise=_without_kind("rules"),
)
REPLACEMENTS = PackKind(
    "replacements",
    "pqc",
    "qtqms.pqc.scanner:replacements.schema.json",
    ("qtqms.pqc.scanner:replacements.yaml",),
    _check_replacements,
    recognise=_without_kind("entries"),
)


def policies() -> list[PolicyPack]:
    """The shipped crypto policies, by id."""
    return [pack.value for pack in sorted(registry.shipped(CRYPTO_POLICY), key=lambda p: p.summary.id)]


def policy_ids() -> tuple[str, ...]:
    return tuple(pack.id for pack in policies())


def policy(reference: str) -> PolicyPack:
    """A shipped policy by id (read once a process), or a pack file of the user's own by path (read each time:
    it may have been edited)."""
    found = registry.shipped_by_id(CRYPTO_POLICY).get(reference)
    return found if found is not None else load_pack(reference)


def replacements() -> ReplacementTable:
    """The shipped table of suggested replacements."""
    (table,) = registry.shipped_by_id(REPLACEMENTS).values()
    return table
