"""Readiness: can this process reach everything it was configured to use?"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from dishka import AsyncContainer


class ReadinessCheck(Protocol):
    async def check(self) -> None:
        """Raises when the dependency cannot serve."""
        ...


class Readiness:
    timeout_seconds = 2.0

    def __init__(self, container: AsyncContainer, checks: Sequence[tuple[str, type[ReadinessCheck]]]) -> None:
        self._container = container
        self._checks = checks

    async def report(self) -> dict[str, str]:
        results = await asyncio.gather(*(self._run(kind) for _, kind in self._checks))
        return {name: result for (name, _), result in zip(self._checks, results, strict=True)}

    async def _run(self, kind: type[ReadinessCheck]) -> str:
        try:
            probe = await self._container.get(kind)
            await asyncio.wait_for(probe.check(), self.timeout_seconds)
        except Exception as exc:
            return f"unavailable: {type(exc).__name__}"
        return "ok"
