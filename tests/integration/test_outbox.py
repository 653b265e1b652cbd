"""Outbox contract, on PostgreSQL and on the in-memory store alike: what a transaction stores, what a relay may
claim and when, and that relays running at once never share a message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from dishka import AsyncContainer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from loopin.adapters.jobs.outbox import Outbox, OutboxAcknowledgements, OutboxMessage
from loopin.entrypoints.settings import Settings
from loopin.usecases.identity.jobs import send_otp_sms
from loopin.usecases.shared.ports import Job, UnitOfWork
from tests.integration.conftest import phone
from tests.support import Fakes


@asynccontextmanager
async def transaction(container: AsyncContainer) -> AsyncIterator[tuple[Outbox, UnitOfWork]]:
    async with container() as scope:
        yield await scope.get(Outbox), await scope.get(UnitOfWork)


async def store(container: AsyncContainer, jobs: list[Job], *, hold_until: datetime) -> list[OutboxMessage]:
    async with transaction(container) as (outbox, uow):
        messages = await outbox.add(jobs, now=hold_until, hold_until=hold_until)
        await uow.commit()
    return messages


async def pending(container: AsyncContainer) -> list[OutboxMessage]:
    async with transaction(container) as (outbox, _):
        return await outbox.pending(limit=1000)


def numbered(count: int) -> list[Job]:
    return [Job("test.numbered", {"n": n}) for n in range(count)]


async def test_jobs_are_stored_with_a_key_each_and_read_back_whole(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    odd = Job("test.odd", {"text": "nul \x00 and ✓", "big": 2**62, "ratio": 0.25, "flag": False, "none": None})
    own = Job("test.own", {"n": 1}, key="mine:1", attempts=8, timeout_seconds=60)
    messages = await store(any_container, [odd, own], hold_until=now)
    assert [m.job.key for m in messages] == [f"job:{messages[0].id.hex}", "mine:1"]
    read = await pending(any_container)
    assert [m.id for m in read] == [m.id for m in messages]
    assert read[0].job.payload == odd.payload
    assert (read[1].job.attempts, read[1].job.timeout_seconds, read[1].job.keep_result) == (8, 60, True)
    assert [m.job for m in read] == [m.job for m in messages]
    assert all(m.tries == 0 for m in read)


async def test_a_job_whose_payload_must_not_linger_is_sealed_at_rest(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    sms = send_otp_sms(phone(1), "4821", 1)
    (message,) = await store(any_container, [sms], hold_until=fakes.clock.now())
    (read,) = await pending(any_container)
    assert read.job == sms == message.job
    if not (await any_container.get(Settings)).database_url:
        return  # the in-memory store keeps it in this process only
    async with (await any_container.get(AsyncEngine)).connect() as conn:
        body, sealed = (await conn.execute(text("SELECT body, sealed FROM outbox"))).one()
    assert sealed is True
    assert b"4821" not in body
    assert phone(1).e164.encode() not in body


async def test_a_rolled_back_transaction_leaves_no_message(any_container: AsyncContainer) -> None:
    async with any_container() as scope:
        (await scope.get(UnitOfWork)).enqueue(Job("test.dropped"))
        await (await scope.get(UnitOfWork)).rollback()
    async with any_container() as scope:
        (await scope.get(UnitOfWork)).enqueue(Job("test.abandoned"))  # scope closed without commit
    assert await pending(any_container) == []


async def test_messages_are_claimed_when_due_oldest_first(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    later = await store(any_container, numbered(2), hold_until=now + timedelta(seconds=10))
    sooner = await store(any_container, numbered(3), hold_until=now)
    async with transaction(any_container) as (outbox, _):
        assert [m.id for m in await outbox.claim(now=now, limit=10)] == [m.id for m in sooner]
    async with transaction(any_container) as (outbox, _):
        assert len(await outbox.claim(now=now + timedelta(seconds=10), limit=4)) == 4
        everything = await outbox.claim(now=now + timedelta(seconds=10), limit=10)  # already held: not again
        assert {m.id for m in everything} <= {m.id for m in sooner + later}


async def test_relays_at_once_never_claim_the_same_message(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    stored = await store(any_container, numbered(30), hold_until=now)
    async with transaction(any_container) as (first, _), transaction(any_container) as (second, _):
        one = await first.claim(now=now, limit=20)
        two = await second.claim(now=now, limit=20)
        assert len(one) == 20
        assert len(two) == 10
        assert not {m.id for m in one} & {m.id for m in two}
    assert len(await pending(any_container)) == len(stored)  # neither committed a delivery


async def test_claimed_messages_come_back_when_their_relay_dies(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    await store(any_container, numbered(3), hold_until=now)
    async with transaction(any_container) as (outbox, _):
        assert len(await outbox.claim(now=now, limit=10)) == 3
        # the scope ends without a commit, as when the relay is cancelled or its process is killed
    async with transaction(any_container) as (outbox, _):
        assert len(await outbox.claim(now=now, limit=10)) == 3


async def test_delivered_messages_are_gone_and_failed_ones_wait(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    done, failed = await store(any_container, numbered(2), hold_until=now)
    async with transaction(any_container) as (outbox, uow):
        await outbox.claim(now=now, limit=10)
        await outbox.delivered([done.id])
        await outbox.retry_later(failed, at=now + timedelta(seconds=2), error="ConnectionError: down")
        await uow.commit()
    async with transaction(any_container) as (outbox, uow):
        assert await outbox.claim(now=now + timedelta(seconds=1), limit=10) == []
        (again,) = await outbox.claim(now=now + timedelta(seconds=2), limit=10)
        assert (again.id, again.tries) == (failed.id, 1)
        await outbox.retry_later(again, at=now + timedelta(seconds=6), error="ConnectionError: down")
        await uow.commit()
    (left,) = await pending(any_container)
    assert (left.id, left.tries) == (failed.id, 2)


async def test_acknowledged_messages_are_removed(any_container: AsyncContainer, fakes: Fakes) -> None:
    first, second, third = await store(any_container, numbered(3), hold_until=fakes.clock.now())
    await (await any_container.get(OutboxAcknowledgements)).acknowledge([first.id, third.id])
    assert [m.id for m in await pending(any_container)] == [second.id]


async def test_an_acknowledgement_waits_for_a_relay_holding_the_message(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    (message,) = await store(any_container, numbered(1), hold_until=now)
    acknowledgements = await any_container.get(OutboxAcknowledgements)
    async with transaction(any_container) as (outbox, uow):
        assert len(await outbox.claim(now=now, limit=1)) == 1
        acknowledging = asyncio.create_task(acknowledgements.acknowledge([message.id]))
        await asyncio.sleep(0.2)
        assert not acknowledging.done()
        await outbox.retry_later(message, at=now, error="late")  # the relay's outcome lands first
        await uow.commit()
    await asyncio.wait_for(acknowledging, 5)
    assert await pending(any_container) == []
