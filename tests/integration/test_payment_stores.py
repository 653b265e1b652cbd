"""Payments stores' contract: each test runs on the in-memory store and on PostgreSQL (``any_container``).

Orders round-trip every field; one open order per member and event; expiry is conditional, skips rows a
settlement holds and releases each order once; refunds once per key; the ledger records a transaction once per
key and answers the host's share; the notice log dedupes deliveries; the fee config is a singleton; the seat
inventory fits or refuses, never goes below zero. PostgreSQL also refuses unbalanced or edited ledger rows.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal as D

import pytest
from dishka import AsyncContainer
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.persistence.failures import DatabaseFailure, classify
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import Member, Role
from loopin.domain.payments import ledger
from loopin.domain.payments.fee import PlatformFeePolicy
from loopin.domain.payments.ledger import LedgerEntry, LedgerKind, LedgerTransaction
from loopin.domain.payments.order import Capture, OrderStatus, PaymentOrder
from loopin.domain.payments.refund import Refund, RefundReason, RefundStatus, full_refund_key
from loopin.usecases.events.ports import EventRepository, SeatInventory
from loopin.usecases.payments.ports import (
    FeeConfigCache,
    FeeConfigRepository,
    Ledger,
    NoticeLog,
    OpenHolds,
    OpenOrderExists,
    PaymentOrderRepository,
    ReceivedNotice,
    RefundRepository,
)
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.events_support import event, members, store_events
from tests.support import Fakes


async def world(container: AsyncContainer, fakes: Fakes, capacity: int = 10) -> tuple[list[Member], Event]:
    now = fakes.clock.now()
    people = await members(container, now, 4)
    [stored] = await store_events(container, event(people[0], now, max_capacity=capacity, is_paid=True))
    return people, stored


def new_order(e: Event, member: Member, fakes: Fakes, *, seats: int = 2, minutes: int = 15) -> PaymentOrder:
    now = fakes.clock.now()
    return PaymentOrder.open(
        event_id=e.id,
        member_id=member.id,
        host_id=e.host_id,
        quote=PlatformFeePolicy().quote(D("499.00"), seats),
        gateway="payu",
        expires_at=now + timedelta(minutes=minutes),
        now=now,
    )


async def add(container: AsyncContainer, order: PaymentOrder) -> PaymentOrder:
    async with container() as scope:
        stored = await (await scope.get(PaymentOrderRepository)).add(order)
        await (await scope.get(UnitOfWork)).commit()
    return stored


async def test_an_order_round_trips_every_field(any_container: AsyncContainer, fakes: Fakes) -> None:
    people, e = await world(any_container, fakes)
    order = await add(any_container, new_order(e, people[1], fakes))
    assert order.id > 0
    now = fakes.clock.now()
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        locked = await orders.lock(order.order_id)
        assert locked is not None
        locked.mark_paid(Capture("403993715521889530", locked.amount, "721522"), now)
        locked.checked(now)
        locked.add_refund(D("100.00"), now)
        await orders.save(locked)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        back = await orders.get(order.order_id)
        by_id = await orders.get_by_id(order.id)
    assert back == by_id
    assert back is not None
    assert (back.status, back.quote, back.gateway_payment_id, back.bank_ref_num) == (
        OrderStatus.PAID,
        order.quote,
        "403993715521889530",
        "721522",
    )
    assert (back.captured_amount, back.refunded_amount, back.captured_at, back.checked_at, back.closed_at) == (
        D("1097.80"),
        D("100.00"),
        now,
        now,
        now,
    )
    assert (back.uuid, back.expires_at, back.created_at) == (order.uuid, order.expires_at, order.created_at)


@pytest.mark.parametrize("reference", ["", "LP" + "A" * 30, "LP|A", "nope-nope"])
async def test_unknown_or_malformed_references_find_nothing(any_container: AsyncContainer, reference: str) -> None:
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        assert await orders.get(reference) is None
        assert await orders.lock(reference) is None


async def test_one_open_order_per_member_and_event(any_container: AsyncContainer, fakes: Fakes) -> None:
    people, e = await world(any_container, fakes)
    first = await add(any_container, new_order(e, people[1], fakes))
    with pytest.raises(OpenOrderExists):
        async with any_container() as scope:
            await (await scope.get(PaymentOrderRepository)).add(new_order(e, people[1], fakes))
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        open_one = await orders.open_for(e.id, people[1].id)
        assert open_one is not None
        assert open_one.order_id == first.order_id
        assert await orders.open_for(e.id, people[2].id) is None
        locked = await orders.lock(first.order_id)
        assert locked is not None
        locked.mark_failed("declined", fakes.clock.now())
        await orders.save(locked)
        await (await scope.get(UnitOfWork)).commit()
    again = await add(any_container, new_order(e, people[1], fakes))  # after a failure, a new one is fine
    async with any_container() as scope:
        found = await (await scope.get(PaymentOrderRepository)).open_for(e.id, people[1].id)
    assert found is not None
    assert found.order_id == again.order_id


async def test_open_holds_are_the_orders_still_holding_seats(any_container: AsyncContainer, fakes: Fakes) -> None:
    """What a paid event's sold-out marker is set with: who holds seats by an open order, how many, and when
    the first of those holds runs out (an overdue one counts until it is released)."""
    people, e = await world(any_container, fakes)
    [other] = await store_events(any_container, event(people[0], fakes.clock.now(), is_paid=True))
    async with any_container() as scope:
        assert await (await scope.get(PaymentOrderRepository)).open_holds(e.id) == OpenHolds(frozenset(), 0, None)
    soon = await add(any_container, new_order(e, people[1], fakes, seats=2, minutes=5))
    await add(any_container, new_order(e, people[2], fakes, seats=1, minutes=15))
    failed = await add(any_container, new_order(e, people[3], fakes, seats=3))
    await add(any_container, new_order(other, people[3], fakes, seats=1, minutes=1))
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        locked = await orders.lock(failed.order_id)
        assert locked is not None
        locked.mark_failed("declined", fakes.clock.now())
        await orders.save(locked)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        holds = await (await scope.get(PaymentOrderRepository)).open_holds(e.id)
    assert holds == OpenHolds(frozenset({people[1].id, people[2].id}), 3, soon.expires_at)


async def test_expiry_releases_each_overdue_order_once_and_skips_held_ones(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    people, e = await world(any_container, fakes)
    overdue = [await add(any_container, new_order(e, p, fakes, seats=1, minutes=5)) for p in people[1:3]]
    fresh = await add(any_container, new_order(e, people[3], fakes, minutes=60))
    fakes.clock.advance(timedelta(minutes=10))
    now = fakes.clock.now()
    async with any_container() as holder, any_container() as sweeper:
        held = await (await holder.get(PaymentOrderRepository)).lock(overdue[0].order_id)  # a settlement
        assert held is not None
        released = await (await sweeper.get(PaymentOrderRepository)).expire_overdue(now, event_id=None, limit=10)
        await (await sweeper.get(UnitOfWork)).commit()
        assert [(r.reference, r.event_id, r.member_id, r.seats) for r in released] == [
            (overdue[1].order_id, e.id, people[2].id, 1)
        ]
        await (await holder.get(UnitOfWork)).rollback()
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        again = await orders.expire_overdue(now, event_id=e.id, limit=10)
        twice = await orders.expire_overdue(now, event_id=e.id, limit=10)
        await (await scope.get(UnitOfWork)).commit()
        assert [r.reference for r in again] == [overdue[0].order_id]
        assert twice == []
        statuses = [(await orders.get(o.order_id)).status for o in (*overdue, fresh)]  # type: ignore[union-attr]
    assert statuses == [OrderStatus.EXPIRED, OrderStatus.EXPIRED, OrderStatus.CREATED]


async def test_an_event_filter_only_expires_that_events_orders(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    people, e = await world(any_container, fakes)
    [other] = await store_events(any_container, event(people[0], fakes.clock.now(), title="Other", is_paid=True))
    await add(any_container, new_order(e, people[1], fakes, minutes=5))
    elsewhere = await add(any_container, new_order(other, people[1], fakes, minutes=5))
    fakes.clock.advance(timedelta(minutes=6))
    async with any_container() as scope:
        released = await (await scope.get(PaymentOrderRepository)).expire_overdue(
            fakes.clock.now(), event_id=other.id, limit=10
        )
        await (await scope.get(UnitOfWork)).commit()
    assert [r.reference for r in released] == [elsewhere.order_id]


async def test_orders_due_for_a_check_and_refundable_ones(any_container: AsyncContainer, fakes: Fakes) -> None:
    people, e = await world(any_container, fakes)
    young = await add(any_container, new_order(e, people[1], fakes, minutes=30))
    fakes.clock.advance(timedelta(minutes=3))
    older = await add(any_container, new_order(e, people[2], fakes, minutes=30))
    now = fakes.clock.now()
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        due = await orders.due_for_check(
            opened_before=now - timedelta(minutes=2),
            released_after=now - timedelta(hours=2),
            checked_before=now - timedelta(minutes=5),
            limit=10,
        )
        assert due == [young.order_id]  # ``older`` was opened too recently
        paid = await orders.lock(older.order_id)
        assert paid is not None
        paid.mark_paid(Capture("9", paid.amount), now)
        await orders.save(paid)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        assert await (await scope.get(PaymentOrderRepository)).captured_for_event(e.id) == [older.order_id]


async def test_a_refund_is_stored_once_per_key(any_container: AsyncContainer, fakes: Fakes) -> None:
    people, e = await world(any_container, fakes)
    order = await add(any_container, new_order(e, people[1], fakes))
    now = fakes.clock.now()
    order.mark_paid(Capture("9", order.amount), now)
    first = Refund.open(order, order.amount, RefundReason.GUEST_CANCELLED, full_refund_key(order), now)
    second = Refund.open(order, order.amount, RefundReason.EVENT_CANCELLED, full_refund_key(order), now)
    async with any_container() as scope:
        refunds = await scope.get(RefundRepository)
        stored, created = await refunds.add(first)
        again, created_again = await refunds.add(second)
        await (await scope.get(UnitOfWork)).commit()
    assert (created, created_again) == (True, False)
    assert again.id == stored.id
    assert again.reason is RefundReason.GUEST_CANCELLED
    fakes.clock.advance(timedelta(minutes=20))
    async with any_container() as scope:
        refunds = await scope.get(RefundRepository)
        assert await refunds.unfinished(updated_before=fakes.clock.now(), limit=10) == [stored.id]
        locked = await refunds.lock(stored.id)
        assert locked is not None
        locked.sent(fakes.clock.now())
        locked.accepted("131278422", fakes.clock.now())
        await refunds.save(locked)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        [back] = await (await scope.get(RefundRepository)).for_order(order.id)
    assert (back.status, back.gateway_refund_id, back.attempts, back.token) == (
        RefundStatus.REQUESTED,
        "131278422",
        1,
        first.token,
    )


async def test_a_members_orders_come_newest_first_with_their_events_title_and_refunds(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    people, e = await world(any_container, fakes)
    [other] = await store_events(any_container, event(people[0], fakes.clock.now(), title="Other", is_paid=True))
    first = await add(any_container, new_order(e, people[1], fakes))
    second = await add(any_container, new_order(other, people[1], fakes))
    await add(any_container, new_order(e, people[2], fakes))  # someone else's
    now = fakes.clock.now()
    first.mark_paid(Capture("9", first.amount), now)
    refunds = [
        Refund.open(first, D("100.00"), RefundReason.GUEST_CANCELLED, f"{first.order_id}:part", now),
        Refund.open(first, D("20.00"), RefundReason.EVENT_CANCELLED, full_refund_key(first), now),
    ]
    async with any_container() as scope:
        for refund in refunds:
            await (await scope.get(RefundRepository)).add(refund)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        orders = await scope.get(PaymentOrderRepository)
        mine = await orders.of_member(people[1].id)
        assert await orders.of_member(people[3].id) == []
        assert await orders.of_member(2**63) == []
    assert [(r.order.order_id, r.event_title) for r in mine] == [
        (second.order_id, "Other"),
        (first.order_id, e.title),
    ]
    assert mine[0].refunds == ()
    assert [(r.amount, r.reason) for r in mine[1].refunds] == [
        (D("100.00"), RefundReason.GUEST_CANCELLED),
        (D("20.00"), RefundReason.EVENT_CANCELLED),
    ]


async def test_the_ledger_records_once_per_key_and_knows_the_hosts_share(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    people, e = await world(any_container, fakes)
    now = fakes.clock.now()
    captures = []
    for member in people[1:3]:
        order = await add(any_container, new_order(e, member, fakes))
        order.mark_paid(Capture(str(member.id), order.amount), now)
        captures.append(ledger.payment_captured(order, now))
    async with any_container() as scope:
        book = await scope.get(Ledger)
        assert [await book.record(t) for t in captures] == [True, True]
        assert await book.record(captures[0]) is False
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        book = await scope.get(Ledger)
        stored = await book.transactions(event_id=e.id)
        share = await book.host_share(e.host_id, e.id)
    assert sorted(t.key for t in stored) == sorted(t.key for t in captures)
    assert share == D("1996.00")
    assert sum(ledger.balances(stored).values()) == D("0.00")


async def test_the_notice_log_stores_a_delivery_once(any_container: AsyncContainer, fakes: Fakes) -> None:
    notice = ReceivedNotice("k" * 64, "surl", "LP1", True, "success", {"mihpayid": "1"}, fakes.clock.now())
    async with any_container() as scope:
        log = await scope.get(NoticeLog)
        assert await log.record(notice) is True
        assert await log.record(notice) is False
        assert await log.record(ReceivedNotice("j" * 64, "webhook", "LP1", False, "", {}, notice.received_at))
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        assert await (await scope.get(NoticeLog)).count("LP1") == 2


async def test_the_fee_config_is_one_row_with_a_default(any_container: AsyncContainer, fakes: Fakes) -> None:
    [staff] = await members(any_container, fakes.clock.now(), 1)
    async with any_container() as scope:
        assert (await (await scope.get(FeeConfigRepository)).get()).percentage == D("10.00")
    async with any_container() as scope:
        configs = await scope.get(FeeConfigRepository)
        config = await configs.lock()
        now, boss = fakes.clock.now(), replace(staff, role=Role.SUPERUSER)
        assert config.change("12.50", by=boss, confirmed_at=now, now=now, description="festive") is not None
        await configs.save(config)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        back = await (await scope.get(FeeConfigRepository)).get()
    assert (back.percentage, back.description, back.updated_by, back.updated_at) == (
        D("12.50"),
        "festive",
        staff.id,
        fakes.clock.now(),
    )


async def test_the_fee_cache_never_answers_across_an_invalidation(any_container: AsyncContainer) -> None:
    cache = await any_container.get(FeeConfigCache)
    generation, cached = await cache.get()
    assert cached is None
    await cache.put(generation, D("10.00"), 3600)
    assert await cache.get() == (generation, D("10.00"))
    await cache.invalidate()
    stale_generation = generation
    generation, cached = await cache.get()
    assert (generation > stale_generation, cached) == (True, None)
    await cache.put(stale_generation, D("10.00"), 3600)  # a reader that loaded the old value just before
    assert (await cache.get())[1] is None
    await cache.put(generation, D("12.50"), 3600)
    assert (await cache.get())[1] == D("12.50")


async def test_seats_fit_or_nothing_changes(any_container: AsyncContainer, fakes: Fakes) -> None:
    _, e = await world(any_container, fakes, capacity=5)
    async with any_container() as scope:
        seats = await scope.get(SeatInventory)
        assert await seats.hold(e.id, 3) is True
        assert await seats.take(e.id, 3) is False  # 3 held + 3 > 5
        assert await seats.take(e.id, 2) is True
        assert await seats.hold(e.id, 1) is False
        await seats.convert_held(e.id, 2)
        await seats.release_held(e.id, 1)
        await seats.release_taken(e.id, 1)
        for release in (seats.release_held, seats.convert_held):
            with pytest.raises(LookupError):
                await release(e.id, 1)  # nothing held any more
        with pytest.raises(LookupError):
            await seats.release_taken(e.id, 9)
        assert await seats.hold(10**12, 1) is False
        assert await seats.hold(2**63 + 1, 1) is False
        await (await scope.get(UnitOfWork)).commit()

    async with any_container() as scope:
        back = await (await scope.get(EventRepository)).get(e.id)
    assert back is not None
    assert (back.seats_taken, back.seats_held, back.seats_left) == (3, 0, 2)


@pytest.mark.parametrize("status", [EventStatus.CANCELLED, EventStatus.DRAFT, EventStatus.COMPLETED])
async def test_seats_are_taken_and_held_only_on_a_listed_event(
    any_container: AsyncContainer, fakes: Fakes, status: EventStatus
) -> None:
    """A confirmation that read the event as published before the host cancelled it must not take a seat once
    the cancellation committed: the statement itself refuses an event no longer listed (or deleted)."""
    _, e = await world(any_container, fakes, capacity=5)
    async with any_container() as scope:
        events = await scope.get(EventRepository)
        stored = await events.get(e.id)
        assert stored is not None
        stored.status = status
        await events.save(stored)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        seats = await scope.get(SeatInventory)
        assert await seats.take(e.id, 1) is False
        assert await seats.hold(e.id, 1) is False
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        back = await (await scope.get(EventRepository)).get(e.id)
    assert back is not None
    assert (back.seats_taken, back.seats_held) == (0, 0)


async def test_parallel_holds_never_exceed_the_capacity(any_container: AsyncContainer, fakes: Fakes) -> None:
    _, e = await world(any_container, fakes, capacity=7)

    async def hold() -> bool:
        async with any_container() as scope:
            held = await (await scope.get(SeatInventory)).hold(e.id, 1)
            await (await scope.get(UnitOfWork)).commit()
            return held

    results = await asyncio.gather(*(hold() for _ in range(20)))
    assert results.count(True) == 7


async def test_postgres_refuses_an_unbalanced_or_edited_ledger(
    service_container: AsyncContainer, fakes: Fakes
) -> None:
    people, e = await world(service_container, fakes)
    order = await add(service_container, new_order(e, people[1], fakes))
    unbalanced = LedgerTransaction(
        "k",
        LedgerKind.PAYMENT,
        e.id,
        order.id,
        (LedgerEntry("a", D("1.00")), LedgerEntry("b", D("-1.00"))),
        order.created_at,  # type: ignore[arg-type]
    )
    async with service_container() as scope:
        await (await scope.get(Ledger)).record(unbalanced)
        session = await scope.get(AsyncSession)
        await session.execute(
            text(
                "INSERT INTO ledger_entries (transaction_id, account, amount, event_id) "
                "SELECT id, 'c', 0.01, event_id FROM ledger_transactions WHERE key = 'k'"
            )
        )
        with pytest.raises(DBAPIError, match="does not balance") as unbalanced_error:
            await session.commit()
    assert classify(unbalanced_error.value) is DatabaseFailure.BUG  # a 500 of ours, never a 409 "retry"
    async with service_container() as scope:
        await (await scope.get(Ledger)).record(unbalanced)
        await (await scope.get(UnitOfWork)).commit()
    async with service_container() as scope:
        session = await scope.get(AsyncSession)
        with pytest.raises(DBAPIError, match="append-only") as changed_error:
            await session.execute(text("UPDATE ledger_entries SET amount = 2 WHERE account = 'a'"))
    assert classify(changed_error.value) is DatabaseFailure.BUG
