"""Shared option parsing: a day option parses YYYY-MM-DD, is None when empty, and exits 2 naming itself."""

from __future__ import annotations

from datetime import date

import pytest
import typer

from qtqms.kit.cli.options import day_option


def test_a_day_option_parses_or_exits_2_naming_the_option(capsys):
    assert day_option("2027-03-01", "valid-from") == date(2027, 3, 1)
    assert day_option("", "valid-from") is None
    with pytest.raises(typer.Exit) as refused:
        day_option("1 March", "valid-until")
    assert refused.value.exit_code == 2
    assert capsys.readouterr().err == "error: --valid-until '1 March': use YYYY-MM-DD\n"
