"""The job dispatchers: a commit's jobs handed over in one call are all run, once each — by a SAQ worker from
one pipelined round trip on real Redis, and in-process in embedded mode (the contract both keep)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from redis.asyncio import Redis
from saq import Queue

from loopin.adapters.jobs.dispatch import InProcessJobDispatcher, JobDispatcher
from loopin.adapters.jobs.saq_dispatch import SaqJobDispatcher
from loopin.domain.shared.errors import Unavailable
from loopin.entrypoints.di import make_container
from loopin.entrypoints.settings import Settings
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.shared.ports import Job
from tests.integration.conftest import eventually, running_worker
from tests.support import TEST_REDIS_URL, Fakes, fakes_provider

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
async def live_queue(queue_settings: Settings) -> AsyncIterator[Queue]:
    queue = Queue.from_url(TEST_REDIS_URL, name=queue_settings.queue_name)
    await queue.connect()
    yield queue
    await queue.disconnect()


def redis_of(queue: Queue) -> Redis:
    redis: Redis = queue.redis  # type: ignore[attr-defined]
    return redis


async def stored_job(queue: Queue, key: str) -> dict[str, object]:
    stored = await redis_of(queue).get(queue.job_id(key))
    assert stored is not None, f"job {key} is not in Redis"
    job: dict[str, object] = json.loads(stored)
    return job


# --- the contract: every job of one dispatch runs, once ---------------------------------------------------------

Runner = Callable[[Settings, Fakes], AbstractAsyncContextManager[JobDispatcher]]


@asynccontextmanager
async def saq_with_a_worker(settings: Settings, fakes: Fakes) -> AsyncIterator[JobDispatcher]:
    container = make_container(settings, fakes_provider(fakes, inline_jobs=False))
    try:
        async with running_worker(settings, fakes_provider(fakes, inline_jobs=False)):
            dispatcher = await container.get(JobDispatcher)
            assert isinstance(dispatcher, SaqJobDispatcher)
            yield dispatcher
    finally:
        await container.close()


@asynccontextmanager
async def in_process(settings: Settings, fakes: Fakes) -> AsyncIterator[JobDispatcher]:
    container = make_container(settings, fakes_provider(fakes, inline_jobs=False))
    try:
        dispatcher = await container.get(JobDispatcher)
        assert isinstance(dispatcher, InProcessJobDispatcher)
        yield dispatcher
    finally:
        await container.close()  # waits for the jobs it runs in the background


@pytest.fixture(params=["saq", "in_process"])
def dispatcher_kind(
    request: pytest.FixtureRequest, queue_settings: Settings, memory_settings: Settings
) -> tuple[Runner, Settings]:
    if request.param == "saq":
        return saq_with_a_worker, queue_settings
    return in_process, memory_settings


async def test_every_job_of_one_dispatch_runs_once(dispatcher_kind: tuple[Runner, Settings], fakes: Fakes) -> None:
    runner, settings = dispatcher_kind
    jobs = [analytics_event(f"test_batch_{n}", n + 1) for n in range(5)]
    async with runner(settings, fakes) as dispatcher:
        await dispatcher.dispatch(jobs)
        await eventually(lambda: len(fakes.analytics.events) >= len(jobs), what="every job of the dispatch to run")
    assert sorted(e.event for e in fakes.analytics.events) == [f"test_batch_{n}" for n in range(5)]
    assert sorted(e.capture_id or "" for e in fakes.analytics.events) == sorted(
        str(j.payload["capture_id"]) for j in jobs
    )


# --- the SAQ dispatcher: SAQ's own format and script, one round trip ------------------------------------------


async def test_the_enqueue_script_is_saqs_own(live_queue: Queue) -> None:
    """The pipelined EVALSHA runs the script ``Queue.enqueue`` runs: a SAQ upgrade that changes it fails here."""
    await live_queue.enqueue("test.probe", key=f"probe:{uuid.uuid4().hex}")
    saq_script = live_queue._enqueue_script.script  # type: ignore[attr-defined]
    assert " ".join(SaqJobDispatcher.script.split()) == " ".join(str(saq_script).split())


async def test_a_dispatched_job_is_stored_as_queue_enqueue_stores_it(live_queue: Queue) -> None:
    job = Job("test.format", {"n": 1, "word": "x"}, key=f"mine:{uuid.uuid4().hex}", attempts=4, timeout_seconds=7)
    await SaqJobDispatcher(live_queue).dispatch([job])
    ours = await stored_job(live_queue, job.key or "")

    theirs_key = f"theirs:{uuid.uuid4().hex}"
    await live_queue.enqueue(
        "test.format",
        key=theirs_key,
        kwargs={"n": 1, "word": "x"},
        timeout=7,
        retries=4,
        retry_delay=1.0,
        retry_backoff=60,
        ttl=600,  # a job whose result is kept (``keep_result``)
    )
    theirs = await stored_job(live_queue, theirs_key)
    assert abs(int(str(ours.pop("queued"))) - int(str(theirs.pop("queued")))) < 60_000
    assert ours.pop("key") == job.key
    assert theirs.pop("key") == theirs_key
    assert ours == theirs
    queued = await redis_of(live_queue).lrange(live_queue.namespace("queued"), 0, -1)  # type: ignore[attr-defined]
    assert queued == [live_queue.job_id(job.key or "").encode(), live_queue.job_id(theirs_key).encode()]


async def test_a_key_still_pending_is_queued_once(live_queue: Queue) -> None:
    key = f"twice:{uuid.uuid4().hex}"
    dispatcher = SaqJobDispatcher(live_queue)
    await dispatcher.dispatch([Job("test.twice", {"n": 1}, key=key), Job("test.twice", {"n": 2}, key=key)])
    await dispatcher.dispatch([Job("test.twice", {"n": 3}, key=key)])
    assert await live_queue.count("incomplete") == 1
    assert (await stored_job(live_queue, key))["kwargs"] == {"n": 1}


class FreshScript(SaqJobDispatcher):
    """The same script under a SHA no Redis has loaded yet (a comment of its own), as after a Redis restart."""

    script = SaqJobDispatcher.script + f"-- {uuid.uuid4().hex}\n"


async def test_a_redis_that_lost_the_script_is_given_it_and_the_jobs_are_queued(live_queue: Queue) -> None:
    keys = [f"fresh:{uuid.uuid4().hex}" for _ in range(3)]
    await FreshScript(live_queue).dispatch([Job("test.fresh", {"n": n}, key=k) for n, k in enumerate(keys)])
    assert await live_queue.count("incomplete") == 3
    for key in keys:
        await stored_job(live_queue, key)


async def test_an_unreachable_queue_is_unavailable(queue_settings: Settings) -> None:
    queue = Queue.from_url(DEAD_REDIS, name=queue_settings.queue_name)
    with pytest.raises(Unavailable):
        await SaqJobDispatcher(queue).dispatch([Job("test.lost")])
