from datetime import UTC

from hypothesis import given, settings
from hypothesis import strategies as st

from qtqms.kernel import hashchain
from qtqms.kernel.hashchain import GENESIS, canonical, chain_hash, verify_chain

bodies = st.lists(
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.one_of(st.integers(), st.text(max_size=5)), min_size=1),
    min_size=2,
    max_size=8,
)


def build(items):
    rows, prev = [], GENESIS
    for seq, body in enumerate(items, start=1):
        body = {**body, "seq": seq}
        digest = chain_hash(prev, body)
        rows.append((seq, prev, digest, body))
        prev = digest
    return rows, (len(rows), prev)


def test_canonical_form_ignores_key_order_and_is_compact():
    assert canonical({"b": 1, "a": "é"}) == canonical({"a": "é", "b": 1}) == '{"a":"é","b":1}'.encode()


@given(bodies)
def test_an_untouched_chain_verifies(items):
    rows, head = build(items)
    assert verify_chain(rows, head) is None


@given(bodies, st.data())
def test_altering_any_event_is_detected_at_that_event(items, data):
    rows, head = build(items)
    index = data.draw(st.integers(0, len(rows) - 1))
    seq, prev, digest, body = rows[index]
    rows[index] = (seq, prev, digest, {**body, "tampered": True})
    found = verify_chain(rows, head)
    assert found is not None and found.seq == seq and "altered" in found.reason


@given(bodies, st.data())
def test_deleting_any_event_is_detected(items, data):
    rows, head = build(items)
    index = data.draw(st.integers(0, len(rows) - 1))
    del rows[index]
    assert verify_chain(rows, head) is not None


@given(bodies, st.data())
def test_swapping_two_events_is_detected(items, data):
    rows, head = build(items)
    i = data.draw(st.integers(0, len(rows) - 2))
    rows[i], rows[i + 1] = rows[i + 1], rows[i]
    assert verify_chain(rows, head) is not None


def test_an_inserted_event_with_a_fresh_hash_still_breaks_the_next_link():
    rows, head = build([{"a": 1}, {"a": 2}, {"a": 3}])
    forged_body = {"a": 99, "seq": 2}
    forged = (2, rows[0][2], chain_hash(rows[0][2], forged_body), forged_body)
    shifted = [(s + 1, p, h, b) for s, p, h, b in rows[1:]]
    found = verify_chain([rows[0], forged, *shifted], head)
    assert found is not None and found.seq == 3


def _reference_canonical(value) -> bytes:
    """The serialisation every stored event was hashed with: copy through `plain`, then dump."""
    import json

    return json.dumps(hashchain.plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
    st.datetimes(timezones=st.just(UTC)), st.dates(), st.decimals(allow_nan=False, allow_infinity=False),
    st.binary(max_size=8),
)  # fmt: skip
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_documents)
def test_the_fast_serialisation_gives_the_bytes_every_stored_hash_was_made_with(document):
    assert hashchain.canonical(document) == _reference_canonical(document)
