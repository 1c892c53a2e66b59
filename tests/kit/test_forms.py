"""The form runner sorts every problem of a refused submission by field, in plain words."""

from datetime import date

import pytest
from pydantic import BaseModel, Field, ValidationError

from qtqms.kernel.errors import Conflict, InvalidInput, Problem
from qtqms.kit.web.forms import FormErrors, FormState


class Sample(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    due: date
    count: int = Field(ge=1)
    refs: list[int] = []


def refusal(**data) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Sample(**data)
    return caught.value


def test_every_schema_problem_lands_on_its_field_in_plain_words():
    errors = FormErrors.of(refusal(name="", due="31/03/2027", count="0", refs=["1", "x"]), Sample.model_fields)
    assert errors.status == 422
    assert errors.fields == {
        "name": ["this is required"],
        "due": ["enter a date as YYYY-MM-DD, e.g. 2027-03-31"],
        "count": ["must be 1 or more"],
        "refs": ["entry 2: enter a whole number"],
    }
    assert errors.general == [] and errors.summary() == "4 problems to fix: see the marked fields"


def test_a_missing_field_and_a_long_one():
    errors = FormErrors.of(refusal(name="toolong", count=2), Sample.model_fields)
    assert errors.fields == {"name": ["use at most 5 characters"], "due": ["this is required"]}


def test_service_problems_go_to_their_fields_and_the_rest_above_the_form():
    error = InvalidInput(
        "2 problems",
        [
            Problem("no active user 'nobody'", field="owner"),
            Problem("unknown requirement", where="requirements[2]"),
            Problem("the organisation is archived"),
        ],  # fmt: skip
    )
    errors = FormErrors.of(error, {"owner", "requirements"})
    assert errors.fields == {"owner": ["no active user 'nobody'"], "requirements": ["unknown requirement"]}
    assert errors.general == ["the organisation is archived"]
    assert errors.summary() == "3 problems to fix: see the marked fields and below"
    assert errors.listed() == ["the organisation is archived"]


def test_a_refusal_without_problems_is_one_message_for_the_whole_form():
    errors = FormErrors.of(Conflict("site Lab already exists"), {"name"})
    assert errors.status == 409 and errors.fields == {}
    assert errors.summary() == "site Lab already exists" and errors.listed() == []


def test_a_field_the_form_does_not_show_is_named_above_the_form():
    errors = FormErrors.of(InvalidInput("bad", [Problem("too early", field="hidden_date")]), {"name"})
    assert errors.general == ["hidden_date: too early"]


def test_form_state_gives_typed_values_and_each_fields_problems():
    state = FormState({"name": "<b>x"}, FormErrors.of(refusal(name="", count=1, due="2027-01-01"), {"name"}))
    assert state.value("name") == "<b>x" and state.value("other", "d") == "d"
    assert state.problems("name") == ["this is required"] and state.problems("due") == []
    assert FormState().problems("name") == []
