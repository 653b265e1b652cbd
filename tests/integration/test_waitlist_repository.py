"""The waitlist port's contract on both stores (``any_container``): places round-trip every field, one live
place per member and event, the line in id order with positions, locks, and the events whose line is due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dishka import AsyncContainer

from loopin.domain.attendance.waitlist import PlaceStatus, WaitlistPlace
from loopin.domain.events.event import EventStatus
from loopin.domain.shared.errors import Conflict
from loopin.usecases.attendance.ports import WaitlistRepository
from loopin.usecases.events.ports import SeatInventory
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.test_attendance_repositories import an_event, members, put
from tests.support import Fakes


async def test_a_place_round_trips_and_the_line_keeps_its_order(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    host, a, b, c = await members(any_container, fakes, "Host", "Asha", "Bela", "Chandra")
    event = await an_event(any_container, fakes, host, max_capacity=1)
    now = fakes.clock.now()
    first = await put(any_container, WaitlistRepository, WaitlistPlace.join(event.id, a.id, 2, now))
    second = await put(any_container, WaitlistRepository, WaitlistPlace.join(event.id, b.id, 1, now))
    third = await put(any_container, WaitlistRepository, WaitlistPlace.join(event.id, c.id, 1, now))
    assert first.id < second.id < third.id
    expires = now + timedelta(hours=2)
    async with any_container() as scope:
        repo = await scope.get(WaitlistRepository)
        assert await repo.position(third) == 3
        locked = await repo.lock_live(event.id, b.id)
        assert locked is not None
        assert (locked.id, locked.seats, locked.status, locked.joined_at) == (
            second.id,
            1,
            PlaceStatus.WAITING,
            now,
        )
        locked.offer(now, expires)
        await repo.save(locked)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(WaitlistRepository)
        assert await repo.position(third) == 2
        assert [p.id for p in await repo.lock_waiting(event.id, 10)] == [first.id, third.id]
        assert [p.id for p in await repo.lock_waiting(event.id, 1)] == [first.id]
        offered = await repo.lock_offered(event.id)
        assert [(p.id, p.offered_at, p.offer_expires_at) for p in offered] == [(second.id, now, expires)]
        line = await repo.line(event.id)
        assert [(e.place.id, e.position, e.member.name) for e in line] == [
            (second.id, None, "Bela"),
            (first.id, 1, "Asha"),
            (third.id, 2, "Chandra"),
        ]
        offered[0].accept(now, seats=1)
        await repo.save(offered[0])
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(WaitlistRepository)
        assert await repo.lock_live(event.id, b.id) is None
        latest = await repo.latest(event.id, b.id)
        assert latest is not None
        assert (latest.status, latest.closed_at) == (PlaceStatus.ACCEPTED, now)
        assert await repo.latest(event.id, host.id) is None
        assert await repo.lock_live(2**63, a.id) is None  # ids past the column's range are simply not found


async def test_one_live_place_per_member_and_event(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, a = await members(any_container, fakes, "Host", "Asha")
    event = await an_event(any_container, fakes, host)
    now = fakes.clock.now()
    first = await put(any_container, WaitlistRepository, WaitlistPlace.join(event.id, a.id, 1, now))
    with pytest.raises(Conflict):
        await put(any_container, WaitlistRepository, WaitlistPlace.join(event.id, a.id, 1, now))
    async with any_container() as scope:
        repo = await scope.get(WaitlistRepository)
        place = await repo.lock_live(event.id, a.id)
        assert place is not None
        place.leave(now)
        await repo.save(place)
        await (await scope.get(UnitOfWork)).commit()
    again = await put(any_container, WaitlistRepository, WaitlistPlace.join(event.id, a.id, 1, now))
    assert again.id > first.id  # back of the line
    async with any_container() as scope:
        latest = await (await scope.get(WaitlistRepository)).latest(event.id, a.id)
        assert latest is not None
        assert latest.id == again.id


async def test_the_events_whose_line_is_due(any_container: AsyncContainer, fakes: Fakes) -> None:
    host, a, b = await members(any_container, fakes, "Host", "Asha", "Bela")
    now = fakes.clock.now()
    full = await an_event(any_container, fakes, host, max_capacity=1, status=EventStatus.PUBLISHED)
    roomy = await an_event(any_container, fakes, host, max_capacity=5, status=EventStatus.PUBLISHED)
    draft = await an_event(any_container, fakes, host, max_capacity=5, status=EventStatus.DRAFT)
    async with any_container() as scope:
        assert await (await scope.get(SeatInventory)).take(full.id, 1)
        await (await scope.get(UnitOfWork)).commit()
    for event in (full, roomy, draft):
        await put(any_container, WaitlistRepository, WaitlistPlace.join(event.id, a.id, 1, now))
    async with any_container() as scope:
        assert await (await scope.get(WaitlistRepository)).events_due(now, 10) == [roomy.id]
    offered = await put(any_container, WaitlistRepository, WaitlistPlace.join(full.id, b.id, 1, now))
    async with any_container() as scope:
        repo = await scope.get(WaitlistRepository)
        place = await repo.lock_live(full.id, b.id)
        assert place is not None
        assert place.id == offered.id
        place.offer(now, now + timedelta(minutes=30))
        await repo.save(place)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(WaitlistRepository)
        assert await repo.events_due(now, 10) == [roomy.id]
        assert await repo.events_due(now + timedelta(minutes=30), 10) == [
            roomy.id,
            full.id,
        ]  # oldest due place first
        assert await repo.events_due(now + timedelta(minutes=30), 1) == [roomy.id]
