"""The dispatchers a unit of work hands committed jobs to (``adapters.unit_of_work`` decides when)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import structlog

from loopin.usecases.shared.ports import Job

log = structlog.get_logger(__name__)

JobRunner = Callable[[Job], Awaitable[object]]


class JobDispatcher(Protocol):
    async def dispatch(self, jobs: Sequence[Job]) -> None: ...


class RecordingJobDispatcher(JobDispatcher):
    """Keeps dispatched jobs for tests to inspect and run."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        self.jobs.extend(jobs)

    def named(self, name: str) -> list[Job]:
        return [j for j in self.jobs if j.name == name]


class InProcessJobDispatcher(JobDispatcher):
    """Runs jobs in this process with the same retries a worker would give them (embedded mode, tests).

    In the background by default so a request never waits on its side effects; ``settle()`` waits for them.
    """

    def __init__(self, runner: JobRunner, *, background: bool = True, retry_delay: float = 0.5) -> None:
        self._runner = runner
        self._background = background
        self._retry_delay = retry_delay
        self._tasks: set[asyncio.Task[None]] = set()

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            if self._background:
                task = asyncio.create_task(self._run(job))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            else:
                await self._run(job)

    async def settle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _run(self, job: Job) -> None:
        for attempt in range(1, job.attempts + 1):
            try:
                await asyncio.wait_for(self._runner(job), timeout=job.timeout_seconds)
            except Exception:
                log.warning("job failed", job=job.name, attempt=attempt, of=job.attempts, exc_info=True)
                if attempt < job.attempts:
                    await asyncio.sleep(self._retry_delay * 2 ** (attempt - 1))
            else:
                return
        log.error("job gave up", job=job.name, attempts=job.attempts)
