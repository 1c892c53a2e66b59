"""The pure readiness rules: what each relationship carries, best paths, and the tallies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qtqms.catalog.domain import Relationship
from qtqms.catalog.domain.readiness import Edge, Node, infer, tally

A, B, C, D = ("p", "a"), ("q", "b"), ("r", "c"), ("r", "d")


def test_equal_and_superset_carry_the_whole_result_along_a_chain():
    results = infer([A], [Edge(A, B, Relationship.SUPERSET, 1.0, "p-q"), Edge(B, C, Relationship.EQUAL, 1.0, "q-r")])
    assert results[C].status == "met" and results[C].value == 1.0
    assert [e.mapping_set for e in results[C].path] == ["p-q", "q-r"] and results[C].origin == A


def test_subset_and_intersect_carry_a_partial_result_weighted_by_strength():
    results = infer([A], [Edge(A, B, Relationship.SUBSET, 0.5), Edge(B, C, Relationship.INTERSECT, 0.4)])
    assert results[B].status == "partial" and results[B].value == 0.5
    assert results[C].status == "partial" and abs(results[C].value - 0.2) < 1e-9


def test_a_subset_of_strength_one_is_never_counted_as_met():
    results = infer([A], [Edge(A, B, Relationship.SUBSET, 1.0)])
    assert results[B].value == 1.0 and results[B].status == "partial"


def test_related_carries_nothing():
    assert B not in infer([A], [Edge(A, B, Relationship.RELATED, 1.0)])


def test_a_whole_path_beats_a_partial_one_and_a_direct_result_beats_both():
    edges = [
        Edge(A, C, Relationship.SUBSET, 0.9),
        Edge(A, B, Relationship.EQUAL, 1.0),
        Edge(B, C, Relationship.EQUAL, 1),
    ]
    assert infer([A], edges)[C].status == "met"
    assert infer([A, C], edges)[C].path == ()


def test_tally_counts_met_partial_and_leaves_exclusions_and_headings_out():
    nodes = [Node("4", None, False), Node("4.1", "4", True), Node("4.2", "4", True), Node("4.3", "4", True)]
    results = infer([("x", "4.1")], [Edge(("x", "4.1"), ("x", "4.2"), Relationship.INTERSECT, 0.5)])
    whole, clauses = tally("x", nodes, results, frozenset({"4.3"}))
    assert (whole.assessable, whole.met, whole.partial, whole.score) == (2, 1, 1, 0.75)
    assert list(clauses) == ["4"]


def test_an_annex_container_is_split_into_its_sections():
    nodes = [
        Node("A", None, False),
        Node("A.5", "A", False),
        Node("A.5.1", "A.5", True),
        Node("A.6.1", "A.6", True),
        Node("A.6", "A", False),
    ]
    _, clauses = tally("x", nodes, {})
    assert set(clauses) == {"A.5", "A.6"}


KEYS = [("p", str(i)) for i in range(6)]
edges_strategy = st.lists(
    st.builds(Edge, st.sampled_from(KEYS), st.sampled_from(KEYS), st.sampled_from(list(Relationship)), st.floats(0, 1)),
    max_size=20,
)


@given(st.sets(st.sampled_from(KEYS)), edges_strategy)
def test_inferred_values_stay_in_range_and_only_whole_paths_are_met(direct, edges):
    results = infer(direct, edges)
    for key, result in results.items():
        assert 0.0 <= result.value <= 1.0
        assert (result.status == "met") == (result.whole and result.value >= 1.0)
        assert all(step.carries_whole for step in result.path) == result.whole
        if key in direct:
            assert result.status == "met" and result.path == ()
        elif result.path:
            assert result.path[0].source in direct and result.path[-1].target == key


@given(st.sets(st.sampled_from(KEYS)), edges_strategy, st.sampled_from(KEYS))
def test_meeting_one_more_requirement_never_lowers_any_result(direct, edges, extra):
    before, after = infer(direct, edges), infer({*direct, extra}, edges)
    for key, result in before.items():
        assert (after[key].whole, after[key].value) >= (result.whole, result.value) or after[key].whole
