"""What a slice declares about itself, once, for the composition root to mount: its routers, commands,
templates, navigation, the panels it adds to other slices' pages, the records of its own others may cite
and the kinds of data pack it owns."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from qtqms.kernel.rbac import Permission


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    order: int
    permission: Permission = Permission.READ
    planned: bool = False


@dataclass(frozen=True)
class Command:
    """A root sub-command: `target` is "module:attribute", a Typer app or a plain function, imported on demand."""

    target: str
    help: str


@dataclass(frozen=True)
class Slice:
    name: str
    package: str
    api: str = ""  # "module:router" of the JSON API, mounted in the OpenAPI document
    views: str = ""  # "module:router" of the HTML pages
    commands: dict[str, Command] = field(default_factory=dict)
    templates: bool = False  # the package has a templates/ folder
    nav: tuple[NavItem, ...] = ()
    # Panels this slice adds to other slices' record pages: subject kind ("catalog.control") -> "module:function".
    related: dict[str, str] = field(default_factory=dict)
    # Kinds of its records other slices may cite (evidence is attached to them): kind ("control") ->
    # "module:function" finding records by reference (see kit.subjects).
    subjects: dict[str, str] = field(default_factory=dict)
    # The kinds of versioned data pack it owns, each "module:attribute" of a kit.packs.PackKind.
    packs: tuple[str, ...] = ()


def resolve(target: str) -> Any:
    """The object a "module:attribute" string names."""
    module, _, attribute = target.partition(":")
    return getattr(import_module(module), attribute)
