"""DeviceRepository contract on the in-memory store and on PostgreSQL: an active subscription stays with its
member; a retired one moves to the next member who registers it."""

from __future__ import annotations

from datetime import timedelta

from dishka import AsyncContainer

from loopin.domain.identity.member import Member
from loopin.domain.notifications.device import Device, DevicePlatform
from loopin.usecases.notifications.ports import DeviceRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.conftest import phone, store_members
from tests.support import Fakes


async def register(container: AsyncContainer, member_id: int, fakes: Fakes) -> Device | None:
    async with container() as scope:
        device = await (await scope.get(DeviceRepository)).register(
            member_id, "player-1", DevicePlatform.IOS, now=fakes.clock.now()
        )
        await (await scope.get(UnitOfWork)).commit()
    return device


async def test_an_active_device_is_not_moved_a_retired_one_is(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    owner, other = await store_members(
        any_container, Member.register(phone(1), now=now), Member.register(phone(2), now=now)
    )
    first = await register(any_container, owner.id, fakes)
    assert first is not None
    assert await register(any_container, other.id, fakes) is None
    again = await register(any_container, owner.id, fakes)
    assert again is not None
    assert (again.id, again.member_id) == (first.id, owner.id)

    async with any_container() as scope:
        repo = await scope.get(DeviceRepository)
        device = await repo.get_by_player_id_for_update("player-1")
        assert device is not None
        device.is_active = False
        await repo.save(device)
        await (await scope.get(UnitOfWork)).commit()
    fakes.clock.advance(timedelta(minutes=1))
    moved = await register(any_container, other.id, fakes)
    assert moved is not None
    assert (moved.id, moved.member_id, moved.is_active) == (first.id, other.id, True)
