"""`qtqms pqc`: scan a tree for cryptography, write CBOM/SARIF, judge it against a policy pack."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qtqms.kernel import clock
from qtqms.kit.cli.output import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, JSON_OPTION, fail, print_json, print_table

if TYPE_CHECKING:
    from qtqms.pqc.domain import Finding
    from qtqms.pqc.policy import Assessment, PolicyPack

app = typer.Typer(no_args_is_help=True, help="Post-quantum readiness: crypto inventory, CBOM and policy packs.")
policy_app = typer.Typer(no_args_is_help=True, help="Crypto policy packs (NIST IR 8547, CNSA 2.0, EU roadmap).")
app.add_typer(policy_app, name="policy")

FAIL_LEVELS = ("deprecated", "disallowed", "unknown")
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


@app.command()
def scan(
    path: Annotated[Path, typer.Argument(help="File or directory to scan.")],
    as_json: bool = JSON_OPTION,
    cbom: Annotated[Path | None, typer.Option("--cbom", help="Write a CycloneDX 1.6 CBOM to this file.")] = None,
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
) -> None:
    """Inventory the cryptography in source code, manifests, certificates, keys and TLS/SSH configuration."""
    from qtqms.pqc.scanner import Scanner, ScanOptions, default_jobs

    if record and not product:
        fail("--record needs --product: a scan is stored as a scan of one product's system", EXIT_BAD_INPUT)
    pack, day, threshold = _policy_arguments(policy, as_of, fail_on)
    if not path.exists():
        fail(f"{path}: no such file or directory", EXIT_BAD_INPUT)
    if matcher not in {"auto", "hyperscan", "aho-corasick"}:
        fail(f"--matcher: unknown matcher '{matcher}' (choose auto, hyperscan or aho-corasick)", EXIT_BAD_INPUT)
    if jobs is not None and jobs < 1:
        fail(f"--jobs: must be 1 or more, not {jobs}", EXIT_BAD_INPUT)
    options = ScanOptions(
        excludes=tuple(exclude or ()),
        respect_gitignore=not no_gitignore,
        follow_symlinks=follow_symlinks,
        max_file_size=max_file_size,
        matcher=matcher,
        jobs=jobs or default_jobs(),
    )
    scanner = Scanner(options)
    findings = _collect(scanner, path, show_progress=not as_json and sys.stderr.isatty())
    assessments = _assess(findings, pack, day, category)
    subject = path.resolve().name or str(path)
    if cbom is not None:
        from qtqms.pqc.cbom import write_cbom

        write_cbom(cbom, findings, subject=subject, assessments=assessments, policy_id=pack.id if pack else None)
    if sarif is not None:
        import json

        from qtqms.pqc.sarif import to_sarif

        document = to_sarif(findings, assessments, pack.id if pack else None)
        sarif.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if as_json:
        print_json(_scan_document(findings, scanner, pack, day, assessments))
    else:
        _print_inventory(findings, assessments, pack)
        _print_summary(scanner, scanner.matcher.name)
    if record:
        assert product is not None
        target = _Target(product, system or subject, policy, as_of, category)
        _record(target, findings, "scanner", str(path), scanner.summary.to_dict(), quiet=as_json)
    _check(assessments, pack, day, threshold)


def _policy_arguments(policy: str | None, as_of: str | None, fail_on: str | None) -> tuple[Any, date, Any]:
    from qtqms.pqc.domain import Verdict
    from qtqms.pqc.policy import load_pack

    if fail_on is not None and fail_on not in FAIL_LEVELS:
        fail(f"--fail-on: '{fail_on}' is not one of {', '.join(FAIL_LEVELS)}", EXIT_BAD_INPUT)
    if fail_on is not None and policy is None:
        fail("--fail-on needs --policy: without a policy nothing can be judged compliant", EXIT_BAD_INPUT)
    pack = load_pack(policy) if policy else None
    return pack, _day(as_of) or clock.today(), Verdict(fail_on) if fail_on else None


def _day(as_of: str | None) -> date | None:
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
    from qtqms.pqc.policy import evaluate

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

    from qtqms.pqc.domain import Verdict

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

    from qtqms.pqc.policy import fails

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
    from qtqms.pqc.policy import list_packs

    packs = [pack.summary() for pack in list_packs()]
    if as_json:
        print_json(packs)
        return
    rows = [[p["id"], p["version"], p["verified_on"], p["title"]] for p in packs]
    print_table("Policy packs", ["Id", "Version", "Verified on", "Title"], rows)


@policy_app.command("show")
def policy_show(pack_id: Annotated[str, typer.Argument(help="Pack id or path.")], as_json: bool = JSON_OPTION) -> None:
    """A pack's rules, categories and milestones."""
    from qtqms.pqc.policy import load_pack

    pack = load_pack(pack_id)
    if as_json:
        print_json({**pack.summary(), **{k: v for k, v in pack.data.items() if k not in {"id", "title", "version"}}})
        return
    typer.echo(f"{pack.title}\n  version {pack.version}; source: {pack.source}; verified on {pack.verified_on}")
    for note in pack.data.get("notes", []):
        typer.echo(f"  note: {note}")
    for milestone in pack.data.get("milestones", []):
        typer.echo(f"  {milestone['date']}: {milestone['label']}")
    for name, category in pack.categories.items():
        default = " (default)" if name == pack.data.get("default_category") else ""
        typer.echo(f"  category {name}{default}: {category['label']}, disallowed from {category['disallowed_from']}")
    rows = [[r.id, _rule_outcome(r), r.label] for r in pack.rules]
    print_table(f"Rules of {pack.id}", ["Rule", "Outcome", "Applies to"], rows)


def _rule_outcome(rule: Any) -> str:
    if rule.verdict is not None:
        return rule.verdict.value
    parts = []
    if rule.deprecated_from:
        parts.append(f"deprecated from {rule.deprecated_from}")
    if rule.disallowed_from:
        parts.append(f"disallowed from {rule.disallowed_from}")
    return "; ".join(parts)


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
    from qtqms.pqc.cbom import import_cbom

    if policy is None:
        fail("--policy is required: without a policy nothing can be judged", EXIT_BAD_INPUT)
    pack, day, threshold = _policy_arguments(policy, as_of, fail_on)
    findings = import_cbom(cbom_file)
    assessments = _assess(findings, pack, day, category)
    if as_json:
        print_json(_policy_result(pack, day, assessments))
    else:
        rows = [
            [a.finding.label, f"{a.finding.path}:{a.finding.line}", _verdict_text(a), a.rule_id or "-"]
            for a in assessments
        ]
        print_table(f"{pack.id} as of {day.isoformat()}", ["Asset", "Where", "Verdict", "Rule"], rows)
    _check(assessments, pack, day, threshold)


# ---------- the inventory inside the QMS (needs the database) ----------

migrate_app = typer.Typer(no_args_is_help=True, help="Migration plan: tasks, owners, deadlines and progress.")
app.add_typer(migrate_app, name="migrate")
GROUPS = ("algorithm", "verdict", "deadline")


@dataclass(frozen=True)
class _Target:
    product: str
    system: str
    policy: str | None
    as_of: str | None
    category: str | None


def _record(target: _Target, findings: list[Finding], source: str, ref: str, summary: dict, quiet: bool) -> None:
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    day = _day(target.as_of)
    with use_case(write=True) as (uow, actor):
        stored = service.record_scan(
            uow,
            actor,
            product=target.product,
            system=target.system,
            findings=findings,
            source=source,
            source_ref=ref,
            policy=target.policy or "nist-ir-8547",
            as_of=day,
            category=target.category,
            summary=summary,
        )
    message = f"Recorded scan {stored.id} of {stored.product}/{stored.system}: {stored.summary['assets']} assets."
    typer.echo(message, err=quiet)


@app.command("import")
def import_(
    cbom_file: Annotated[Path, typer.Argument(help="CycloneDX 1.6/1.7 CBOM (JSON) of a third party.")],
    product: Annotated[str, typer.Option("--product", help="Product key (e.g. QKD-LINK).")],
    system: Annotated[str, typer.Option("--system", help="System of the product the CBOM describes.")],
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    category: CategoryOption = None,
) -> None:
    """Store a third-party CBOM as a scan of a product's system (source: cbom-import)."""
    from qtqms.pqc.cbom import import_cbom

    _policy_arguments(policy, as_of, None)
    findings = import_cbom(cbom_file)
    _record(_Target(product, system, policy, as_of, category), findings, "cbom-import", cbom_file.name, {}, False)


@app.command("inventory")
def inventory(
    product: Annotated[str, typer.Argument(help="Product key.")],
    by: Annotated[str, typer.Option("--by", help="Group by algorithm, verdict or deadline.")] = "verdict",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge each asset as of this date instead: what breaks then.")
    ] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """A product's current inventory: the assets of each system's latest recorded scan."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    if by not in GROUPS:
        fail(f"--by: '{by}' is not one of {', '.join(GROUPS)}", EXIT_BAD_INPUT)
    day = _day(as_of)
    with use_case() as (uow, actor):
        data = service.get_inventory(uow, actor, product, day)
    if as_json:
        print_json(data.model_dump(mode="json"))
        return
    key = {
        "algorithm": lambda r: r.family,
        "verdict": lambda r: r.verdict or "not judged",
        "deadline": lambda r: r.deadline.isoformat() if r.deadline else "no deadline",
    }[by]
    rows = sorted(data.rows, key=lambda r: (key(r), r.label))
    columns = [by, "Asset", "System", "Verdict", "Deadline", "Occurrences", "Task"]
    table = [
        [key(r), r.label, r.system, r.verdict or "not judged", r.deadline, r.occurrences, r.task_status] for r in rows
    ]
    when = f" judged as of {day.isoformat()}" if day else ""
    print_table(f"Crypto inventory of {product}{when}: {len(rows)} assets", columns, table)


@app.command("diff")
def diff(
    scan_id: Annotated[int, typer.Argument(help="Scan id (see `qtqms pqc inventory --json`).")],
    against: Annotated[int | None, typer.Option("--against", help="Older scan (default: the previous one).")] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """Assets added, removed or judged differently since the system's previous scan."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    with use_case() as (uow, actor):
        result = service.diff_scan(uow, actor, scan_id, against)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    rows = [
        [kind, c.label, c.before, c.after] for kind in ("added", "removed", "changed") for c in getattr(result, kind)
    ]
    older = f"scan {result.older.id}" if result.older else "nothing (first scan)"
    print_table(
        f"Scan {result.newer.id} of {result.newer.system} against {older}", ["Change", "Asset", "Before", "After"], rows
    )


@migrate_app.command("plan")
def migrate_plan(
    product: Annotated[str, typer.Argument(help="Product key.")],
    owner: Annotated[str | None, typer.Option("--owner", help="Owner of the new tasks (default: you).")] = None,
) -> None:
    """Create a task for every asset the policy deprecates, disallows or cannot judge."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    with use_case(write=True) as (uow, actor):
        created = service.plan_migration(uow, actor, product, owner=owner)
    typer.echo(f"Planned {len(created)} new task(s) for {product}.")


@migrate_app.command("list")
def migrate_list(product: Annotated[str, typer.Argument(help="Product key.")], as_json: bool = JSON_OPTION) -> None:
    """A product's migration tasks and its progress, soonest deadline first."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    with use_case() as (uow, actor):
        tasks = service.list_tasks(uow, actor, product)
        progress = service.get_progress(uow, actor, product)
    if as_json:
        print_json({"progress": progress.model_dump(mode="json"), "tasks": [t.model_dump(mode="json") for t in tasks]})
        return
    rows = [
        [
            t.id,
            t.system,
            t.asset_label,
            t.replacement,
            t.owner,
            t.deadline,
            t.status.value + (" OVERDUE" if t.overdue else ""),
        ]
        for t in tasks
    ]
    print_table(
        f"Migration plan of {product}", ["Id", "System", "Asset", "Replace with", "Owner", "Deadline", "Status"], rows
    )
    years = "unknown" if progress.migration_years is None else f"{progress.migration_years} years"
    typer.echo(
        f"{progress.done} of {progress.total} done ({progress.percent}%), {progress.overdue} overdue; y = {years}."
    )


@migrate_app.command("update")
def migrate_update(
    task_id: Annotated[int, typer.Argument(help="Task id (see `qtqms pqc migrate list`).")],
    status: Annotated[str | None, typer.Option("--status", help="open, in_progress or done.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="New owner's username.")] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help="New deadline (YYYY-MM-DD).")] = None,
    replacement: Annotated[str | None, typer.Option("--replacement", help="What replaces the asset.")] = None,
    effort: Annotated[float | None, typer.Option("--effort", help="Estimated effort in person-days.")] = None,
) -> None:
    """Change a migration task's status, owner, deadline, replacement or effort."""
    from pydantic import ValidationError

    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service
    from qtqms.pqc.schemas import TaskUpdate

    given = {"status": status, "owner": owner, "deadline": deadline, "replacement": replacement, "effort_days": effort}
    try:
        data = TaskUpdate(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as error:
        first = error.errors()[0]
        fail(f"--{'-'.join(map(str, first['loc']))}: {first['msg']}", EXIT_BAD_INPUT)
    with use_case(write=True) as (uow, actor):
        task = service.update_task(uow, actor, task_id, data)
    typer.echo(f"Task {task.id} ({task.asset_label}): {task.status.value}, owner {task.owner}, due {task.deadline}.")
