"""Pages and API calls served at the same time: no request writes where it only reads, none fails for another."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from qtqms.settings import get_settings, reset_settings, secret_key
from tests.builders import log_in, make_org

PAGES = ("/", "/risk", "/org", "/catalog", "/account")
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
