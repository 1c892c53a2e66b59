"""The import contracts in `.importlinter` bite: each deliberate violation, made in a copy of the package, breaks
the contract that forbids it, and the untouched copy keeps them all. What an import contract cannot say (a
service may name the UnitOfWork type but never make one) is checked on the source here."""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]

# (module that gains the import, created if new; the import; the contract it breaks)
VIOLATIONS = {
    "the scanner engine imports the pqc service": (
        "pqc/scanner/walk.py",
        "from qtqms.pqc import service",
        "scanner-alone",
    ),
    "the pqc slice bypasses the scanner's face": (
        "pqc/service.py",
        "from qtqms.pqc.scanner import engine",
        "scanner-face",
    ),
    "the scanner engine imports a web framework": ("pqc/scanner/sarif.py", "import fastapi", "scanner-alone"),
    "a slice grows a module outside its layers": ("pqc/helpers.py", "import json", "slices"),
    "catalog imports risk": ("catalog/service/controls.py", "from qtqms.risk import service", "storeys"),
    "a slice imports the composition root": ("risk/service/scenarios.py", "from qtqms.app import web", "storeys"),
    "a slice imports another slice's repository": (
        "risk/service/reading.py",
        "from qtqms.catalog import repository",
        "private-repository-catalog",
    ),
}


def contract_names() -> dict[str, str]:
    """Each contract's name in `.importlinter`, by its id."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    prefix = "importlinter:contract:"
    return {section.removeprefix(prefix): config[section]["name"] for section in config if section.startswith(prefix)}


def lint_copy(tmp_path: Path, module: str | None = None, line: str | None = None) -> subprocess.CompletedProcess:
    """lint-imports over a copy of the package and its contracts, with `line` appended to `module`."""
    shutil.copytree(ROOT / "src" / "qtqms", tmp_path / "src" / "qtqms", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    if module is not None:
        with (tmp_path / "src" / "qtqms" / module).open("a", encoding="utf-8") as source:
            source.write(f"\n{line}\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    command = [*LINT_IMPORTS, "--no-cache", "--no-logo"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def report_of(result: subprocess.CompletedProcess) -> str:
    """The report on one line: long contract names wrap across lines."""
    return " ".join((result.stdout + result.stderr).split())


def test_the_package_as_it_is_keeps_every_contract(tmp_path):
    result = lint_copy(tmp_path)
    report = report_of(result)
    assert result.returncode == 0, report
    assert all(f"{name} KEPT" in report for name in contract_names().values()), report


@pytest.mark.parametrize("violation", VIOLATIONS)
def test_a_forbidden_import_breaks_its_contract(tmp_path, violation):
    module, line, contract = VIOLATIONS[violation]
    result = lint_copy(tmp_path, module, line)
    report = report_of(result)
    assert result.returncode != 0 and f"{contract_names()[contract]} BROKEN" in report, report


def units_of_work_opened(source: str) -> list[int]:
    """Lines that construct a UnitOfWork, however it was imported (`UnitOfWork(...)`, `uow.UnitOfWork(...)`)."""
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    named = [
        (call, call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")) for call in calls
    ]
    return [call.lineno for call, name in named if name == "UnitOfWork"]


def service_modules() -> list[Path]:
    package = ROOT / "src" / "qtqms"
    return sorted({*package.glob("*/service.py"), *package.glob("*/*/service.py"), *package.glob("*/service/**/*.py")})


def test_the_detector_sees_a_unit_of_work_opened_and_not_one_named():
    opened = "from qtqms.db import uow\n\ndef f(engine):\n    with uow.UnitOfWork(engine) as u:\n        pass\n"
    assert units_of_work_opened(opened) == [4]
    assert units_of_work_opened("def f(uow: UnitOfWork) -> None:\n    uow.commit()\n") == []


def test_services_never_open_a_unit_of_work_the_entry_point_that_calls_them_does():
    assert service_modules()
    opened = {
        str(path.relative_to(ROOT)): lines
        for path in service_modules()
        if (lines := units_of_work_opened(path.read_text("utf-8")))
    }
    assert opened == {}
