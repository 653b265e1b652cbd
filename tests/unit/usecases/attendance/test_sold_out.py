"""Sold-out markers on the in-memory adapters: a rush's refusals skip the database, and never change an answer.

A refusal on the database path marks a sold-out event; refusals after it are answered from the marker when the
answer could be nothing else (an active member, whose profile is kept, who never held a ticket, not the host,
before the start). Every change of the event's seats or facts clears it after its commit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.attendance.errors import EventStarted, HostCannotJoin, SeatsUnavailable
from loopin.domain.identity.member import Member, MemberDeactivated, MemberStatus
from loopin.usecases.attendance.guest_tickets import CancelAttendance
from loopin.usecases.events.ports import SoldOutEvents
from loopin.usecases.identity.profile import ReadProfile
from tests.unit.usecases.attendance.test_tickets import accepted, confirm
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import World


async def kept(world: World, *members: Member) -> None:
    """The app reads the profile at launch: an active member's is kept."""
    for member in members:
        await world.run(ReadProfile, member_id=member.id, token_id=f"t{member.id}", present=lambda view: b"{}")


async def marked(world: World, event_id: int) -> bool:
    check = await (await world.get(SoldOutEvents)).check(event_id, 0, "")
    return check.sold_out is not None


async def sold_out_event(world: World, guests: int) -> tuple[Member, list[Member], int]:
    """A one-seat event, its first guest holding the seat, every guest accepted and kept, the event marked."""
    host = await world.member(1)
    members = [await world.member(10 + n) for n in range(guests)]
    event = await world.event(host, max_capacity=1)
    for guest in members:
        await accepted(world, host, guest, event.id)
    await confirm(world, members[0], event.id)
    await kept(world, host, *members)
    assert not await marked(world, event.id)
    with pytest.raises(SeatsUnavailable):
        await confirm(world, members[1], event.id)  # the database path marks it
    assert await marked(world, event.id)
    return host, members, event.id


async def test_refusals_on_the_marker_answer_as_the_database_would(world: World) -> None:
    host, (holder, late, deactivated), event_id = await sold_out_event(world, 3)
    with pytest.raises(SeatsUnavailable) as refused:
        await confirm(world, late, event_id)
    assert (refused.value.code, str(refused.value)) == ("CAPACITY_FULL", "This event is full.")
    again = await confirm(world, holder, event_id)  # the holder's retry: their ticket
    assert again.member_id == holder.id
    with pytest.raises(HostCannotJoin):
        await confirm(world, host, event_id)
    await world.change_member(deactivated.id, lambda m: setattr(m, "status", MemberStatus.DEACTIVATED))
    with pytest.raises(MemberDeactivated):  # the save forgot the kept profile: the database answers
        await confirm(world, deactivated, event_id)
    world.advance(timedelta(days=4))
    with pytest.raises(EventStarted):
        await confirm(world, late, event_id)


async def test_a_cancelled_seat_is_sold_at_once(world: World) -> None:
    _, (holder, late), event_id = await sold_out_event(world, 2)
    await world.run(CancelAttendance, member_id=holder.id, event_id=event_id)
    assert not await marked(world, event_id)
    ticket = await confirm(world, late, event_id)
    assert (ticket.member_id, (await world.stored_event(event_id)).seats_taken) == (late.id, 1)


async def test_a_raised_capacity_is_sold_at_once(world: World) -> None:
    _, (_, late), event_id = await sold_out_event(world, 2)
    await world.change_event(event_id, max_capacity=2)  # any save of the event clears its marker
    assert not await marked(world, event_id)
    assert (await confirm(world, late, event_id)).member_id == late.id


async def test_markers_are_off_with_a_zero_lifetime(make_world: MakeWorld) -> None:
    world = await make_world(sold_out_ttl_seconds=0)
    host, guest, late = await world.member(1), await world.member(2), await world.member(3)
    event = await world.event(host, max_capacity=1)
    for member in (guest, late):
        await accepted(world, host, member, event.id)
    await confirm(world, guest, event.id)
    with pytest.raises(SeatsUnavailable):
        await confirm(world, late, event.id)
    assert not await marked(world, event.id)
