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
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.slices import NavItem
from qtqms.kit.web.security import csrf_token


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


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    actor = getattr(request.state, "actor", None)
    nav = [item for item in site.navigation if item.planned or can(actor, item.permission)]
    full = {
        "actor": actor,
        "is_demo": bool(actor and actor.demo),
        "nav": nav,
        "csrf_token": csrf_token(request),
        "current_path": request.url.path,
        **(context or {}),
    }
    return templates().TemplateResponse(request, name, full, status_code=status_code)
