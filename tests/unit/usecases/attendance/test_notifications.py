"""The notification job: the in-app row is stored once, push goes to active devices once, retries are safe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.notifications.device import DevicePlatform
from loopin.usecases.notifications.deliver import DeliverNotification, notification_job
from loopin.usecases.notifications.devices import RegisterDevice
from loopin.usecases.notifications.ports import DeviceRepository, Push, PushResult
from loopin.usecases.shared.ports import UnitOfWork
from tests.unit.usecases.world import World


async def test_a_notification_is_stored_and_pushed_to_the_recipients_active_devices(world: World) -> None:
    guest = await world.member(2)
    await world.run(RegisterDevice, member_id=guest.id, player_id="player-a", platform="ios")
    await world.run(RegisterDevice, member_id=guest.id, player_id="player-b", platform="android")
    job = notification_job(
        "request_approved", recipient_id=guest.id, sender_id=1, values={"event_name": "Jam"}, data={"event_id": 7}
    )
    assert await world.run(DeliverNotification, payload=job.payload) is True
    [note] = await world.notifications(guest)
    assert (note.template, note.kind, note.title, note.sender_id) == (
        "request_approved",
        "event_request",
        "Request Accepted: Jam",
        1,
    )
    assert note.data == {"type": "event_request", "route": "event_details", "event_id": "7"}
    assert note.pushed_at == world.now
    [push] = world.push.sent
    assert sorted(push.player_ids) == ["player-a", "player-b"]
    assert push.data == {"type": "event_request", "route": "event_details", "event_id": "7"}
    world.advance(timedelta(seconds=5))
    assert await world.run(DeliverNotification, payload=job.payload) is False  # a retried job
    assert len(await world.notifications(guest)) == 1
    assert len(world.push.sent) == 1


async def test_without_devices_the_in_app_row_is_still_stored(world: World) -> None:
    guest = await world.member(2)
    job = notification_job(
        "event_invite", recipient_id=guest.id, values={"host_name": "Asha", "event_name": "Jam"}
    )
    assert await world.run(DeliverNotification, payload=job.payload) is False
    assert len(await world.notifications(guest)) == 1
    assert world.push.sent == []


async def test_devices_the_provider_no_longer_knows_are_retired(world: World) -> None:
    guest = await world.member(2)
    await world.run(RegisterDevice, member_id=guest.id, player_id="gone", platform="ios")
    await world.run(RegisterDevice, member_id=guest.id, player_id="alive", platform="ios")
    world.push.invalid = {"gone"}
    job = notification_job(
        "event_invite", recipient_id=guest.id, values={"host_name": "Asha", "event_name": "Jam"}
    )
    await world.run(DeliverNotification, payload=job.payload)
    async with world.container() as scope:
        active = await (await scope.get(DeviceRepository)).active_for(guest.id)
        await (await scope.get(UnitOfWork)).commit()
    assert [(d.player_id, d.platform) for d in active] == [("alive", DevicePlatform.IOS)]


async def test_a_failed_push_keeps_the_row_and_is_retried(world: World) -> None:
    guest = await world.member(2)
    await world.run(RegisterDevice, member_id=guest.id, player_id="player-a", platform="ios")

    class Down(Exception):
        pass

    calls = 0
    original = world.push.send

    async def flaky(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise Down
        return await original(*args, **kwargs)  # type: ignore[arg-type]

    world.push.send = flaky  # type: ignore[method-assign]
    job = notification_job(
        "event_invite", recipient_id=guest.id, values={"host_name": "Asha", "event_name": "Jam"}
    )
    with pytest.raises(Down):
        await world.run(DeliverNotification, payload=job.payload)
    [note] = await world.notifications(guest)
    assert note.pushed_at is None
    assert await world.run(DeliverNotification, payload=job.payload) is True
    assert len(await world.notifications(guest)) == 1
    assert len(world.push.sent) == 1


async def test_a_run_repeated_after_a_crash_between_push_and_its_record_pushes_once(world: World) -> None:
    """The push went out but the job died before noting it: the rerun pushes with the same idempotency key,
    which the provider drops."""
    guest = await world.member(2)
    await world.run(RegisterDevice, member_id=guest.id, player_id="player-a", platform="ios")
    job = notification_job(
        "event_invite", recipient_id=guest.id, values={"host_name": "Asha", "event_name": "Jam"}
    )
    original = world.push.send
    keys: list[object] = []

    async def then_crash(push: Push) -> PushResult:
        keys.append(push.idempotency_key)
        await original(push)
        raise ConnectionResetError("worker killed after the push")

    world.push.send = then_crash  # type: ignore[method-assign]
    with pytest.raises(ConnectionResetError):
        await world.run(DeliverNotification, payload=job.payload)
    world.push.send = original  # type: ignore[method-assign]
    assert await world.run(DeliverNotification, payload=job.payload) is False  # the provider had it already
    assert len(world.push.sent) == 1
    assert keys == [job.payload["key"]]
    [note] = await world.notifications(guest)
    assert note.pushed_at is not None
