"""CPU per request of the API and its same-work floor, in one process, rounds alternated: where a ratio of
``make bench`` is too noisy to tell a change of 0.1 ms from the machine's mood.

Both ASGI apps are started in this process (their lifespans run) and driven directly, without HTTP: each round
resets the door, then sends the same check-ins to one app, then to the other, ``CONCURRENCY`` at a time, and
reads this process's CPU time (``time.process_time``: PostgreSQL's and Redis's work is not in it). The ratio of
the two CPU figures is the share of a core's requests per second the API would keep against the floor.

Needs the data of a ``make bench`` run made with a known key (the seeded tickets and tokens are signed with it)::

    BENCH_SECRET_KEY=k BENCH_DB=bench_x SCENARIOS=door QUICK=1 make bench
    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench_x REDIS_URL=redis://127.0.0.1:6379/14 \\
      SECRET_KEY=k uv run python bench/cpu_per_request.py door --rounds 6 --requests 400

``--only api`` (or ``floor``) drives one app for ``--seconds``: for ``py-spy record --pid`` of this process.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import asyncpg

os.environ.setdefault("ENVIRONMENT", "development")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("LOG_JSON", "false")
os.environ.setdefault("MEDIA_ROOT", "bench/results/media")

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]
DOOR_FILE = Path("bench/results/events/door.txt")
DOOR_LINES: list[str] = []  # "event_id host_token code", read once


class Lifespan:
    """An ASGI app's startup and shutdown, as a server would run them."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        self.started = asyncio.Event()
        self.stopped = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            if message["type"].endswith("failed"):
                sys.exit(f"startup failed: {message.get('message')}")
            self.started.set()
        elif message["type"].startswith("lifespan.shutdown"):
            self.stopped.set()

    async def __aenter__(self) -> App:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self.task = asyncio.create_task(self.app(scope, self.inbox.get, self._send))  # type: ignore[arg-type]
        await self.inbox.put({"type": "lifespan.startup"})
        await self.started.wait()
        return self.app

    async def __aexit__(self, *_: object) -> None:
        await self.inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(self.stopped.wait(), 10)


async def call(app: App, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"content-length", str(len(body)).encode()), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)  # type: ignore[arg-type]
    return status


def door_scans() -> list[tuple[str, list[tuple[bytes, bytes]], bytes]]:
    DOOR_LINES.extend(DOOR_FILE.read_text().splitlines())
    scans = []
    for line in DOOR_LINES:
        event, token, secret = line.split()
        headers = [(b"authorization", f"Bearer {token}".encode()), (b"content-type", b"application/json")]
        scans.append((f"/api/events/{event}/check-in", headers, f'{{"ticket_secret":"{secret}"}}'.encode()))
    return scans


async def reset_door(state: str) -> None:
    events = sorted({int(line.split()[0]) for line in DOOR_LINES})
    conn = await asyncpg.connect(os.environ["DATABASE_URL"].replace("+asyncpg", ""))
    try:
        checked_in_at = "NULL" if state == "going" else "now()"
        await conn.execute(
            f"UPDATE tickets SET status = $2, checked_in_at = {checked_in_at} "  # noqa: S608 - two constants
            "WHERE event_id = ANY($1::bigint[]) AND status <> $2",
            events,
            state,
        )
    finally:
        await conn.close()


async def drive(app: App, scans: list[Any], concurrency: int) -> float:
    """CPU seconds per request over ``scans``, ``concurrency`` in flight."""
    queue = iter(scans)
    failures: list[int] = []

    async def worker() -> None:
        for path, headers, body in queue:
            status = await call(app, "POST", path, headers, body)
            if status != 200:
                failures.append(status)

    start = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    spent = time.process_time() - start
    if failures:
        sys.exit(f"{len(failures)} requests failed: statuses {sorted(set(failures))}")
    return spent / len(scans)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["door", "door-repeat"])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", choices=["api", "floor"])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--cprofile", metavar="PATH", help="with --only: cProfile the measured requests into PATH")
    args = parser.parse_args()
    state = "going" if args.scenario == "door" else "checked_in"

    sys.path.insert(0, str(Path(__file__).parent))
    import floor_app  # reads the environment when imported

    from loopin.entrypoints.http.app import create_app

    scans = door_scans()
    async with Lifespan(create_app()) as api, Lifespan(floor_app.create_app()) as floor:  # type: ignore[arg-type]
        apps = {"api": api, "floor": floor}
        await reset_door(state)
        for app in apps.values():  # warm-up: statement caches, connections, imports
            await drive(app, scans[:200], args.concurrency)
        if args.only:
            await reset_door(state)
            print(f"pid {os.getpid()}: {args.only} for {args.seconds} s", flush=True)
            done, offset, deadline = 0, 200, time.monotonic() + args.seconds
            profiler = cProfile.Profile() if args.cprofile else None
            while time.monotonic() < deadline:
                batch = scans[offset : offset + args.requests]
                if len(batch) < args.requests:
                    await reset_door(state)
                    offset, batch = 200, scans[200 : 200 + args.requests]
                if profiler:
                    profiler.enable()
                await drive(apps[args.only], batch, args.concurrency)
                if profiler:
                    profiler.disable()
                done, offset = done + len(batch), offset + len(batch)
            print(f"{done} requests")
            if profiler:
                profiler.dump_stats(args.cprofile)
            return
        figures: dict[str, list[float]] = {"api": [], "floor": []}
        for round_ in range(args.rounds):
            await reset_door(state)
            batch = scans[200 : 200 + args.requests]
            order = ["api", "floor"] if round_ % 2 == 0 else ["floor", "api"]
            for name in order:
                figures[name].append(await drive(apps[name], batch, args.concurrency))
                await reset_door(state)
        api_ms = statistics.median(figures["api"]) * 1000
        floor_ms = statistics.median(figures["floor"]) * 1000
        print(" ".join(f"{n}=[" + ", ".join(f"{x * 1000:.3f}" for x in v) + "]" for n, v in figures.items()))
        ratio = floor_ms / api_ms
        print(f"{args.scenario}: CPU per request api {api_ms:.3f} ms, floor {floor_ms:.3f} ms; ratio {ratio:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
