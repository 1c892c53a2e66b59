"""Crypto-scanner throughput and peak memory on a generated ≥500 MB source tree, against ripgrep on the same anchors.

Run: `python -m benchmarks bench_pqc_scan` (or this file with --size-mb / --tree / --crypto-share / --runs / --jobs).
The tree is generated once and reused. Each engine runs in a fresh child process; the engines take turns,
round after round, so that load from other work on the machine falls on all of them alike, and the best
and median wall time of each are reported, with their CPU time and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import machine

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "pqc" / "corpus"
LANGUAGES = {"python": ".py", "java": ".java", "go": ".go", "c": ".c", "javascript": ".ts", "rust": ".rs"}
FILE_BYTES = 64 * 1024
_WORDS = [
    "account",
    "balance",
    "buffer",
    "cache",
    "config",
    "counter",
    "cursor",
    "detector",
    "device",
    "event",
    "frame",
    "gate",
    "handler",
    "index",
    "item",
    "ledger",
    "limit",
    "matrix",
    "measure",
    "metric",
    "node",
    "offset",
    "packet",
    "payload",
    "queue",
    "record",
    "region",
    "report",
    "result",
    "sample",
    "sensor",
    "series",
    "signal",
    "state",
    "stream",
    "table",
    "task",
    "timer",
    "token",
    "trace",
    "value",
    "vector",
    "window",
    "worker",
]

TREE_VERSION = 2  # 2: Python filler lines are module-level statements, so Python files parse (v1's did not)
CHILD = """
import json, sys, time
from qtqms.pqc.scanner import ScanOptions, Scanner
started = time.perf_counter()
scanner = Scanner(ScanOptions(matcher=sys.argv[2], jobs=int(sys.argv[3])))
ready = time.perf_counter()
findings = sum(1 for _ in scanner.scan(sys.argv[1]))
done = time.perf_counter()
print(json.dumps({"findings": findings, "files": scanner.summary.files_scanned, "bytes": scanner.summary.bytes_scanned,
                  "setup_s": ready - started, "scan_s": done - ready, "matcher": scanner.matcher.name}))
"""


def _plain_line(rng: random.Random, language: str) -> str:
    a, b, c = rng.sample(_WORDS, 3)
    number = rng.randrange(1000)
    if language == "python":  # module level: the file must parse for its crypto to be analysed
        return f"{a}_{b} = compute_{c}({a}, {number})  # update the {b}\n"
    if language == "go":
        return f"\t{a}{b.title()} := compute{c.title()}({a}, {number}) // update the {b}\n"
    if language == "rust":
        return f"    let {a}_{b} = compute_{c}(&{a}, {number}); // update the {b}\n"
    return f"    int {a}_{b} = compute_{c}({a}, {number}); /* update the {b} */\n"


def _crypto_snippets() -> dict[str, list[str]]:
    """Realistic crypto code per language, taken from the labelled corpus."""
    return {
        language: [
            f.read_text("utf-8").rstrip("\n") + "\n" for f in sorted((CORPUS / language).iterdir()) if f.is_file()
        ]
        for language in LANGUAGES
    }


def generate(root: Path, size_mb: int, crypto_share: float, seed: int = 7) -> None:
    """`size_mb` of source in 64 KiB files over six languages; `crypto_share` of the files use crypto."""
    marker = root / ".bench-tree.json"
    wanted = {"size_mb": size_mb, "crypto_share": crypto_share, "seed": seed, "version": TREE_VERSION}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed)
    snippets = _crypto_snippets()
    pools = {lang: [_plain_line(rng, lang) for _ in range(4000)] for lang in LANGUAGES}
    count = size_mb * 1024 * 1024 // FILE_BYTES
    for index in range(count):
        language = rng.choice(list(LANGUAGES))
        lines = rng.choices(pools[language], k=FILE_BYTES // 60)
        if rng.random() < crypto_share and snippets[language]:
            lines.insert(rng.randrange(len(lines)), rng.choice(snippets[language]))
        path = root / f"module{index % 97:02d}" / f"pkg{index % 13}" / f"file{index}{LANGUAGES[language]}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(lines), encoding="utf-8")
    marker.write_text(json.dumps(wanted))


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and p.name != ".bench-tree.json")


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the program and every process it started
    peak_mb: int
    output: str


def run_child(command: list[str]) -> Run:
    """Run a program once, with its peak RSS in MB counting its worker processes.

    Each process's peak is its VmHWM, sampled from /proc while it runs (unlike ru_maxrss, VmHWM starts afresh
    at exec, so it does not count the benchmark process the child was forked from); the figure is the sum of
    the peaks, an upper bound: forked workers share pages with their parent and reach their peaks at
    different moments. Scanner children get their bytecode cached, as an installed package has it.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_ENV)
    peaks: dict[int, int] = {}
    sampler = threading.Thread(target=_sample_peaks, args=(process, peaks), daemon=True)
    sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in (0, 1):  # ripgrep exits 1 when nothing matched
        raise RuntimeError(f"{command[0]} failed with exit code {process.returncode}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Run(elapsed, cpu, sum(peaks.values()) // 1024, output)


_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"} | {
    "PYTHONPYCACHEPREFIX": "/tmp/qtqms-bench-pycache"
}


def _sample_peaks(process: subprocess.Popen[str], peaks: dict[int, int]) -> None:
    while process.poll() is None:
        for pid in [process.pid, *_children(process.pid)]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
            except (OSError, ValueError):
                continue
        time.sleep(0.005)


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def anchors_file(directory: Path) -> Path:
    from qtqms.pqc.scanner import Scanner

    path = directory / "anchors.txt"
    path.write_text("\n".join(Scanner().anchors) + "\n", encoding="utf-8")
    return path


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main(argv: list[str] | None = None) -> None:
    from qtqms.pqc.scanner import default_jobs

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--tree", type=Path, default=Path("/tmp/qtqms-bench-pqc-tree"))
    parser.add_argument("--crypto-share", type=float, default=0.03, help="share of files that use crypto")
    parser.add_argument("--runs", type=int, default=5, help="rounds; each engine runs once per round")
    parser.add_argument("--jobs", default=str(default_jobs()), help="scanner worker processes, comma-separated")
    parser.add_argument("--matchers", default="hyperscan,aho-corasick", help="comma-separated")
    parser.add_argument(
        "--real-tree",
        type=Path,
        default=Path(sysconfig.get_paths()["purelib"]),
        help="a tree nobody here wrote, scanned after the synthetic one (default: this venv's site-packages)",
    )
    args = parser.parse_args(argv if argv is not None else [])
    print(machine())
    started = time.perf_counter()
    generate(args.tree, args.size_mb, args.crypto_share)
    size = tree_bytes(args.tree) / 1e6
    print(
        f"tree: {args.tree}, {size:.0f} MB, crypto in {args.crypto_share:.0%} of files "
        f"(prepared in {time.perf_counter() - started:.0f} s)"
    )
    engines = _engines(args.tree, args.matchers.split(","), args.jobs.split(","))
    for command in engines.values():
        run_child(command)  # warm the page cache and the bytecode cache for every engine alike
    print(f"{args.runs} rounds, engines in turn; {load()}")
    runs = _rounds(engines, args.runs)
    print(f"done; {load()}")
    _report(runs, size)
    if args.real_tree.is_dir():
        real = _real_tree_engines(args.real_tree, args.matchers.split(",")[0], args.jobs.split(",")[-1])
        size = tree_bytes(args.real_tree) / 1e6
        print(f"real tree: {args.real_tree}, {size:.0f} MB of installed packages")
        for command in real.values():
            run_child(command)
        _report(_rounds(real, args.runs), size)


def _real_tree_engines(tree: Path, matcher: str, jobs: str) -> dict[str, list[str]]:
    """The scanner and ripgrep on a real tree, ripgrep with the scanner's anchors; ripgrep skips what
    .gitignore files exclude, and so does the scanner."""
    engines = {f"{matcher} -j{jobs}": [sys.executable, "-c", CHILD, str(tree), matcher, jobs]}
    rg = shutil.which("rg")
    if rg is None:
        return engines
    search = ["--no-messages", "-F", "-f", str(anchors_file(Path("/tmp"))), "--count-matches", str(tree)]
    return engines | {"ripgrep": [rg, *search]}


def _engines(tree: Path, matchers: list[str], jobs: list[str]) -> dict[str, list[str]]:
    engines = {
        f"{matcher} -j{count}": [sys.executable, "-c", CHILD, str(tree), matcher, count]
        for matcher in matchers
        for count in jobs
    }
    rg = shutil.which("rg")
    if rg is None:
        print("ripgrep not installed (apt-get install -y ripgrep): no comparison")
        return engines
    search = ["--no-messages", "-F", "-f", str(anchors_file(tree.parent)), "--count-matches", str(tree)]
    return engines | {"ripgrep -j1": [rg, "-j1", *search], "ripgrep": [rg, *search]}


def _rounds(engines: dict[str, list[str]], rounds: int) -> dict[str, list[Run]]:
    """Each engine once per round, starting one engine later each round."""
    runs: dict[str, list[Run]] = {name: [] for name in engines}
    names = list(engines)
    for round_ in range(rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            runs[name].append(run_child(engines[name]))
    return runs


def _report(runs: dict[str, list[Run]], size: float) -> None:
    best = {name: min(run.wall for run in done) for name, done in runs.items()}
    median = {name: statistics.median(run.wall for run in done) for name, done in runs.items()}
    for name, done in runs.items():
        line = (
            f"{name:>18}: best {best[name]:6.2f} s ({size / best[name]:6.1f} MB/s), "
            f"median {median[name]:6.2f} s ({size / median[name]:6.1f} MB/s), "
            f"CPU {statistics.median(run.cpu for run in done):5.2f} s, peak RSS {max(run.peak_mb for run in done)} MB"
        )
        if not name.startswith("ripgrep"):
            figures = json.loads(done[-1].output)
            line += f", {figures['findings']} findings in {figures['files']} files, setup {figures['setup_s']:.2f} s"
        print(line)
    for scanner in (name for name in runs if not name.startswith("ripgrep")):
        for rg_name in (name for name in runs if name.startswith("ripgrep")):
            print(
                f"  {scanner} / {rg_name} throughput: best {best[rg_name] / best[scanner]:.2f}x, "
                f"median {median[rg_name] / median[scanner]:.2f}x"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
