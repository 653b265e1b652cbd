"""Reminders through a day of events on a fake clock: the scheduler runs every five minutes, twice in a row and
twice at once, and every reminder is sent exactly once (docs/notifications.md)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from loopin.domain.events.event import EventStatus
from loopin.domain.identity.member import Member
from loopin.usecases.attendance.guest_tickets import CancelAttendance
from loopin.usecases.attendance.invitations import SendInvitations
from loopin.usecases.attendance.reminders import SendReminders, when
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.notifications.preferences import ChangeNotificationPreferences
from tests.unit.usecases.world import World

H = timedelta(hours=1)


async def guests_with_tickets(world: World, host: Member, event_id: int, numbers: list[int]) -> list[Member]:
    event = await world.stored_event(event_id)
    made = []
    for n in numbers:
        guest = await world.accepted_guest(host, event, n)
        await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id, seats=1)
        made.append(guest)
    return made


async def test_a_day_of_events_reminds_everyone_exactly_once(world: World) -> None:
    host = await world.member(1, name="Host")
    soon = await world.event(host, title="In three hours", starts_in=3 * H, max_capacity=20)
    tonight = await world.event(host, title="Tonight", starts_in=20 * H, max_capacity=20)
    tomorrow = await world.event(host, title="Tomorrow", starts_in=30 * H, max_capacity=20)
    now_ish = await world.event(host, title="In an hour", starts_in=1 * H, max_capacity=20)
    called_off = await world.event(host, title="Called off", starts_in=10 * H, max_capacity=20)

    g_soon = await guests_with_tickets(world, host, soon.id, [2, 3])
    [g_tonight] = await guests_with_tickets(world, host, tonight.id, [4])
    [g_tomorrow] = await guests_with_tickets(world, host, tomorrow.id, [5])
    [g_now] = await guests_with_tickets(world, host, now_ish.id, [6])
    [g_off] = await guests_with_tickets(world, host, called_off.id, [7])
    await world.change_event(called_off, status=EventStatus.CANCELLED)
    [g_gone] = await guests_with_tickets(world, host, tonight.id, [8])
    await world.run(CancelAttendance, member_id=g_gone.id, event_id=tonight.id)  # no longer coming
    for n, event in ((9, tonight), (10, tomorrow), (11, tomorrow)):
        asker = await world.member(n)
        await world.run(CreateJoinRequest, member_id=asker.id, event_id=event.id, seats_requested=1)
    invitee = await world.member(12)
    await world.run(
        SendInvitations, member_id=host.id, event_id=tomorrow.id, user_ids=[invitee.id], expiry_policy="48h"
    )
    muted = g_soon[1]
    await world.run(ChangeNotificationPreferences, member_id=muted.id, muted=["reminder"])
    pushes_before = len(world.push.sent)

    sent_at: dict[tuple[int, str, str], list[object]] = {}
    for _ in range(31 * 12):  # every five minutes for 31 hours
        await world.run(SendReminders)
        await world.run(SendReminders)  # the scheduler fired twice
        await asyncio.gather(world.run(SendReminders), world.run(SendReminders))  # two workers at once
        world.advance(timedelta(minutes=5))

    reminders = Counter()
    for member in [host, *g_soon, g_tonight, g_tomorrow, g_now, g_off, g_gone, invitee]:
        for n in await world.notifications(member):
            if "reminder" in n.data:
                reminders[(member.id, n.data["event_id"], n.data["reminder"])] += 1
                sent_at.setdefault((member.id, n.data["event_id"], n.data["reminder"]), []).append(n.created_at)

    def key(member: Member, event_id: int, kind: str) -> tuple[int, str, str]:
        return (member.id, str(event_id), kind)

    expected = {
        *(key(g, soon.id, k) for g in g_soon for k in ("ticket_24h", "ticket_2h")),
        key(g_tonight, tonight.id, "ticket_24h"),
        key(g_tonight, tonight.id, "ticket_2h"),
        key(g_tomorrow, tomorrow.id, "ticket_24h"),
        key(g_tomorrow, tomorrow.id, "ticket_2h"),
        key(g_now, now_ish.id, "ticket_2h"),  # already inside two hours: the nearest reminder only
        key(host, tonight.id, "host_pending"),
        key(host, tomorrow.id, "host_pending"),
        key(invitee, tomorrow.id, "invitation_expiring"),
        # the host, as each event with guests starts: open the scanner (not for the cancelled one)
        *(key(host, e.id, "host_kickoff") for e in (soon, tonight, tomorrow, now_ish)),
    }
    assert set(reminders) == expected
    assert all(count == 1 for count in reminders.values()), reminders
    start = world.now - timedelta(minutes=5 * 31 * 12)
    assert sent_at[key(g_tomorrow, tomorrow.id, "ticket_24h")] == [start + 6 * H]
    assert sent_at[key(g_tomorrow, tomorrow.id, "ticket_2h")] == [start + 28 * H]
    assert sent_at[key(host, tomorrow.id, "host_pending")] == [start + 6 * H]
    assert sent_at[key(invitee, tomorrow.id, "invitation_expiring")] == [start + 24 * H]
    assert sent_at[key(host, tomorrow.id, "host_kickoff")] == [start + 30 * H]
    [host_note] = [
        n
        for n in await world.notifications(host)
        if n.data.get("reminder") == "host_pending" and n.data["event_id"] == str(tomorrow.id)
    ]
    assert host_note.title == "2 waiting: Tomorrow"
    # the muted guest has the reminders in the inbox, and none on the phone
    assert all(muted.id not in p.player_ids for p in world.push.sent[pushes_before:])


async def test_a_host_is_told_to_open_the_scanner_when_an_event_with_guests_starts(world: World) -> None:
    """Spec platform.md §3.6 B14 (kickoff): the host, at the start, routed to the app's ``check_in`` screen;
    an event nobody holds a ticket for, or one that started over an hour ago, sends nothing."""
    host = await world.member(1, name="Host")
    party = await world.event(host, title="Party", starts_in=H, max_capacity=20)
    empty = await world.event(host, title="Nobody yet", starts_in=H, max_capacity=20)
    await guests_with_tickets(world, host, party.id, [2, 3])
    world.advance(H - timedelta(minutes=5))
    await world.run(SendReminders)
    assert not [n for n in await world.notifications(host) if n.data.get("reminder") == "host_kickoff"]

    world.advance(timedelta(minutes=5))
    await world.run(SendReminders)
    world.advance(timedelta(minutes=5))
    await world.run(SendReminders)

    [kickoff] = [n for n in await world.notifications(host) if n.data.get("reminder") == "host_kickoff"]
    assert kickoff.data["route"] == "check_in"
    assert kickoff.data["event_id"] == str(party.id)
    assert kickoff.title == "Party has started"
    assert "2 guests" in kickoff.body
    assert "action" not in kickoff.data  # the host has no seat to release
    assert empty.id != party.id


async def test_a_kickoff_missed_by_over_an_hour_is_not_sent_late(world: World) -> None:
    host = await world.member(1, name="Host")
    party = await world.event(host, title="Party", starts_in=H, max_capacity=20)
    await guests_with_tickets(world, host, party.id, [2])
    world.advance(2 * H)  # the scheduler was down through the start
    await world.run(SendReminders)
    assert not [n for n in await world.notifications(host) if n.data.get("reminder") == "host_kickoff"]


async def test_the_reminder_says_when_on_the_events_wall_clock() -> None:
    now = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 12:00 in India
    assert when(now + 7 * H, "Asia/Kolkata", now) == "today at 19:00"
    assert when(now + 20 * H, "Asia/Kolkata", now) == "tomorrow at 08:00"
    assert when(now + 50 * H, "Asia/Kolkata", now) == "on Wed 4 Mar at 14:00"
