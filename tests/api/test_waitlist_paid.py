"""A paid event's waitlist through HTTP on PostgreSQL: the offer taken through the waitlist call answers the
payment order (the PayU form, as ``POST /api/payments/orders`` does), the sandbox payment makes the ticket, and
an order left unpaid gives the seat to the next in line."""

from __future__ import annotations

from loopin.usecases.payments.holds import ExpireHolds
from tests.api import attendance_rig
from tests.api.attendance_rig import Guest, Rig, app_object
from tests.api.flows import sql
from tests.api.payments_rig import Checkout, PaymentRig

rig = attendance_rig.rig  # fixture


async def status_of(rig: Rig, guest: Guest, event_id: int) -> str:
    place = app_object(await rig.client.get(f"/api/events/{event_id}/waitlist/me", headers=guest.headers))
    return str(place["status"])


async def test_a_paid_offer_is_a_checkout_and_an_unpaid_one_passes_on(rig: Rig) -> None:
    pay = PaymentRig(rig)
    host, holder, a, b = await rig.members(4)
    event = await pay.paid_event(host, capacity=1)
    await pay.eligible(host, [a, b, holder], event)
    await pay.pay(holder, event)
    for guest in (a, b):
        assert (
            await rig.client.post(f"/api/events/{event.id}/waitlist", headers=guest.headers)
        ).status_code == 201
    cancelled = app_object(
        await rig.client.post(f"/api/events/{event.id}/cancel-attendance", headers=holder.headers)
    )
    assert cancelled["refund_amount"] is not None
    assert await status_of(rig, a, event.id) == "offered"

    taken = await rig.client.post(f"/api/events/{event.id}/waitlist/offer/accept", headers=a.headers)
    body = app_object(taken)
    assert body["requires_payment"] is True
    checkout = Checkout(body)
    assert (checkout.order["seats_count"], checkout.order["status"]) == (1, "created")
    assert checkout.payload["txnid"] == checkout.order_id
    assert await pay.status(a, checkout.order_id) == "created"
    read = app_object(await rig.client.get(f"/api/payments/orders/{checkout.order_id}", headers=a.headers))["data"]
    assert checkout.order == {k: v for k, v in read.items() if k in checkout.order}  # the order's own answer
    assert checkout.order["id"] == read["id"]  # the contract's REQUIRED data.order.id, as the order call gives it
    [(taken_seats, held)] = await sql("SELECT seats_taken, seats_held FROM events WHERE id = :e", e=event.id)
    assert (taken_seats, held) == (0, 1)

    pay.later(minutes=16)  # a never pays: the hold expires and the seat goes to b
    async with rig.container() as scope:
        assert await (await scope.get(ExpireHolds))() == 1
    assert await status_of(rig, b, event.id) == "offered"
    [(taken_seats, held)] = await sql("SELECT seats_taken, seats_held FROM events WHERE id = :e", e=event.id)
    assert (taken_seats, held) == (0, 1)

    paid = await pay.pay(b, event)  # the app's own order call takes b's offer; the sandbox pays it
    assert await pay.status(b, paid.order_id) == "paid"
    ticket = app_object(await rig.client.get(f"/api/events/{event.id}/my-ticket", headers=b.headers))
    assert ticket["payment_status"] == "paid"
    [(taken_seats, held)] = await sql("SELECT seats_taken, seats_held FROM events WHERE id = :e", e=event.id)
    assert (taken_seats, held) == (1, 0)
