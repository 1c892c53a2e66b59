"""200 concurrent clients against a real server: HTML pages, API reads and API writes, mixed.

`qtqms serve` runs in a subprocess (uvicorn, one process, the settings' thread and connection pools) on a
prepared database; 200 asyncio clients, each with its own HTTP connection, start together and send their
requests one after another. Every request must answer 2xx: a 500, a refused connection or a client time-out
(a stall) counts as an error. SQLite always (a temporary file); PostgreSQL too when QTQMS_BENCH_PG_URL names
a throwaway database (its public schema is dropped and rebuilt).

The server finds its secret key in the data dir, as after `qtqms init`, so page renders go the way they do
in production.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import each_backend, fresh_schema, machine

CLIENTS = 200
REQUESTS_PER_CLIENT = 10
USERS = 10
SEEDED_RISKS = 100
CLIENT_TIMEOUT_SECONDS = 60.0
START_TIMEOUT_SECONDS = 60.0
PASSWORD = "bench-password-42-long"
PAGES = ("/risk", "/risk/heatmap", "/", "/risk/treatment")
# Out of every ten requests a client sends: four pages, three API reads, two creations, one update.
MIX = ("page", "page", "page", "page", "read", "read", "read", "create", "create", "update")


@dataclass(frozen=True)
class Credentials:
    session_cookie: str
    api_token: str


@dataclass(frozen=True)
class Outcome:
    kind: str
    seconds: float
    ended: float  # perf_counter() when the answer came
    error: str = ""


def _prepare(engine) -> list[Credentials]:
    """An organisation with USERS engineers, each with a web session and an API token, and SEEDED_RISKS risks."""
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.identity.schemas import TokenCreate, UserCreate
    from qtqms.org import service as org_service
    from qtqms.risk import service as risk_service
    from qtqms.risk.schemas import RatingIn, RiskCreate

    credentials = []
    with UnitOfWork(engine, write=True) as uow:
        org_service.initialise(uow, organisation_name="Load Quantum", admin_username="admin")
        admin = identity_service.local_actor(uow, "admin")
        uow.actor = admin
        for index in range(USERS):
            data = UserCreate(username=f"engineer{index}", role="engineer", password=PASSWORD)
            user, _ = identity_service.create_user(uow, admin, data)
            actor = identity_service.local_actor(uow, user.username)
            _, token = identity_service.create_token(uow, actor, TokenCreate(name="load", expires_in_days=1))
            cookie = identity_service.start_session(uow, user)
            credentials.append(Credentials(cookie, token))
        for number in range(SEEDED_RISKS):
            rating = RatingIn(likelihood=1 + number % 5, impact=1 + number // 5 % 5)
            risk_service.create_risk(
                uow, admin, RiskCreate(title=f"seeded risk {number}", domain="security", inherent=rating)
            )
        uow.commit()
    return credentials


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(data_dir: Path, port: int) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "QTQMS_SECRET_KEY"}
    log = (data_dir / f"server-{port}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "qtqms", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(server: subprocess.Popen) -> None:
    """Stop the server; one still stuck on requests after a grace period is killed."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


async def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            try:
                if (await client.get("/api/v1/health")).status_code == 200:
                    return
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_SECONDS:.0f} s")


async def _one_request(client, kind: str, step: int, me: Credentials) -> None:
    bearer = {"authorization": f"Bearer {me.api_token}"}
    risk_ref = f"R-{1 + step * 7 % SEEDED_RISKS:04d}"
    if kind == "page":
        response = await client.get(PAGES[step % len(PAGES)], cookies={"qtqms_session": me.session_cookie})
    elif kind == "read":
        path = "/api/v1/risk/risks?limit=20" if step % 2 else f"/api/v1/risk/risks/{risk_ref}"
        response = await client.get(path, headers=bearer)
    elif kind == "create":
        body = {"title": f"load risk {step}", "domain": "quality", "inherent": {"likelihood": 2, "impact": 3}}
        response = await client.post("/api/v1/risk/risks", json=body, headers=bearer)
    else:
        response = await client.patch(
            f"/api/v1/risk/risks/{risk_ref}", json={"description": f"step {step}"}, headers=bearer
        )
    if response.status_code >= 300:
        raise RuntimeError(_what_went_wrong(response))


def _what_went_wrong(response) -> str:
    """The status and the error's code and message (JSON) or the page's title (HTML), without request ids."""
    if response.headers.get("content-type", "").startswith("application/json"):
        error = response.json().get("error", {})
        return f"{response.status_code} {error.get('code')}: {error.get('message')}"
    title = re.search(r"<title>(.*?)</title>", response.text, re.S)
    return f"{response.status_code} {title.group(1).strip() if title else response.text[:80]}"


async def _client(index: int, base: str, me: Credentials, start: asyncio.Event) -> list[Outcome]:
    import httpx

    outcomes = []
    async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT_SECONDS) as client:
        await start.wait()
        for request in range(REQUESTS_PER_CLIENT):
            kind = MIX[(index + request) % len(MIX)]
            began = time.perf_counter()
            try:
                await _one_request(client, kind, index * REQUESTS_PER_CLIENT + request, me)
                error = ""
            except Exception as problem:  # noqa: BLE001 - every failure is counted and shown, none stops the run
                error = f"{type(problem).__name__}: {problem}"[:160]
            ended = time.perf_counter()
            outcomes.append(Outcome(kind, ended - began, ended, error))
    return outcomes


async def _load(base: str, credentials: list[Credentials]) -> tuple[list[Outcome], float, float]:
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(_client(index, base, credentials[index % len(credentials)], start))
        for index in range(CLIENTS)
    ]
    await asyncio.sleep(0.5)  # let every client be created before they all start at once
    began = time.perf_counter()
    start.set()
    outcomes = [outcome for finished in await asyncio.gather(*tasks) for outcome in finished]
    return outcomes, began, time.perf_counter() - began


def _percentile(sorted_seconds: list[float], share: float) -> float:
    return sorted_seconds[min(len(sorted_seconds) - 1, int(round(share * (len(sorted_seconds) - 1))))]


def _line(label: str, outcomes: list[Outcome]) -> str:
    seconds = sorted(o.seconds for o in outcomes)
    errors = sum(1 for o in outcomes if o.error)
    p50, p95, most = (1000 * s for s in (_percentile(seconds, 0.5), _percentile(seconds, 0.95), seconds[-1]))
    return (
        f"  {label:<8} {len(outcomes):>5} requests, errors {errors:>4}; "
        f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {most:.0f} ms"
    )


def _longest_silence(outcomes: list[Outcome], began: float) -> float:
    """The longest time in which no request was answered: a stall shows here, whatever the averages say."""
    answers = sorted([began, *(o.ended for o in outcomes)])
    return max(later - earlier for earlier, later in zip(answers, answers[1:], strict=False))


def _report(label: str, outcomes: list[Outcome], began: float, wall: float) -> None:
    errors = [o.error for o in outcomes if o.error]
    print(
        f"{label}: {CLIENTS} clients x {REQUESTS_PER_CLIENT} requests = {len(outcomes)} in {wall:.1f} s, "
        f"{len(outcomes) / wall:.0f} requests/s, {len(errors)} errors, "
        f"longest time without an answer {_longest_silence(outcomes, began) * 1000:.0f} ms"
    )
    print(_line("all", outcomes))
    for kind in dict.fromkeys(MIX):
        print(_line(kind, [o for o in outcomes if o.kind == kind]))
    for error, count in Counter(errors).most_common(5):
        print(f"  {count} x {error}")


def _run(label: str) -> None:
    from qtqms.db.runtime import dispose_all, engine_for
    from qtqms.settings import get_settings, reset_settings, secret_key

    engine = engine_for(get_settings())
    fresh_schema(engine)
    credentials = _prepare(engine)
    dispose_all()
    os.environ.pop("QTQMS_SECRET_KEY", None)
    reset_settings()
    secret_key(get_settings())  # stored in the data dir, as `qtqms init` does
    port = _free_port()
    server = _start_server(get_settings().data_dir, port)
    try:
        base = f"http://127.0.0.1:{port}"

        async def measure() -> tuple[list[Outcome], float, float, float, float]:
            await _wait_until_up(base, server)
            server_cpu, client_cpu = _cpu_seconds(server.pid), time.process_time()
            outcomes, began, wall = await _load(base, credentials)
            return outcomes, began, wall, _cpu_seconds(server.pid) - server_cpu, time.process_time() - client_cpu

        outcomes, began, wall, server_cpu, client_cpu = asyncio.run(measure())
    finally:
        _stop(server)
    _report(label, outcomes, began, wall)
    print(f"  CPU: server {server_cpu:.1f} s, clients {client_cpu:.1f} s, in {wall:.1f} s on {os.cpu_count()} cores")


def main() -> None:
    from qtqms.settings import get_settings

    settings = get_settings()
    print(machine())
    print(f"one server process, QTQMS_DB_POOL_SIZE={settings.db_pool_size}, QTQMS_WEB_THREADS={settings.web_threads}")
    each_backend(_run)


if __name__ == "__main__":
    main()
