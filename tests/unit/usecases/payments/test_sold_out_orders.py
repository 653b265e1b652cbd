"""A paid rush's sold-out marker (in-memory adapters): a paid event sells out in held seats (orders); a refused
order marks it, and the next refusals are answered from the marker only when the database would say the same.

Holders of an open order get their order; a wrong price or plus-ones rule is the database's answer; the marker
never outlives the first hold to run out (an overdue hold goes back on the database path); a released hold
clears it after the commit (the seat inventory the container hands out, as for free events).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from loopin.domain.attendance.errors import HostCannotJoin, PaymentRequired, SeatsUnavailable
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member
from loopin.domain.payments.errors import PaymentNotRequired, PriceChanged
from loopin.usecases.payments.orders import CreatePaymentOrder
from tests.unit.usecases.attendance.test_sold_out import kept, marked
from tests.unit.usecases.attendance.test_tickets import accepted, confirm
from tests.unit.usecases.world import World


async def order(world: World, guest: Member, event: Event, *, price: D | None = None, seats: int = 1) -> str:
    created = await world.run(
        CreatePaymentOrder,
        member_id=guest.id,
        event_id=event.id,
        amount=event.ticket_price if price is None else price,
        seats=seats,
        base_url="https://app.loopinsocial.in",
    )
    return str(created.order.order_id)


async def held_out(world: World, guests: int) -> tuple[Member, list[Member], Event]:
    """A two-seat paid event whose seats the first two guests hold (open orders), the third refused: marked."""
    host = await world.member(1)
    members = [await world.member(10 + n) for n in range(guests)]
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=2, allow_plus_one=False)
    for guest in members:
        await accepted(world, host, guest, event.id)
    await kept(world, host, *members)
    await order(world, members[0], event)
    await order(world, members[1], event)
    assert not await marked(world, event.id)
    with pytest.raises(SeatsUnavailable):
        await order(world, members[2], event)  # the database path marks it
    assert await marked(world, event.id)
    return host, members, event


async def test_refused_orders_on_the_marker_answer_as_the_database_would(world: World) -> None:
    host, (holder, _, late, other), event = await held_out(world, 4)
    with pytest.raises(SeatsUnavailable) as refused:
        await order(world, late, event)
    assert refused.value.code == "CAPACITY_FULL"
    held = await world.stored_order(await order(world, holder, event))  # a holder's retry: their order again
    assert (held.member_id, held.seats) == (holder.id, 1)
    with pytest.raises(PriceChanged):  # checked before the seats, so never the marker's answer
        await order(world, other, event, price=D("90.00"))
    with pytest.raises(HostCannotJoin):
        await order(world, host, event)
    assert await marked(world, event.id)
    assert (await world.stored_event(event.id)).seats_held == 2


async def test_the_marker_ends_with_the_first_hold_and_a_released_hold_is_sold(world: World) -> None:
    _, (first, _, late), event = await held_out(world, 3)
    world.advance(timedelta(minutes=15, seconds=1))  # both holds overdue; the marker outlived neither
    assert not await marked(world, event.id)
    mine = await world.stored_order(await order(world, late, event))  # the overdue holds go back: a seat
    assert (mine.member_id, (await world.stored_event(event.id)).seats_held) == (late.id, 1)
    assert first.id != late.id


async def test_a_marker_set_near_a_holds_end_lasts_until_it(world: World) -> None:
    host = await world.member(1)
    guests = [await world.member(10 + n) for n in range(3)]
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=1)
    for guest in guests:
        await accepted(world, host, guest, event.id)
    await kept(world, *guests)
    await order(world, guests[0], event)
    world.advance(timedelta(minutes=15, seconds=-4))  # the hold runs out in 4 s: the marker may not last 10
    with pytest.raises(SeatsUnavailable):
        await order(world, guests[1], event)
    assert await marked(world, event.id)
    world.advance(timedelta(seconds=5))
    assert not await marked(world, event.id)
    assert (await world.stored_order(await order(world, guests[2], event))).member_id == guests[2].id


async def test_each_kind_of_marker_answers_only_its_own_kind(world: World) -> None:
    """A paid event's marker never answers a confirmation (it asks for payment), a free event's never answers
    an order (no payment is needed): each goes to the database, which says so."""
    _, (_, _, late), paid = await held_out(world, 3)
    with pytest.raises(PaymentRequired):
        await confirm(world, late, paid.id)
    host, guest, other = await world.member(2), await world.member(3), await world.member(4)
    free = await world.event(host, max_capacity=1)
    for member in (guest, other):
        await accepted(world, host, member, free.id)
    await kept(world, other)
    await confirm(world, guest, free.id)
    with pytest.raises(SeatsUnavailable):
        await confirm(world, other, free.id)
    assert await marked(world, free.id)
    with pytest.raises(PaymentNotRequired):
        await order(world, other, free)
