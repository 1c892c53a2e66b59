"""Public use cases return read models (pydantic schemas, frozen dataclasses), never ORM rows: a row handed out
of a service expires with its transaction and lets the caller write past the service's checks. Checked on the
return annotations of every use case a service package exports."""

from __future__ import annotations

import importlib
import typing

import pytest

from qtqms.db.base import Base

SERVICES = ("qtqms.risk.service", "qtqms.catalog.service")


def orm_models_in(annotation: object) -> list[str]:
    """The ORM classes an annotation names, however deep (list[Risk], dict[str, Risk | None], ...)."""
    if isinstance(annotation, type) and issubclass(annotation, Base):
        return [annotation.__name__]
    return [name for arg in typing.get_args(annotation) for name in orm_models_in(arg)]


def use_cases(package: str) -> list[tuple[str, object]]:
    module = importlib.import_module(package)
    return [(name, getattr(module, name)) for name in module.__all__ if callable(getattr(module, name))]


def test_the_detector_sees_a_row_inside_a_container():
    from qtqms.models.risk import Risk

    assert orm_models_in(dict[str, list[Risk | None]]) == ["Risk"]
    assert orm_models_in(list[int]) == []


@pytest.mark.parametrize("package", SERVICES)
def test_no_use_case_returns_an_orm_row(package):
    returned = {
        name: orm_models_in(typing.get_type_hints(function).get("return")) for name, function in use_cases(package)
    }
    assert returned and {name: rows for name, rows in returned.items() if rows} == {}
