"""`qtqms pqc scan` and `qtqms pqc policy`: the engine's commands, which need no database.

Only `scan --record` stores anything (see `record`).
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qtqms.kernel import clock
from qtqms.kit.cli.output import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, JSON_OPTION, Table, emit, fail, print_table
from qtqms.pqc.cli.record import Target, record_findings

if TYPE_CHECKING:
    from qtqms.pqc.scanner import Assessment, Finding, PolicyPack

policy_app = typer.Typer(no_args_is_help=True, help="Crypto policy packs (NIST IR 8547, CNSA 2.0, EU roadmap).")

FAIL_LEVELS = ("deprecated", "disallowed", "unknown")
CBOM_VERSIONS = ("1.6", "1.7")  # as the engine writes them (checked against it in tests/pqc/test_cbom_contents.py)
_PROGRESS_INTERVAL = 0.1  # seconds between redraws of the progress line

PolicyOption = Annotated[
    str | None, typer.Option("--policy", help="Policy pack id (see `qtqms pqc policy list`) or path to a pack file.")
]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Judge as of this date (YYYY-MM-DD; default today).")]
CategoryOption = Annotated[
    str | None, typer.Option("--category", help="Category of the pack's dated milestones (e.g. web-cloud, high-risk).")
]
ProductOption = Annotated[str | None, typer.Option("--product", help="Product key (e.g. QKD-LINK).")]
SystemOption = Annotated[
    str | None, typer.Option("--system", help="System of the product (default: the scanned folder's name).")
]
FailOnOption = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when any asset's verdict is this or worse: deprecated < disallowed < unknown (needs --policy).",
    ),
]


def scan(
    path: Annotated[Path, typer.Argument(help="File or directory to scan.")],
    as_json: bool = JSON_OPTION,
    cbom: Annotated[Path | None, typer.Option("--cbom", help="Write a CycloneDX CBOM to this file.")] = None,
    cbom_version: Annotated[
        str, typer.Option("--cbom-version", help="CycloneDX version of the --cbom file: 1.6 or 1.7.")
    ] = "1.6",
    sarif: Annotated[Path | None, typer.Option("--sarif", help="Write SARIF 2.1.0 to this file.")] = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    category: CategoryOption = None,
    fail_on: FailOnOption = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Gitignore-style pattern to skip (repeatable).")
    ] = None,
    no_gitignore: Annotated[bool, typer.Option("--no-gitignore", help="Scan files .gitignore excludes.")] = False,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Follow symbolic links.")] = False,
    max_file_size: Annotated[int, typer.Option("--max-file-size", help="Skip files larger than this (bytes).")] = (
        8 * 1024 * 1024
    ),
    matcher: Annotated[str, typer.Option("--matcher", help="auto, hyperscan or aho-corasick.")] = "auto",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Worker processes (default: one per CPU; 1 scans in this process)."),
    ] = None,
    product: ProductOption = None,
    system: SystemOption = None,
    record: Annotated[
        bool, typer.Option("--record", help="Store the inventory as a scan of --product/--system in the database.")
    ] = False,
    show_literals: Annotated[
        bool,
        typer.Option(
            "--show-literals",
            help="Keep string literals in evidence excerpts (default: redacted; key material never shown).",
        ),
    ] = False,
) -> None:
    """Inventory the cryptography in source code, manifests, certificates, keys and TLS/SSH configuration."""
    from qtqms.pqc.scanner import Scanner, ScanOptions, default_jobs

    if record and not product:
        fail("--record needs --product: a scan is stored as a scan of one product's system", EXIT_BAD_INPUT)
    pack, day, threshold = policy_arguments(policy, as_of, fail_on)
    if not path.exists():
        fail(f"{path}: no such file or directory", EXIT_BAD_INPUT)
    if matcher not in {"auto", "hyperscan", "aho-corasick"}:
        fail(f"--matcher: unknown matcher '{matcher}' (choose auto, hyperscan or aho-corasick)", EXIT_BAD_INPUT)
    if cbom_version not in CBOM_VERSIONS:
        fail(f"--cbom-version: '{cbom_version}' is not one of {', '.join(CBOM_VERSIONS)}", EXIT_BAD_INPUT)
    if jobs is not None and jobs < 1:
        fail(f"--jobs: must be 1 or more, not {jobs}", EXIT_BAD_INPUT)
    options = ScanOptions(
        excludes=tuple(exclude or ()),
        respect_gitignore=not no_gitignore,
        follow_symlinks=follow_symlinks,
        max_file_size=max_file_size,
        matcher=matcher,
        jobs=jobs or default_jobs(),
        show_literals=show_literals,
    )
    scanner = Scanner(options)
    findings = _collect(scanner, path, show_progress=not as_json and sys.stderr.isatty())
    assessments = _assess(findings, pack, day, category)
    subject = path.resolve().name or str(path)
    if cbom is not None:
        from qtqms.pqc.scanner import write_cbom

        write_cbom(
            cbom,
            findings,
            version=cbom_version,
            subject=subject,
            assessments=assessments,
            policy_id=pack.id if pack else None,
        )
    if sarif is not None:
        _write_sarif(sarif, path, findings, assessments, pack, day)
    emit(
        _scan_document(findings, scanner, pack, day, assessments),
        as_json,
        lambda: _print_inventory(findings, assessments, pack),
        lambda: _print_summary(scanner, scanner.matcher.name),
    )
    if record:
        assert product is not None
        target = Target(product, system or subject, policy, as_of_day(as_of), category)
        record_findings(target, findings, "scanner", str(path), scanner.summary.to_dict(), quiet=as_json)
    _check(assessments, pack, day, threshold)


def _write_sarif(
    out: Path, path: Path, findings: list[Finding], assessments: list[Assessment], pack: PolicyPack | None, day: date
) -> None:
    import json

    from qtqms.pqc.packs import replacements
    from qtqms.pqc.scanner import to_sarif

    document = to_sarif(
        findings,
        assessments,
        pack.id if pack else None,
        source_root=path if path.is_dir() else path.parent,
        replacements=replacements(),
        as_of=day if pack else None,
    )
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def policy_arguments(policy: str | None, as_of: str | None, fail_on: str | None) -> tuple[Any, date, Any]:
    """The pack, the day and the `--fail-on` threshold the options name; a bad one exits 2 naming its option."""
    from qtqms.pqc.packs import policy as load_pack
    from qtqms.pqc.scanner import Verdict

    if fail_on is not None and fail_on not in FAIL_LEVELS:
        fail(f"--fail-on: '{fail_on}' is not one of {', '.join(FAIL_LEVELS)}", EXIT_BAD_INPUT)
    if fail_on is not None and policy is None:
        fail("--fail-on needs --policy: without a policy nothing can be judged compliant", EXIT_BAD_INPUT)
    pack = load_pack(policy) if policy else None
    return pack, as_of_day(as_of) or clock.today(), Verdict(fail_on) if fail_on else None


def as_of_day(as_of: str | None) -> date | None:
    """The `--as-of` day, or None when not given; a day that is not YYYY-MM-DD exits 2."""
    from qtqms.kernel.errors import InvalidInput
    from qtqms.pqc.domain import parse_day

    try:
        return parse_day(as_of or "", "--as-of")
    except InvalidInput as error:
        fail(error.message, EXIT_BAD_INPUT)


def _collect(scanner: Any, path: Path, show_progress: bool) -> list[Finding]:
    if not show_progress:
        return list(scanner.scan(path))
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    # Refreshed from here rather than by Rich's timer thread: scan workers are forked, and forking a process
    # that runs other threads can leave a lock held for good in the child.
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    ) as progress:
        task = progress.add_task("scanning", total=None)
        shown = [0.0]

        def on_file(relative: str, scanned_bytes: int) -> None:
            files = scanner.summary.files_scanned
            progress.update(task, description=f"{files} files, {scanned_bytes / 1e6:.1f} MB: {relative[-60:]}")
            if time.monotonic() - shown[0] > _PROGRESS_INTERVAL:
                progress.refresh()
                shown[0] = time.monotonic()

        return list(scanner.scan(path, on_file=on_file))


def _assess(findings: list[Finding], pack: PolicyPack | None, day: date, category: str | None) -> list[Assessment]:
    if pack is None:
        return []
    from qtqms.pqc.scanner import evaluate

    return list(evaluate(findings, pack, day, category))


def _scan_document(
    findings: list[Finding], scanner: Any, pack: PolicyPack | None, day: date, assessments: list[Assessment]
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "summary": {
            **scanner.summary.to_dict(),
            "matcher": scanner.matcher.name,
            "rule_packs": list(scanner.rule_packs.packs),
        },
        "findings": [f.to_dict() for f in findings],
    }
    document["policy"] = _policy_result(pack, day, assessments)
    return document


def _policy_result(pack: PolicyPack | None, day: date, assessments: list[Assessment]) -> dict[str, Any] | None:
    """Verdict counts; `compliant` is true only when a policy judged every asset allowed."""
    if pack is None:
        return None
    from collections import Counter

    from qtqms.pqc.scanner import Verdict

    counts = Counter(a.verdict.value for a in assessments)
    return {
        **pack.summary(),
        "as_of": day.isoformat(),
        "verdicts": dict(sorted(counts.items())),
        "compliant": all(a.verdict is Verdict.ALLOWED for a in assessments),
        "assessments": [a.to_dict() for a in assessments],
    }


def _print_inventory(findings: list[Finding], assessments: list[Assessment], pack: PolicyPack | None) -> None:
    verdicts = {(a.finding.path, a.finding.line, a.finding.label): a for a in assessments}
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.asset_type.value, finding.label), []).append(finding)
    columns = ["Asset", "Type", "Primitive", "Quantum-vulnerable", "Occurrences", "First seen"]
    if pack is not None:
        columns.append(f"Verdict ({pack.id})")
    rows = []
    for (asset_type, label), group in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1])):
        first = group[0]
        vulnerable = {True: "yes", False: "no", None: "n/a"}[first.algorithm.quantum_vulnerable]
        row = [label, asset_type, first.algorithm.primitive.value, vulnerable, len(group), f"{first.path}:{first.line}"]
        if pack is not None:
            row.append(_verdict_text(verdicts.get((first.path, first.line, first.label))))
        rows.append(row)
    print_table(f"Crypto inventory: {len(findings)} findings, {len(groups)} assets", columns, rows)


def _verdict_text(assessment: Assessment | None) -> str:
    if assessment is None:
        return "not judged (library)"
    text = assessment.verdict.value
    if assessment.disallowed_from and assessment.verdict.value == "deprecated":
        text += f" (disallowed from {assessment.disallowed_from.isoformat()})"
    if assessment.verify:
        text += " [verify]"
    return text


def _print_summary(scanner: Any, matcher_name: str) -> None:
    summary = scanner.summary
    skipped = ", ".join(f"{count} {reason}" for reason, count in sorted(summary.skipped.items())) or "none"
    typer.echo(
        f"Scanned {summary.files_scanned} files ({summary.bytes_scanned / 1e6:.1f} MB) with {matcher_name}; "
        f"skipped: {skipped}."
    )
    for path, reason in summary.problems[:20]:
        typer.echo(f"  {reason}: {path}")


def _check(assessments: list[Assessment], pack: PolicyPack | None, day: date, threshold: Any) -> None:
    if threshold is None or pack is None:
        return
    from collections import Counter

    from qtqms.pqc.scanner import fails

    if fails(assessments, threshold):
        counts = Counter(a.verdict.value for a in assessments if a.verdict.value != "allowed")
        listed = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
        fail(
            f"policy {pack.id} not met as of {day.isoformat()} (--fail-on {threshold.value}): {listed}",
            EXIT_CHECK_FAILED,
        )


@policy_app.command("list")
def policy_list(as_json: bool = JSON_OPTION) -> None:
    """Shipped policy packs with their version, source and when they were last verified."""
    from qtqms.pqc.packs import policies

    packs = [pack.summary() for pack in policies()]
    rows = [[p["id"], p["version"], p["verified_on"], p["title"]] for p in packs]
    emit(packs, as_json, Table("Policy packs", ["Id", "Version", "Verified on", "Title"], rows))


@policy_app.command("show")
def policy_show(pack_id: Annotated[str, typer.Argument(help="Pack id or path.")], as_json: bool = JSON_OPTION) -> None:
    """A pack's rules, categories and milestones."""
    from qtqms.pqc.packs import policy

    pack = policy(pack_id)
    document = {**pack.summary(), **{k: v for k, v in pack.data.items() if k not in {"id", "title", "version"}}}
    rows = [[r.id, _rule_outcome(r), r.label] for r in pack.rules]
    emit(
        document,
        as_json,
        f"{pack.title}\n  version {pack.version}; source: {pack.source}; verified on {pack.verified_on}",
        *(f"  note: {note}" for note in pack.data.get("notes", [])),
        *(f"  {milestone['date']}: {milestone['label']}" for milestone in pack.data.get("milestones", [])),
        *(_category_line(pack, name, category) for name, category in pack.categories.items()),
        Table(f"Rules of {pack.id}", ["Rule", "Outcome", "Applies to"], rows),
    )


def _category_line(pack: Any, name: str, category: dict[str, Any]) -> str:
    default = " (default)" if name == pack.data.get("default_category") else ""
    end = category.get("disallowed_from")
    until = f"disallowed from {end}" if end else "no hard end date (deprecated, never disallowed)"
    return f"  category {name}{default}: {category['label']}, {until}"


def _rule_outcome(rule: Any) -> str:
    mark = " [verify]" if rule.verify else ""
    if rule.verdict is not None:
        return rule.verdict.value + mark
    parts = []
    if rule.deprecated_from:
        parts.append(f"deprecated from {rule.deprecated_from}")
    if rule.disallowed_from:
        parts.append(f"disallowed from {rule.disallowed_from}")
    return "; ".join(parts) + mark


@policy_app.command("evaluate")
def policy_evaluate(
    cbom_file: Annotated[Path, typer.Argument(help="CycloneDX 1.6/1.7 CBOM (JSON), ours or a third party's.")],
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    category: CategoryOption = None,
    fail_on: FailOnOption = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """Judge the assets of an existing CBOM against a policy pack."""
    from qtqms.pqc.scanner import import_cbom

    if policy is None:
        fail("--policy is required: without a policy nothing can be judged", EXIT_BAD_INPUT)
    pack, day, threshold = policy_arguments(policy, as_of, fail_on)
    findings = import_cbom(cbom_file)
    assessments = _assess(findings, pack, day, category)
    rows = [
        [a.finding.label, f"{a.finding.path}:{a.finding.line}", _verdict_text(a), a.rule_id or "-"] for a in assessments
    ]
    emit(
        _policy_result(pack, day, assessments),
        as_json,
        Table(f"{pack.id} as of {day.isoformat()}", ["Asset", "Where", "Verdict", "Rule"], rows),
    )
    _check(assessments, pack, day, threshold)
