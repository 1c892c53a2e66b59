"""Checkpoints of the audit trail: the chain's head, signed with a key the database does not hold.

A chain inside the database proves the events fit together, not that they are all there: whoever can write the
database can cut the newest events and rewind the head, empty the trail, or alter an event and recompute every
hash after it. A checkpoint kept outside (a file the operator stores elsewhere, and every certification
package) says "event N had this hash at this time"; a trail that no longer holds event N, or holds another one,
is caught.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from qtqms.kernel import hashchain, signing
from qtqms.kernel.errors import InvalidInput, Problem

KIND = "qtqms-trail-checkpoint"
FORMAT_VERSION = 1
_SIGNED = ("kind", "format_version", "seq", "hash", "cut_at", "ed25519_public", "mldsa_public")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    cut_at: str  # ISO 8601, UTC
    ed25519_public: str
    mldsa_public: str
    ed25519_signature: str = ""
    mldsa_signature: str = ""
    kind: str = KIND
    format_version: int = FORMAT_VERSION

    @property
    def key_fingerprint(self) -> str:
        return fingerprint(self.ed25519_public, self.mldsa_public)

    def manifest(self) -> bytes:
        """The bytes both signatures cover: every field but the signatures."""
        return hashchain.canonical({name: getattr(self, name) for name in _SIGNED})

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "key_fingerprint": self.key_fingerprint}, indent=2, sort_keys=True)

    def signature_problem(self) -> str:
        """Why the signatures do not hold over the checkpoint's own content, or an empty string."""
        key = signing.KeyPair(self.ed25519_public, self.mldsa_public, sealed_private="")
        return signing.verify(self.manifest(), self.ed25519_signature, self.mldsa_signature, key)


def fingerprint(ed25519_public: str, mldsa_public: str) -> str:
    """A short name for a checkpoint key, to compare with the one the operator wrote down."""
    digest = hashlib.sha256(f"{ed25519_public}\n{mldsa_public}".encode()).hexdigest()
    return ":".join(digest[i : i + 4] for i in range(0, 24, 4))


def parse(text: str, where: str) -> Checkpoint:
    """A checkpoint file's content, or InvalidInput naming the file and what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{where}:{error.lineno}: not a checkpoint file (not JSON: {error.msg})") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise InvalidInput(f'{where}: not a qtqms trail checkpoint (no "kind": "{KIND}")')
    problems = [
        Problem(f"missing or not {kind.__name__}", where=where, field=name)
        for name, kind in (
            ("seq", int),
            ("hash", str),
            ("cut_at", str),
            ("ed25519_public", str),
            ("mldsa_public", str),
            ("ed25519_signature", str),
            ("mldsa_signature", str),
        )  # fmt: skip
        if not isinstance(data.get(name), kind) or isinstance(data.get(name), bool)
    ]
    if data.get("format_version") != FORMAT_VERSION:
        found = data.get("format_version")
        problems.append(Problem(f"format {found!r} is not {FORMAT_VERSION}", where, "format_version"))
    if problems:
        raise InvalidInput(f"{where}: not a valid checkpoint: " + "; ".join(map(str, problems)), problems)
    return Checkpoint(**{name: data[name] for name in Checkpoint.__dataclass_fields__})


def compare(checkpoint: Checkpoint, head_seq: int, hash_at_seq: str | None) -> str:
    """Why the trail no longer matches a (signature-checked) checkpoint, or an empty string."""
    when = f"the checkpoint cut at {checkpoint.cut_at}"
    if head_seq < checkpoint.seq:
        held = f"ends at event {head_seq}" if head_seq else "holds no events"
        return f"the trail {held} but {when} holds event {checkpoint.seq}: events were deleted"
    if hash_at_seq is None:
        return f"event {checkpoint.seq} of {when} is missing from the trail"
    if hash_at_seq != checkpoint.hash:
        return f"event {checkpoint.seq} differs from {when}: the trail was rewritten"
    return ""
