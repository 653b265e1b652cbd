"""Payout requests and host earnings, contract on both stores (``any_container``): payouts round-trip with
their allocations, one in flight per host, a UTR once, pages by host and by state; the earnings query sums the
ledger per event as a host reads it (sales, fee, refunds, share, in flight, paid out) and names the hosts
with money; PostgreSQL refuses a ledger transaction that moves neither an order nor a payout."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from dishka import AsyncContainer
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.domain.payments import ledger
from loopin.domain.payments.order import Capture
from loopin.domain.payments.refund import Refund, RefundReason
from loopin.domain.payouts import ledger as payout_ledger
from loopin.domain.payouts.errors import PayoutInFlight, UtrTaken
from loopin.domain.payouts.payout import Allocation, PayoutOrigin, PayoutRequest, PayoutStatus
from loopin.usecases.payments.ports import Ledger
from loopin.usecases.payouts.ports import HostEarnings, PayoutRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.integration.test_payment_stores import add, new_order, world
from tests.integration.test_payout_stores import account
from tests.support import Fakes


def draw(host_id: int, account_id: int, fakes: Fakes, *allocations: tuple[int, str]) -> PayoutRequest:
    return PayoutRequest.draw(
        host_id=host_id,
        bank_account_id=account_id,
        allocations=tuple(Allocation(e, D(a)) for e, a in allocations),
        origin=PayoutOrigin.HOST,
        sender="manual",
        now=fakes.clock.now(),
    )


async def test_payouts_round_trip_one_in_flight_per_host_and_a_utr_once(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    people, e = await world(any_container, fakes)
    host, other = people[0], people[1]
    mine, theirs = await account(any_container, host, fakes), await account(any_container, other, fakes)
    now = fakes.clock.now()
    async with any_container() as scope:
        repo = await scope.get(PayoutRepository)
        first = await repo.add(draw(host.id, mine.id, fakes, (e.id, "250.50")))
        second = await repo.add(draw(other.id, theirs.id, fakes, (e.id, "10.00"), (e.id, "-5.00")))
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(PayoutRepository)
        with pytest.raises(PayoutInFlight):
            await repo.add(draw(host.id, mine.id, fakes, (e.id, "1.00")))
    async with any_container() as scope:
        repo = await scope.get(PayoutRepository)
        got = await repo.lock(first.id)
        assert got is not None
        assert (got.amount, got.allocations, got.status, got.origin) == (
            D("250.50"),
            (Allocation(e.id, D("250.50")),),
            PayoutStatus.REQUESTED,
            PayoutOrigin.HOST,
        )
        assert await repo.in_flight_to(mine.id)
        got.approve(other.id, now)
        got.mark_paid("UTR000111", other.id, now)
        await repo.save(got)
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        repo = await scope.get(PayoutRepository)
        assert not await repo.in_flight_to(mine.id)
        assert await repo.in_flight_of(host.id) is None
        paid = await repo.get(first.id)
        assert paid is not None
        assert (paid.status, paid.utr, paid.approved_by) == (PayoutStatus.PAID, "UTR000111", other.id)
        page = await repo.by_status(PayoutStatus.REQUESTED, offset=0, limit=10)
        assert (page.total, [p.id for p in page.rows]) == (1, [second.id])
        everything = await repo.by_status(None, offset=1, limit=10)
        assert (everything.total, [p.id for p in everything.rows]) == (2, [second.id])
        assert (await repo.of_host(host.id, offset=5, limit=10)).total == 1
        assert await repo.get(2**63) is None
        twin = await repo.lock(second.id)
        assert twin is not None
        twin.approve(host.id, now)
        twin.mark_paid("UTR000111", host.id, now)
        with pytest.raises(UtrTaken):
            await repo.save(twin)


async def test_earnings_sum_the_ledger_per_event_as_the_host_reads_it(
    any_container: AsyncContainer, fakes: Fakes
) -> None:
    people, e = await world(any_container, fakes)
    host = people[0]
    now = fakes.clock.now()
    # two orders of 2 seats at 499.00: each 1097.80 = host 998.00 + fee 99.80
    orders = []
    for member in people[1:3]:
        order = await add(any_container, new_order(e, member, fakes))
        order.mark_paid(Capture(str(member.id), order.amount), now)
        orders.append(order)
    refund = Refund.open(orders[0], D("548.90"), RefundReason.GUEST_CANCELLED, "k1", now)
    refund.id = 1
    bank = await account(any_container, host, fakes)
    async with any_container() as scope:
        book = await scope.get(Ledger)
        for order in orders:
            await book.record(ledger.payment_captured(order, now))
        # half back: platform 99.80 x 548.90 / 1097.80 = 49.90, host 499.00
        owed = ledger.refund_owed(orders[0], refund, now)
        assert owed is not None
        await book.record(owed)
        payout = await (await scope.get(PayoutRepository)).add(draw(host.id, bank.id, fakes, (e.id, "1000.00")))
        await book.record(payout_ledger.payout_drawn(payout, now))
        await (await scope.get(UnitOfWork)).commit()
    async with any_container() as scope:
        earnings = await scope.get(HostEarnings)
        [f] = await earnings.figures(host.id)
        assert await earnings.figures(people[1].id) == []
        assert await earnings.hosts_with_money(after_id=0, limit=10) == [host.id]
        assert await earnings.hosts_with_money(after_id=host.id, limit=10) == []
    assert (f.event_id, f.title, f.ends_at) == (e.id, e.title, e.end_time)
    # gross 2195.60; fee 199.60 - 49.90 = 149.70; refunds 548.90; share 2195.60 - 149.70 - 548.90 = 1497.00
    assert (f.gross_sales, f.platform_fee, f.refunds, f.host_share, f.in_flight, f.paid_out) == (
        D("2195.60"),
        D("149.70"),
        D("548.90"),
        D("1497.00"),
        D("1000.00"),
        D("0.00"),
    )


async def test_a_ledger_transaction_moves_an_order_or_a_payout(service_container: AsyncContainer) -> None:
    async with service_container() as scope:
        session = await scope.get(AsyncSession)
        with pytest.raises(DBAPIError, match="ledger_moves_an_order_or_a_payout"):
            await session.execute(
                text(
                    "INSERT INTO ledger_transactions (key, kind, currency, at) "
                    "VALUES ('x', 'payment', 'INR', now())"
                )
            )
