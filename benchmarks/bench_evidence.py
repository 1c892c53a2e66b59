"""Evidence files: what checking the SHA-256 on every read costs. A kept file of 1 MiB (checked in memory) and
one of 25 MiB, the upload limit (checked through a temporary file), read the way a download reads them, against
reading the same file without a check; and receiving a 25 MiB upload into the store. No database.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks.common import machine, report, timed


def _plain_read(path: Path) -> None:
    with path.open("rb") as file:
        while file.read(256 * 1024):
            pass


def main() -> None:
    from qtqms.evidence import store

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="qtqms-bench-evidence-") as folder:
        root = Path(folder)
        for size in (1024 * 1024, store.MAX_BYTES):
            content = os.urandom(size)
            with store.receive(root, content) as incoming:
                incoming.keep()
            path = store.blob_path(root, incoming.sha256)

            def checked(sha256=incoming.sha256, size=size) -> None:
                for _ in store.checked_copy(root, sha256, size).chunks():
                    pass

            label = f"{size // 2**20} MiB"
            plain = timed(lambda path=path: _plain_read(path), runs=15)
            report(f"{label}: read without a check (what was served before)", plain)
            report(f"{label}: checked copy, then read out (every download now)", timed(checked, runs=15))

        def upload(content=content) -> None:
            with store.receive(root, content):
                pass  # not kept: the temporary file is removed on leaving the block

        report(f"{store.MAX_BYTES // 2**20} MiB: receive an upload (hash while writing a temporary file)",
               timed(upload, runs=10))  # fmt: skip


if __name__ == "__main__":
    main()
