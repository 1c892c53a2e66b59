"""Canonical serialisation and SHA-256 chaining of audit events."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def plain(value: Any) -> Any:
    """The JSON-compatible form of a value, as stored and as hashed."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, dates in ISO 8601 — the JSON of `plain(value)`.

    The encoder walks dicts, lists and scalars itself and asks `_unlike_json` only for the rest, rather than
    copying every value through `plain` first: verification serialises every event, and the copy was most of
    its cost. For string-keyed data (all the trail holds) the bytes are the same.
    """
    return _ENCODER.encode(value).encode()


def _unlike_json(value: Any) -> Any:
    if isinstance(value, Mapping | set | frozenset):
        return plain(value)
    return plain(value) if isinstance(value, datetime | date | Decimal | bytes) else str(value)


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_unlike_json)


def chain_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(body)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(
    events: Iterable[tuple[int, str, str, Mapping[str, Any]]],
    head: tuple[int, str] | None,
    start: tuple[int, str] = (0, GENESIS),
) -> ChainBreak | None:
    """Return the first break in (seq, prev_hash, hash, body) rows read in seq order, or None.

    A change to a row breaks its own hash; a deleted, inserted or reordered row breaks the link or
    the sequence; a deleted tail no longer matches the recorded head. `start` is the (seq, hash) the rows follow
    on from: the genesis, or an event a checkpoint vouches for.
    """
    expected_prev = start[1]
    expected_seq = start[0] + 1
    last = start
    for seq, prev_hash, stored_hash, body in events:
        if seq != expected_seq:
            return ChainBreak(seq, f"sequence jumps from {expected_seq - 1} to {seq} (event missing or inserted)")
        if prev_hash != expected_prev:
            return ChainBreak(seq, "link to the previous event is broken (events deleted, inserted or reordered)")
        if chain_hash(prev_hash, body) != stored_hash:
            return ChainBreak(seq, "content does not match its hash (event altered)")
        expected_prev = stored_hash
        expected_seq = seq + 1
        last = (seq, stored_hash)
    if head is not None and head != last:
        return ChainBreak(head[0], f"the chain ends at event {last[0]} but the recorded head is event {head[0]}")
    return None
