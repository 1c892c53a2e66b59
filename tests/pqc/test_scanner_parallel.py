"""The scanner with worker processes: the same findings, in the same order, with the same summary as a serial
scan; bounded look-ahead; nothing left running or hanging when a scan ends early."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os

import pytest
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.kernel.errors import InvalidInput
from qtqms.pqc.scanner import engine as scanner_module
from qtqms.pqc.scanner.engine import Scanner, ScanOptions
from tests.pqc.accuracy import prepare

HASHING = "import hashlib\n\ndef digest(data):\n    return hashlib.sha256(data).hexdigest()\n"


def scanned(root, **options) -> tuple[list[dict], dict]:
    scanner = Scanner(ScanOptions(**options))
    findings = [finding.to_dict() for finding in scanner.scan(root)]
    return findings, scanner.summary.to_dict()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    prepare(root)
    return root


@pytest.fixture(autouse=True)
def no_workers_left():
    yield
    assert multiprocessing.active_children() == []


@pytest.fixture
def small_chunks(monkeypatch):
    """A few files per chunk, so that even a small tree is spread over many chunks and both workers."""
    monkeypatch.setattr(scanner_module, "_CHUNK_FILES", 3)


def test_workers_find_what_a_serial_scan_finds_in_the_same_order(corpus, small_chunks):
    serial = scanned(corpus, jobs=1)
    assert len(serial[0]) > 300
    assert scanned(corpus, jobs=2) == serial
    assert scanned(corpus, jobs=3, matcher="aho-corasick") == serial


def test_skipped_and_unreadable_files_are_reported_as_in_a_serial_scan(tmp_path, monkeypatch, small_chunks):
    for index in range(12):
        (tmp_path / f"m{index:02d}.py").write_text(HASHING)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(HASHING)
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")
    os.symlink(tmp_path / "missing", tmp_path / "dangling.py")
    (tmp_path / "secret.py").write_text(HASHING)
    (tmp_path / "blob.py").write_bytes(b"import hashlib\x00hashlib.md5()")
    (tmp_path / "huge.py").write_text(HASHING + "#" * 5000)
    original = os.open

    def deny(path, *args, **kwargs):  # tests run as root; the workers are forked after this and inherit it
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied")
        return original(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    options = {"follow_symlinks": True, "max_file_size": 1000}
    findings, summary = scanned(tmp_path, jobs=2, **options)
    assert (findings, summary) == scanned(tmp_path, jobs=1, **options)
    assert len(findings) == 13
    assert summary["skipped"] == {
        "binary": 1,
        "broken symlink": 1,
        "symlink loop": 1,
        "too large": 1,
        "unreadable": 1,
    }
    assert ["secret.py: Permission denied", "unreadable"] in [[p["path"], p["reason"]] for p in summary["problems"]]


def test_jobs_below_one_are_refused():
    with pytest.raises(InvalidInput, match="jobs: must be 1 or more, not 0"):
        Scanner(ScanOptions(jobs=0))


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_the_command_line_refuses_jobs_below_one(corpus, jobs):
    result = CliRunner().invoke(app, ["pqc", "scan", str(corpus), "--jobs", jobs])
    assert result.exit_code == 2
    assert result.stderr == f"error: --jobs: must be 1 or more, not {jobs}\n"


def test_the_command_line_gives_the_same_inventory_with_any_number_of_jobs(corpus):
    outputs = [
        CliRunner().invoke(app, ["pqc", "scan", str(corpus / "java"), "--json", "--jobs", jobs]) for jobs in "12"
    ]
    assert [result.exit_code for result in outputs] == [0, 0]
    serial, parallel = (json.loads(result.stdout) for result in outputs)
    assert serial == parallel
    assert serial["findings"]


def test_the_walk_runs_only_a_few_chunks_ahead_of_the_findings(tmp_path, monkeypatch, small_chunks):
    for index in range(200):
        (tmp_path / f"m{index:03d}.py").write_text(HASHING)
    walked = itertools.count()
    original = scanner_module.walk

    def counting_walk(*args):
        for item in original(*args):
            next(walked)
            yield item

    monkeypatch.setattr(scanner_module, "walk", counting_walk)
    stream = Scanner(ScanOptions(jobs=2)).scan(tmp_path)
    first = next(stream)
    assert first.path == "m000.py"
    chunks_out = 2 * scanner_module._CHUNKS_AHEAD_PER_JOB + 1
    assert next(walked) <= chunks_out * scanner_module._CHUNK_FILES
    stream.close()  # the caller stops early: the pool is shut down (checked by `no_workers_left`)


def test_an_interrupt_in_the_caller_stops_the_workers(tmp_path, small_chunks):
    for index in range(30):
        (tmp_path / f"m{index:02d}.py").write_text(HASHING)
    seen = []

    def interrupt_at_the_fifth_file(relative: str, scanned_bytes: int) -> None:
        seen.append(relative)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(Scanner(ScanOptions(jobs=2)).scan(tmp_path, on_file=interrupt_at_the_fifth_file))
    assert seen == [f"m{index:02d}.py" for index in range(5)]


def test_an_error_in_a_worker_reaches_the_caller(tmp_path, monkeypatch, small_chunks):
    for index in range(10):
        (tmp_path / f"m{index:02d}.py").write_text(HASHING)
    original = Scanner._scan_one

    def fail_on_m07(self, path, relative, size):
        if relative == "m07.py":
            raise RuntimeError("disk on fire")
        return original(self, path, relative, size)

    monkeypatch.setattr(Scanner, "_scan_one", fail_on_m07)
    with pytest.raises(RuntimeError, match="disk on fire"):
        list(Scanner(ScanOptions(jobs=2)).scan(tmp_path))


def test_progress_is_reported_for_every_file_in_walk_order(tmp_path, small_chunks):
    for index in range(10):
        (tmp_path / f"m{index:02d}.py").write_text(HASHING)
    progress = []
    scanner = Scanner(ScanOptions(jobs=2))
    list(scanner.scan(tmp_path, on_file=lambda relative, scanned_bytes: progress.append((relative, scanned_bytes))))
    size = len(HASHING.encode())
    assert progress == [(f"m{index:02d}.py", size * (index + 1)) for index in range(10)]


def test_spawned_workers_build_their_own_scanner(corpus, monkeypatch):
    """Where fork is not used (macOS, Windows) workers get the options and build the scanner themselves."""
    monkeypatch.setattr(scanner_module, "_pool_context", lambda: (multiprocessing.get_context("spawn"), False))
    assert scanned(corpus / "python", jobs=2) == scanned(corpus / "python", jobs=1)
