"""A relay in a process of its own, slow enough to be killed mid-batch (``test_outbox_relay``).

Run as ``python -m tests.integration.relay_victim`` with DATABASE_URL, REDIS_URL and QUEUE_NAME set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from dishka import Provider, Scope
from saq import Queue

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.jobs.saq_dispatch import SaqJobDispatcher
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import load_settings
from loopin.usecases.shared.ports import Clock, Job


class AheadClock:
    """The real time a minute from now: messages stored under a test's clock are due for this relay."""

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(minutes=1)


class Slow:
    def __init__(self, inner: JobDispatcher) -> None:
        self.inner = inner

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        await self.inner.dispatch(jobs)
        await asyncio.sleep(0.05)


async def main() -> None:
    settings = load_settings()
    queue = Queue.from_url(settings.redis_url or "", name=settings.queue_name)
    overrides = Provider(scope=Scope.APP)
    overrides.provide(lambda: Slow(SaqJobDispatcher(queue)), provides=JobDispatcher, override=True)
    overrides.provide(AheadClock, provides=Clock, override=True)
    container = make_container(settings, overrides)
    await (await container.get(OutboxRelay)).relay_due()
    raise SystemExit("the relay finished its batch: it was meant to be killed first")


if __name__ == "__main__":
    asyncio.run(main())
