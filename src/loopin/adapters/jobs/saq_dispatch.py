"""Committed jobs into SAQ (Redis); the worker runs them with retries and backoff.

A commit's jobs go to Redis in one pipelined round trip: each is SAQ's own enqueue script (the one
``RedisQueue.enqueue`` runs, sent as ``EVALSHA``) over the job as SAQ serialises it, so the worker finds
exactly what ``Queue.enqueue`` would have written, and a key still pending is queued once. SAQ enqueues one
job per call and round trip; a sign-in hands over three.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from redis.exceptions import NoScriptError, RedisError
from saq import Job as SaqJob
from saq import Queue
from saq.job import Status, get_default_job_key
from saq.queue.redis import RedisQueue
from saq.utils import now as saq_now

from loopin.adapters.jobs.dispatch import JobDispatcher
from loopin.domain.shared.errors import Unavailable
from loopin.usecases.shared.ports import Job

# ``RedisQueue._enqueue``'s script (saq 0.26; tests/integration/test_saq_dispatch.py compares the two).
# KEYS: the incomplete set, the job id, the queued list, the job's abort key. ARGV: the job, when it is due.
ENQUEUE_SCRIPT = """
if not redis.call('ZSCORE', KEYS[1], KEYS[2]) and redis.call('EXISTS', KEYS[4]) == 0 then
    redis.call('SET', KEYS[2], ARGV[1])
    redis.call('ZADD', KEYS[1], ARGV[2], KEYS[2])
    if ARGV[2] == '0' then redis.call('RPUSH', KEYS[3], KEYS[2]) end
    return 1
else
    return nil
end
"""


class SaqJobDispatcher(JobDispatcher):
    script = ENQUEUE_SCRIPT

    def __init__(self, queue: Queue) -> None:
        if not isinstance(queue, RedisQueue):
            raise TypeError(f"the SAQ dispatcher pipelines into a Redis queue, not {type(queue).__name__}")
        self._queue = queue
        self._sha = hashlib.sha1(self.script.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA-1
        self._incomplete = queue.namespace("incomplete")
        self._queued = queue.namespace("queued")

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        try:
            try:
                await self._send(jobs)
            except NoScriptError:  # a Redis that restarted or flushed its scripts: every EVALSHA was refused
                await self._queue.redis.script_load(self.script)
                await self._send(jobs)
        except (RedisError, OSError) as exc:
            raise Unavailable("Could not queue background work. Please try again.") from exc

    async def _send(self, jobs: Sequence[Job]) -> None:
        pipe = self._queue.redis.pipeline(transaction=False)
        for job in jobs:
            saq_job = self._saq_job(job)
            keys = (self._incomplete, saq_job.id, self._queued, saq_job.abort_id)
            pipe.evalsha(self._sha, len(keys), *keys, self._queue.serialize(saq_job), saq_job.scheduled)
        await pipe.execute()

    def _saq_job(self, job: Job) -> SaqJob:
        """The job as ``Queue.enqueue`` prepares it (queue, queued time, status) before its script runs. The key
        is given, not generated and replaced (SAQ's default key is a ``uuid1``: 1.4 % of a sign-in's CPU)."""
        return SaqJob(
            function=job.name,
            kwargs=dict(job.payload),
            timeout=job.timeout_seconds,
            retries=job.attempts,
            retry_delay=1.0,
            retry_backoff=60,
            ttl=600 if job.keep_result else -1,
            queue=self._queue,
            queued=saq_now(),
            status=Status.QUEUED,
            key=job.key or get_default_job_key(),
        )
