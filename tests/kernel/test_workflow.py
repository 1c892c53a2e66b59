"""A declared workflow refuses what it does not allow, in words, and refuses to be declared wrong."""

import pytest

from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, PermissionDenied
from qtqms.kernel.rbac import Permission
from qtqms.kernel.workflow import Transition, Workflow


def actor(role: str) -> Actor:
    return Actor(user_id=1, username=role, role=role, organisation_id=1)


DOCUMENT = Workflow(
    name="document",
    states=("draft", "in_review", "approved", "obsolete"),
    initial="draft",
    transitions=(
        Transition("submit", frozenset({"draft"}), "in_review", Permission.CATALOG_EDIT),
        Transition(
            "approve",
            frozenset({"in_review"}),
            "approved",
            Permission.CATALOG_EDIT,
            signature="approved",
            guards=(lambda doc: "it has no reviewer" if not doc.get("reviewer") else "",),
        ),
        Transition("withdraw", frozenset({"approved"}), "obsolete", Permission.CATALOG_EDIT, needs_reason=True),
    ),
)


def test_a_transition_from_its_state_by_an_allowed_role_passes():
    assert DOCUMENT.check(actor("quality_manager"), "draft", "submit", {}).target == "in_review"


def test_a_transition_from_another_state_says_which_state_it_needs():
    with pytest.raises(Conflict, match="document is draft: 'approve' needs it to be in_review"):
        DOCUMENT.check(actor("admin"), "draft", "approve", {"reviewer": "x"})


def test_a_role_without_the_permission_is_refused():
    with pytest.raises(PermissionDenied):
        DOCUMENT.check(actor("viewer"), "draft", "submit", {})


def test_a_guard_says_why_not():
    with pytest.raises(Conflict, match="cannot approve: it has no reviewer"):
        DOCUMENT.check(actor("admin"), "in_review", "approve", {})


def test_a_transition_that_needs_a_reason_refuses_without_one_naming_the_field():
    with pytest.raises(InvalidInput) as refused:
        DOCUMENT.check(actor("admin"), "approved", "withdraw", {}, reason="  ")
    assert refused.value.problems[0].field == "reason"


def test_an_unknown_transition_lists_the_known_ones():
    with pytest.raises(InvalidInput, match="known: submit, approve, withdraw"):
        DOCUMENT.check(actor("admin"), "draft", "publish", {})


def test_what_a_page_offers_depends_on_state_and_role():
    assert [t.name for t in DOCUMENT.available("draft", actor("admin"))] == ["submit"]
    assert DOCUMENT.available("draft", actor("viewer")) == []
    assert DOCUMENT.final_states == frozenset({"obsolete"})


@pytest.mark.parametrize(
    ("states", "initial", "transitions", "problem"),
    [
        (("a", "a"), "a", (), "listed twice"),
        (("a",), "z", (), "initial state 'z'"),
        (("a", "b"), "a", (Transition("go", frozenset({"a"}), "c", Permission.READ),), "unknown states c"),
        (("a", "b", "c"), "a", (Transition("go", frozenset({"a"}), "b", Permission.READ),), "c cannot be reached"),
        (
            ("a", "b"),
            "a",
            (Transition("go", frozenset({"a"}), "b", Permission.READ),) * 2,
            "transition name is used twice",
        ),
    ],
)
def test_a_badly_declared_workflow_is_refused_when_declared(states, initial, transitions, problem):
    with pytest.raises(ValueError, match=problem):
        Workflow(name="bad", states=states, initial=initial, transitions=transitions)
