"""The inbox keeps a notification NOTIFICATION_RETENTION_DAYS (90 by default); the daily sweep removes older ones,
read or not, a batch per transaction, and nothing newer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.entrypoints.settings import SettingsError, load_settings
from loopin.usecases.notifications.deliver import DeliverNotification, notification_job
from loopin.usecases.notifications.inbox import MarkNotificationRead
from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.notifications.retention import InboxRetention, PruneInboxes
from loopin.usecases.shared.ports import Clock, UnitOfWork
from tests.unit.usecases.world import World


async def deliver(world: World, recipient_id: int, n: int) -> None:
    job = notification_job("request_declined", recipient_id=recipient_id, values={"event_name": f"Jam {n}"})
    await world.run(DeliverNotification, payload=job.payload)


async def test_notifications_past_the_retention_go_and_newer_ones_stay(world: World) -> None:
    me, other = await world.member(1), await world.member(2)
    for n in range(3):
        await deliver(world, me.id, n)
    await deliver(world, other.id, 9)
    [read, *_] = await world.notifications(me)
    await world.run(MarkNotificationRead, member_id=me.id, notification_id=read.id)
    world.advance(timedelta(days=60))
    await deliver(world, me.id, 4)
    assert await world.run(PruneInboxes) == 0  # nothing is 90 days old yet
    world.advance(timedelta(days=31))
    assert await world.run(PruneInboxes) == 4  # read or not, anyone's
    assert ["Jam 4" in n.body for n in await world.notifications(me)] == [True]  # the one 31 days old stays
    assert await world.notifications(other) == []


async def test_a_backlog_goes_a_batch_per_transaction(world: World) -> None:
    me = await world.member(1)
    for n in range(5):
        await deliver(world, me.id, n)
    world.advance(timedelta(days=91))
    async with world.container() as scope:
        prune = PruneInboxes(
            notifications=await scope.get(NotificationRepository),
            retention=InboxRetention(days=90, batch=2),
            uow=await scope.get(UnitOfWork),
            clock=await scope.get(Clock),
        )
        assert await prune() == 5  # batches of 2, 2 and 1
    assert await world.notifications(me) == []


def test_the_retention_is_a_sane_number_of_days() -> None:
    assert load_settings({"NOTIFICATION_RETENTION_DAYS": "30"}).inbox_retention().days == 30
    with pytest.raises(SettingsError, match="NOTIFICATION_RETENTION_DAYS"):
        load_settings({"NOTIFICATION_RETENTION_DAYS": "0"}).inbox_retention()
