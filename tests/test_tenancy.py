"""Tenancy, tried from outside: a second organisation's admin calls every list and detail route of the API and
the web with the first organisation's identifiers and must see nothing of it.

The first organisation is the demo company, so every slice has records. What would leak is found generically:
every text value of every row the first organisation owns (except what the shipped packs and templates also
say, which everyone may read) is a marker that must not appear in a page or a JSON body the second organisation
gets. A detail route is tried with the first organisation's identifiers until one opens for its own admin; the
second organisation must then get a 404 (or a page with no marker, for shared reference data)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import String, Text, select

import qtqms
from qtqms.app.demo import service as demo_service
from qtqms.app.web import create_app
from qtqms.db.base import Base
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.models.catalog import FrameworkVersion
from qtqms.org import service as org_service
from tests.builders import PASSWORD, api_token, log_in

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
# Routes that are not a read of the organisation's records: they serve no data, or only shared reference data
# (framework packs, policies, matrices) that every organisation may read.
NOT_RECORD_READS = {"/api/v1/openapi.json", "/api/docs", "/docs/oauth2-redirect", "/login", "/logout"}
# Shared reference data only (framework editions): nothing of an organisation's to leak.
SHARED_ONLY = {"/api/v1/catalog/frameworks/{pack_id}/diff", "/catalog/frameworks/{pack_id}/diff"}
# Query parameters a route needs before it opens.
QUERIES = {"/api/v1/catalog/readiness/{framework}/explain": "?requirement=6.1.1"}
SHORTEST_MARKER = 8
# The prefixes of human references (R-0042, DOC-0001) a numbered record may be opened by.
REFERENCE_PREFIXES = ("R", "DOC", "NC")
ENUM_VALUE = re.compile(r"[a-z0-9_]+")


def _get_routes(app) -> list[tuple[str, bool]]:
    """(path, is_api) of every GET route the app serves, included routers walked."""
    found: list[tuple[str, bool]] = []

    def walk(routes):
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                walk(original.routes)
            elif "GET" in (getattr(route, "methods", None) or ()) and route.path not in NOT_RECORD_READS | SHARED_ONLY:
                found.append((route.path, route.path.startswith("/api/")))

    walk(app.routes)
    return sorted(set(found))


def _public_text() -> str:
    """What every organisation may read: the shipped data packs and the page templates."""
    root = Path(qtqms.__file__).parent
    kinds = ("*.yaml", "*.yml", "*.json", "*.toml", "*.html")
    return "\n".join(p.read_text(errors="ignore") for kind in kinds for p in root.rglob(kind))


def _owned_rows(uow: UnitOfWork, organisation_id: int):
    for table in Base.metadata.sorted_tables:
        if "organisation_id" in table.c:
            yield table, uow.session.execute(select(table).where(table.c.organisation_id == organisation_id)).all()


def _texts(uow: UnitOfWork, organisation_id: int) -> set[str]:
    found = set()
    for table, rows in _owned_rows(uow, organisation_id):
        texts = [c.name for c in table.c if isinstance(c.type, String | Text)]
        for row in rows:
            found.update(v for name in texts if isinstance(v := getattr(row, name), str) and len(v) >= SHORTEST_MARKER)
    return found


def _markers(uow: UnitOfWork, first_id: int, first_name: str, second_id: int) -> set[str]:
    """The first organisation's own texts: not in what everyone may read, nor in the second's records."""
    public = _public_text()
    return {first_name} | {text for text in _texts(uow, first_id) - _texts(uow, second_id) if not _shared(text, public)}


def _shared(text: str, public: str) -> bool:
    """Enum values (a role, a status) and references made of public parts ("pack:ID") say nothing of anyone."""
    return ENUM_VALUE.fullmatch(text) is not None or all(part in public for part in re.split(r"[:\s]+", text))


def _identifiers(uow: UnitOfWork, organisation_id: int) -> list[str]:
    """Every value a path parameter of the first organisation could take: keys, numbers, refs, usernames, ids."""
    values: list[str] = []
    for table, rows in _owned_rows(uow, organisation_id):
        for row in rows:
            for column in ("key", "username", "id", "ref"):
                if column in table.c and getattr(row, column) is not None:
                    values.append(str(getattr(row, column)))
            if "number" in table.c and getattr(row, "number", None) is not None:
                values += [f"{prefix}-{row.number:04d}" for prefix in REFERENCE_PREFIXES]
    # Shared reference data and the formats a route may name: these open for everyone, so they show what a
    # page that mixes shared and owned data (the SoA of a framework, say) shows the second organisation.
    values += list(uow.session.scalars(select(FrameworkVersion.pack_id).distinct()))
    values += ["csv", "xlsx", "json"]
    return list(dict.fromkeys(values))


@pytest.fixture(scope="module")
def two_organisations(engine, snapshots):
    snapshots.empty()
    with UnitOfWork(engine, write=True) as uow:
        credentials = demo_service.build_demo(uow)
        first = identity_service.local_actor(uow, credentials.admin_username)
        uow.actor = first
        identity_service.set_password(uow, first, credentials.admin_username, PASSWORD)
        _, _ = org_service.initialise(uow, organisation_name="Beta Photonics", admin_username="beta-admin")
        second = identity_service.local_actor(uow, "beta-admin")
        uow.actor = second
        identity_service.set_password(uow, second, "beta-admin", PASSWORD)
        uow.commit()
    tokens = {"first_token": api_token(engine, first), "second_token": api_token(engine, second)}
    with UnitOfWork(engine) as uow:
        markers = _markers(uow, first.organisation_id, credentials.organisation, second.organisation_id)
        # Ids are global: a value that also names a record of the second organisation is not the first's.
        shared = {"csv", "xlsx", "json", *uow.session.scalars(select(FrameworkVersion.pack_id))}
        theirs = set(_identifiers(uow, second.organisation_id)) - shared
        theirs |= {str(token.id) for token in identity_service.list_tokens(uow, second)}
        identifiers = [value for value in _identifiers(uow, first.organisation_id) if value not in theirs]
    app = create_app()
    with TestClient(app) as first_client, TestClient(app) as second_client:
        assert log_in(first_client, first.username).status_code == 303
        assert log_in(second_client, second.username).status_code == 303
        yield {
            "app": app,
            "first": first_client,
            "second": second_client,
            **tokens,
            "markers": markers,
            "identifiers": identifiers,
        }


def _leaks(text: str, markers: set[str]) -> list[str]:
    return sorted(marker for marker in markers if marker in text)[:5]


def _fill(path: str, values: tuple[str, ...]) -> str:
    names = PARAM.findall(path)
    for name, value in zip(names, values, strict=True):
        path = re.sub(r"\{" + name + r"(?::\w+)?\}", value, path, count=1)
    return path


def _first_open(world, path: str, is_api: bool) -> str | None:
    """The route filled with the first organisation's identifiers, the first way its own admin can open."""
    slots = len(PARAM.findall(path))
    headers = {"Authorization": f"Bearer {world['first_token']}"} if is_api else {}
    for values in itertools.product(world["identifiers"], repeat=slots):
        url = _fill(path, values) + QUERIES.get(path, "")
        if world["first"].get(url, headers=headers).status_code == 200:
            return url
    return None


def test_the_first_organisation_has_records_to_leak(two_organisations):
    assert len(two_organisations["markers"]) > 50
    assert "Aurora Quantum Labs (demo)" in two_organisations["markers"]


def test_a_second_organisation_sees_nothing_of_the_first_on_any_route(two_organisations):
    world = two_organisations
    leaks, uncovered = [], []
    for path, is_api in _get_routes(world["app"]):
        headers = {"Authorization": f"Bearer {world['second_token']}"} if is_api else {}
        url = _first_open(world, path, is_api) if PARAM.search(path) else path
        if url is None:
            uncovered.append(path)
            continue
        response = world["second"].get(url, headers=headers)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code == 200 and (found := _leaks(response.text, world["markers"])):
            leaks.append((url, found))
    assert leaks == [], "\n".join(f"{url}: {found}" for url, found in leaks)
    assert uncovered == [], f"no identifier of the first organisation opens {uncovered}: give the demo a record"


WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _write_routes(app) -> list[tuple[str, str, bool]]:
    """(method, path, is_api) of every write route with a path parameter: the ones that name a record."""
    found = []

    def walk(routes):
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                walk(original.routes)
            elif PARAM.search(route.path) and route.path not in NOT_RECORD_READS:
                is_api = route.path.startswith("/api/")
                found.extend((method, route.path, is_api) for method in route.methods or () if method in WRITES)

    walk(app.routes)
    return sorted(set(found))


def _own_events(engine, organisation_id: int) -> list[tuple]:
    from qtqms.db.audit import AuditEvent

    with UnitOfWork(engine) as uow:
        stmt = select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.organisation_id == organisation_id)
        return list(uow.session.execute(stmt.order_by(AuditEvent.seq)))


# Path parameters that take one of a few words, not a record's identifier.
SLOT_WORDS = {
    "kind": ("site", "product", "exclusion", "jurisdiction"),
    "what": ("assess", "treat", "accept", "edit", "data-class"),
    "requirement": ("A.8.24", "4.1", "6.1.1", "PQC.INVENTORY"),
}
ID_SLOT = re.compile(r"(^id$|_id$)")


def _slot_candidates(world, name: str) -> list[str]:
    """What a path parameter could be, by its name: a few words, numeric ids, or any other identifier."""
    if name in SLOT_WORDS:
        return list(SLOT_WORDS[name])
    if ID_SLOT.search(name) and name != "pack_id":
        return [value for value in world["identifiers"] if value.isdigit()]
    return [value for value in world["identifiers"] if not value.isdigit()]


def _write_values(world, path: str, is_api: bool) -> list[tuple[str, ...]]:
    """Identifier tuples worth trying on a write route: the ones that open its readable twin (same parameters)
    for the first organisation's admin, else every combination of each parameter's candidates."""
    reads = world.setdefault("reads", dict(_get_routes(world["app"])))
    twin = path
    while twin:
        if twin in reads and PARAM.findall(twin) == PARAM.findall(path) and (url := _first_open(world, twin, is_api)):
            return [tuple(_values_in(twin, url))]
        twin = twin.rpartition("/")[0]
    return list(itertools.product(*(_slot_candidates(world, name) for name in PARAM.findall(path))))


def _values_in(pattern: str, url: str) -> list[str]:
    regex = "^" + PARAM.sub(r"([^/]+)", re.escape(pattern).replace(r"\{", "{").replace(r"\}", "}")) + r"(\?.*)?$"
    return list(re.match(regex, url).groups()[: len(PARAM.findall(pattern))])


def test_a_second_organisation_cannot_change_anything_of_the_first(two_organisations, engine):
    """Every write route that names a record, called by the second organisation's admin (who may do anything in
    their own organisation) with the first organisation's identifiers: never a success, never a 500, nothing of
    the first organisation in the answer, and not one event added to the first organisation's trail."""
    world = two_organisations
    first_id = identity_service_first_org(engine)
    before = _own_events(engine, first_id)
    token = csrf_from_page(world["second"])
    allowed, failures, tried = [], [], 0
    for method, path, is_api in _write_routes(world["app"]):
        headers = {"Authorization": f"Bearer {world['second_token']}"} if is_api else {"X-CSRF-Token": token}
        for values in _write_values(world, path, is_api):
            url = _fill(path, values)
            body = {"json": {}} if is_api else {"data": {"csrf_token": token}}
            response = world["second"].request(method, url, headers=headers, follow_redirects=False, **body)
            tried += 1
            if response.status_code >= 500:
                failures.append((method, url, response.status_code))
            elif is_api and response.status_code < 300:
                allowed.append((method, url, response.status_code))
            elif found := [marker for marker in _leaks(response.text, world["markers"]) if marker not in url]:
                failures.append((method, url, found))
    assert tried > 50
    assert failures == [] and allowed == [], (failures, allowed)
    assert _own_events(engine, first_id) == before


def identity_service_first_org(engine) -> int:
    from qtqms.models.org import Organisation

    with UnitOfWork(engine) as uow:
        return uow.session.scalars(select(Organisation.id).where(Organisation.is_demo.is_(True))).one()


def csrf_from_page(client) -> str:
    from tests.builders import csrf_from

    return csrf_from(client.get("/org").text)
