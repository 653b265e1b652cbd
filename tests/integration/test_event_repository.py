"""EventRepository contract: each test runs on the in-memory store and on PostgreSQL (``any_container``)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from dishka import AsyncContainer

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.shared.errors import Conflict
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.events_support import event, full_event, members, store_events, store_venues, venue
from tests.support import Fakes


async def test_every_field_round_trips(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    (host,) = await members(any_container, now, 1)
    (place,) = await store_venues(any_container, venue(now))
    original = full_event(host, now, place.id)
    expected = replace(original)
    (stored,) = await store_events(any_container, original)
    assert stored.id > 0
    expected.id = stored.id
    async with any_container() as scope:
        repo = await scope.get(EventRepository)
        found = await repo.get(stored.id)
        locked = await repo.get_for_update(stored.id)
    assert found == expected
    assert locked == expected
    assert found is not None
    assert found.interest_ids == (7, 1, 4)  # order kept
    assert found.start_time.utcoffset() == timedelta(0)


async def test_unknown_event_is_none(any_container: AsyncContainer) -> None:
    async with any_container() as scope:
        repo = await scope.get(EventRepository)
        assert await repo.get(424242) is None
        assert await repo.get_for_update(424242) is None


async def test_save_writes_every_field_only_on_commit(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    (host,) = await members(any_container, now, 1)
    (stored,) = await store_events(any_container, event(host, now, max_capacity=10))
    async with any_container() as scope:
        repo = await scope.get(EventRepository)
        e = await repo.get_for_update(stored.id)
        assert e is not None
        e.soft_delete(now + timedelta(seconds=1))  # while nobody holds a seat: the domain refuses it after
        e.title = "Renamed"
        e.seats_taken = 3
        e.request_opened(now)
        await repo.save(e)
        async with any_container() as other:  # not visible before the commit
            before = await (await other.get(EventRepository)).get(stored.id)
            assert before is not None
            assert before.title == stored.title
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        after = await (await scope.get(EventRepository)).get(stored.id)
    assert after is not None
    assert (after.title, after.seats_taken, after.requests_count) == ("Renamed", 3, 1)
    assert after.deleted_at == now + timedelta(seconds=1)


async def test_canonical_ids_and_hosting(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    host, other = await members(any_container, now, 2)
    (stored,) = await store_events(any_container, event(host, now))
    async with any_container() as scope:
        repo = await scope.get(EventRepository)
        assert await repo.canonical_id_taken(stored.canonical_id)
        assert not await repo.canonical_id_taken("Zz9Zz9Zz")
        assert await repo.hosts_any(host.id)
        assert not await repo.hosts_any(other.id)
    async with any_container() as scope:
        repo = await scope.get(EventRepository)
        e = await repo.get_for_update(stored.id)
        assert e is not None
        e.soft_delete(now)
        await repo.save(e)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        assert not await (await scope.get(EventRepository)).hosts_any(host.id)


async def test_the_store_refuses_seats_beyond_capacity(any_container: AsyncContainer, fakes: Fakes) -> None:
    """Even a writer that skipped the domain rule cannot oversell (a CHECK constraint in PostgreSQL)."""
    now = fakes.clock.now()
    (host,) = await members(any_container, now, 1)
    (stored,) = await store_events(any_container, event(host, now, max_capacity=2))

    async def oversell() -> None:
        async with any_container() as scope:
            repo = await scope.get(EventRepository)
            e = await repo.get_for_update(stored.id)
            assert e is not None
            e.seats_taken = 3
            await repo.save(e)
            await (await scope.get(UnitOfWork)).commit()

    with pytest.raises((Conflict, ValueError)):
        await oversell()
    async with any_container() as scope:
        after = await (await scope.get(EventRepository)).get(stored.id)
    assert after is not None
    assert after.seats_taken == 0


async def test_ids_increase(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    (host,) = await members(any_container, now, 1)
    first, second = await store_events(any_container, event(host, now), event(host, now))
    assert 0 < first.id < second.id
    assert isinstance(first, Event)


async def test_find_duplicate(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    host, other = await members(any_container, now, 2)
    original = event(host, now, title="Jam")
    (stored,) = await store_events(any_container, original)
    async with any_container() as scope:
        repo = await scope.get(EventRepository)
        found = await repo.find_duplicate(host.id, "Jam", stored.start_time, now - timedelta(minutes=10))
        assert found is not None
        assert found.id == stored.id
        assert await repo.find_duplicate(host.id, "Jam", stored.start_time, now + timedelta(seconds=1)) is None
        assert await repo.find_duplicate(other.id, "Jam", stored.start_time, now - timedelta(minutes=10)) is None
        assert await repo.find_duplicate(host.id, "Jam!", stored.start_time, now - timedelta(minutes=10)) is None
        later = stored.start_time + timedelta(minutes=1)
        assert await repo.find_duplicate(host.id, "Jam", later, now - timedelta(minutes=10)) is None


async def test_lock_ended_finds_published_events_that_ended_and_skips_held_ones(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    (host,) = await members(any_container, now, 1)
    published = EventStatus.PUBLISHED
    held, first, second, third, on_the_line, later = await store_events(
        any_container,
        *(event(host, now, days=d, status=published) for d in (-3, -4, -2.5, -2, 0)),
        event(host, now, days=1, status=published),
    )
    on_the_line_end = on_the_line.end_time
    others = await store_events(
        any_container,
        *(event(host, now, days=-5, status=s) for s in (EventStatus.DRAFT, EventStatus.POSTPONED)),
        event(host, now, days=-5, status=EventStatus.CANCELLED),
        event(host, now, days=-5, status=EventStatus.COMPLETED),
        event(host, now, days=-5, status=published, deleted_at=now),
    )
    assert len(others) == 5
    taken, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with any_container() as scope:
            await (await scope.get(EventRepository)).get_for_update(held.id)
            taken.set()
            await release.wait()
            await (await scope.get(UnitOfWork)).rollback()

    holder = asyncio.create_task(hold())
    await asyncio.wait_for(taken.wait(), 10)
    try:
        async with any_container() as scope:
            repo = await scope.get(EventRepository)
            found = await repo.lock_ended(on_the_line_end, 10)  # ended before: not the one ending right then
            assert [e.id for e in found] == [first.id, second.id, third.id]  # earliest end first; held skipped
            assert [e.id for e in await repo.lock_ended(on_the_line_end, 2)] == [first.id, second.id]
            await (await scope.get(UnitOfWork)).rollback()
    finally:
        release.set()
        await holder
    async with any_container() as scope:
        repo = await scope.get(EventRepository)
        found = await repo.lock_ended(on_the_line_end + timedelta(microseconds=1), 10)
        assert [e.id for e in found] == [first.id, held.id, second.id, third.id, on_the_line.id]
        assert later.id not in [e.id for e in found]
        async with any_container() as other:  # the rows stay locked until this transaction ends
            assert await (await other.get(EventRepository)).lock_ended(now, 10) == []
            await (await other.get(UnitOfWork)).rollback()
        await (await scope.get(UnitOfWork)).rollback()
