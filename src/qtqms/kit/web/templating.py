"""Jinja2 environment shared by every slice's templates, and the page renderer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse

from qtqms import __version__
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.slices import NavItem
from qtqms.kit.web.security import clear_flash, csrf_token, read_flash


@dataclass
class Site:
    """What the composition root tells the renderer: the template folders and the navigation of the slices
    it mounted. Kept here so the toolkit knows no slice."""

    template_packages: tuple[str, ...] = ()
    navigation: tuple[NavItem, ...] = ()


site = Site()


def configure(template_packages: Sequence[str], navigation: Sequence[NavItem]) -> None:
    site.template_packages = tuple(template_packages)
    site.navigation = tuple(sorted(navigation, key=lambda item: item.order))
    templates.cache_clear()


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    here = Path(__file__).parent
    loaders = [FileSystemLoader(here / "templates")]
    loaders += [PackageLoader(package, "templates") for package in site.template_packages]
    engine = Jinja2Templates(directory=here / "templates")
    engine.env.loader = ChoiceLoader(loaders)
    engine.env.globals.update(version=__version__, can=can, Permission=Permission)
    return engine


@dataclass(frozen=True)
class PageContext:
    """What every page knows besides its own records: who is looking, whether the data is the demo's, the
    navigation they may follow, the notice a redirect left, and what they may change."""

    actor: Actor | None
    nav: tuple[NavItem, ...]
    csrf_token: str
    current_path: str
    flash: str = ""

    @property
    def is_demo(self) -> bool:
        return bool(self.actor and self.actor.demo)

    def may(self, permission: Permission) -> bool:
        return can(self.actor, permission)


def page_context(request: Request, flash: str = "") -> PageContext:
    actor = getattr(request.state, "actor", None)
    nav = tuple(item for item in site.navigation if item.planned or can(actor, item.permission))
    return PageContext(actor, nav, csrf_token(request), request.url.path, flash)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    page = page_context(request, read_flash(request))
    full = {
        "page": page,
        "actor": page.actor,
        "is_demo": page.is_demo,
        "nav": page.nav,
        "csrf_token": page.csrf_token,
        "current_path": page.current_path,
        **(context or {}),
    }
    response = templates().TemplateResponse(request, name, full, status_code=status_code)
    clear_flash(request, response)
    return response
