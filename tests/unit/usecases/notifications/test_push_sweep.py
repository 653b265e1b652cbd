"""The push sweep (``PushDueNotifications``) in batches: a full batch that reached no phone still settles its rows,
so the sweep drains the backlog; a provider that is down ends the run with its error instead of spinning on
rows that stay due, and the next run pushes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.adapters.push.onesignal import PushNotSent
from loopin.usecases.notifications.deliver import DeliverNotification, PushDueNotifications, notification_job
from loopin.usecases.notifications.devices import RegisterDevice
from loopin.usecases.notifications.ports import Push, PushResult
from tests.unit.usecases.world import World

NIGHT = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)  # 23:00 in India: a non-urgent push waits for 08:00


async def defer_invitations(world: World, recipient_id: int, count: int) -> None:
    world.advance(NIGHT - world.now)
    for n in range(count):
        values = {"host_name": "Asha", "event_name": f"Jam {n}"}
        job = notification_job("event_invite", recipient_id=recipient_id, values=values, data={"event_id": n})
        await world.run(DeliverNotification, payload=job.payload)
    world.advance(timedelta(hours=9))  # 08:00


async def test_full_batches_that_reach_no_phone_still_drain_the_backlog(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PushDueNotifications, "batch_size", 2)
    me = await world.member(1)  # no phone registered: every push reaches no one
    await defer_invitations(world, me.id, 5)
    assert await world.run(PushDueNotifications) == 0  # none went out
    assert [n.awaits_push for n in await world.notifications(me)] == [False] * 5  # yet none is left waiting
    assert world.push.sent == []


async def test_a_provider_that_is_down_ends_the_run_once_and_the_next_run_pushes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PushDueNotifications, "batch_size", 2)
    me = await world.member(1)
    await world.run(RegisterDevice, member_id=me.id, player_id="phone", platform="android")
    await defer_invitations(world, me.id, 3)
    attempts: list[Push] = []

    async def down(push: Push) -> PushResult:
        attempts.append(push)
        raise PushNotSent()

    with monkeypatch.context() as outage:
        outage.setattr(world.push, "send", down)
        with pytest.raises(PushNotSent):
            await world.run(PushDueNotifications)
    assert len(attempts) == 1  # the first failure ends the run: no batch is taken again
    assert [n.awaits_push for n in await world.notifications(me)] == [True] * 3  # the failed batch rolled back
    assert await world.run(PushDueNotifications) == 3
    assert len(world.push.sent) == 3
