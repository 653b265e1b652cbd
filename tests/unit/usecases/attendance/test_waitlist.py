"""The event waitlist on the in-memory adapters: who may join, first in first served, offers that hold seats
and never oversell, taking, declining and letting an offer pass on, and the seats a host adds."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from loopin.domain.attendance.errors import (
    AlreadyConfirmed,
    HostOnly,
    MoreSeatsThanOffered,
    NoAcceptedRequest,
    NoSeatOffer,
    NotOnWaitlist,
    SeatOfferExpired,
    SeatsAvailable,
    SeatsUnavailable,
)
from loopin.domain.events.changes import EventChanges
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member
from loopin.usecases.attendance.guest_tickets import CancelAttendance
from loopin.usecases.attendance.host_requests import DeclineJoinRequest
from loopin.usecases.attendance.requests import GetMyRequest
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.attendance.views import WaitlistPlaceView
from loopin.usecases.attendance.waitlist import (
    AcceptSeatOffer,
    GetMyWaitlistPlace,
    JoinWaitlist,
    LeaveWaitlist,
    ListEventWaitlist,
    PassOnSeatOffers,
)
from loopin.usecases.events.manage import UpdateEvent
from tests.unit.usecases.world import World


async def full_event(
    world: World, host: Member, capacity: int = 2, *, accepted: dict[int, int] | None = None, **details: object
) -> tuple[Event, list[Member], list[Member]]:
    """A free event whose ``capacity`` seats are taken by members 100, 101…, once the requests of the members
    ``accepted`` names (number: seats) were accepted (acceptance holds no seats, so a full event has them)."""
    event = await world.event(host, max_capacity=capacity, **details)
    guests = [await world.accepted_guest(host, event, n, seats=seats) for n, seats in (accepted or {}).items()]
    holders = []
    for n in range(capacity):
        guest = await world.accepted_guest(host, event, 100 + n)
        await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id, seats=1)
        holders.append(guest)
    return event, holders, guests


async def join(world: World, member: Member, event: Event, seats: int | None = None) -> WaitlistPlaceView:
    place: WaitlistPlaceView = await world.run(JoinWaitlist, member_id=member.id, event_id=event.id, seats=seats)
    return place


async def mine(world: World, member: Member, event: Event) -> WaitlistPlaceView:
    place: WaitlistPlaceView = await world.run(GetMyWaitlistPlace, member_id=member.id, event_id=event.id)
    return place


async def cancel(world: World, member: Member, event: Event) -> None:
    await world.run(CancelAttendance, member_id=member.id, event_id=event.id)


async def test_an_accepted_guest_of_a_full_event_joins_the_line_in_order(world: World) -> None:
    host = await world.member(1)
    event, _, (a, b) = await full_event(world, host, accepted={2: 1, 3: 1})
    first, second = await join(world, a, event), await join(world, b, event)
    assert (first.status, first.position, first.seats) == ("waiting", 1, 1)
    assert (second.status, second.position) == ("waiting", 2)
    again = await join(world, a, event)  # a retried join answers the same place
    assert (again.id, again.position) == (first.id, 1)
    assert await world.actions("waitlist_place", first.id) == ["waitlist.joined"]
    request = await world.run(GetMyRequest, member_id=a.id, event_id=event.id)
    assert request.status == "accepted"  # waiting keeps the acceptance from expiring


async def test_who_may_not_join(world: World) -> None:
    host = await world.member(1)
    event, holders, _ = await full_event(world, host)
    stranger = await world.member(2)
    with pytest.raises(NoAcceptedRequest) as refused:
        await join(world, stranger, event)
    assert "confirm attendance" not in refused.value.message  # the same refusal answers joining the line
    with pytest.raises(AlreadyConfirmed, match=r"^You already hold a ticket for this event\.$"):
        await join(world, holders[0], event)
    roomy = await world.event(host, max_capacity=5)
    guest = await world.accepted_guest(host, roomy, 3)  # seats left: confirm instead
    with pytest.raises(SeatsAvailable):
        await join(world, guest, roomy)
    with pytest.raises(NotOnWaitlist):
        await mine(world, guest, roomy)


async def test_a_cancelled_ticket_is_offered_to_the_first_in_line_and_held_for_them(world: World) -> None:
    host = await world.member(1)
    event, holders, (a, b, late) = await full_event(world, host, accepted={2: 1, 3: 1, 4: 1})
    await join(world, a, event)
    await join(world, b, event)
    await cancel(world, holders[0], event)
    offered = await mine(world, a, event)
    assert (offered.status, offered.offer_expires_at) == ("offered", world.now + timedelta(hours=2))
    assert (await mine(world, b, event)).position == 1
    stored = await world.reload(event)
    assert (stored.seats_taken, stored.seats_held) == (1, 1)  # the offer holds the seat: nobody else takes it
    with pytest.raises(SeatsUnavailable):
        await world.run(ConfirmAttendance, member_id=late.id, event_id=event.id, seats=1)
    assert "waitlist_offer" in await world.templates(a)
    assert await world.actions("waitlist_place", offered.id) == ["waitlist.joined", "waitlist.offered"]
    ticket = await world.run(AcceptSeatOffer, member_id=a.id, event_id=event.id)
    assert (ticket.seats, ticket.status) == (1, "going")
    stored = await world.reload(event)
    assert (stored.seats_taken, stored.seats_held) == (2, 0)
    assert (await mine(world, a, event)).status == "accepted"


async def test_the_apps_confirmation_takes_an_open_offer(world: World) -> None:
    host = await world.member(1)
    event, holders, (a,) = await full_event(world, host, accepted={2: 1})
    await join(world, a, event)
    await cancel(world, holders[0], event)
    ticket = await world.run(ConfirmAttendance, member_id=a.id, event_id=event.id, seats=1)
    assert ticket.status == "going"
    stored = await world.reload(event)
    assert (stored.seats_taken, stored.seats_held) == (2, 0)
    assert (await mine(world, a, event)).status == "accepted"


async def test_an_offer_not_taken_in_time_passes_on_lazily_and_by_the_sweep(world: World) -> None:
    host = await world.member(1)
    event, holders, (a, b, c) = await full_event(world, host, accepted={2: 1, 3: 1, 4: 1})
    for member in (a, b, c):
        await join(world, member, event)
    await cancel(world, holders[0], event)
    world.advance(timedelta(hours=2, seconds=1))
    assert (await mine(world, a, event)).status == "expired"  # reads expired before the sweep
    with pytest.raises(SeatOfferExpired):  # and taking it now passes it on
        await world.run(AcceptSeatOffer, member_id=a.id, event_id=event.id)
    assert (await mine(world, b, event)).status == "offered"
    assert "waitlist_offer_expired" in await world.templates(a)
    world.advance(timedelta(hours=2, seconds=1))
    assert await world.run(PassOnSeatOffers) == 1
    assert (await mine(world, b, event)).status == "expired"
    assert (await mine(world, c, event)).status == "offered"
    stored = await world.reload(event)
    assert (stored.seats_taken, stored.seats_held) == (1, 1)
    assert await world.run(PassOnSeatOffers) == 0  # nothing due: the sweep changes nothing


async def test_declining_an_offer_passes_it_on_at_once(world: World) -> None:
    host = await world.member(1)
    event, holders, (a, b) = await full_event(world, host, accepted={2: 1, 3: 1})
    await join(world, a, event)
    await join(world, b, event)
    await cancel(world, holders[0], event)
    left = await world.run(LeaveWaitlist, member_id=a.id, event_id=event.id)
    assert left.status == "left"
    assert (await mine(world, b, event)).status == "offered"
    with pytest.raises(NotOnWaitlist):
        await world.run(LeaveWaitlist, member_id=a.id, event_id=event.id)
    with pytest.raises(NoSeatOffer):
        await world.run(AcceptSeatOffer, member_id=a.id, event_id=event.id)


async def test_first_fit_a_bigger_party_keeps_its_place(world: World) -> None:
    host = await world.member(1)
    event, holders, (party, solo) = await full_event(world, host, capacity=3, accepted={2: 2, 3: 1})
    assert (await join(world, party, event)).seats == 2
    await join(world, solo, event)
    await cancel(world, holders[0], event)
    assert (await mine(world, party, event)).status == "waiting"
    assert (await mine(world, solo, event)).status == "offered"
    await world.run(AcceptSeatOffer, member_id=solo.id, event_id=event.id)
    await cancel(world, holders[1], event)
    await cancel(world, holders[2], event)
    assert (await mine(world, party, event)).status == "offered"
    ticket = await world.run(AcceptSeatOffer, member_id=party.id, event_id=event.id, seats=2)
    assert ticket.seats == 2
    stored = await world.reload(event)
    assert (stored.seats_taken, stored.seats_held) == (3, 0)


async def test_taking_fewer_seats_than_offered_gives_the_rest_to_the_next(world: World) -> None:
    host = await world.member(1)
    event, _, (party, solo) = await full_event(world, host, capacity=2, accepted={2: 2, 3: 1})
    await join(world, party, event)
    await join(world, solo, event)
    await world.run(UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(max_capacity=4))
    assert [(await mine(world, m, event)).status for m in (party, solo)] == ["offered", "waiting"]
    with pytest.raises(MoreSeatsThanOffered):
        await world.run(AcceptSeatOffer, member_id=party.id, event_id=event.id, seats=3)
    ticket = await world.run(AcceptSeatOffer, member_id=party.id, event_id=event.id, seats=1)
    assert ticket.seats == 1
    assert (await mine(world, solo, event)).status == "offered"
    stored = await world.reload(event)
    assert (stored.seats_taken, stored.seats_held) == (3, 1)


async def test_a_host_adding_seats_offers_them_and_cancelling_closes_the_line(world: World) -> None:
    host = await world.member(1)
    event, _, guests = await full_event(world, host, accepted={2: 1, 3: 1, 4: 1})
    for guest in guests:
        await join(world, guest, event)
    await world.run(UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(max_capacity=4))
    assert [(await mine(world, g, event)).status for g in guests] == ["offered", "offered", "waiting"]
    line = await world.run(ListEventWaitlist, member_id=host.id, event_id=event.id)
    assert [(e.place.member_id, e.place.status, e.place.position) for e in line] == [
        (guests[0].id, "offered", None),
        (guests[1].id, "offered", None),
        (guests[2].id, "waiting", 1),
    ]
    with pytest.raises(HostOnly):  # a read: NOT_HOST, as every host-only read answers
        await world.run(ListEventWaitlist, member_id=guests[0].id, event_id=event.id)
    await world.run(UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(status="cancelled"))
    assert [(await mine(world, g, event)).status for g in guests] == ["lapsed", "lapsed", "lapsed"]
    assert (await world.reload(event)).seats_held == 0


async def test_a_place_whose_request_was_declined_lapses_at_its_turn(world: World) -> None:
    host = await world.member(1)
    event, holders, (a, b) = await full_event(world, host, accepted={2: 1, 3: 1})
    await join(world, a, event)
    await join(world, b, event)
    request = await world.run(GetMyRequest, member_id=a.id, event_id=event.id)
    await world.run(
        DeclineJoinRequest, member_id=host.id, event_id=event.id, request_id=request.id, host_message=None
    )
    await cancel(world, holders[0], event)
    assert (await mine(world, a, event)).status == "lapsed"
    assert (await mine(world, b, event)).status == "offered"


async def test_an_offer_near_the_start_is_shorter(world: World) -> None:
    host = await world.member(1)
    event, holders, (a,) = await full_event(world, host, accepted={2: 1}, starts_in=timedelta(hours=1))
    await join(world, a, event)
    await cancel(world, holders[0], event)
    assert (await mine(world, a, event)).offer_expires_at == world.now + timedelta(minutes=30)


async def test_parallel_cancellations_never_offer_one_member_twice_nor_oversell(world: World) -> None:
    host = await world.member(1)
    event, holders, waiting = await full_event(world, host, capacity=10, accepted={200 + n: 1 for n in range(30)})
    await asyncio.gather(*(join(world, g, event) for g in waiting))
    await asyncio.gather(*(cancel(world, h, event) for h in holders))
    statuses = [(await mine(world, g, event)).status for g in waiting]
    assert (statuses.count("offered"), statuses.count("waiting")) == (10, 20)
    stored = await world.reload(event)
    assert (stored.seats_taken, stored.seats_held) == (0, 10)
    await asyncio.gather(
        *(
            world.run(AcceptSeatOffer, member_id=g.id, event_id=event.id)
            for g, s in zip(waiting, statuses, strict=True)
            if s == "offered"
        )
    )
    stored = await world.reload(event)
    assert (stored.seats_taken, stored.seats_held) == (10, 0)
