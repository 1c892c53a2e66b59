"""Both anchor matchers report the same anchors, including overlapping and repeated ones."""

from __future__ import annotations

import random

import pytest

from qtqms.kernel.errors import InvalidInput
from qtqms.pqc.matchers import AhoCorasickMatcher, HyperscanMatcher, hyperscan_available, make_matcher

ANCHORS = [b"EVP_aes_", b"aes_", b"X25519MLKEM768", b"MLKEM", b"-----BEGIN ", b"hashlib"]


def brute_force(data: bytes) -> set[int]:
    return {i for i, anchor in enumerate(ANCHORS) if anchor in data}


@pytest.mark.parametrize("seed", range(5))
def test_aho_corasick_agrees_with_brute_force(seed):
    rng = random.Random(seed)
    pieces = [b"x = 1\n", b"EVP_aes_128_gcm()", b"X25519MLKEM768", b"hashlib", b"\xff\xfe", b"caf\xc3\xa9"]
    data = b"".join(rng.choice(pieces) for _ in range(200))
    assert AhoCorasickMatcher(ANCHORS).present(data) == brute_force(data)
    if hyperscan_available():
        assert HyperscanMatcher(ANCHORS).present(data) == brute_force(data)


def test_unknown_backend_is_bad_input():
    with pytest.raises(InvalidInput):
        make_matcher(ANCHORS, "grep")
