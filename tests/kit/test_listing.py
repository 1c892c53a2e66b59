"""The list query base: the allowed sorts, blank fields, the two spellings of the direction, and links."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError

from qtqms.kit.listing import ListQuery


class Fruit(ListQuery):
    sorts: ClassVar[tuple[str, ...]] = ("ripeness", "name")
    colour: str | None = None


def test_the_first_allowed_sort_is_the_default_and_blank_fields_are_not_given():
    query = Fruit.model_validate({"sort": "", "colour": "  ", "cursor": ""})
    assert (query.sort, query.colour, query.cursor, query.descending, query.limit) == ("ripeness", None, None, True, 50)
    assert Fruit(colour=" red ").filters() == {"colour": "red"}


def test_an_unknown_sort_is_refused_naming_the_allowed_ones():
    with pytest.raises(ValidationError) as refused:
        Fruit(sort="weight")
    (problem,) = refused.value.errors()
    assert problem["loc"] == ("sort",) and problem["msg"] == "unknown sort 'weight': use ripeness, name"


def test_order_asc_or_desc_is_another_way_to_give_the_direction():
    assert Fruit(order="asc").descending is False and Fruit(order="desc", descending=False).descending is True
    with pytest.raises(ValidationError, match="order"):
        Fruit(order="up")


def test_link_parameters_leave_out_the_defaults_and_the_cursor():
    query = Fruit(sort="name", order="asc", colour="red", cursor="abc")
    assert query.link_params() == {"sort": "name", "descending": "false", "colour": "red"}
    assert Fruit().link_params() == {}


def test_the_api_schema_lists_the_allowed_sorts():
    assert Fruit.model_json_schema()["properties"]["sort"]["enum"] == ["ripeness", "name"]
