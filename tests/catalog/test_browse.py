"""The framework browser's tree: what a search shows and what starts unfolded."""

from __future__ import annotations

from qtqms.catalog.domain.browse import Unfold, tree
from qtqms.catalog.schemas import RequirementRead


def _pack() -> list[RequirementRead]:
    rows = [("4", None, "Context"), ("4.1", "4", "Issues"), ("A", None, "Annex A"), ("A.8", "A", "Technological"),
            ("A.8.24", "A.8", "Use of cryptography"), ("A.8.25", "A.8", "Secure development"),
            ("A.5", "A", "Organisational"), ("A.5.1", "A.5", "Policies")]  # fmt: skip
    return [RequirementRead(id=i, parent=p, kind="clause", assessable=True, label=label) for i, p, label in rows]


def _ids(found, parent) -> list[str]:
    return [r.id for r in found.children.get(parent, [])]


def test_without_a_search_everything_shows_and_the_top_level_is_open():
    found = tree(_pack())
    assert _ids(found, None) == ["4", "A"] and _ids(found, "A") == ["A.8", "A.5"]
    assert found.opened == {"4", "A"} and not found.matches
    assert tree(_pack(), unfold=Unfold.ALL).opened == {"4", "A", "A.8", "A.5"}
    assert tree(_pack(), unfold=Unfold.NONE).opened == set()


def test_a_search_shows_matches_with_their_ancestors_open_and_their_descendants():
    found = tree(_pack(), "CRYPTO")
    assert found.matches == {"A.8.24"} and found.opened == {"A", "A.8"}
    assert _ids(found, None) == ["A"] and _ids(found, "A") == ["A.8"] and _ids(found, "A.8") == ["A.8.24"]
    heading = tree(_pack(), "technological")
    assert heading.matches == {"A.8"} and _ids(heading, "A.8") == ["A.8.24", "A.8.25"]
    assert heading.opened == {"A"}  # the match itself stays folded; its children are there to unfold
    assert tree(_pack(), "nothing like this").children == {}
