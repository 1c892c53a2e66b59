"""Jinja2 environment shared by every slice's templates, and the page renderer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse

from qtqms import __version__
from qtqms.kernel.rbac import Permission, can
from qtqms.web.security import csrf_token

SLICE_TEMPLATES = ("identity", "org", "trail", "risk", "catalog", "pqc")


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    permission: Permission = Permission.READ
    planned: bool = False


# The management system's areas, in the order a user walks through them. Planned areas are shown
# as such (not as links) so the layout does not change as slices arrive.
NAVIGATION = (
    NavItem("Dashboard", "/"),
    NavItem("Organisation", "/org"),
    NavItem("Standards", "/catalog"),
    NavItem("Risk", "/risk"),
    NavItem("Crypto (PQC)", "/pqc"),
    NavItem("Lifecycle", "/lifecycle", planned=True),
    NavItem("ELSPI", "/elspi", planned=True),
    NavItem("Quality", "/quality", planned=True),
    NavItem("Audit trail", "/trail", Permission.TRAIL_READ),
    NavItem("Users", "/admin/users", Permission.USER_ADMIN),
)


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    from pathlib import Path

    here = Path(__file__).parent
    loaders = [FileSystemLoader(here / "templates")]
    loaders += [PackageLoader(f"qtqms.{name}", "templates") for name in SLICE_TEMPLATES]
    engine = Jinja2Templates(directory=here / "templates")
    engine.env.loader = ChoiceLoader(loaders)
    engine.env.globals.update(version=__version__, can=can, Permission=Permission)
    return engine


def register_slice_templates(package: str) -> None:
    """Later slices call this at import time to add their templates/ folder to the search path."""
    env = templates().env
    loader = env.loader
    assert isinstance(loader, ChoiceLoader)
    loader.loaders = [*loader.loaders, PackageLoader(package, "templates")]


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    actor = getattr(request.state, "actor", None)
    nav = [item for item in NAVIGATION if item.planned or can(actor, item.permission)]
    full = {
        "actor": actor,
        "nav": nav,
        "csrf_token": csrf_token(request),
        "current_path": request.url.path,
        **(context or {}),
    }
    return templates().TemplateResponse(request, name, full, status_code=status_code)
