"""CLI output once: `emit` honours --json in one place; the root group turns a refused schema into exit 2."""

from __future__ import annotations

import json

import typer
from pydantic import BaseModel
from typer.testing import CliRunner

from qtqms.kit.cli.output import JSON_OPTION, QtqmsGroup, Table, emit

runner = CliRunner()
toy = typer.Typer(cls=QtqmsGroup)


class Plan(BaseModel):
    years: float
    owner: str


@toy.command()
def show(as_json: bool = JSON_OPTION) -> None:
    plan = Plan(years=3, owner="riley")
    emit([plan], as_json, Table("Plans", ["owner", "years"], [[plan.owner, plan.years]]), "1 plan", None)


@toy.command()
def make(years: str, owner: str = "") -> None:
    Plan(years=years, owner=owner or None)


def test_json_prints_only_the_data_and_text_prints_tables_and_lines_in_order():
    as_json = runner.invoke(toy, ["show", "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output) == [{"years": 3.0, "owner": "riley"}]
    text = runner.invoke(toy, ["show"]).output
    assert "Plans" in text and "riley" in text and text.index("riley") < text.index("1 plan")
    assert "None" not in text


def test_a_value_the_schema_refuses_is_one_error_line_per_problem_and_exit_2():
    refused = runner.invoke(toy, ["make", "five"])
    assert refused.exit_code == 2
    lines = refused.output.splitlines()
    assert lines[0].startswith("error: years: Input should be a valid number") and "Traceback" not in refused.output
    assert lines[1].startswith("  owner: Input should be a valid string")
