"""Payments in a member's copy of their data and in deleting the account: their own orders and refunds (never
the gateway's references), and a checkout in flight, theirs or their guests', as a commitment that refuses the
deletion."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import msgspec
import pytest

from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member
from loopin.domain.payments.order import OrderStatus
from loopin.domain.payments.refund import RefundReason
from loopin.usecases.attendance.guest_tickets import CancelAttendance
from loopin.usecases.payments.holds import ExpireHolds
from loopin.usecases.payments.ports import Outcome
from loopin.usecases.privacy.erase import AccountHasCommitments, EraseMyAccount, RequestErasureCode
from loopin.usecases.privacy.export import ExportMyData
from loopin.usecases.privacy.views import MemberExport
from tests.unit.usecases.payments.conftest import ScriptedGateway, paid_order, settle
from tests.unit.usecases.world import World


async def paid_event(world: World, host: Member, title: str = "Sunset Jam Session") -> Event:
    return await world.event(host, title=title, is_paid=True, ticket_price=D("499.00"), max_capacity=5)


async def code_for(world: World, member: Member) -> str:
    await world.run(RequestErasureCode, member_id=member.id, client_address="203.0.113.9")
    return world.fakes.sms.last_code_for(member.phone.e164)


async def test_the_copy_holds_the_members_orders_and_refunds_without_the_gateways_references(
    world: World, gateway: ScriptedGateway
) -> None:
    host = await world.member(1)
    jam, quiz = await paid_event(world, host, "Refunded jam"), await paid_event(world, host, "Quiz night")
    me, other = await world.accepted_guest(host, jam, 2), await world.accepted_guest(host, jam, 3)
    paid = await paid_order(world, gateway, me, jam)
    await paid_order(world, gateway, other, jam)  # someone else's: not in my copy
    await world.run(CancelAttendance, member_id=me.id, event_id=jam.id)  # three days ahead: all of it back
    await world.accept(host, me, quiz)
    declined = await world.order(me, quiz)
    gateway.says(declined, Outcome.FAILURE)
    await settle(world, gateway, declined.order_id)

    export: MemberExport = await world.run(ExportMyData, member_id=me.id)
    failed, refunded = export.payment_orders  # newest first
    assert (failed.order_id, failed.event_title, failed.status, failed.refunds) == (
        declined.order_id,
        "Quiz night",
        "failed",
        [],
    )
    assert (refunded.order_id, refunded.event_id, refunded.event_title, refunded.seats) == (
        paid.order_id,
        jam.id,
        "Refunded jam",
        1,
    )
    assert (refunded.base_price, refunded.platform_fee, refunded.amount, refunded.currency) == (
        "499.00",
        "49.90",
        "548.90",
        "INR",
    )
    assert (refunded.status, refunded.refunded_amount, refunded.paid_at) == (
        "refunded",
        "548.90",
        paid.captured_at,
    )
    [refund] = refunded.refunds
    assert (refund.amount, refund.status, refund.reason) == (
        "548.90",
        "succeeded",
        RefundReason.GUEST_CANCELLED.value,
    )
    encoded = msgspec.json.encode(export).decode()
    assert paid.gateway_payment_id is not None
    assert paid.gateway_payment_id not in encoded  # PayU's mihpayid
    assert paid.bank_ref_num not in encoded
    for secret in ('"token"', '"hash"', '"gateway'):
        assert secret not in encoded


async def test_an_open_checkout_of_ones_own_refuses_the_deletion_until_it_closes(
    world: World, gateway: ScriptedGateway
) -> None:
    host = await world.member(1)
    event = await paid_event(world, host)
    me = await world.accepted_guest(host, event, 2)
    await world.order(me, event)
    with pytest.raises(AccountHasCommitments, match=f"payment in progress \\(#{event.id}\\)"):
        await world.run(EraseMyAccount, member_id=me.id, otp_code=await code_for(world, me))
    world.advance(timedelta(minutes=15))
    assert await world.run(ExpireHolds) == 1  # never paid: the window closed
    await world.run(EraseMyAccount, member_id=me.id, otp_code=await code_for(world, me))


async def test_a_host_whose_guests_are_still_paying_must_cancel_first(
    world: World, gateway: ScriptedGateway
) -> None:
    me = await world.member(1)
    event = await paid_event(world, me)
    guest = await world.accepted_guest(me, event, 2)
    await world.order(guest, event)
    assert ((await world.reload(event)).seats_taken, (await world.reload(event)).seats_held) == (0, 1)
    with pytest.raises(AccountHasCommitments, match=f"events you host that have guests \\(#{event.id}\\)"):
        await world.run(EraseMyAccount, member_id=me.id, otp_code=await code_for(world, me))


async def test_money_that_arrives_for_a_deleted_account_goes_back(world: World, gateway: ScriptedGateway) -> None:
    host = await world.member(1)
    event = await paid_event(world, host)
    me = await world.accepted_guest(host, event, 2)
    order = await world.order(me, event)
    world.advance(timedelta(minutes=15))
    await world.run(ExpireHolds)
    await world.run(EraseMyAccount, member_id=me.id, otp_code=await code_for(world, me))
    gateway.says(order, Outcome.SUCCESS)  # PayU captured it after all (a slow bank), past the window
    settled = await settle(world, gateway, order.order_id)
    assert settled.order.status is OrderStatus.REFUNDED
    assert ((await world.reload(event)).seats_taken, (await world.reload(event)).seats_held) == (0, 0)
