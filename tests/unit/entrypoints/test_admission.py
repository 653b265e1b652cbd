"""The admission gate: a burst beyond the limit waits its turn (never more in flight), and a wait past the
timeout is a 503, while the health probes are never held."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from loopin.domain.shared.errors import Unavailable
from loopin.entrypoints.http.admission import admission


class SlowApp:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.in_flight = 0
        self.most = 0
        self.served = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(self.seconds)
        self.in_flight -= 1
        self.served += 1


def http(path: str = "/api/events/1/confirm-attendance") -> dict[str, Any]:
    return {"type": "http", "path": path}


async def nothing() -> dict[str, Any]:
    return {}


async def ignore(message: Any) -> None:
    return None


async def test_a_burst_beyond_the_limit_waits_its_turn_and_every_request_is_served() -> None:
    app = SlowApp(0.01)
    gated = admission(3, wait_seconds=10)(app)  # type: ignore[arg-type]
    await asyncio.gather(*(gated(http(), nothing, ignore) for _ in range(40)))  # type: ignore[arg-type]
    assert (app.served, app.most) == (40, 3)


async def test_a_wait_past_the_timeout_is_unavailable_and_the_health_probe_passes() -> None:
    app = SlowApp(0.5)
    gated = admission(1, wait_seconds=0.05)(app)  # type: ignore[arg-type]
    first = asyncio.create_task(gated(http(), nothing, ignore))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    with pytest.raises(Unavailable):
        await gated(http(), nothing, ignore)  # type: ignore[arg-type]
    await gated(http("/health/ready"), nothing, ignore)  # type: ignore[arg-type]
    await first
    await gated(http(), nothing, ignore)  # type: ignore[arg-type]  # the permit came back
    assert app.served == 3
