"""Refunds paid back exactly once per token however often their job runs; event cancellations; fee changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from loopin.domain.identity.member import Role
from loopin.domain.payments import ledger
from loopin.domain.payments.order import OrderStatus
from loopin.domain.payments.refund import RefundReason, RefundStatus
from loopin.domain.shared.errors import Forbidden
from loopin.usecases.events.ports import EventCache
from loopin.usecases.payments.fees import ChangePlatformFee, CurrentFee
from loopin.usecases.payments.holds import ExpireHolds
from loopin.usecases.payments.ports import (
    Ledger,
    Outcome,
    RefundOutcome,
    RefundReceipt,
    RefundRepository,
)
from loopin.usecases.payments.refunds import ProcessRefund, RefundEventOrders, RefundOrder
from loopin.usecases.payments.settlement import OrderSettlement
from loopin.usecases.shared.ports import UnitOfWork
from tests.unit.usecases.payments.conftest import PayWorld


async def paid(pay: PayWorld, capacity: int = 5) -> tuple:  # type: ignore[type-arg]
    host = await pay.member(1)
    event = await pay.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=capacity)
    guest = await pay.buyer_of(host, event, 2)
    order = await pay.order(guest, event)
    pay.gateway.says(order, Outcome.SUCCESS)
    async with pay.container() as scope:
        await (await scope.get(OrderSettlement)).apply(
            order.order_id, await pay.gateway.verify(order.order_id), pay.now
        )
        await (await scope.get(UnitOfWork)).commit()
    return host, event, guest, await pay.stored_order(order.order_id)


async def refund_of(pay: PayWorld, order_id: int):  # type: ignore[no-untyped-def]
    async with pay.container() as scope:
        return await (await scope.get(RefundRepository)).for_order(order_id)


async def test_a_cancelled_event_refunds_each_paid_guest_once_however_often_asked(pay: PayWorld) -> None:
    host, event, guest, order = await paid(pay)
    pay.gateway.refund_answers = [RefundReceipt(RefundOutcome.SUCCEEDED, "131278422")]
    assert await pay.run(RefundEventOrders, event_id=event.id, actor_id=host.id) == 1
    await pay.run(RefundOrder, reference=order.order_id, reason=RefundReason.EVENT_CANCELLED)
    await pay.run(RefundOrder, reference=order.order_id, reason=RefundReason.EVENT_CANCELLED)
    [refund] = await refund_of(pay, order.id)
    assert (refund.status, refund.amount, refund.reason) == (
        RefundStatus.SUCCEEDED,
        D("110.00"),
        RefundReason.EVENT_CANCELLED,
    )
    assert len(pay.gateway.refund_calls) == 1
    assert (await pay.stored_order(order.order_id)).status is OrderStatus.REFUNDED
    async with pay.container() as scope:
        book = await scope.get(Ledger)
        balances = ledger.balances(await book.transactions(event_id=event.id))
        assert await book.host_share(host.id, event.id) == D("0.00")
    assert all(v == D("0.00") for v in balances.values())
    assert "refund_initiated" in await pay.templates(guest)
    assert await pay.run(RefundEventOrders, event_id=event.id, actor_id=host.id) == 0  # nothing left to refund


async def test_a_refund_whose_answer_was_lost_is_looked_up_never_asked_twice(pay: PayWorld) -> None:
    _, _, _, order = await paid(pay)
    pay.gateway.refund_answers = [RefundReceipt(RefundOutcome.ACCEPTED, "R9")]
    pay.gateway.lose_next_answer = True  # PayU queued it, the job timed out: its retry must not send it again
    await pay.run(RefundOrder, reference=order.order_id, reason=RefundReason.GUEST_CANCELLED)
    [refund] = await refund_of(pay, order.id)
    assert (refund.status, refund.attempts, refund.gateway_refund_id) == (RefundStatus.REQUESTED, 2, "R9")
    assert pay.gateway.status_calls == [refund.token]
    assert len(pay.gateway.refund_calls) == 1
    pay.gateway.refunds_made[refund.token] = RefundReceipt(RefundOutcome.SUCCEEDED, "R9")  # PayU done later
    assert await pay.run(ProcessRefund, refund_id=refund.id) == "succeeded"
    assert await pay.run(ProcessRefund, refund_id=refund.id) == "succeeded"
    assert len(pay.gateway.refund_calls) == 1


async def test_a_refused_refund_is_final_and_audited(pay: PayWorld) -> None:
    _, _, _, order = await paid(pay)
    pay.gateway.refund_answers = [RefundReceipt(RefundOutcome.REJECTED, "", "Invalid amount")]
    await pay.run(RefundOrder, reference=order.order_id, reason=RefundReason.EVENT_CANCELLED)
    [refund] = await refund_of(pay, order.id)
    assert (refund.status, refund.failure_reason) == (RefundStatus.FAILED, "Invalid amount")
    assert "refund.failed" in await pay.actions("refund", refund.id)


async def test_the_sweep_expires_overdue_holds_once_and_tells_the_buyer(pay: PayWorld) -> None:
    host = await pay.member(1)
    event = await pay.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=3)
    guest = await pay.buyer_of(host, event, 2)
    order = await pay.order(guest, event)
    assert await pay.run(ExpireHolds) == 0
    pay.advance(timedelta(minutes=15))
    assert await pay.run(ExpireHolds) == 1
    assert await pay.run(ExpireHolds) == 0
    assert (await pay.stored_order(order.order_id)).status is OrderStatus.EXPIRED
    assert (await pay.reload(event)).seats_held == 0
    assert "payment_expired" in await pay.templates(guest)
    assert "payment_order.expired" in await pay.actions("payment_order", order.id)


async def test_staff_change_the_fee_audited_and_it_applies_at_once(pay: PayWorld) -> None:
    staff = await pay.member(9, role=Role.STAFF)
    member = await pay.member(8)
    async with pay.container() as scope:
        assert (await (await scope.get(CurrentFee)).policy()).percentage == D("10.00")  # now cached for an hour
    generation = await (await pay.container.get(EventCache)).generation()
    with pytest.raises(Forbidden):
        await pay.run(ChangePlatformFee, member_id=member.id, percentage="5")
    await pay.run(ChangePlatformFee, member_id=staff.id, percentage="7.50", description="launch offer")
    async with pay.container() as scope:
        assert (await (await scope.get(CurrentFee)).policy()).percentage == D("7.50")
    assert await (await pay.container.get(EventCache)).generation() > generation  # events show the new fee
    [entry] = await pay.audit("platform_fee_config", 1)
    assert (entry.action, entry.actor_id, entry.details["old"], entry.details["new"]) == (
        "platform_fee.changed",
        staff.id,
        "10.00",
        "7.50",
    )
