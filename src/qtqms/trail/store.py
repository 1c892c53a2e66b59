"""The checkpoint key and the checkpoint files, kept on the file system, out of the database's reach."""

from __future__ import annotations

import json
import os
from pathlib import Path

from qtqms.kernel import signing
from qtqms.kernel.errors import ConfigurationError, InvalidInput
from qtqms.trail import domain


def load_or_create_key(key_file: Path, server_secret: str) -> signing.KeyPair:
    """The installation's checkpoint key; made on first use, readable by its owner only."""
    if key_file.exists():
        return _read_key(key_file)
    pair = signing.generate_keypair(server_secret)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"ed25519_public": pair.ed25519_public, "mldsa_public": pair.mldsa_public,
                       "sealed_private": pair.sealed_private}, indent=2)  # fmt: skip
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read_key(key_file)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    return pair


def known_key(key_file: Path) -> signing.KeyPair | None:
    return _read_key(key_file) if key_file.exists() else None


def _read_key(key_file: Path) -> signing.KeyPair:
    try:
        data = json.loads(key_file.read_text())
        return signing.KeyPair(data["ed25519_public"], data["mldsa_public"], data["sealed_private"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigurationError(f"checkpoint key {key_file}: unreadable ({error})") from None


def write(checkpoint: domain.Checkpoint, directory: Path) -> Path:
    """The checkpoint as a file of its own in `directory`, named by its event and time; never overwritten."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = checkpoint.cut_at.replace(":", "").replace("-", "").split(".")[0].replace("+0000", "Z")
    path = directory / f"trail-checkpoint-{checkpoint.seq:09d}-{stamp}.json"
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(checkpoint.to_json() + "\n")
    except FileExistsError:
        raise InvalidInput(f"{path}: a checkpoint of this event and second already exists") from None
    return path


def read(path: Path) -> domain.Checkpoint:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such checkpoint file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: unreadable ({error})") from None
    return domain.parse(text, str(path))


def latest(directory: Path) -> Path | None:
    """The newest checkpoint file of the directory (by event number), if any."""
    found = sorted(directory.glob("trail-checkpoint-*.json")) if directory.is_dir() else []
    return found[-1] if found else None
