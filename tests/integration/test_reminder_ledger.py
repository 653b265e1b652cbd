"""ReminderSource and ReminderLedger contract on the in-memory store and on PostgreSQL: who is due, and a
reminder claimed once even by two transactions at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dishka import AsyncContainer

from loopin.domain.attendance.request import JoinRequest
from loopin.domain.attendance.secret import TicketCodes
from loopin.domain.attendance.ticket import Ticket, TicketSource
from loopin.domain.events.event import EventStatus
from loopin.domain.identity.member import Member
from loopin.usecases.attendance.ports import (
    JoinRequestRepository,
    ReminderLedger,
    ReminderSource,
    TicketRepository,
)
from loopin.usecases.attendance.reminders import SendReminders
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.notifications.ports import NotificationRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.factories import EventFactory
from tests.integration.conftest import phone, store_members
from tests.support import Fakes


async def test_a_reminder_is_claimed_once_by_parallel_runs(any_container: AsyncContainer, fakes: Fakes) -> None:
    now = fakes.clock.now()
    host, guest = await store_members(
        any_container, Member.register(phone(1), now=now), Member.register(phone(2), now=now)
    )
    async with any_container() as scope:
        event = await (await scope.get(EventRepository)).add(
            EventFactory.starting(host.id, now, starts_in=timedelta(hours=5), status=EventStatus.PUBLISHED)
        )
        await (await scope.get(UnitOfWork)).commit()

    async def claim(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
        async with any_container() as scope:
            got = await (await scope.get(ReminderLedger)).claim("ticket_24h", pairs, now)
            await asyncio.sleep(0.05)  # both claims in flight at once
            await (await scope.get(UnitOfWork)).commit()
            return got

    pairs = [(event.id, host.id), (event.id, guest.id)]
    first, second = await asyncio.gather(claim(pairs), claim(list(reversed(pairs))))
    assert sorted(first | second) == sorted(pairs)
    assert first & second == set()
    assert await claim(pairs) == set()
    async with any_container() as scope:
        other_kind = await (await scope.get(ReminderLedger)).claim("ticket_2h", pairs, now)
        await (await scope.get(UnitOfWork)).rollback()
    assert other_kind == set(pairs)


async def test_the_source_reads_live_tickets_of_published_events_in_the_window(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    host, guest = await store_members(
        any_container, Member.register(phone(1), now=now), Member.register(phone(2), now=now)
    )
    async with any_container() as scope:
        events, tickets = await scope.get(EventRepository), await scope.get(TicketRepository)
        codes = await scope.get(TicketCodes)
        near = await events.add(
            EventFactory.starting(host.id, now, starts_in=timedelta(hours=5), status=EventStatus.PUBLISHED)
        )
        off = await events.add(
            EventFactory.starting(host.id, now, starts_in=timedelta(hours=6), status=EventStatus.CANCELLED)
        )
        far = await events.add(
            EventFactory.starting(host.id, now, starts_in=timedelta(hours=30), status=EventStatus.PUBLISHED)
        )
        for event in (near, off, far):
            await tickets.add(
                Ticket.issue(event.id, guest.id, 1, source=TicketSource.REQUEST, codes=codes, now=now)
            )
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        source = await scope.get(ReminderSource)
        [due] = await source.ticket_holders(now, now + timedelta(hours=24), 100)
        assert (due.event_id, due.member_id, due.event_title) == (near.id, guest.id, near.title)
        assert due.start_time == near.start_time
        assert await source.ticket_holders(now + timedelta(hours=5), now + timedelta(hours=24), 100) == []
        assert await source.hosts_with_pending(now, now + timedelta(hours=24), 100) == []
        await (await scope.get(UnitOfWork)).commit()
    asker, other = await store_members(
        any_container, Member.register(phone(3), now=now), Member.register(phone(4), now=now)
    )
    async with any_container() as scope:
        requests = await scope.get(JoinRequestRepository)
        for member in (asker, other):
            await requests.add(JoinRequest.open(near.id, member.id, 1, "", now))
        await requests.add(JoinRequest.open(far.id, asker.id, 1, "", now))
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        source = await scope.get(ReminderSource)
        [waiting] = await source.hosts_with_pending(now, now + timedelta(hours=24), 100)  # not the far one
        assert (waiting.event_id, waiting.member_id, waiting.count) == (near.id, host.id, 2)
        [kickoff] = await source.hosts_with_guests(now, now + timedelta(hours=24), 100)  # not the cancelled one
        assert (kickoff.event_id, kickoff.member_id, kickoff.count) == (near.id, host.id, 1)
        assert await source.hosts_with_guests(now + timedelta(hours=5), now + timedelta(hours=24), 100) == []
        assert await source.invitees_expiring(now, now + timedelta(hours=24), 100) == []
        await (await scope.get(UnitOfWork)).commit()


async def test_send_reminders_twice_at_once_notifies_once(any_container: AsyncContainer, fakes: Fakes) -> None:
    """The whole path on both stores: a ticket holder, two scheduler runs at once, one reminder."""
    now = fakes.clock.now()
    host, guest = await store_members(
        any_container, Member.register(phone(1), now=now), Member.register(phone(2), now=now)
    )
    async with any_container() as scope:
        event = await (await scope.get(EventRepository)).add(
            EventFactory.starting(host.id, now, starts_in=timedelta(hours=5), status=EventStatus.PUBLISHED)
        )
        codes = await scope.get(TicketCodes)
        await (await scope.get(TicketRepository)).add(
            Ticket.issue(event.id, guest.id, 1, source=TicketSource.REQUEST, codes=codes, now=now)
        )
        await (await scope.get(UnitOfWork)).commit()

    async def run() -> int:
        async with any_container() as scope:
            sent: int = await (await scope.get(SendReminders))()
            return sent

    assert sorted(await asyncio.gather(run(), run())) == [0, 1]
    assert await run() == 0
    async with any_container() as scope:
        notes = await (await scope.get(NotificationRepository)).for_member(guest.id, 10)
        await (await scope.get(UnitOfWork)).commit()
    assert [(n.template, n.data["reminder"], n.data["action"]) for n in notes] == [
        ("reminder_day_before", "ticket_24h", "release_seat")
    ]
