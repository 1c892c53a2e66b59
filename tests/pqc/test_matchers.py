"""Both anchor matchers find every occurrence of every anchor, overlapping and repeated ones included."""

from __future__ import annotations

import random

import pytest

from qtqms.kernel.errors import InvalidInput
from qtqms.pqc.scanner.matchers import AhoCorasickMatcher, HyperscanMatcher, hyperscan_available, make_matcher

ANCHORS = [b"EVP_aes_", b"aes_", b"X25519MLKEM768", b"MLKEM", b"-----BEGIN ", b"hashlib"]


def brute_force(data: bytes) -> dict[int, list[int]]:
    found = {i: [o for o in range(len(data)) if data.startswith(anchor, o)] for i, anchor in enumerate(ANCHORS)}
    return {i: offsets for i, offsets in found.items() if offsets}


def located(matcher, data: bytes) -> dict[int, list[int]]:
    return {i: sorted(offsets) for i, offsets in matcher.find(data).items()}


@pytest.mark.parametrize("seed", range(5))
def test_aho_corasick_agrees_with_brute_force(seed):
    rng = random.Random(seed)
    pieces = [b"x = 1\n", b"EVP_aes_128_gcm()", b"X25519MLKEM768", b"hashlib", b"\xff\xfe", b"caf\xc3\xa9"]
    data = b"".join(rng.choice(pieces) for _ in range(200))
    assert located(AhoCorasickMatcher(ANCHORS), data) == brute_force(data)
    if hyperscan_available():
        assert located(HyperscanMatcher(ANCHORS), data) == brute_force(data)


def test_unknown_backend_is_bad_input():
    with pytest.raises(InvalidInput):
        make_matcher(ANCHORS, "grep")
