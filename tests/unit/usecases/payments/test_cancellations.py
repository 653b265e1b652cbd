"""Cancellations that owe paid guests money, asked for by the lower contexts through their ports: a guest
cancelling a paid ticket (attendance's ``PaidTicketRefunds``) and a host cancelling the event (events'
``CancellationRefunds``). And every payment job delivered again, as the outbox may: nothing happens twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from loopin.domain.attendance.ticket import TicketStatus
from loopin.domain.events.changes import EventChanges
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member
from loopin.domain.payments import ledger
from loopin.domain.payments.order import OrderStatus
from loopin.domain.payments.refund import Refund, RefundReason, RefundStatus
from loopin.entrypoints.worker.registry import run_job
from loopin.usecases.attendance.guest_tickets import CancelAttendance
from loopin.usecases.attendance.ports import TicketRepository
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.events.manage import UpdateEvent
from loopin.usecases.payments.jobs import PROCESS_REFUND, REFUND_EVENT, REFUND_ORDER
from loopin.usecases.payments.ports import Ledger, Outcome, RefundRepository
from loopin.usecases.payments.refunds import RefundEventOrders, RefundOrder
from tests.unit.usecases.payments.conftest import ScriptedGateway, paid_order, settle
from tests.unit.usecases.world import World


async def paid_event(world: World, *, starts_in: timedelta = timedelta(days=3)) -> tuple[Member, Event]:
    host = await world.member(1)
    event = await world.event(
        host, is_paid=True, ticket_price=D("100.00"), max_capacity=10, starts_in=starts_in, allow_plus_one=True
    )
    return host, event


async def refunds_of(world: World, order_id: int) -> list[Refund]:
    async with world.container() as scope:
        return await (await scope.get(RefundRepository)).for_order(order_id)


async def balances(world: World, event: Event) -> dict[str, D]:
    async with world.container() as scope:
        return ledger.balances(await (await scope.get(Ledger)).transactions(event_id=event.id))


async def test_a_guest_cancelling_a_day_ahead_gets_everything_back_once(
    world: World, gateway: ScriptedGateway
) -> None:
    host, event = await paid_event(world)
    guest = await world.accepted_guest(host, event, 2, seats=2)
    order = await paid_order(world, gateway, guest, event, seats=2)
    done = await world.run(CancelAttendance, member_id=guest.id, event_id=event.id)
    assert (done.seats_released, done.going_count, done.refund_amount) == (2, 0, D("220.00"))
    [refund] = await refunds_of(world, order.id)
    assert (refund.reason, refund.amount, refund.status) == (
        RefundReason.GUEST_CANCELLED,
        D("220.00"),
        RefundStatus.SUCCEEDED,
    )
    assert len(gateway.refund_calls) == 1
    assert (await world.stored_order(order.order_id)).status is OrderStatus.REFUNDED
    assert all(v == D("0.00") for v in (await balances(world, event)).values())  # host and platform owe nothing
    assert "refund_initiated" in await world.templates(guest)
    event_now = await world.reload(event)
    assert (event_now.seats_taken, event_now.seats_held) == (0, 0)


async def test_a_guest_cancelling_within_a_day_frees_the_seats_and_gets_nothing_back(
    world: World, gateway: ScriptedGateway
) -> None:
    host, event = await paid_event(world, starts_in=timedelta(hours=23))
    guest = await world.accepted_guest(host, event, 2)
    order = await paid_order(world, gateway, guest, event)
    done = await world.run(CancelAttendance, member_id=guest.id, event_id=event.id)
    assert (done.seats_released, done.refund_amount) == (1, D("0.00"))
    assert await refunds_of(world, order.id) == []
    assert gateway.refund_calls == []
    assert (await world.stored_order(order.order_id)).status is OrderStatus.PAID
    async with world.container() as scope:
        assert await (await scope.get(Ledger)).host_share(host.id, event.id) == D("100.00")
        ticket = await (await scope.get(TicketRepository)).lock(event.id, guest.id)
    assert ticket is not None
    assert ticket.status is TicketStatus.CANCELLED


async def test_a_free_ticket_cancelled_says_nothing_of_refunds(world: World) -> None:
    host = await world.member(1)
    event = await world.event(host, max_capacity=5)
    guest = await world.accepted_guest(host, event, 2)
    await world.run(ConfirmAttendance, member_id=guest.id, event_id=event.id)
    done = await world.run(CancelAttendance, member_id=guest.id, event_id=event.id)
    assert done.refund_amount is None


async def test_a_cancelled_event_refunds_every_paid_guest_in_full_through_one_job_per_order(
    world: World, gateway: ScriptedGateway
) -> None:
    host, event = await paid_event(world)
    a, b = await world.accepted_guest(host, event, 2), await world.accepted_guest(host, event, 3, seats=2)
    paying = await world.accepted_guest(host, event, 4)
    orders = [await paid_order(world, gateway, a, event), await paid_order(world, gateway, b, event, seats=2)]
    checkout = await world.order(paying, event)  # still at PayU when the host cancels
    await world.run(UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(status="cancelled"))
    assert len(world.jobs.named(REFUND_EVENT)) == 1
    assert sorted(j.payload["reference"] for j in world.jobs.named(REFUND_ORDER)) == sorted(
        o.order_id for o in orders
    )
    for order, amount in zip(orders, (D("110.00"), D("220.00")), strict=True):
        [refund] = await refunds_of(world, order.id)
        assert (refund.reason, refund.amount, refund.status) == (
            RefundReason.EVENT_CANCELLED,
            amount,
            RefundStatus.SUCCEEDED,
        )
        assert (await world.stored_order(order.order_id)).status is OrderStatus.REFUNDED
    # the job asked again, and each order's job again: nothing more is refunded
    assert await world.run(RefundEventOrders, event_id=event.id, actor_id=host.id) == 0
    for order in orders:
        await world.run(RefundOrder, reference=order.order_id, reason=RefundReason.EVENT_CANCELLED)
        assert len(await refunds_of(world, order.id)) == 1
    assert len(gateway.refund_calls) == 2
    # the guest who was still paying: the money that arrives goes back too, never a ticket
    gateway.says(checkout, Outcome.SUCCESS)
    assert (await settle(world, gateway, checkout.order_id)).order.status is OrderStatus.REFUNDED
    [late] = await refunds_of(world, checkout.id)
    assert (late.reason, late.amount) == (RefundReason.UNFULFILLED, D("110.00"))
    assert all(v == D("0.00") for v in (await balances(world, event)).values())


async def test_every_payment_job_delivered_twice_changes_nothing_the_second_time(
    world: World, gateway: ScriptedGateway
) -> None:
    """The outbox delivers at least once: refunds are asked per token, notifications stored per key, ledger
    transactions recorded per key, audit entries chained per entry id."""
    host, event = await paid_event(world)
    a, b = await world.accepted_guest(host, event, 2), await world.accepted_guest(host, event, 3)
    late = await world.accepted_guest(host, event, 4)
    first = await paid_order(world, gateway, a, event)
    second = await paid_order(world, gateway, b, event)
    await world.run(CancelAttendance, member_id=a.id, event_id=event.id)  # refunded by the policy
    overdue = await world.order(late, event)
    world.advance(timedelta(minutes=16))
    gateway.says(overdue, Outcome.FAILURE)
    await settle(world, gateway, overdue.order_id)
    await world.run(UpdateEvent, member_id=host.id, event_id=event.id, changes=EventChanges(status="cancelled"))

    async def snapshot() -> object:
        orders = [await world.stored_order(o.order_id) for o in (first, second, overdue)]
        refunds = [await refunds_of(world, o.id) for o in orders]
        inboxes = [await world.templates(m) for m in (host, a, b, late)]
        audits = [await world.actions("payment_order", o.id) for o in orders]
        refund_audits = [await world.actions("refund", r.id) for rs in refunds for r in rs]
        return (
            orders,
            refunds,
            inboxes,
            audits,
            refund_audits,
            await balances(world, event),
            len(gateway.refund_calls),
        )

    before = await snapshot()
    names = {j.job.name for j in world.jobs.dispatched}
    assert {PROCESS_REFUND, REFUND_EVENT, REFUND_ORDER} <= names
    for dispatched in list(world.jobs.dispatched):
        await run_job(world.container, dispatched.job)
    assert await snapshot() == before
    assert len(gateway.refund_calls) == 2  # one per refunded order, the redelivery only looked
