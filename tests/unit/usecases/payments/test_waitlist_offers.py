"""Seat offers of paid events: taking one opens a payment order that holds the offered seats (through the
waitlist's call or the app's own order call); paid, it is the ticket; unpaid or failed, the seats go to the
next in line."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member
from loopin.usecases.attendance.guest_tickets import CancelAttendance, GetMyTicket
from loopin.usecases.attendance.ports import OfferCheckout
from loopin.usecases.attendance.views import WaitlistPlaceView
from loopin.usecases.attendance.waitlist import AcceptSeatOffer, GetMyWaitlistPlace, JoinWaitlist
from loopin.usecases.payments.holds import ExpireHolds
from loopin.usecases.payments.ports import Outcome
from tests.unit.usecases.payments.conftest import ScriptedGateway, paid_order, settle
from tests.unit.usecases.world import World

PRICE = Decimal("500.00")


async def sold_out(world: World, gateway: ScriptedGateway) -> tuple[Member, Event, Member, Member, Member]:
    """A paid one-seat event bought by a holder, with members a and b (accepted before) waiting in line."""
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=PRICE, max_capacity=1)
    a, b = await world.accepted_guest(host, event, 2), await world.accepted_guest(host, event, 3)
    holder = await world.accepted_guest(host, event, 4)
    await paid_order(world, gateway, holder, event)
    for member in (a, b):
        await world.run(JoinWaitlist, member_id=member.id, event_id=event.id)
    return host, event, holder, a, b


async def mine(world: World, member: Member, event: Event) -> WaitlistPlaceView:
    place: WaitlistPlaceView = await world.run(GetMyWaitlistPlace, member_id=member.id, event_id=event.id)
    return place


async def counts(world: World, event: Event) -> tuple[int, int]:
    stored = await world.reload(event)
    return stored.seats_taken, stored.seats_held


async def take(world: World, member: Member, event: Event) -> OfferCheckout:
    taken = await world.run(AcceptSeatOffer, member_id=member.id, event_id=event.id, base_url="https://api.test")
    assert isinstance(taken, OfferCheckout)
    return taken


async def test_a_paid_offer_opens_an_order_on_the_held_seat_and_the_payment_is_the_ticket(
    world: World, gateway: ScriptedGateway
) -> None:
    _, event, holder, a, _ = await sold_out(world, gateway)
    await world.run(CancelAttendance, member_id=holder.id, event_id=event.id)
    assert (await mine(world, a, event)).status == "offered"
    assert await counts(world, event) == (0, 1)
    checkout = await take(world, a, event)
    assert (checkout.seats, checkout.base_price, checkout.status) == (1, PRICE, "created")
    assert checkout.amount == Decimal("550.00")  # the platform fee on top, as any order
    assert checkout.payment_fields["txnid"] == checkout.order_id
    assert await counts(world, event) == (0, 1)  # the order holds the offer's seat: no second hold
    place = await mine(world, a, event)
    assert (place.status, place.payment_order_id) == ("accepted", checkout.order_id)
    order = await world.stored_order(checkout.order_id)
    gateway.says(order, Outcome.SUCCESS)
    await settle(world, gateway, order.order_id)
    ticket = await world.run(GetMyTicket, member_id=a.id, event_id=event.id)
    assert (ticket.payment_status, ticket.seats) == ("paid", 1)
    assert await counts(world, event) == (1, 0)


async def test_the_apps_order_call_takes_the_members_offer(world: World, gateway: ScriptedGateway) -> None:
    _, event, holder, a, b = await sold_out(world, gateway)
    await world.run(CancelAttendance, member_id=holder.id, event_id=event.id)
    order = await world.order(a, event)  # POST /api/payments/orders, as the app makes it
    assert await counts(world, event) == (0, 1)
    assert (await mine(world, a, event)).payment_order_id == order.order_id
    assert (await mine(world, b, event)).status == "waiting"


async def test_an_unpaid_or_failed_checkout_passes_the_seat_on(world: World, gateway: ScriptedGateway) -> None:
    _, event, holder, a, b = await sold_out(world, gateway)
    await world.run(CancelAttendance, member_id=holder.id, event_id=event.id)
    await take(world, a, event)
    world.advance(timedelta(minutes=16))  # the payment window passed
    assert await world.run(ExpireHolds) == 1
    assert (await mine(world, b, event)).status == "offered"
    assert await counts(world, event) == (0, 1)
    checkout = await take(world, b, event)
    order = await world.stored_order(checkout.order_id)
    gateway.says(order, Outcome.FAILURE)
    await settle(world, gateway, order.order_id)
    assert await counts(world, event) == (0, 0)  # nobody left in line: the seat is free for anyone
    assert (await mine(world, b, event)).status == "accepted"
