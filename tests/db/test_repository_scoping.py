"""Tenancy by construction, checked in the code: every repository function that runs a query over an
organisation's table takes an `OrgScope` and uses it.

A function is checked when it is public, takes a session (or a unit of work) and names an organisation's table,
itself or through a helper of its module. The tables are found from the mappers (every `OrgScoped` model), plus
the trail's events, which carry their organisation without being an organisation's records.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from pathlib import Path
from typing import Any, TypeVar

import pytest

import qtqms
from qtqms.db.audit import AuditEvent
from qtqms.db.base import Base, OrgScoped

# Shared code outside the slices' repositories that runs queries over an organisation's tables.
SHARED_MODULES = ["qtqms.kit.workflow", "qtqms.db.numbering"]

# (module, function): why it may run without a scope.
ALLOWED = {
    ("qtqms.identity.repository", "user_by_username"): "a login and the command line name the user before any "
    "organisation is known; usernames are unique across organisations",
    ("qtqms.identity.repository", "first_active_admin"): "the command line acts as the first admin when no user "
    "is named, before any organisation is known",
    ("qtqms.identity.repository", "session_with_user"): "authentication: the cookie's hash is how the "
    "organisation becomes known",
    ("qtqms.identity.repository", "token_with_user"): "authentication: the bearer token's hash is how the "
    "organisation becomes known",
    ("qtqms.trail.repository", "chain_rows"): "the hash chain links every organisation's events in one "
    "sequence; verifying it reports sequence numbers and reasons, no event's content",
    ("qtqms.trail.repository", "hash_of"): "a checkpoint vouches for one event of the whole chain by its hash",
    ("qtqms.kit.workflow", "transition"): "the workflow checks the actor's permission for the step itself, and "
    "the record must be of the actor's organisation",
}

ORG_TABLES = {mapper.class_ for mapper in Base.registry.mappers if issubclass(mapper.class_, OrgScoped)} | {AuditEvent}
QUERYING = {"Session", "UnitOfWork"}


def _is_org_table(value: Any) -> bool:
    if isinstance(value, TypeVar):
        return any(_is_org_table(v) for v in (*value.__constraints__, value.__bound__) if v is not None)
    return isinstance(value, type) and value in ORG_TABLES


def _resolve(node: ast.expr, namespace: dict[str, Any]) -> Any:
    """The value a name or a dotted name (`models.Risk`) has in the module, or None."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        return getattr(_resolve(node.value, namespace), node.attr, None)
    return None


def _annotation(arg: ast.arg) -> str:
    return ast.unparse(arg.annotation) if arg.annotation is not None else ""


def _arguments(function: ast.FunctionDef) -> list[ast.arg]:
    a = function.args
    return [*a.posonlyargs, *a.args, *a.kwonlyargs, *([a.vararg] if a.vararg else []), *([a.kwarg] if a.kwarg else [])]


def _runs_queries(function: ast.FunctionDef) -> bool:
    return any(
        arg.arg in {"session", "uow"} or _annotation(arg).split(".")[-1] in QUERYING for arg in _arguments(function)
    )


def _scope_parameters(function: ast.FunctionDef) -> list[str]:
    return [arg.arg for arg in _arguments(function) if "OrgScope" in _annotation(arg)]


def unscoped(source: str, namespace: dict[str, Any]) -> dict[str, str]:
    """The public functions of a module's source that query an organisation's table without a scope, each with
    what is wrong."""
    functions = {
        node.name: node
        for node in ast.parse(textwrap.dedent(source)).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    names = {name: list(ast.walk(function)) for name, function in functions.items()}  # annotations too
    direct = {
        name
        for name, nodes in names.items()
        if any(isinstance(n, ast.Name | ast.Attribute) and _is_org_table(_resolve(n, namespace)) for n in nodes)
    }
    calls = {
        name: {n.id for n in nodes if isinstance(n, ast.Name) and n.id in functions} for name, nodes in names.items()
    }
    touching = set(direct)
    while True:  # a function touches a table when a helper of its module it names does
        more = {name for name, called in calls.items() if called & touching} - touching
        if not more:
            break
        touching |= more
    found = {}
    for name in sorted(touching):
        function = functions[name]
        if name.startswith("_") or not _runs_queries(function):
            continue
        scopes = _scope_parameters(function)
        if not scopes:
            found[name] = "queries an organisation's table but takes no OrgScope"
            continue
        used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
        if not used & set(scopes):
            found[name] = f"takes {', '.join(scopes)} but never uses it"
    return found


def _repository_modules() -> list[str]:
    root = Path(qtqms.__file__).parent
    modules = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if "repository" in parts:
            modules.append(".".join(("qtqms", *(p for p in parts if p != "__init__"))))
    return modules


def _unscoped_in(module_name: str) -> dict[str, str]:
    module = importlib.import_module(module_name)
    return unscoped(inspect.getsource(module), vars(module))


def test_every_repository_function_over_an_organisations_table_takes_and_uses_the_scope():
    import qtqms.models  # noqa: F401  (registers every model)

    modules = _repository_modules()
    assert {m.split(".")[1] for m in modules} >= {"identity", "trail", "esign", "evidence", "org", "pqc"}
    found = {
        f"{module}.{name}: {problem}"
        for module in [*modules, *SHARED_MODULES]
        for name, problem in _unscoped_in(module).items()
        if (module, name) not in ALLOWED
    }
    assert sorted(found) == []


def test_every_allowance_is_still_needed():
    """A function that now takes the scope, or is gone, leaves the list."""
    stale = [f"{module}.{name}" for module, name in ALLOWED if name not in _unscoped_in(module)]
    assert stale == []


TOY = """
from sqlalchemy import select
from sqlalchemy.orm import Session
from qtqms.kernel.rbac import OrgScope
from qtqms.models.org import Site, Organisation
from qtqms.db.scoping import scoped


def sites(session: Session, organisation_id: int):
    return list(session.scalars(select(Site).where(Site.organisation_id == organisation_id)))


def scoped_sites(session: Session, scope: OrgScope):
    return list(session.scalars(scoped(select(Site), Site, scope)))


def ignores_its_scope(session: Session, scope: OrgScope):
    return list(session.scalars(select(Site)))


def _all_sites():
    return select(Site)


def through_a_helper(session: Session):
    return list(session.scalars(_all_sites()))


def organisations(session: Session):
    return list(session.scalars(select(Organisation)))


def site_statement():
    return select(Site)
"""


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("sites", "takes no OrgScope"),
        ("ignores_its_scope", "never uses it"),
        ("through_a_helper", "takes no OrgScope"),
    ],
)
def test_the_check_names_an_unscoped_query(name, problem):
    namespace: dict[str, Any] = {}
    exec(compile(TOY, "toy.py", "exec"), namespace)  # noqa: S102  (our own toy source, to run the check on)
    found = unscoped(TOY, namespace)
    assert problem in found[name]


def test_the_check_passes_a_scoped_query_a_table_of_no_organisation_and_a_statement_builder():
    namespace: dict[str, Any] = {}
    exec(compile(TOY, "toy.py", "exec"), namespace)  # noqa: S102
    assert set(unscoped(TOY, namespace)) == {"sites", "ignores_its_scope", "through_a_helper"}
