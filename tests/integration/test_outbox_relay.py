"""The outbox relay on real PostgreSQL and Redis: side effects survive a queue that is down at commit time, and a
relay killed mid-batch (its task cancelled, its process killed) loses nothing and queues nothing twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from dishka import AsyncContainer, Provider, Scope
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from saq import Queue

from loopin.adapters.jobs.dispatch import JobDispatcher, RecordingJobDispatcher
from loopin.adapters.jobs.outbox import Outbox, OutboxAcknowledgements, OutboxConfig
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.adapters.jobs.saq_dispatch import SaqJobDispatcher
from loopin.adapters.memory.notifications import RecordingPushSender
from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Settings
from loopin.usecases.audit.ports import AuditLog
from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.shared.ports import Clock, Job, UnitOfWork
from tests.api.attendance_rig import Rig
from tests.integration.conftest import eventually, running_worker
from tests.integration.relay_victim import AheadClock
from tests.support import TEST_REDIS_URL, Fakes, fakes_provider, push_provider

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: every enqueue is refused at once
ROOT = Path(__file__).resolve().parents[2]


def dispatcher_provider(dispatcher: JobDispatcher) -> Provider:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: dispatcher, provides=JobDispatcher, override=True)
    return provider


async def outbox_size(container: AsyncContainer) -> int:
    async with container() as scope:
        return len(await (await scope.get(Outbox)).pending(limit=10_000))


async def store_while_queue_is_down(container: AsyncContainer, jobs: Sequence[Job]) -> None:
    """Commits ``jobs`` through a unit of work whose dispatcher refuses everything, as with Redis down."""
    async with container() as scope:
        for job in jobs:
            (await scope.get(UnitOfWork)).enqueue(job)
        await (await scope.get(UnitOfWork)).commit()


# --- Redis down at commit time --------------------------------------------------------------------------------


@asynccontextmanager
async def app_with_queue_down(settings: Settings, fakes: Fakes, push: RecordingPushSender) -> AsyncIterator[Rig]:
    """The API as in production, except that its job queue's Redis cannot be reached."""
    dead = SaqJobDispatcher(Queue.from_url(DEAD_REDIS, name=settings.queue_name))
    container = make_container(
        settings, fakes_provider(fakes, inline_jobs=False), push_provider(push), dispatcher_provider(dead)
    )
    transport = httpx.ASGITransport(app=create_app(settings, container), client=("203.0.113.7", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://loopin.test", timeout=60) as client:
            yield Rig(client, container, fakes, push, settings)
    finally:
        await container.close()


async def test_every_side_effect_of_calls_made_while_the_queue_was_down_happens_after_recovery(
    queue_settings: Settings, fakes: Fakes, tmp_path: Path
) -> None:
    settings = msgspec.structs.replace(queue_settings, media_root=str(tmp_path / "media"))
    push = RecordingPushSender()
    async with app_with_queue_down(settings, fakes, push) as rig:
        sent = await rig.client.post("/api/auth/signup", json={"phone_number": "+919812345678"})
        assert sent.status_code == 200, sent.text  # the code is on its way, even though Redis is down
        assert fakes.sms.sent == []
        host, guest = await rig.members(2)
        event = await rig.event(host)
        asked = await rig.ask(guest, event.id, 1)
        assert asked.status_code == 201, asked.text
        fakes.clock.advance(timedelta(seconds=1))  # the acceptance happens after the request, as in life
        accepted = await rig.accept(host, event.id, int(asked.json()["id"]))
        assert accepted.status_code == 200, accepted.text
        confirmed = await rig.confirm(guest, event.id)
        assert confirmed.status_code == 200, confirmed.text
        waiting = await outbox_size(rig.container)
        assert waiting >= 7  # SMS; request: audit, notification; accept: audit, notification; ticket: audit, ...

        fakes.clock.advance(timedelta(minutes=1))  # past the writer's hold: the relay loop's to deliver now
        async with running_worker(settings, fakes_provider(fakes, inline_jobs=False), push_provider(push)):
            await eventually(lambda: fakes.sms.sent, what="the sign-in SMS after recovery")
            code = fakes.sms.last_code_for("+919812345678")
            verified = await rig.client.post(
                "/api/auth/verify-otp", json={"phone_number": "+919812345678", "otp_code": code}
            )
            assert verified.status_code == 200, verified.text  # Redis is still down for the API
            fakes.clock.advance(timedelta(minutes=1))

            async def drained() -> bool:
                return await outbox_size(rig.container) == 0

            await eventually_async(drained, what="the outbox to drain")
            await eventually(
                lambda: {"otp_verified", "member_signed_up"} <= {e.event for e in fakes.analytics.events},
                what="the sign-in analytics",
            )

            async def effects_stored() -> bool:
                async with rig.container() as scope:
                    audit = await (await scope.get(AuditLog)).entries_for("ticket", 1)
                    inbox = await (await scope.get(NotificationRepository)).for_member(guest.id, 10)
                return bool(audit) and len(inbox) >= 2

            await eventually_async(effects_stored, what="the audit entries and notifications")
        async with rig.container() as scope:
            (issued,) = await (await scope.get(AuditLog)).entries_for("ticket", 1)
            requests = await (await scope.get(AuditLog)).entries_for("join_request", 1)
        assert issued.action == "ticket.issued"
        assert [e.action for e in requests] == ["join_request.created", "join_request.accepted"]
        assert len(fakes.sms.sent) == 1  # delivered once


async def eventually_async(condition: Any, *, what: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what}")
        await asyncio.sleep(0.1)


# --- a relay killed mid-batch ---------------------------------------------------------------------------------


class Refusing:
    async def dispatch(self, jobs: Sequence[Job]) -> None:
        raise ConnectionError("redis is down")


class StallsAfter:
    """Queues into SAQ, then hangs after ``count`` jobs, as a relay does when it is stopped mid-batch."""

    def __init__(self, inner: JobDispatcher, count: int) -> None:
        self.inner = inner
        self.count = count
        self.handed = 0
        self.stalled = asyncio.Event()

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        if self.handed == self.count:
            self.stalled.set()
            await asyncio.Event().wait()
        await self.inner.dispatch(jobs)
        self.handed += len(jobs)


@pytest.fixture
async def live_queue(queue_settings: Settings) -> AsyncIterator[Queue]:
    queue = Queue.from_url(TEST_REDIS_URL, name=queue_settings.queue_name)
    await queue.connect()
    yield queue
    await queue.disconnect()


@pytest.fixture
async def outbox_app(queue_settings: Settings, fakes: Fakes) -> AsyncIterator[AsyncContainer]:
    """A container whose own commits cannot reach the queue, so what they store stays for the relay."""
    container = make_container(
        queue_settings, fakes_provider(fakes, inline_jobs=False), dispatcher_provider(Refusing())
    )
    yield container
    await container.close()


async def relay_over(
    container: AsyncContainer, dispatcher: JobDispatcher, clock: Clock | None = None, **config: Any
) -> OutboxRelay:
    return OutboxRelay(
        container,
        dispatcher,
        await container.get(OutboxAcknowledgements),
        clock or await container.get(Clock),
        OutboxConfig(**config),
    )


async def queued_keys(queue: Queue) -> list[str]:
    redis: Redis = queue.redis  # type: ignore[attr-defined]
    ids = await redis.lrange(queue._queued, 0, -1)  # type: ignore[attr-defined]
    prefix = f"saq:job:{queue.name}:"
    return [i.decode().removeprefix(prefix) for i in ids]


def jobs_numbered(count: int) -> list[Job]:
    return [Job("test.numbered", {"n": n}, key=None if n % 2 else f"own:{n}") for n in range(count)]


async def test_a_relay_cancelled_mid_batch_loses_nothing_and_queues_nothing_twice(
    outbox_app: AsyncContainer, live_queue: Queue, fakes: Fakes
) -> None:
    await store_while_queue_is_down(outbox_app, jobs_numbered(50))
    async with outbox_app() as scope:
        expected = sorted(m.job.key or "" for m in await (await scope.get(Outbox)).pending(limit=100))
    fakes.clock.advance(timedelta(minutes=1))

    stalling = StallsAfter(SaqJobDispatcher(live_queue), 20)
    first = await relay_over(outbox_app, stalling)
    task = asyncio.create_task(first.relay_due())
    await asyncio.wait_for(stalling.stalled.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await outbox_size(outbox_app) == 50  # its transaction rolled back: every message is still there
    assert len(await queued_keys(live_queue)) == 20

    second = await relay_over(outbox_app, SaqJobDispatcher(live_queue))
    assert await second.relay_due() == 50  # the first 20 again: SAQ drops them, their keys are pending
    assert await outbox_size(outbox_app) == 0
    keys = await queued_keys(live_queue)
    assert sorted(keys) == expected
    assert await live_queue.count("incomplete") == 50


async def test_a_relay_process_killed_mid_batch_loses_nothing_and_queues_nothing_twice(
    outbox_app: AsyncContainer, live_queue: Queue, queue_settings: Settings
) -> None:
    await store_while_queue_is_down(outbox_app, jobs_numbered(40))  # due at once for a relay on the real clock
    env = {
        **os.environ,
        "DATABASE_URL": queue_settings.database_url or "",
        "REDIS_URL": TEST_REDIS_URL,
        "QUEUE_NAME": queue_settings.queue_name,
    }
    victim = subprocess.Popen([sys.executable, "-m", "tests.integration.relay_victim"], cwd=ROOT, env=env)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while len(await queued_keys(live_queue)) < 10:
            assert victim.poll() is None, "the relay process ended before it was killed"
            assert loop.time() < deadline, "the relay process queued nothing"
            await asyncio.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
    finally:
        victim.wait(10)
    assert 10 <= len(await queued_keys(live_queue)) < 40

    # PostgreSQL rolls the killed relay's transaction back once it sees the connection gone.
    relay = await relay_over(outbox_app, SaqJobDispatcher(live_queue), AheadClock())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while await outbox_size(outbox_app):
        assert loop.time() < deadline, "the killed relay's messages never came back"
        await relay.relay_due()
        await asyncio.sleep(0.1)
    keys = await queued_keys(live_queue)
    assert len(keys) == len(set(keys)) == 40
    assert await live_queue.count("incomplete") == 40


# --- relays at once, failures back off --------------------------------------------------------------------------


class SlowRecorder(RecordingJobDispatcher):
    async def dispatch(self, jobs: Sequence[Job]) -> None:
        await asyncio.sleep(0.002)
        await super().dispatch(jobs)


@pytest.mark.parametrize("relays", [3])
async def test_relays_running_at_once_hand_each_message_over_once(
    outbox_app: AsyncContainer, fakes: Fakes, relays: int
) -> None:
    await store_while_queue_is_down(outbox_app, jobs_numbered(150))
    fakes.clock.advance(timedelta(minutes=1))
    recorder = SlowRecorder()
    passes = [await relay_over(outbox_app, recorder, batch=20) for _ in range(relays)]

    async def drain(relay: OutboxRelay) -> None:
        while await relay.relay_due():
            pass

    await asyncio.gather(*(drain(r) for r in passes))
    keys = [j.key for j in recorder.jobs]
    assert len(keys) == len(set(keys)) == 150
    assert await outbox_size(outbox_app) == 0


async def test_a_relay_that_cannot_reach_the_queue_backs_off(outbox_app: AsyncContainer, fakes: Fakes) -> None:
    await store_while_queue_is_down(outbox_app, jobs_numbered(3))
    fakes.clock.advance(timedelta(minutes=1))
    relay = await relay_over(outbox_app, Refusing())
    assert await relay.relay_due() == 3
    assert await relay.relay_due() == 0  # backing off: due again in 2 s
    fakes.clock.advance(timedelta(seconds=2))
    assert await relay.relay_due() == 3
    fakes.clock.advance(timedelta(seconds=3))
    assert await relay.relay_due() == 0  # 4 s after the second failure
    async with outbox_app() as scope:
        assert {m.tries for m in await (await scope.get(Outbox)).pending()} == {2}
    recorder = RecordingJobDispatcher()
    fakes.clock.advance(timedelta(seconds=1))
    assert await (await relay_over(outbox_app, recorder)).relay_due() == 3
    assert len(recorder.jobs) == 3
    assert await outbox_size(outbox_app) == 0


# --- embedded mode: the API process runs the relay loop ---------------------------------------------------------


class Switchable(RecordingJobDispatcher):
    def __init__(self) -> None:
        super().__init__()
        self.down = True

    async def dispatch(self, jobs: Sequence[Job]) -> None:
        if self.down:
            raise ConnectionError("queue unreachable")
        await super().dispatch(jobs)


async def test_without_a_worker_the_api_process_relays_what_its_commits_could_not_hand_over(
    memory_settings: Settings, fakes: Fakes
) -> None:
    """Embedded mode (in-memory store): no worker can see this process's outbox, so the app relays it itself."""
    dispatcher = Switchable()
    quick = Provider(scope=Scope.APP)
    quick.provide(lambda: OutboxConfig(hold=timedelta(0), poll_seconds=0.05), provides=OutboxConfig, override=True)
    container = make_container(
        memory_settings, fakes_provider(fakes, inline_jobs=False), dispatcher_provider(dispatcher), quick
    )
    try:
        async with AsyncTestClient(create_app(memory_settings, container)) as client:
            sent = await client.post("/api/auth/signup", json={"phone_number": "+919812345678"})
            assert sent.status_code == 200, sent.text
            assert dispatcher.jobs == []
            assert await outbox_size(container) == 1
            dispatcher.down = False
            await eventually(lambda: dispatcher.jobs, what="the app's relay loop to hand the SMS job over")
        assert [j.name for j in dispatcher.jobs] == ["identity.send_otp_sms"]
        assert await outbox_size(container) == 0
    finally:
        await container.close()
