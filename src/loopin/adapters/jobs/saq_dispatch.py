"""Committed jobs into SAQ (Redis); the worker runs them with retries and backoff."""

from __future__ import annotations

from collections.abc import Sequence

from redis.exceptions import RedisError
from saq import Job as SaqJob
from saq import Queue

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.domain.shared.errors import Unavailable
from loopin.usecases.shared.ports import Job


class SaqJobDispatcher(JobDispatcher):
    def __init__(self, queue: Queue) -> None:
        self._queue = queue

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            saq_job = SaqJob(
                function=job.name,
                kwargs=dict(job.payload),
                timeout=job.timeout_seconds,
                retries=job.attempts,
                retry_delay=1.0,
                retry_backoff=60,
                ttl=600 if job.keep_result else -1,
            )
            if job.key:
                saq_job.key = job.key
            try:
                await self._queue.enqueue(saq_job)
            except (RedisError, OSError) as exc:
                raise Unavailable("Could not queue background work. Please try again.") from exc
