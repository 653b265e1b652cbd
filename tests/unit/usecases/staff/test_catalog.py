"""Events, orders, the fee's history, the audit chain and host leads as staff see and change them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from loopin.domain.events.event import EventHasGuests, EventStatus, InvalidStatusTransition
from loopin.domain.identity.member import Role, StaffOnly
from loopin.domain.shared.errors import InvalidInput
from loopin.usecases.events.hosts import BecomeAHost, HostLeadNotFound, MarkHostLead
from loopin.usecases.events.manage import UnpublishEvent
from loopin.usecases.payments.fees import ChangePlatformFee
from loopin.usecases.staff.catalog import (
    CheckAuditChain,
    ReadFeeHistory,
    SearchEvents,
    SearchOrders,
    ViewEvent,
    ViewOrder,
)
from loopin.usecases.staff.ports import PageRequest
from tests.unit.usecases.world import World


async def test_staff_unpublish_an_event_nobody_holds_a_seat_for(world: World) -> None:
    host = await world.member(1)
    staff = await world.member(9, role=Role.STAFF)
    event = await world.event(host)
    with pytest.raises(StaffOnly):
        await world.run(UnpublishEvent, staff_id=host.id, event_id=event.id)
    unpublished = await world.run(UnpublishEvent, staff_id=staff.id, event_id=event.id)
    assert unpublished.status is EventStatus.DRAFT
    assert "event.unpublished" in await world.actions("event", event.id)
    again = await world.run(UnpublishEvent, staff_id=staff.id, event_id=event.id)  # a draft already
    assert again.status is EventStatus.DRAFT
    full = await world.event(host, max_capacity=5)
    await world.accepted_guest(host, full, 2)
    await world.change_event(full, seats_taken=1)
    with pytest.raises(EventHasGuests):  # the refusal deleting gives too
        await world.run(UnpublishEvent, staff_id=staff.id, event_id=full.id)
    cancelled = await world.event(host, status=EventStatus.CANCELLED)
    with pytest.raises(InvalidStatusTransition):
        await world.run(UnpublishEvent, staff_id=staff.id, event_id=cancelled.id)


async def test_the_event_file_and_searches(world: World) -> None:
    host = await world.member(1, name="Meera Host")
    staff = await world.member(9, role=Role.STAFF)
    event = await world.event(host, title="Rooftop Jazz", is_paid=True, ticket_price=D("100.00"), max_capacity=5)
    await world.event(host, title="Pottery", starts_in=timedelta(days=5))
    guest = await world.accepted_guest(host, event, 2)
    await world.order(guest, event)
    found = await world.run(SearchEvents, staff_id=staff.id, text="jazz", page=PageRequest())
    assert [e.title for e in found.rows] == ["Rooftop Jazz"]
    file = await world.run(ViewEvent, staff_id=staff.id, event_id=event.id, orders=PageRequest())
    assert (file.requests_total, file.tickets_total, file.orders.total) == (1, 0, 1)
    assert file.host is not None
    assert file.host.id == host.id
    [line] = file.orders.rows
    order = await world.run(ViewOrder, staff_id=staff.id, reference=line.order_id)
    assert (order.order.member_id, order.refunds) == (guest.id, [])
    created = await world.run(SearchOrders, staff_id=staff.id, status="created", page=PageRequest())
    assert created.total == 1
    with pytest.raises(InvalidInput):
        await world.run(SearchOrders, staff_id=staff.id, status="lost", page=PageRequest())
    with pytest.raises(InvalidInput):
        await world.run(SearchEvents, staff_id=staff.id, status="gone", page=PageRequest())
    with pytest.raises(StaffOnly):
        await world.run(ViewEvent, staff_id=host.id, event_id=event.id, orders=PageRequest())


async def test_the_fee_history_is_the_audit_logs_record_of_changes(world: World) -> None:
    boss = await world.member(9, role=Role.SUPERUSER)
    staff = await world.member(8, role=Role.STAFF)
    fresh = world.now
    await world.run(
        ChangePlatformFee, member_id=boss.id, percentage="12.5", description="Festive", confirmed_at=fresh
    )
    await world.run(ChangePlatformFee, member_id=boss.id, percentage="11", confirmed_at=fresh)
    history = await world.run(ReadFeeHistory, staff_id=boss.id)
    assert history.current.percentage == D("11")
    assert [(e.details["old"], e.details["new"]) for e in history.changes] == [
        ("12.50", "11.00"),
        ("10.00", "12.50"),
    ]
    assert history.may_change
    seen_by_staff = await world.run(ReadFeeHistory, staff_id=staff.id)  # other staff see it all but the form
    assert (seen_by_staff.current, seen_by_staff.changes, seen_by_staff.may_change) == (
        history.current,
        history.changes,
        False,
    )


async def test_staff_check_the_chain_and_the_check_is_recorded(world: World) -> None:
    staff = await world.member(9, role=Role.SUPERUSER)
    await world.run(ChangePlatformFee, member_id=staff.id, percentage="12", confirmed_at=world.now)
    report = await world.run(CheckAuditChain, staff_id=staff.id)
    assert report.intact
    assert report.checked >= 1
    second = await world.run(CheckAuditChain, staff_id=staff.id)
    assert second.checked == report.checked + 1  # the first check's own entry is in the chain now


async def test_host_leads_move_from_new_to_contacted_to_converted(world: World) -> None:
    staff = await world.member(9, role=Role.STAFF)
    submitted = await world.run(
        BecomeAHost,
        first_name="Kabir",
        last_name="Sethi",
        phone_number="+919811100001",
        message="Jazz nights",
        client_address="203.0.113.5",
    )
    lead_id = submitted.lead.id
    contacted = await world.run(MarkHostLead, staff_id=staff.id, lead_id=lead_id, contacted=True)
    assert (contacted.is_contacted, contacted.is_converted) == (True, False)
    converted = await world.run(MarkHostLead, staff_id=staff.id, lead_id=lead_id, converted=True)
    assert (converted.is_contacted, converted.is_converted) == (True, True)
    unchanged = await world.run(MarkHostLead, staff_id=staff.id, lead_id=lead_id, converted=True)
    assert unchanged.is_converted
    assert await world.actions("host_lead", lead_id) == ["host_lead.marked", "host_lead.marked"]
    with pytest.raises(HostLeadNotFound):
        await world.run(MarkHostLead, staff_id=staff.id, lead_id=999, contacted=True)
    with pytest.raises(StaffOnly):
        await world.run(MarkHostLead, staff_id=(await world.member(1)).id, lead_id=lead_id, contacted=False)
