"""Literal anchor matchers: which rule anchors occur in a buffer (Aho-Corasick by default, Hyperscan if present)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from qtqms.kernel.errors import InvalidInput


class Matcher(Protocol):
    """Finds which of a fixed list of byte literals occur in a buffer.

    The scanner only needs presence: it then locates each present anchor with `bytes.find`, which is
    cheap because hits are sparse, and confirms with a regex on the candidate lines.
    """

    name: str

    def present(self, data: bytes) -> set[int]:
        """Indexes (into the anchor list) of the anchors occurring anywhere in `data`."""
        ...


class AhoCorasickMatcher:
    """pyahocorasick automaton over the anchors; bytes are mapped 1:1 to text through latin-1."""

    name = "aho-corasick"

    def __init__(self, anchors: Sequence[bytes]) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        for index, anchor in enumerate(anchors):
            key = anchor.decode("latin-1")
            existing = self._automaton.get(key, ())
            self._automaton.add_word(key, (*existing, index))
        self._automaton.make_automaton()

    def present(self, data: bytes) -> set[int]:
        found: set[int] = set()
        for _end, indexes in self._automaton.iter(data.decode("latin-1")):
            found.update(indexes)
        return found


class HyperscanMatcher:
    """Hyperscan (Vectorscan) literal database in block mode; each anchor reports at most once per buffer."""

    name = "hyperscan"

    def __init__(self, anchors: Sequence[bytes]) -> None:
        import hyperscan

        self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._database.compile(
            expressions=list(anchors),
            ids=list(range(len(anchors))),
            elements=len(anchors),
            flags=hyperscan.HS_FLAG_SINGLEMATCH,
            literal=True,
        )
        self._scratch = hyperscan.Scratch(self._database)

    def present(self, data: bytes) -> set[int]:
        found: set[int] = set()

        def on_match(anchor_id: int, _start: int, _end: int, _flags: int, _context: object) -> None:
            found.add(anchor_id)

        self._database.scan(data, match_event_handler=on_match, scratch=self._scratch)
        return found


MATCHERS = {"aho-corasick": AhoCorasickMatcher, "hyperscan": HyperscanMatcher}


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def make_matcher(anchors: Sequence[bytes], backend: str = "auto") -> Matcher:
    """Hyperscan when importable (or asked for), else Aho-Corasick."""
    if backend == "auto":
        backend = "hyperscan" if hyperscan_available() else "aho-corasick"
    if backend not in MATCHERS:
        raise InvalidInput(f"unknown matcher '{backend}' (choose from auto, {', '.join(MATCHERS)})")
    return MATCHERS[backend](anchors)
