"""A slice plugs in through its manifest alone: a toy slice written here, in a temporary package, gets its API,
its pages (with its templates and navigation) and its commands mounted with no other file edited."""

from __future__ import annotations

import sys
import textwrap

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from qtqms.app.cli import root_command
from qtqms.app.slices import SLICES
from qtqms.app.web import create_app
from qtqms.kit.slices import Command, NavItem, Slice
from tests.builders import log_in, make_org

TOY_FILES = {
    "__init__.py": "",
    "api.py": """
        from fastapi import APIRouter

        from qtqms.identity.deps import CurrentActor

        router = APIRouter(prefix="/api/v1/toy", tags=["toy"])


        @router.get("/ping")
        def ping(actor: CurrentActor) -> dict:
            return {"pong": actor.username}
        """,
    "views.py": """
        from fastapi import APIRouter, Request
        from fastapi.responses import HTMLResponse

        from qtqms.identity.deps import CurrentActor
        from qtqms.kit.web.templating import render

        router = APIRouter()


        @router.get("/toy", response_class=HTMLResponse)
        def page(request: Request, actor: CurrentActor):
            return render(request, "toy/page.html", {"who": actor.username})
        """,
    "cli.py": """
        import typer

        app = typer.Typer(no_args_is_help=True)


        @app.command()
        def hello(name: str) -> None:
            typer.echo(f"hello {name} from the toy slice")
        """,
    "templates/toy/page.html": """
        {% extends "base.html" %}
        {% block content %}<p id="toy">toy page for {{ who }}</p>{% endblock %}
        """,
}


@pytest.fixture
def toy(tmp_path, monkeypatch):
    for name, text in TOY_FILES.items():
        path = tmp_path / "toyslice" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield Slice(
        name="toy",
        package="toyslice",
        api="toyslice.api:router",
        views="toyslice.views:router",
        commands={"toy": Command("toyslice.cli:app", "A toy slice.")},
        templates=True,
        nav=(NavItem("Toy", "/toy", 45),),
    )
    for module in [m for m in sys.modules if m == "toyslice" or m.startswith("toyslice.")]:
        del sys.modules[module]
    create_app()  # leave the renderer configured for the real slices


def test_a_toy_slice_gets_its_api_pages_navigation_and_commands_from_its_manifest(db, toy):
    admin = make_org(db)
    with TestClient(create_app([*SLICES, toy])) as client:
        assert "/api/v1/toy/ping" in client.get("/api/v1/openapi.json").json()["paths"]
        assert log_in(client, admin.username).status_code == 303
        assert client.get("/api/v1/toy/ping").json() == {"pong": admin.username}
        page = client.get("/toy")
        assert page.status_code == 200 and "toy page for admin" in page.text
        assert 'href="/toy"' in client.get("/").text
    result = CliRunner().invoke(root_command([*SLICES, toy]), ["toy", "hello", "world"])
    assert result.exit_code == 0 and "hello world from the toy slice" in result.output
    assert "A toy slice." in CliRunner().invoke(root_command([*SLICES, toy]), ["--help"]).output


def test_without_its_manifest_the_toy_slice_is_not_mounted(db, toy):
    with TestClient(create_app()) as client:
        assert "/api/v1/toy/ping" not in client.get("/api/v1/openapi.json").json()["paths"]
    assert CliRunner().invoke(root_command(), ["toy"]).exit_code == 2
