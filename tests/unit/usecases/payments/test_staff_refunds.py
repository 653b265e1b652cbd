"""Staff refund what is left of an order from the console: once per click, under their name, staff only."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from loopin.domain.identity.member import Role, StaffOnly
from loopin.domain.payments.errors import OrderNotFound, RefundNotAllowed
from loopin.domain.payments.order import OrderStatus
from loopin.domain.payments.refund import RefundReason, RefundStatus
from loopin.usecases.payments.refunds import RefundOrderAsStaff
from tests.unit.usecases.payments.conftest import ScriptedGateway, paid_order
from tests.unit.usecases.payments.test_refunds_and_fees import refund_of
from tests.unit.usecases.world import World


async def test_staff_refund_the_rest_of_an_order_once(world: World, gateway: ScriptedGateway) -> None:
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=5)
    guest = await world.accepted_guest(host, event, 2)
    order = await paid_order(world, gateway, guest, event)
    staff = await world.member(9, role=Role.STAFF)
    with pytest.raises(StaffOnly):
        await world.run(RefundOrderAsStaff, staff_id=guest.id, reference=order.order_id)
    refund = await world.run(RefundOrderAsStaff, staff_id=staff.id, reference=order.order_id)
    assert (refund.amount, refund.reason) == (order.amount, RefundReason.STAFF)
    with pytest.raises(RefundNotAllowed):  # a second click: nothing is left
        await world.run(RefundOrderAsStaff, staff_id=staff.id, reference=order.order_id)
    [stored] = await refund_of(world, order.id)
    assert stored.status is RefundStatus.SUCCEEDED  # the refund's job ran after the commit
    assert (await world.stored_order(order.order_id)).status is OrderStatus.REFUNDED
    [opened] = [
        e for e in await world.audit("payment_order", order.id) if e.action == "payment_order.refund_opened"
    ]
    assert (opened.actor_id, opened.details["reason"]) == (staff.id, "staff")
    with pytest.raises(OrderNotFound):
        await world.run(RefundOrderAsStaff, staff_id=staff.id, reference="LP-NO-SUCH-ORDER")


async def test_an_unpaid_order_has_nothing_to_refund(world: World) -> None:
    host = await world.member(1)
    event = await world.event(host, is_paid=True, ticket_price=D("100.00"), max_capacity=5)
    guest = await world.accepted_guest(host, event, 2)
    order = await world.order(guest, event)
    staff = await world.member(9, role=Role.STAFF)
    with pytest.raises(RefundNotAllowed):
        await world.run(RefundOrderAsStaff, staff_id=staff.id, reference=order.order_id)
