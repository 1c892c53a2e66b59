"""The evidence file store: each file kept once, by content, at `<root>/<sha256[:2]>/<sha256>`, however many
records cite it. A file arrives through a temporary file that is renamed into place only once its record is
written; every read checks the SHA-256 and size while copying the file once, before a byte is handed on
(docs/adr/0007-evidence-integrity.md)."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from qtqms.kernel.errors import InvalidInput, Problem

MAX_BYTES = 25 * 1024 * 1024
CHUNK = 256 * 1024
# A checked copy up to this size is held in memory; a larger one goes to an unnamed temporary file beside the
# store, so a download never holds more than this in memory however large the file.
IN_MEMORY = 2 * 1024 * 1024


class BlobMissing(Exception):
    """No file is kept under the digest."""


class BlobAltered(Exception):
    """The file kept under the digest is another one; the argument says what was found instead."""


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


class Incoming:
    """A file being received: hashed and counted while it is written to a temporary file in the store, then either
    kept (renamed to its content address) or, when anything refuses it first, deleted on leaving the block."""

    def __init__(self, root: Path, source: BinaryIO, limit: int) -> None:
        root.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=root, prefix=".incoming-")
        self._temporary = Path(name)
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(handle, "wb") as file:
                while size <= limit and (chunk := source.read(min(CHUNK, limit + 1 - size))):
                    digest.update(chunk)
                    file.write(chunk)
                    size += len(chunk)
            _check_size(size, limit)
        except BaseException:
            self._temporary.unlink(missing_ok=True)
            raise
        self.root, self.sha256, self.size = root, digest.hexdigest(), size

    def __enter__(self) -> Incoming:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._temporary.unlink(missing_ok=True)

    def keep(self) -> None:
        """Put the file at its content address. Content already kept is replaced by the same bytes just checked,
        which also repairs a copy altered on disk."""
        target = blob_path(self.root, self.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._temporary, target)


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        message = f"larger than the limit of {limit} bytes ({limit // 2**20} MiB)"
        raise InvalidInput(f"evidence file is {message}", [Problem(message, field="file")])
    if size == 0:
        raise InvalidInput("evidence file is empty", [Problem("is empty", field="file")])


def receive(root: Path, content: bytes | BinaryIO, *, limit: int = MAX_BYTES) -> Incoming:
    return Incoming(root, io.BytesIO(content) if isinstance(content, bytes) else content, limit)


class CheckedCopy:
    """The bytes of a kept file that matched their digest, copied while they were checked: what is handed on is
    exactly what was checked, even if the kept file changes meanwhile."""

    def __init__(self, file: BinaryIO, size: int, sha256: str) -> None:
        self.file, self.size, self.sha256 = file, size, sha256

    def chunks(self) -> Iterator[bytes]:
        try:
            while chunk := self.file.read(CHUNK):
                yield chunk
        finally:
            self.file.close()

    def close(self) -> None:
        self.file.close()


def checked_copy(root: Path, sha256: str, size: int) -> CheckedCopy:
    """A copy of the file kept under `sha256`, read once and checked against the digest and size recorded for it;
    BlobMissing or BlobAltered, and nothing copied, when it does not match."""
    root.mkdir(parents=True, exist_ok=True)
    copy: BinaryIO = io.BytesIO() if size <= IN_MEMORY else tempfile.TemporaryFile(dir=root)  # noqa: SIM115
    try:
        _read_checked(blob_path(root, sha256), sha256, size, copy)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return CheckedCopy(copy, size, sha256)


def check(root: Path, sha256: str, size: int) -> None:
    """Read the kept file once and check it (for `verify`); BlobMissing or BlobAltered when it does not match."""
    _read_checked(blob_path(root, sha256), sha256, size, None)


def _read_checked(path: Path, sha256: str, size: int, copy: BinaryIO | None) -> None:
    try:
        file = path.open("rb")
    except FileNotFoundError:
        raise BlobMissing(str(path)) from None
    with file:
        on_disk = os.fstat(file.fileno()).st_size
        if on_disk != size:  # refused without reading it: a replaced file may be of any size
            raise BlobAltered(f"{on_disk} bytes instead of {size}")
        digest, read = hashlib.sha256(), 0
        while read <= size and (chunk := file.read(min(CHUNK, size + 1 - read))):
            digest.update(chunk)
            read += len(chunk)
            if copy is not None:
                copy.write(chunk)
    if read != size:
        raise BlobAltered(f"{read} bytes instead of {size} while it was read")
    if digest.hexdigest() != sha256:
        raise BlobAltered(f"sha256 {digest.hexdigest()}")
