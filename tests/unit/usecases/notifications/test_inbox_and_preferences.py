"""The inbox (owner only, newest first, paged), muting and the quiet hours, on the in-memory adapters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.notifications.deliver import DeliverNotification, PushDueNotifications, notification_job
from loopin.usecases.notifications.devices import RegisterDevice
from loopin.usecases.notifications.inbox import (
    CountUnread,
    ListNotifications,
    MarkAllRead,
    MarkNotificationRead,
    NotificationNotFound,
)
from loopin.usecases.notifications.preferences import (
    ChangeNotificationPreferences,
    GetNotificationPreferences,
)
from tests.unit.usecases.world import World


async def deliver(world: World, recipient_id: int, template: str = "event_invite", **values: object) -> None:
    values = values or {"host_name": "Asha", "event_name": "Jam"}
    job = notification_job(template, recipient_id=recipient_id, values=values, data={"event_id": 1})
    await world.run(DeliverNotification, payload=job.payload)


async def test_the_inbox_pages_newest_first_and_counts_unread(world: World) -> None:
    me, other = await world.member(1), await world.member(2)
    for _ in range(5):
        await deliver(world, me.id)
    await deliver(world, other.id)
    first = await world.run(ListNotifications, member_id=me.id, limit=2)
    assert [n.recipient_id for n in first.notifications] == [me.id, me.id]
    assert first.unread_count == 5
    assert first.next_before_id == first.notifications[-1].id
    ids = [n.id for n in first.notifications]
    page = first
    while page.next_before_id is not None:
        page = await world.run(ListNotifications, member_id=me.id, before_id=page.next_before_id, limit=2)
        ids += [n.id for n in page.notifications]
    assert len(ids) == 5
    assert ids == sorted(ids, reverse=True)

    read = await world.run(MarkNotificationRead, member_id=me.id, notification_id=ids[0])
    assert read.read_at == world.now
    world.advance(timedelta(minutes=1))
    again = await world.run(MarkNotificationRead, member_id=me.id, notification_id=ids[0])
    assert again.read_at == read.read_at  # the first read time stays
    assert await world.run(CountUnread, member_id=me.id) == 4
    unread = await world.run(ListNotifications, member_id=me.id, unread_only=True)
    assert [n.id for n in unread.notifications] == ids[1:]


async def test_only_the_recipient_sees_or_marks_a_notification(world: World) -> None:
    me, other = await world.member(1), await world.member(2)
    await deliver(world, other.id)
    [theirs] = await world.notifications(other)
    for missing in (theirs.id, 999_999):
        with pytest.raises(NotificationNotFound):
            await world.run(MarkNotificationRead, member_id=me.id, notification_id=missing)
    done = await world.run(MarkAllRead, member_id=me.id)
    assert (done.marked, done.up_to_id) == (0, None)
    assert await world.run(CountUnread, member_id=other.id) == 1
    with pytest.raises(InvalidInput):
        await world.run(ListNotifications, member_id=me.id, limit=0)


async def test_mark_all_read_stops_at_the_watermark(world: World) -> None:
    me = await world.member(1)
    for _ in range(3):
        await deliver(world, me.id)
    shown = (await world.run(ListNotifications, member_id=me.id)).notifications
    await deliver(world, me.id)  # arrives after the app showed the list
    done = await world.run(MarkAllRead, member_id=me.id, up_to_id=shown[0].id)
    assert (done.marked, done.up_to_id, done.unread_count) == (3, shown[0].id, 1)
    assert (await world.run(ListNotifications, member_id=me.id, unread_only=True)).notifications[0].id > shown[
        0
    ].id


async def test_a_muted_type_is_kept_in_the_inbox_but_never_pushed(world: World) -> None:
    me = await world.member(1)
    await world.run(RegisterDevice, member_id=me.id, player_id="phone", platform="android")
    view = await world.run(ChangeNotificationPreferences, member_id=me.id, muted=["event_invite", "reminder"])
    assert {k.value for k in view.preferences.muted} == {"event_invite", "reminder"}
    await deliver(world, me.id)
    await deliver(world, me.id, "request_declined", event_name="Jam")
    assert await world.templates(me) == ["event_invite", "request_declined"]
    assert [p.title for p in world.push.sent] == ["Request Declined: Jam"]
    assert await world.run(PushDueNotifications) == 0  # a muted one is not waiting either
    stored = await world.run(GetNotificationPreferences, member_id=me.id)
    assert stored.preferences.muted == view.preferences.muted


@pytest.mark.parametrize("muted", [["payment_refund"], ["no_such_type"], ["reminder\x00"], ["x"] * 51])
async def test_unknown_or_unmutable_types_are_refused_and_nothing_changes(world: World, muted: list[str]) -> None:
    me = await world.member(1)
    await world.run(ChangeNotificationPreferences, member_id=me.id, muted=["promotional"])
    with pytest.raises(InvalidInput):
        await world.run(ChangeNotificationPreferences, member_id=me.id, muted=muted)
    kept = await world.run(GetNotificationPreferences, member_id=me.id)
    assert {k.value for k in kept.preferences.muted} == {"promotional"}


async def test_quiet_hours_hold_a_non_urgent_push_until_morning_and_send_it_once(world: World) -> None:
    me = await world.member(1)
    await world.run(RegisterDevice, member_id=me.id, player_id="phone", platform="ios")
    night = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)  # 23:00 in India
    world.advance(night - world.now)
    await deliver(world, me.id)  # an invitation can wait
    await deliver(world, me.id, "event_cancelled", event_name="Jam")  # a cancellation cannot
    assert [p.title for p in world.push.sent] == ["Event Cancelled: Jam"]
    assert len(await world.notifications(me)) == 2  # both in the inbox at once
    assert await world.run(PushDueNotifications) == 0
    world.advance(timedelta(hours=8, minutes=59))  # 07:59
    assert await world.run(PushDueNotifications) == 0
    world.advance(timedelta(minutes=1))  # 08:00
    assert await world.run(PushDueNotifications) == 1
    assert await world.run(PushDueNotifications) == 0
    assert [p.title for p in world.push.sent] == ["Event Cancelled: Jam", "You're invited: Jam"]
