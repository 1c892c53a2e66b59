"""Walk a source tree lazily: .gitignore and excludes honoured, symlink loops and unreadable entries survived."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pathspec

_name = attrgetter("name")
ALWAYS_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})
# A directory holding this file is skipped below the scan root: crypto-scanner test fixtures (like our own
# labelled corpus) are full of deliberate crypto that is not the project's.
FIXTURE_MARKER = ".pqc-scan-ignore"
MAX_REPORTED_PROBLEMS = 200


@dataclass(frozen=True)
class WalkOptions:
    excludes: tuple[str, ...] = ()
    respect_gitignore: bool = True
    follow_symlinks: bool = False


@dataclass
class ScanSummary:
    """What was scanned and what was skipped, with why; files that could not be read are named."""

    files_scanned: int = 0
    bytes_scanned: int = 0
    findings: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def skip(self, reason: str, path: str | None = None) -> None:
        self.skipped[reason] += 1
        if path is not None and len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append((path, reason))

    def add(self, events: ScanEvents | None) -> None:
        """Replay what one step of the scan recorded, in the order it happened."""
        if events is None:
            return
        if events.bytes_read is not None:
            self.files_scanned += 1
            self.bytes_scanned += events.bytes_read
        for reason, path in events.skips:
            self.skip(reason, path)

    def to_dict(self) -> dict[str, object]:
        return {
            "files_scanned": self.files_scanned,
            "bytes_scanned": self.bytes_scanned,
            "findings": self.findings,
            "skipped": dict(sorted(self.skipped.items())),
            "problems": [{"path": path, "reason": reason} for path, reason in self.problems],
        }


@dataclass(slots=True)
class ScanEvents:
    """What one step of a scan (walking to the next file, or reading one file) adds to the summary.

    Kept apart from the summary so that a worker process can send it back with the file's findings, and
    the summary, replayed in walk order, is the same as a serial scan's, down to the order of `problems`.
    """

    skips: list[tuple[str, str | None]] = field(default_factory=list)
    bytes_read: int | None = None

    def skip(self, reason: str, path: str | None = None) -> None:
        self.skips.append((reason, path))

    def take(self) -> ScanEvents | None:
        """What was recorded so far (None if nothing), leaving this log empty for the next step."""
        if not self.skips and self.bytes_read is None:
            return None
        taken = ScanEvents(self.skips, self.bytes_read)
        self.skips, self.bytes_read = [], None
        return taken


class SkipRecorder(Protocol):
    def skip(self, reason: str, path: str | None = None) -> None: ...


@dataclass(frozen=True)
class _Ignore:
    base: str  # directory of the .gitignore, relative to the root, "" for the root
    spec: pathspec.PathSpec

    def matches(self, relative: str, is_dir: bool) -> bool:
        if self.base and not relative.startswith(self.base + "/"):
            return False
        inner = relative[len(self.base) + 1 :] if self.base else relative
        return self.spec.match_file(inner + "/" if is_dir else inner)


def walk(root: Path, options: WalkOptions, summary: SkipRecorder) -> Iterator[tuple[str, str, int]]:
    """Regular files under `root` as (path, path relative to root, size); holds one directory listing at a time."""
    if root.is_file():
        yield str(root), root.name, root.stat().st_size
        return
    excludes = _gitignore_spec(options.excludes) if options.excludes else None
    visited: set[tuple[int, int]] = set()
    root_stat = root.stat()
    visited.add((root_stat.st_dev, root_stat.st_ino))
    stack: list[tuple[str, str, tuple[_Ignore, ...]]] = [(str(root), "", ())]
    while stack:
        directory, relative_dir, ignores = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=_name)
        except OSError as error:
            summary.skip("unreadable", f"{relative_dir or '.'}: {error.strerror or error}")
            continue
        names = {entry.name for entry in entries}
        if relative_dir and FIXTURE_MARKER in names:
            summary.skip("scanner fixture directory", relative_dir)
            continue
        if options.respect_gitignore and ".gitignore" in names:
            ignores = _with_gitignore(directory, relative_dir, ignores, summary)
        subdirectories = []
        for entry in entries:
            relative = f"{relative_dir}/{entry.name}" if relative_dir else entry.name
            target = _target(entry, options, visited, summary, relative)
            if target is None:
                continue
            is_dir = stat.S_ISDIR(target.st_mode)
            if is_dir and entry.name in ALWAYS_SKIPPED_DIRS:
                continue
            if _ignored(relative, is_dir, ignores, excludes):
                summary.skip("ignored")
                continue
            if is_dir:
                subdirectories.append((entry.path, relative, ignores))
            else:
                yield entry.path, relative, target.st_size
        stack.extend(reversed(subdirectories))


def _target(
    entry: os.DirEntry[str], options: WalkOptions, visited: set[tuple[int, int]], summary: SkipRecorder, relative: str
) -> os.stat_result | None:
    """The stat of a directory or regular file to visit, or None (skipped, counted)."""
    try:
        if entry.is_symlink():
            if not options.follow_symlinks:
                summary.skip("symlink")
                return None
            target = os.stat(entry.path)
        else:
            target = entry.stat(follow_symlinks=False)
    except OSError:
        summary.skip("broken symlink" if entry.is_symlink() else "unreadable", relative)
        return None
    if stat.S_ISDIR(target.st_mode):
        if options.follow_symlinks:  # without following links no directory can be reached twice
            key = (target.st_dev, target.st_ino)
            if key in visited:
                summary.skip("symlink loop", relative)
                return None
            visited.add(key)
        return target
    if stat.S_ISREG(target.st_mode):
        return target
    summary.skip("special file")
    return None


def _with_gitignore(
    directory: str, relative_dir: str, ignores: tuple[_Ignore, ...], summary: SkipRecorder
) -> tuple[_Ignore, ...]:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        summary.skip("unreadable", f"{relative_dir}/.gitignore" if relative_dir else ".gitignore")
        return ignores
    return (*ignores, _Ignore(relative_dir, _gitignore_spec(lines)))


def _gitignore_spec(lines: list[str] | tuple[str, ...]) -> pathspec.PathSpec:
    import pathspec  # only for trees with a .gitignore or excludes: importing it takes some 30 ms

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored(relative: str, is_dir: bool, ignores: tuple[_Ignore, ...], excludes: pathspec.PathSpec | None) -> bool:
    if not ignores and excludes is None:  # asked of every entry: the common case costs nothing
        return False
    if excludes is not None and excludes.match_file(relative + "/" if is_dir else relative):
        return True
    return any(ignore.matches(relative, is_dir) for ignore in ignores)
