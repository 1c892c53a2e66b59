"""The shared paging pieces: the keyset cursor refuses what it did not write, and page numbers stay in range."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qtqms.kernel.errors import InvalidInput
from qtqms.kit.paging import decode_cursor, encode_cursor, following, page_numbers


def test_a_cursor_round_trips_its_key_with_the_column_types():
    when = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    assert decode_cursor(encode_cursor([when, 42]), [datetime, int]) == (when, 42)
    assert decode_cursor(encode_cursor(["Helium", 7]), [str, int]) == ("Helium", 7)
    assert decode_cursor(encode_cursor([None, 7]), [int, int]) == (None, 7)


@pytest.mark.parametrize(
    ("cursor", "kinds"),
    [
        ("garbage", [int, int]),  # not base64 JSON
        (encode_cursor([7]), [int, int]),  # one value where the order has two columns
        (encode_cursor(["high", 7]), [int, int]),  # text where the column holds numbers
        (encode_cursor([True, 7]), [int, int]),  # JSON true is not a number here
        (encode_cursor(["yesterday", 7]), [datetime, int]),  # not a date and time
        (encode_cursor({"level": 3}), [int]),  # not a list
    ],
)
def test_a_cursor_edited_by_hand_is_bad_input_naming_the_cursor(cursor, kinds):
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(cursor, kinds)
    assert refused.value.problems[0].field == "cursor"


def test_following_tells_a_full_last_page_from_one_with_more_after_it():
    assert following([1, 2, 3], 3) == ([1, 2, 3], None)
    assert following([1, 2, 3, 4], 3) == ([1, 2, 3], 3)
    assert following([], 3) == ([], None)


@pytest.mark.parametrize(
    ("asked", "total", "size", "expected"),
    [(1, 0, 10, (1, 1, 0)), (3, 25, 10, (3, 3, 20)), (9, 25, 10, (3, 3, 20)), (0, 25, 10, (1, 3, 0))],
)
def test_page_numbers_bring_the_page_asked_for_within_the_pages_there_are(asked, total, size, expected):
    at = page_numbers(asked, total, size)
    assert (at.page, at.pages, at.offset) == expected
