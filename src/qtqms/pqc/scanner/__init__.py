"""The crypto scanner engine: find the cryptography in a tree, judge it against a policy pack, write it as a
CBOM or SARIF. No database, no web, no command line: the pqc slice and anyone else use it through the names
below and never its inner modules (import-linter holds both: see `.importlinter`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qtqms.pqc.scanner.algorithms import (
    VERDICT_SEVERITY,
    Algorithm,
    AssetType,
    Confidence,
    Finding,
    Primitive,
    Verdict,
    classify,
)
from qtqms.pqc.scanner.cbom import build_bom, cbom_findings, import_cbom, to_json, write_cbom
from qtqms.pqc.scanner.policy import (
    PACKS_DIR,
    Assessment,
    PolicyPack,
    evaluate,
    fails,
    load_pack,
    policy_from,
    policy_problems,
    shipped_pack_ids,
)
from qtqms.pqc.scanner.replacements import ReplacementTable, table_from, table_problems
from qtqms.pqc.scanner.sarif import to_sarif

if TYPE_CHECKING:
    from qtqms.pqc.scanner.engine import Scanner, ScanOptions, default_jobs, scan

# The scanning machinery (parsers, rules, matchers: about 0.1 s of imports) loads on first use, so that the
# web app and the database commands, which read findings but never scan, do not pay for it at start-up.
_ENGINE_NAMES = frozenset({"Scanner", "ScanOptions", "default_jobs", "scan"})


def __getattr__(name: str) -> Any:
    if name in _ENGINE_NAMES:
        from qtqms.pqc.scanner import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PACKS_DIR",
    "VERDICT_SEVERITY",
    "Algorithm",
    "Assessment",
    "AssetType",
    "Confidence",
    "Finding",
    "PolicyPack",
    "Primitive",
    "ReplacementTable",
    "ScanOptions",
    "Scanner",
    "Verdict",
    "build_bom",
    "cbom_findings",
    "classify",
    "default_jobs",
    "evaluate",
    "fails",
    "import_cbom",
    "load_pack",
    "policy_from",
    "policy_problems",
    "scan",
    "shipped_pack_ids",
    "table_from",
    "table_problems",
    "to_json",
    "to_sarif",
    "write_cbom",
]
