"""Settling orders on the gateway's verdict (memory adapters): every outcome from every state, the seats and
the ledger moving with them, notifications and audit entries left behind."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import Member
from loopin.domain.payments import ledger
from loopin.domain.payments.order import OrderStatus, PaymentOrder
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.payments.orders import GetPaymentOrder
from loopin.usecases.payments.ports import Ledger, Outcome, RefundRepository
from loopin.usecases.payments.reconcile import ReconcileOrders
from tests.unit.usecases.payments.conftest import ScriptedGateway
from tests.unit.usecases.payments.conftest import settle as settled_on_verify
from tests.unit.usecases.world import World


async def settle(world: World, gateway: ScriptedGateway, reference: str) -> tuple[str, bool]:
    settled = await settled_on_verify(world, gateway, reference)
    return settled.order.status.value, settled.changed


async def checkout(world: World, *, capacity: int) -> tuple[Member, Event, Member, PaymentOrder]:
    """A paid event (100.00 a seat) and an accepted guest whose order holds one seat."""
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=capacity)
    guest = await world.accepted_guest(host, event, 2)
    return host, event, guest, await world.order(guest, event)


async def counts(world: World, event_id: int) -> tuple[int, int]:
    async with world.container() as scope:
        e = await (await scope.get(EventRepository)).get(event_id)
    assert e is not None
    return e.seats_taken, e.seats_held


async def test_a_verified_capture_turns_the_hold_into_a_paid_ticket_and_splits_the_money(
    world: World, gateway: ScriptedGateway
) -> None:
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=D("499.00"), max_capacity=10)
    guest = await world.accepted_guest(host, event, 2, seats=2)
    order = await world.order(guest, event, seats=2)
    assert await counts(world, event.id) == (0, 2)
    gateway.says(order, Outcome.SUCCESS)
    assert await settle(world, gateway, order.order_id) == ("paid", True)
    assert await counts(world, event.id) == (2, 0)
    assert await settle(world, gateway, order.order_id) == ("paid", False)  # the same news again
    async with world.container() as scope:
        book = await scope.get(Ledger)
        [capture] = await book.transactions(event_id=event.id)
        assert await book.host_share(host.id, event.id) == D("998.00")
    assert capture.total("sandbox_receivable") == D("1097.80")
    assert capture.total("platform_fee_revenue") == D("-99.80")
    assert await world.actions("payment_order", order.id) == ["payment_order.created", "payment_order.paid"]
    assert "booking_confirmed" in await world.templates(guest)


async def test_a_verified_failure_releases_the_hold_once(world: World, gateway: ScriptedGateway) -> None:
    _, event, guest, order = await checkout(world, capacity=1)
    gateway.says(order, Outcome.FAILURE)
    assert await settle(world, gateway, order.order_id) == ("failed", True)
    assert await settle(world, gateway, order.order_id) == ("failed", False)
    assert await counts(world, event.id) == (0, 0)
    assert "payment_failed" in await world.templates(guest)


async def test_pending_keeps_the_hold_longer_and_a_later_capture_pays(
    world: World, gateway: ScriptedGateway
) -> None:
    *_, order = await checkout(world, capacity=1)
    world.advance(timedelta(minutes=14))
    gateway.says(order, Outcome.PENDING)
    assert await settle(world, gateway, order.order_id) == ("pending", True)
    assert (await world.stored_order(order.order_id)).expires_at == world.now + timedelta(minutes=15)
    world.advance(timedelta(minutes=10))
    gateway.says(order, Outcome.SUCCESS)
    assert await settle(world, gateway, order.order_id) == ("paid", True)


async def test_nothing_known_changes_nothing_until_the_window_closes(
    world: World, gateway: ScriptedGateway
) -> None:
    _, event, _, order = await checkout(world, capacity=1)
    assert await settle(world, gateway, order.order_id) == ("created", False)
    world.advance(timedelta(minutes=15))
    assert await settle(world, gateway, order.order_id) == ("expired", True)
    assert await counts(world, event.id) == (0, 0)


async def test_another_amount_captured_changes_nothing_and_is_audited(
    world: World, gateway: ScriptedGateway
) -> None:
    _, event, _, order = await checkout(world, capacity=1)
    gateway.says(order, Outcome.SUCCESS, amount=D("1.00"))
    settled = await settled_on_verify(world, gateway, order.order_id)
    assert (settled.mismatch, settled.changed, settled.order.status) == (True, False, OrderStatus.CREATED)
    assert "payment_order.amount_mismatch" in await world.actions("payment_order", order.id)
    assert await counts(world, event.id) == (0, 1)


async def test_money_for_an_event_cancelled_under_the_checkout_goes_back(
    world: World, gateway: ScriptedGateway
) -> None:
    _, event, _, order = await checkout(world, capacity=5)
    await world.change_event(event, status=EventStatus.CANCELLED)
    gateway.says(order, Outcome.SUCCESS)
    assert await settle(world, gateway, order.order_id) == ("refunded", True)
    assert await counts(world, event.id) == (0, 0)
    async with world.container() as scope:
        [refund] = await (await scope.get(RefundRepository)).for_order(order.id)
        transactions = await (await scope.get(Ledger)).transactions(event_id=event.id)
    assert (refund.reason.value, refund.amount) == ("unfulfilled", D("110.00"))
    assert "host_payable" not in str(ledger.balances(transactions))


async def test_a_late_capture_becomes_the_ticket_when_the_seat_is_still_free(
    world: World, gateway: ScriptedGateway
) -> None:
    _, event, _, order = await checkout(world, capacity=1)
    world.advance(timedelta(minutes=16))
    assert await settle(world, gateway, order.order_id) == ("expired", True)
    gateway.says(order, Outcome.SUCCESS)
    assert await settle(world, gateway, order.order_id) == ("paid", True)
    assert await counts(world, event.id) == (1, 0)


async def test_a_capture_after_a_verified_failure_is_refunded_never_a_ticket(
    world: World, gateway: ScriptedGateway
) -> None:
    _, event, _, order = await checkout(world, capacity=1)
    gateway.says(order, Outcome.FAILURE)
    await settle(world, gateway, order.order_id)
    gateway.says(order, Outcome.SUCCESS)
    assert await settle(world, gateway, order.order_id) == ("refunded", True)
    assert await settle(world, gateway, order.order_id) == ("refunded", False)
    assert await counts(world, event.id) == (0, 0)


async def test_reading_an_open_order_settles_it_when_the_gateway_knows(
    world: World, gateway: ScriptedGateway
) -> None:
    _, _, guest, order = await checkout(world, capacity=1)
    gateway.down = True
    read = await world.run(GetPaymentOrder, member_id=guest.id, reference=order.order_id)
    assert read.status == "created"  # the gateway is down: as it was
    gateway.down = False
    gateway.says(order, Outcome.SUCCESS)
    read = await world.run(GetPaymentOrder, member_id=guest.id, reference=order.order_id)
    assert read.status == "paid"


async def test_reconciliation_settles_orders_whose_callbacks_were_lost(
    world: World, gateway: ScriptedGateway
) -> None:
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=5)
    lost = await world.order(await world.accepted_guest(host, event, 2), event)
    abandoned = await world.order(await world.accepted_guest(host, event, 3), event)
    gateway.says(lost, Outcome.SUCCESS)
    assert await world.run(ReconcileOrders) == 0  # too young to ask about
    world.advance(timedelta(minutes=3))
    assert await world.run(ReconcileOrders) == 1
    assert (await world.stored_order(lost.order_id)).status is OrderStatus.PAID
    assert (await world.stored_order(abandoned.order_id)).checked_at == world.now
    assert await world.run(ReconcileOrders) == 0  # checked a moment ago: not asked again yet
    gateway.says(abandoned, Outcome.SUCCESS)  # the buyer paid late, the hold long gone, the seat free
    world.advance(timedelta(minutes=20))
    assert await world.run(ReconcileOrders) == 1
    assert (await world.stored_order(abandoned.order_id)).status is OrderStatus.PAID
