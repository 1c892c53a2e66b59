"""Evidence files kept by content: `<blob_dir>/<sha256[:2]>/<sha256>`, written to a temporary file then renamed."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from qtqms.kernel.errors import InvalidInput

MAX_BYTES = 25 * 1024 * 1024


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def store(root: Path, content: bytes, *, limit: int = MAX_BYTES) -> str:
    """Keep `content` and return its SHA-256; the same content is kept once."""
    if len(content) > limit:
        raise InvalidInput(f"evidence file is larger than the limit of {limit} bytes ({limit // 2**20} MiB)")
    if not content:
        raise InvalidInput("evidence file is empty")
    digest = hashlib.sha256(content).hexdigest()
    target = blob_path(root, digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def read_file(path: Path, *, limit: int = MAX_BYTES) -> bytes:
    """An evidence file's bytes; a missing, unreadable or oversized file is bad input."""
    try:
        if path.stat().st_size > limit:
            raise InvalidInput(f"{path}: {path.stat().st_size} bytes; the limit is {limit} bytes")
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read the file: {error}") from None
