"""The door on the in-memory adapters: attendee lists, idempotent check-in by code or member, check-out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from loopin.domain.attendance.errors import (
    CheckInClosed,
    HostOnly,
    NotCheckedIn,
    TicketCancelled,
    TicketNotFound,
)
from loopin.domain.events.event import EventNotFound, EventStatus
from loopin.domain.identity.member import Member, Role
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.attendance.checkin import CheckIn, CheckOut, ListAttendees
from loopin.usecases.attendance.guest_tickets import CancelAttendance
from loopin.usecases.attendance.host_requests import AcceptJoinRequest
from loopin.usecases.attendance.requests import CreateJoinRequest
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.attendance.views import DoorView, TicketView
from tests.unit.usecases.world import World


async def ticket_for(world: World, host: Member, guest: Member, event_id: int, seats: int = 1) -> TicketView:
    asked = await world.run(CreateJoinRequest, member_id=guest.id, event_id=event_id, seats_requested=seats)
    await world.run(AcceptJoinRequest, member_id=host.id, event_id=event_id, request_id=asked.id, host_message="")
    ticket: TicketView = await world.run(ConfirmAttendance, member_id=guest.id, event_id=event_id, seats=seats)
    return ticket


async def scan(world: World, door: Member, event_id: int, secret: str) -> DoorView:
    view: DoorView = await world.run(CheckIn, member_id=door.id, event_id=event_id, ticket_secret=secret)
    return view


async def test_attendees_carry_codes_seats_and_door_state_for_the_host_and_staff_only(world: World) -> None:
    host, a, b = await world.member(1), await world.member(2, name="Asha"), await world.member(3, name="Bina")
    staff, stranger = await world.member(4, role=Role.STAFF), await world.member(5)
    event = await world.event(host)
    ta, tb = await ticket_for(world, host, a, event.id, 2), await ticket_for(world, host, b, event.id, 1)
    for who in (host, staff):
        listed = await world.run(ListAttendees, member_id=who.id, event_id=event.id)
        assert [(x.user_id, x.full_name, x.seats, x.ticket_secret, x.checked_in) for x in listed.attendees] == [
            (a.id, "Asha", 2, ta.ticket_secret, False),
            (b.id, "Bina", 1, tb.ticket_secret, False),
        ]
        assert (listed.going_count, listed.checked_in_count) == (3, 0)
    for who in (a, stranger):
        with pytest.raises(HostOnly):
            await world.run(ListAttendees, member_id=who.id, event_id=event.id)


async def test_check_in_by_code_is_idempotent_and_audited_once(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(hours=2))
    ticket = await ticket_for(world, host, guest, event.id, 2)
    first = await scan(world, host, event.id, ticket.ticket_secret)
    assert (first.already, first.attendee.user_id, first.attendee.checked_in, first.attendee.seats) == (
        False,
        guest.id,
        True,
        2,
    )
    assert first.attendee.checked_in_at == world.now
    world.advance(timedelta(minutes=1))
    second = await scan(world, host, event.id, f"  {ticket.ticket_secret} ")
    assert second.already is True
    assert second.attendee.checked_in_at == first.attendee.checked_in_at
    assert await world.actions("ticket", ticket.ticket_id) == ["ticket.issued", "ticket.checked_in"]
    listed = await world.run(ListAttendees, member_id=host.id, event_id=event.id)
    assert (listed.checked_in_count, [x.user_id for x in listed.checked_in]) == (1, [guest.id])


async def test_parallel_scans_of_one_ticket_record_one_check_in(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(hours=2))
    ticket = await ticket_for(world, host, guest, event.id)
    views = await asyncio.gather(*(scan(world, host, event.id, ticket.ticket_secret) for _ in range(30)))
    assert sum(1 for v in views if not v.already) == 1
    assert await world.actions("ticket", ticket.ticket_id) == ["ticket.issued", "ticket.checked_in"]


async def test_the_qr_payload_works_too_but_only_at_its_own_event(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(hours=2))
    other = await world.event(host, starts_in=timedelta(hours=2))
    ticket = await ticket_for(world, host, guest, event.id)
    with pytest.raises(TicketNotFound, match="another event"):
        await scan(world, host, other.id, ticket.ticket_secret)
    with pytest.raises(TicketNotFound, match="another event"):
        await scan(world, host, event.id, f"EVENT:{other.id}:TICKET:{ticket.ticket_secret}")
    assert (await scan(world, host, event.id, ticket.qr_code_data)).already is False


async def test_wrong_codes_and_strangers_are_refused(world: World) -> None:
    host, guest, stranger = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host, starts_in=timedelta(hours=2))
    ticket = await ticket_for(world, host, guest, event.id)
    for bad in ("", "nope", "A" * 32, ticket.ticket_secret.swapcase()):
        with pytest.raises(TicketNotFound):
            await scan(world, host, event.id, bad)
    for who in (guest, stranger):  # a guest never checks in anyone, not even themselves
        with pytest.raises(HostOnly):
            await scan(world, who, event.id, ticket.ticket_secret)
    private = await world.event(host, is_public=False, starts_in=timedelta(hours=2))
    with pytest.raises(EventNotFound):
        await scan(world, stranger, private.id, ticket.ticket_secret)
    with pytest.raises(InvalidInput):
        await world.run(CheckIn, member_id=host.id, event_id=event.id)
    with pytest.raises(InvalidInput):
        await world.run(CheckIn, member_id=host.id, event_id=event.id, ticket_secret="x", user_id=guest.id)


async def test_a_cancelled_ticket_does_not_open_the_door(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(hours=2))
    ticket = await ticket_for(world, host, guest, event.id)
    await world.run(CancelAttendance, member_id=guest.id, event_id=event.id)
    with pytest.raises(TicketCancelled):
        await scan(world, host, event.id, ticket.ticket_secret)
    with pytest.raises(TicketCancelled):
        await world.run(CheckIn, member_id=host.id, event_id=event.id, user_id=guest.id)


async def test_the_door_opens_twelve_hours_before_and_closes_twelve_hours_after(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(days=2))
    ticket = await ticket_for(world, host, guest, event.id)
    with pytest.raises(CheckInClosed, match="opens 12 hours before"):
        await scan(world, host, event.id, ticket.ticket_secret)
    world.advance(timedelta(days=2) - timedelta(hours=12))
    assert (await scan(world, host, event.id, ticket.ticket_secret)).already is False
    world.advance(timedelta(hours=12 + 3 + 12, seconds=1))
    with pytest.raises(CheckInClosed, match="closed"):
        await scan(world, host, event.id, ticket.ticket_secret)


async def test_a_cancelled_event_has_no_door(world: World) -> None:
    host, guest = await world.member(1), await world.member(2)
    event = await world.event(host, starts_in=timedelta(hours=2))
    ticket = await ticket_for(world, host, guest, event.id)
    await world.change_event(event, status=EventStatus.CANCELLED)
    with pytest.raises(CheckInClosed, match="cancelled"):
        await scan(world, host, event.id, ticket.ticket_secret)


async def test_check_in_by_member_check_out_and_back_in(world: World) -> None:
    host, guest, nobody = await world.member(1), await world.member(2), await world.member(3)
    staff = await world.member(4, role=Role.STAFF)
    event = await world.event(host, starts_in=timedelta(hours=2))
    ticket = await ticket_for(world, host, guest, event.id)
    with pytest.raises(TicketNotFound):
        await world.run(CheckIn, member_id=host.id, event_id=event.id, user_id=nobody.id)
    with pytest.raises(NotCheckedIn):
        await world.run(CheckOut, member_id=host.id, event_id=event.id, user_id=guest.id)
    first = await world.run(CheckIn, member_id=staff.id, event_id=event.id, user_id=guest.id)
    assert first.already is False
    out = await world.run(CheckOut, member_id=host.id, event_id=event.id, ticket_secret=ticket.ticket_secret)
    assert (out.already, out.attendee.status, out.attendee.checked_in) == (False, "checked_out", False)
    assert (await world.run(CheckOut, member_id=host.id, event_id=event.id, user_id=guest.id)).already is True
    back = await world.run(CheckIn, member_id=host.id, event_id=event.id, user_id=guest.id)
    assert (back.already, back.attendee.status) == (True, "checked_in")
    assert await world.actions("ticket", ticket.ticket_id) == [
        "ticket.issued",
        "ticket.checked_in",
        "ticket.checked_out",
        "ticket.checked_in",
    ]
    listed = await world.run(ListAttendees, member_id=host.id, event_id=event.id)
    assert listed.going_count == 1  # a guest who left still held their seat
