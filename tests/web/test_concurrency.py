"""Pages and API calls served at the same time: no request writes where it only reads, none fails for another."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event

from qtqms.settings import get_settings, reset_settings, secret_key
from tests.builders import api_token, log_in, make_org

PAGES = ("/", "/risk", "/org", "/catalog", "/account")
WRITERS = 50
WRITES = ("INSERT", "UPDATE", "DELETE")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
CHANGING_EVENTS = frozenset({"os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.truncate", "os.chmod"})

_watch: list[list[str]] = []  # the open watchers' logs; audit hooks cannot be removed, so one hook serves all


def _audit(event: str, args: tuple) -> None:
    if not _watch:
        return
    if event == "open":
        path, mode, flags = args
        if (mode and any(letter in mode for letter in "wax+")) or (flags or 0) & WRITE_FLAGS:
            _watch[-1].append(f"open {path} {mode or oct(flags)}")
    elif event in CHANGING_EVENTS:
        _watch[-1].append(f"{event} {args[0]}")


sys.addaudithook(_audit)


@contextmanager
def filesystem_changes() -> Iterator[list[str]]:
    """What the code run inside the block (in any thread) wrote, created or removed on disk through Python."""
    changes: list[str] = []
    _watch.append(changes)
    try:
        yield changes
    finally:
        _watch.remove(changes)


@pytest.fixture
def stored_secret_key(monkeypatch, tmp_path) -> Iterator[str]:
    """No QTQMS_SECRET_KEY: the key lives in the data dir, as after `qtqms init`."""
    monkeypatch.delenv("QTQMS_SECRET_KEY")
    monkeypatch.setenv("QTQMS_DATA_DIR", str(tmp_path))
    reset_settings()
    yield secret_key(get_settings())
    reset_settings()


def test_rendering_a_page_writes_nothing_to_disk(client, db, stored_secret_key):
    make_org(db)
    log_in(client, "admin")
    reset_settings()  # a fresh process: the key is read, not cached
    with filesystem_changes() as changes:
        for path in PAGES:
            assert client.get(path).status_code == 200
    assert changes == []


def test_pages_rendered_by_many_threads_at_once_all_answer(client, db, stored_secret_key):
    make_org(db)
    log_in(client, "admin")

    def render(number: int) -> int:
        return client.get(PAGES[number % len(PAGES)]).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(render, range(160)))
    assert statuses == [200] * 160


@contextmanager
def transactions(engine: Engine) -> Iterator[list[list[str]]]:
    """The SQL run inside the block, one list of statements per transaction, in the order they began."""
    seen: list[list[str]] = []
    current: dict[int, list[str]] = {}

    def began(connection) -> None:
        current[id(connection)] = []
        seen.append(current[id(connection)])

    def executed(connection, _cursor, statement, *_rest) -> None:
        current.get(id(connection), []).append(statement)

    listeners = {"begin": began, "before_cursor_execute": executed}
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners.items():
            event.remove(engine, name, listener)


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


def test_a_read_request_writes_nothing_and_the_token_use_is_noted_after_it(client, db):
    admin = make_org(db)
    bearer = {"authorization": f"Bearer {api_token(db, admin)}"}
    client.get("/login")  # the process's first request checks the schema version: not this test's business
    with transactions(db) as seen:
        assert client.get("/api/v1/identity/me", headers=bearer).status_code == 200
    request, *after = seen
    assert any("api_token" in statement for statement in request) and _writes(request) == []
    assert len(after) == 1 and [s.split()[:2] for s in _writes(after[0])] == [["UPDATE", "api_token"]]
    with transactions(db) as seen:
        assert client.get("/api/v1/identity/me", headers=bearer).status_code == 200
    assert len(seen) == 1 and _writes(seen[0]) == []  # used a moment ago: nothing to note


def test_a_page_read_with_a_session_writes_nothing(client, db):
    make_org(db)
    log_in(client, "admin")
    with transactions(db) as seen:
        for path in PAGES:
            assert client.get(path).status_code == 200
    assert len(seen) == len(PAGES) and [_writes(t) for t in seen] == [[]] * len(PAGES)


def test_fifty_concurrent_writers_all_create_their_risk_with_distinct_numbers(client, db):
    admin = make_org(db)
    bearer = {"authorization": f"Bearer {api_token(db, admin)}"}

    def create(number: int) -> tuple[int, str]:
        body = {"title": f"concurrent risk {number}", "domain": "security", "inherent": {"likelihood": 2, "impact": 3}}
        response = client.post("/api/v1/risk/risks", json=body, headers=bearer)
        return response.status_code, response.json().get("ref", response.text)

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        outcomes = list(pool.map(create, range(WRITERS)))
    assert [status for status, _ in outcomes] == [201] * WRITERS, outcomes
    assert sorted(ref for _, ref in outcomes) == [f"R-{n:04d}" for n in range(1, WRITERS + 1)]
    verified = client.get("/api/v1/trail/verify", headers=bearer).json()
    assert verified["intact"] and verified["events_checked"] > WRITERS
