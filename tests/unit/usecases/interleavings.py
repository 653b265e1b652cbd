"""Interleavings: the in-memory adapters never suspend between a read and the commit, so on their own they run
concurrent requests one after the other. A real database has a network round trip after every statement; these
helpers put a suspension point at such a spot so a test can make requests interleave there."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from dishka import Provider, Scope

from loopin.adapters.memory.store import MemoryTransaction


class Gate:
    """Once armed, the first caller that passes sets ``reached`` and, if ``hold``, waits until ``open()``."""

    def __init__(self, *, hold: bool = True) -> None:
        self.reached = asyncio.Event()
        self._open = asyncio.Event()
        self._hold = hold
        self._armed = False

    def arm(self) -> None:
        self._armed = True

    async def pass_through(self) -> None:
        if not self._armed:
            return
        self._armed = False
        self.reached.set()
        if self._hold:
            await self._open.wait()

    def open(self) -> None:
        self._open.set()


class Failure:
    """Once armed, the first caller that passes gets ``error`` raised at it."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self._armed = False

    def arm(self) -> None:
        self._armed = True

    async def pass_through(self) -> None:
        if self._armed:
            self._armed = False
            raise self.error


class YieldPoint:
    """Lets every other ready request run before continuing (``sleep(0)`` is a yield, not a wait)."""

    async def pass_through(self) -> None:
        await asyncio.sleep(0)


class Pausable(Protocol):
    async def pass_through(self) -> None: ...


class Paused:
    """Delegates to a real adapter, passing a point just before or just after calls of the named methods."""

    def __init__(self, inner: object, before: Mapping[str, Pausable], after: Mapping[str, Pausable]) -> None:
        self._inner = inner
        self._before = before
        self._after = after

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        before, after = self._before.get(name), self._after.get(name)
        if before is None and after is None:
            return attr

        async def paused(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                await before.pass_through()
            result = await attr(*args, **kwargs)
            if after is not None:
                await after.pass_through()
            return result

        return paused


def pause_provider(
    port: type[Any],
    adapter: Callable[[MemoryTransaction], object],
    *,
    before: Mapping[str, Pausable] | None = None,
    after: Mapping[str, Pausable] | None = None,
) -> Provider:
    """Replaces ``port`` with its in-memory adapter wrapped in ``Paused``."""
    provider = Provider(scope=Scope.REQUEST)

    def make(tx: MemoryTransaction) -> Any:
        return Paused(adapter(tx), before or {}, after or {})

    provider.provide(make, provides=port, override=True)
    return provider


async def within(awaitable: Awaitable[Any], seconds: float = 5) -> Any:
    """A safety net: an interleaving test that stops interleaving fails instead of hanging."""
    async with asyncio.timeout(seconds):
        return await awaitable
