"""Crypto-scanner throughput and peak memory on a generated ≥500 MB source tree, against ripgrep on the same anchors.

Run: `python -m benchmarks bench_pqc_scan` (or this file with --size-mb / --tree / --crypto-share).
The tree is generated once and reused; each engine runs in a fresh child process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import threading
import time
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

CHILD = """
import json, sys, time
from qtqms.pqc.scanner import ScanOptions, Scanner
started = time.perf_counter()
scanner = Scanner(ScanOptions(matcher=sys.argv[2]))
ready = time.perf_counter()
findings = sum(1 for _ in scanner.scan(sys.argv[1]))
done = time.perf_counter()
print(json.dumps({"findings": findings, "files": scanner.summary.files_scanned, "bytes": scanner.summary.bytes_scanned,
                  "setup_s": ready - started, "scan_s": done - ready, "matcher": scanner.matcher.name}))
"""


def _plain_line(rng: random.Random, language: str) -> str:
    a, b, c = rng.sample(_WORDS, 3)
    number = rng.randrange(1000)
    if language == "python":
        return f"    {a}_{b} = compute_{c}({a}, {number})  # update the {b}\n"
    if language == "go":
        return f"\t{a}{b.title()} := compute{c.title()}({a}, {number}) // update the {b}\n"
    if language == "rust":
        return f"    let {a}_{b} = compute_{c}(&{a}, {number}); // update the {b}\n"
    return f"    int {a}_{b} = compute_{c}({a}, {number}); /* update the {b} */\n"


def _crypto_snippets() -> dict[str, list[str]]:
    """Realistic crypto code per language, taken from the labelled corpus."""
    return {
        language: [f.read_text("utf-8") for f in sorted((CORPUS / language).iterdir()) if f.is_file()]
        for language in LANGUAGES
    }


def generate(root: Path, size_mb: int, crypto_share: float, seed: int = 7) -> None:
    """`size_mb` of source in 64 KiB files over six languages; `crypto_share` of the files use crypto."""
    marker = root / ".bench-tree.json"
    wanted = {"size_mb": size_mb, "crypto_share": crypto_share, "seed": seed}
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


def run_child(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB of the child program, and its stdout.

    The peak is the child's VmHWM, sampled from /proc while it runs: unlike ru_maxrss, VmHWM starts afresh
    at exec, so it does not count the benchmark process the child was forked from.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = [0]
    sampler = threading.Thread(target=_sample_peak, args=(process, peak), daemon=True)
    sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.returncode not in (0, 1):  # ripgrep exits 1 when nothing matched
        raise RuntimeError(f"{command[0]} failed with exit code {process.returncode}")
    return elapsed, peak[0] // 1024, output


def _sample_peak(process: subprocess.Popen[str], peak: list[int]) -> None:
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]))
        except (OSError, ValueError):
            return
        time.sleep(0.005)


def anchors_file(directory: Path) -> Path:
    from qtqms.pqc.scanner import Scanner

    path = directory / "anchors.txt"
    path.write_text("\n".join(Scanner().anchors) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--tree", type=Path, default=Path("/tmp/qtqms-bench-pqc-tree"))
    parser.add_argument("--crypto-share", type=float, default=0.03, help="share of files that use crypto")
    args = parser.parse_args(argv if argv is not None else [])
    print(machine())
    started = time.perf_counter()
    generate(args.tree, args.size_mb, args.crypto_share)
    size = tree_bytes(args.tree)
    print(
        f"tree: {args.tree}, {size / 1e6:.0f} MB, crypto in {args.crypto_share:.0%} of files "
        f"(prepared in {time.perf_counter() - started:.0f} s)"
    )
    rg = shutil.which("rg")
    patterns = anchors_file(args.tree.parent)
    rg_command = [rg, "--no-messages", "-F", "-f", str(patterns), "--count-matches", str(args.tree)] if rg else None
    if rg_command:
        run_child(rg_command)  # warm the page cache for every engine alike
    results = {}
    for matcher in ("hyperscan", "aho-corasick"):
        try:
            wall, peak, output = run_child([sys.executable, "-c", CHILD, str(args.tree), matcher])
        except RuntimeError as error:
            print(f"{matcher}: not run ({error})")
            continue
        figures = json.loads(output)
        results[matcher] = wall
        print(
            f"{matcher:>13}: {wall:6.2f} s wall ({figures['scan_s']:.2f} s scanning), "
            f"{size / 1e6 / wall:7.1f} MB/s, peak RSS {peak} MB, {figures['findings']} findings "
            f"in {figures['files']} files"
        )
    if not rg_command:
        print("ripgrep not installed (apt-get install -y ripgrep): no comparison")
        return
    for label, extra in (("ripgrep -j1", ["-j1"]), ("ripgrep", [])):
        wall, peak, _ = run_child([rg_command[0], *extra, *rg_command[1:]])
        ratios = ", ".join(f"{m} {wall / t:.2f}x" for m, t in results.items())
        print(
            f"{label:>13}: {wall:6.2f} s wall, {size / 1e6 / wall:7.1f} MB/s, peak RSS {peak} MB; "
            f"scanner/ripgrep throughput: {ratios}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
