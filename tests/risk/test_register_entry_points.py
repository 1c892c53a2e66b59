"""The register's six entry points (web list and export, API list and export, CLI list and export) accept the
same filters and sort, from one RegisterQuery, and refuse a bad one alike (defect 4 of issue 10: each used to
accept its own set, so an export from the API or the CLI ignored the owner, product, level and source filters
and the sort that the web export honoured)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import get_args

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.models.risk import Risk
from qtqms.risk import cli as risk_cli
from qtqms.risk import repository as repo
from qtqms.risk.schemas import RegisterQuery
from tests.builders import api_token, log_in
from tests.risk.conftest import new_risk

runner = CliRunner()


@pytest.fixture
def register(team, client, tmp_path):
    """Four risks that each filter tells apart, and a way to ask each entry point for the register."""
    new_risk(team, team.owner, title="Detector blinding", current=(4, 4), product="QKD-LINK")
    new_risk(team, team.owner, title="Helium shortage", current=(1, 1), domain="quality",
             threat="qtqms-threats:Q-HELIUM", owner="robin")  # fmt: skip
    new_risk(team, team.owner, title="Unrated idea", current=None)
    new_risk(team, team.owner, title="Key exchange exposed", current=(2, 2))
    with team.db.begin() as connection:  # as if Mosca had raised it: the source filter needs one
        connection.execute(update(Risk).where(Risk.number == 4).values(source="mosca"))
        high = connection.scalar(select(Risk.current_level).where(Risk.number == 1))
    log_in(client, "val")
    token = api_token(team.db, team.viewer)
    return {"client": client, "token": token, "tmp": tmp_path, "high": high}


def _refs(lines: list[list[str]]) -> list[str]:
    return [row[0] for row in lines[1:]]


def web_list(world, params):
    page = world["client"].get("/risk", params=params)
    assert page.status_code == 200, page.text
    table = page.text.split('id="register"', 1)[1]
    return re.findall(r'<a href="/risk/(R-\d{4})">', table)


def web_export(world, params):
    export = world["client"].get("/risk/export.csv", params=params)
    assert export.status_code == 200, export.text
    return _refs(list(csv.reader(io.StringIO(export.text))))


def _api(world, path, params):
    headers = {"Authorization": f"Bearer {world['token']}"}
    found = world["client"].get(f"/api/v1/risk{path}", params=params, headers=headers)
    assert found.status_code == 200, found.text
    return found


def api_list(world, params):
    return [row["ref"] for row in _api(world, "/risks", params).json()["rows"]]


def api_export(world, params):
    return _refs(list(csv.reader(io.StringIO(_api(world, "/risks/export", {**params, "format": "csv"}).text))))


def _options(params) -> list[str]:
    options = []
    for name, value in params.items():
        options += ["--ascending"] if (name, value) == ("order", "asc") else [f"--{name}", str(value)]
    return options


def cli_list(world, params):
    result = runner.invoke(app, ["risk", "list", "--json", *_options(params)])
    assert result.exit_code == 0, result.output
    return [row["ref"] for row in json.loads(result.output)["rows"]]


def cli_export(world, params):
    target = world["tmp"] / "register.csv"
    result = runner.invoke(app, ["risk", "export", "-o", str(target), *_options(params)])
    assert result.exit_code == 0, result.output
    return _refs(list(csv.reader(io.StringIO(target.read_text(encoding="utf-8")))))


ENTRY_POINTS = {
    "web list": web_list,
    "web export": web_export,
    "API list": api_list,
    "API export": api_export,
    "CLI list": cli_list,
    "CLI export": cli_export,
}

# Each filter and what it must leave, in the register's default order (highest current level first); a filter
# an entry point ignored would leave all four.
FILTERS = {
    "domain": ({"domain": "quality"}, ["R-0002"]),
    "status": ({"status": "identified"}, ["R-0003"]),
    "owner": ({"owner": "robin"}, ["R-0002"]),
    "product": ({"product": "QKD-LINK"}, ["R-0001"]),
    "level": ({"level": "HIGH"}, ["R-0001"]),
    "source": ({"source": "mosca"}, ["R-0004"]),
    "search": ({"search": "helium"}, ["R-0002"]),
    "search by reference": ({"search": "R-0003"}, ["R-0003"]),
    "sort": ({"sort": "title", "order": "asc"}, ["R-0001", "R-0002", "R-0004", "R-0003"]),
}


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_every_entry_point_honours_every_filter_and_the_sort(register, entry_point):
    # One set-up per entry point, every filter asked of it in turn (a set-up per pair would take a minute); the
    # failure lists each filter the entry point got wrong.
    wrong = {}
    for filter_name, (params, expected) in FILTERS.items():
        params = {name: register["high"] if value == "HIGH" else value for name, value in params.items()}
        found = ENTRY_POINTS[entry_point](register, params)
        if found != expected:
            wrong[filter_name] = f"{params} gave {found}, not {expected}"
    assert not wrong, f"{entry_point}: {wrong}"


def test_without_filters_every_entry_point_lists_the_whole_register_highest_level_first(register):
    for entry_point, ask in ENTRY_POINTS.items():
        assert ask(register, {}) == ["R-0001", "R-0004", "R-0002", "R-0003"], entry_point


def test_an_unknown_sort_is_refused_naming_the_allowed_ones_at_every_entry_point(register, team):
    allowed = ", ".join(RegisterQuery.sorts)
    client = register["client"]
    headers = {"Authorization": f"Bearer {register['token']}"}
    for path in ("/risk", "/risk/export.csv"):
        refused = client.get(path, params={"sort": "colour"})
        assert refused.status_code == 422 and allowed in refused.text, path
    for path in ("/api/v1/risk/risks", "/api/v1/risk/risks/export"):
        refused = client.get(path, params={"sort": "colour"}, headers=headers)
        assert refused.status_code == 422 and refused.json()["error"]["problems"][0]["field"] == "sort", path
        assert allowed in refused.json()["error"]["message"]
    for command in (["list"], ["export", "-o", str(register["tmp"] / "x.csv")]):
        result = runner.invoke(app, ["risk", *command, "--sort", "colour"])
        assert result.exit_code == 2 and f"sort: unknown sort 'colour': use {allowed}" in result.output, command


def test_the_register_allows_exactly_the_sorts_its_repository_can_order_by_and_the_cli_help_names_them():
    assert set(RegisterQuery.sorts) == set(repo.SORT_COLUMNS)
    *first, last = RegisterQuery.sorts
    assert get_args(risk_cli.Sort)[1].help == f"{', '.join(first)} or {last}"  # written out: the CLI loads lazily
