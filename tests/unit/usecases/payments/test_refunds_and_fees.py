"""Refunds paid back exactly once per token however often their job runs; event cancellations; fee changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from loopin.domain.identity.member import Role
from loopin.domain.identity.reauthentication import REAUTHENTICATION_WINDOW
from loopin.domain.payments import ledger
from loopin.domain.payments.order import OrderStatus
from loopin.domain.payments.refund import RefundReason, RefundStatus
from loopin.domain.shared.errors import DomainError, ErrorKind
from loopin.usecases.events.ports import EventCache
from loopin.usecases.payments.fees import ChangePlatformFee, CurrentFee
from loopin.usecases.payments.holds import ExpireHolds
from loopin.usecases.payments.ports import (
    FeeConfigRepository,
    Ledger,
    RefundOutcome,
    RefundReceipt,
    RefundRepository,
)
from loopin.usecases.payments.refunds import ProcessRefund, RefundEventOrders, RefundOrder
from loopin.usecases.staff.catalog import ReadFeeHistory
from tests.unit.usecases.payments.conftest import ScriptedGateway, paid_order
from tests.unit.usecases.world import World


async def paid(world: World, gateway: ScriptedGateway, capacity: int = 5) -> tuple:  # type: ignore[type-arg]
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=capacity)
    guest = await world.accepted_guest(host, event, 2)
    return host, event, guest, await paid_order(world, gateway, guest, event)


async def refund_of(world: World, order_id: int):  # type: ignore[no-untyped-def]
    async with world.container() as scope:
        return await (await scope.get(RefundRepository)).for_order(order_id)


async def test_a_cancelled_event_refunds_each_paid_guest_once_however_often_asked(
    world: World, gateway: ScriptedGateway
) -> None:
    host, event, guest, order = await paid(world, gateway)
    gateway.refund_answers = [RefundReceipt(RefundOutcome.SUCCEEDED, "131278422")]
    assert await world.run(RefundEventOrders, event_id=event.id, actor_id=host.id) == 1
    await world.run(RefundOrder, reference=order.order_id, reason=RefundReason.EVENT_CANCELLED)
    await world.run(RefundOrder, reference=order.order_id, reason=RefundReason.EVENT_CANCELLED)
    [refund] = await refund_of(world, order.id)
    assert (refund.status, refund.amount, refund.reason) == (
        RefundStatus.SUCCEEDED,
        D("110.00"),
        RefundReason.EVENT_CANCELLED,
    )
    assert len(gateway.refund_calls) == 1
    assert (await world.stored_order(order.order_id)).status is OrderStatus.REFUNDED
    async with world.container() as scope:
        book = await scope.get(Ledger)
        balances = ledger.balances(await book.transactions(event_id=event.id))
        assert await book.host_share(host.id, event.id) == D("0.00")
    assert all(v == D("0.00") for v in balances.values())
    assert "refund_initiated" in await world.templates(guest)
    assert await world.run(RefundEventOrders, event_id=event.id, actor_id=host.id) == 0  # nothing left to refund


async def test_a_refund_whose_answer_was_lost_is_looked_up_never_asked_twice(
    world: World, gateway: ScriptedGateway
) -> None:
    _, _, _, order = await paid(world, gateway)
    gateway.refund_answers = [RefundReceipt(RefundOutcome.ACCEPTED, "R9")]
    gateway.lose_next_answer = True  # PayU queued it, the job timed out: its retry must not send it again
    await world.run(RefundOrder, reference=order.order_id, reason=RefundReason.GUEST_CANCELLED)
    [refund] = await refund_of(world, order.id)
    assert (refund.status, refund.attempts, refund.gateway_refund_id) == (RefundStatus.REQUESTED, 2, "R9")
    assert gateway.status_calls == [refund.token]
    assert len(gateway.refund_calls) == 1
    [(failed_job, _)] = world.jobs.failures  # the first run lost the answer; the retry looked it up
    assert failed_job == "payments.process_refund"
    world.jobs.failures.clear()
    gateway.refunds_made[refund.token] = RefundReceipt(RefundOutcome.SUCCEEDED, "R9")  # PayU done later
    assert await world.run(ProcessRefund, refund_id=refund.id) == "succeeded"
    assert await world.run(ProcessRefund, refund_id=refund.id) == "succeeded"
    assert len(gateway.refund_calls) == 1


async def test_a_refused_refund_is_final_and_audited(world: World, gateway: ScriptedGateway) -> None:
    _, _, _, order = await paid(world, gateway)
    gateway.refund_answers = [RefundReceipt(RefundOutcome.REJECTED, "", "Invalid amount")]
    await world.run(RefundOrder, reference=order.order_id, reason=RefundReason.EVENT_CANCELLED)
    [refund] = await refund_of(world, order.id)
    assert (refund.status, refund.failure_reason) == (RefundStatus.FAILED, "Invalid amount")
    assert "refund.failed" in await world.actions("refund", refund.id)


async def test_the_sweep_expires_overdue_holds_once_and_tells_the_buyer(world: World) -> None:
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=3)
    guest = await world.accepted_guest(host, event, 2)
    order = await world.order(guest, event)
    assert await world.run(ExpireHolds) == 0
    world.advance(timedelta(minutes=15))
    assert await world.run(ExpireHolds) == 1
    assert await world.run(ExpireHolds) == 0
    assert (await world.stored_order(order.order_id)).status is OrderStatus.EXPIRED
    assert (await world.reload(event)).seats_held == 0
    assert "payment_expired" in await world.templates(guest)
    assert "payment_order.expired" in await world.actions("payment_order", order.id)


async def test_a_superuser_with_a_fresh_code_changes_the_fee_audited_and_it_applies_at_once(
    world: World, gateway: ScriptedGateway
) -> None:
    boss = await world.member(9, role=Role.SUPERUSER)
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=5)
    guest = await world.accepted_guest(host, event, 2)
    async with world.container() as scope:
        assert (await (await scope.get(CurrentFee)).policy()).percentage == D("10.00")  # now cached for an hour
    generation = await (await world.container.get(EventCache)).generation()
    confirmed = world.now - REAUTHENTICATION_WINDOW  # the oldest code that still counts
    view = await world.run(
        ChangePlatformFee, member_id=boss.id, percentage="7.50", description="launch offer", confirmed_at=confirmed
    )
    assert (view.percentage, view.description, view.updated_by) == (D("7.50"), "launch offer", boss.id)
    async with world.container() as scope:
        assert (await (await scope.get(CurrentFee)).policy()).percentage == D("7.50")  # the cache was invalidated
    assert await (await world.container.get(EventCache)).generation() > generation  # events show the new fee
    [entry] = await world.audit("platform_fee_config", 1)
    assert (entry.action, entry.actor_id, entry.details["old"], entry.details["new"]) == (
        "platform_fee.changed",
        boss.id,
        "10.00",
        "7.50",
    )
    order = await world.order(guest, event)  # an order made after the change pays the new fee
    assert (order.quote.fee_percentage, order.quote.platform_fee, order.amount) == (
        D("7.50"),
        D("7.50"),
        D("107.50"),
    )


async def test_a_new_note_on_the_same_percentage_is_audited_as_a_note_change(world: World) -> None:
    """Not ``platform_fee.changed old=10.00 new=10.00``: the entry says the note changed, and to what."""
    boss = await world.member(9, role=Role.SUPERUSER)
    await world.run(
        ChangePlatformFee, member_id=boss.id, percentage="10.00", description="monsoon", confirmed_at=world.now
    )
    [entry] = await world.audit("platform_fee_config", 1)
    assert (entry.action, entry.details) == (
        "platform_fee.description_changed",
        {"percentage": "10.00", "old_description": "", "description": "monsoon"},
    )
    history = await world.run(ReadFeeHistory, staff_id=boss.id)  # the console's history lists it too
    assert [e.action for e in history.changes] == ["platform_fee.description_changed"]


async def refused_change(world: World, member_id: int, code: str, **arguments: object) -> None:
    """The change is refused with ``code`` and the fee, its history and the caches are as they were."""
    generation = await (await world.container.get(EventCache)).generation()
    arguments = {"percentage": "5", "confirmed_at": world.now, **arguments}
    with pytest.raises(DomainError) as refused:
        await world.run(ChangePlatformFee, member_id=member_id, **arguments)
    kind = ErrorKind.INVALID_INPUT if code == "INVALID_FEE_PERCENTAGE" else ErrorKind.FORBIDDEN
    assert (refused.value.kind, refused.value.code) == (kind, code)
    async with world.container() as scope:
        assert (await (await scope.get(FeeConfigRepository)).get()).percentage == D("10.00")
    assert await world.audit("platform_fee_config", 1) == []
    assert await (await world.container.get(EventCache)).generation() == generation


async def test_only_a_superuser_changes_the_fee(world: World) -> None:
    staff = await world.member(9, role=Role.STAFF)
    member = await world.member(8)
    await refused_change(world, staff.id, "SUPERUSER_ONLY")
    await refused_change(world, member.id, "SUPERUSER_ONLY")  # a guest, even with a fresh code


async def test_the_fee_takes_a_code_entered_in_the_last_five_minutes(world: World) -> None:
    boss = await world.member(9, role=Role.SUPERUSER)
    stale = world.now - REAUTHENTICATION_WINDOW - timedelta(seconds=1)
    await refused_change(world, boss.id, "REAUTHENTICATION_REQUIRED", confirmed_at=stale)
    await refused_change(world, boss.id, "REAUTHENTICATION_REQUIRED", confirmed_at=None)  # never entered one


async def test_a_bad_percentage_changes_nothing(world: World) -> None:
    boss = await world.member(9, role=Role.SUPERUSER)
    for bad in ("100.01", "-1", "10.001", "ten", ""):
        await refused_change(world, boss.id, "INVALID_FEE_PERCENTAGE", percentage=bad)
