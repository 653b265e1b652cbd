"""Admission: how many requests one process works on at once.

A burst (every guest of a rush at once: a thousand requests on one process) would otherwise start them all: each
decodes its token and asks Redis whether it was revoked, then queues for a database connection, and an event loop
juggling a thousand half-done requests answers every one of them late: a Redis reply waits past its socket
timeout (a 503), and a winner holding the event's row lock waits for the loop between its statements. Past
``HTTP_MAX_IN_FLIGHT`` requests in flight, a request waits here before any work, first come first served, for at
most ``DB_POOL_TIMEOUT`` (then 503, as a pool wait would); waiting costs a suspended coroutine. The health probes
are never held.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from loopin.domain.shared.errors import Unavailable


def admission(limit: int, wait_seconds: float) -> Callable[[ASGIApp], ASGIApp]:
    """One gate per event loop (a process serves on one), shared by every route's middleware stack."""
    gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()

    def admission_middleware(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if limit <= 0 or scope["type"] != ScopeType.HTTP or scope["path"].startswith("/health"):
                await app(scope, receive, send)
                return
            loop = asyncio.get_running_loop()
            gate = gates.get(loop)
            if gate is None:
                gate = gates[loop] = asyncio.Semaphore(limit)
            if gate.locked():  # only a request that has to wait pays for a timer
                try:
                    async with asyncio.timeout(wait_seconds):
                        await gate.acquire()
                except TimeoutError:
                    raise Unavailable() from None
            else:
                await gate.acquire()
            try:
                await app(scope, receive, send)
            finally:
                gate.release()

        return middleware

    return admission_middleware
