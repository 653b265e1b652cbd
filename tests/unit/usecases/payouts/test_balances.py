"""Balances from the ledger, figures computed by hand: sales, the fee, full and partial refunds, the settlement
delay, payouts drawn, paid and returned. After every step the books balance (``Money.books_balance``).

Fee 10 % (the default): a seat at 100.00 costs the buyer round2(100.00 x 1.10) = 110.00, of which the host's
share is 100.00 and the platform's fee 10.00.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from loopin.domain.events.event import CHECK_IN_AFTER_END, EventStatus
from loopin.domain.identity.member import Role
from loopin.domain.payouts.balance import EventBalance
from loopin.usecases.events.completion import CompleteEndedEvents
from loopin.usecases.payouts.requests import RequestPayout
from loopin.usecases.payouts.staff import ApprovePayout, MarkPayoutPaid
from tests.unit.usecases.payouts.conftest import SETTLEMENT, Money


def figures(e: EventBalance) -> tuple[D, ...]:
    return (
        e.gross_sales,
        e.platform_fee,
        e.refunds,
        e.host_share,
        e.in_flight,
        e.paid_out,
        e.balance,
        e.available,
    )


async def test_sales_and_fees_per_event_and_in_all(money: Money) -> None:
    event = await money.event()
    await money.sale(event, seats=2)  # 2 x 110.00 = 220.00: host 200.00, fee 20.00
    await money.sale(event, seats=1)  # 110.00: host 100.00, fee 10.00
    money.settle(event)
    [e] = (await money.summary()).events
    #                      gross          fee           refunds      share          in flight    paid out
    assert figures(e) == (D("330.00"), D("30.00"), D("0.00"), D("300.00"), D("0.00"), D("0.00"),
                          D("300.00"), D("300.00"))  # balance, available  # fmt: skip
    await money.books_balance()


async def test_a_full_and_a_partial_refund(money: Money) -> None:
    event = await money.event()
    two = await money.sale(event, seats=2)  # 220.00 = host 200.00 + fee 20.00
    one = await money.sale(event, seats=1)  # 110.00 = host 100.00 + fee 10.00
    await money.refund(one, "110.00", event)  # all of it back: host -100.00, platform -10.00
    await money.books_balance()
    # partial: the platform gives back its part in proportion, 20.00 x 55.00 / 220.00 = 5.00; the host 50.00
    await money.refund(two, "55.00", event)
    money.settle(event)
    [e] = (await money.summary()).events
    # gross 330.00; fee 30.00 - 10.00 - 5.00 = 15.00; refunds 110.00 + 55.00 = 165.00; share 330 - 15 - 165
    assert figures(e) == (D("330.00"), D("15.00"), D("165.00"), D("150.00"), D("0.00"), D("0.00"),
                          D("150.00"), D("150.00"))  # fmt: skip
    await money.books_balance()


async def test_a_partial_refund_that_does_not_divide_evenly(money: Money) -> None:
    event = await money.event(price="99.95")
    # 3 seats: round2(99.95 x 1.10) = 109.95 per seat, 329.85 charged; host 299.85, fee 30.00
    order = await money.sale(event, seats=3)
    # 100.00 back: platform 30.00 x 100.00 / 329.85 = 9.0950... -> 9.10 (half up); host 90.90
    await money.refund(order, "100.00", event)
    money.settle(event)
    [e] = (await money.summary()).events
    assert figures(e)[:4] == (D("329.85"), D("20.90"), D("100.00"), D("208.95"))
    assert e.host_share == D("299.85") - D("90.90")
    await money.books_balance()


async def test_earnings_wait_for_the_settlement_delay(money: Money) -> None:
    early = await money.event()
    late = await money.event(starts_in=timedelta(days=5))
    await money.sale(early, seats=1)
    await money.sale(late, seats=3)
    money.world.advance(early.end_time - money.world.now)  # the first event just ended
    s = await money.summary()
    assert (s.balance.available, s.balance.pending) == (D("0.00"), D("400.00"))
    money.world.advance(SETTLEMENT - timedelta(seconds=1))
    assert (await money.summary()).balance.available == D("0.00")
    money.world.advance(timedelta(seconds=1))  # 48 h after the end, to the second
    s = await money.summary()
    assert (s.balance.available, s.balance.pending) == (D("100.00"), D("300.00"))
    assert [e.settled for e in s.events] == [True, False]
    assert s.events[0].settles_at == early.end_time + SETTLEMENT
    money.settle(late)
    s = await money.summary()
    assert (s.balance.available, s.balance.pending, s.balance.host_share) == (D("400.00"), D("0.00"), D("400.00"))
    await money.books_balance()


async def test_other_hosts_money_is_not_mine(money: Money) -> None:
    event = await money.event()
    await money.sale(event)
    other = Money(money.world, money.gateway, await money.world.member(2), guests=500)
    theirs = await other.event()
    await other.sale(theirs, seats=4)
    money.settle(theirs)
    assert (await money.summary()).balance.available == D("100.00")
    assert (await other.summary()).balance.available == D("400.00")
    await money.books_balance()
    await other.books_balance()


async def test_the_worked_example_of_docs_payouts(money: Money) -> None:
    """docs/payouts.md, "A worked example", step by step."""
    staff = await money.world.member(99, role=Role.STAFF)
    event = await money.event(price="499.00")
    await money.sale(event, seats=2)  # 1097.80 = 998.00 + 99.80
    meera = await money.sale(event, seats=1)  # 548.90 = 499.00 + 49.90
    await money.refund(meera, "548.90", event)
    money.world.advance(event.end_time - money.world.now)
    s = await money.summary()
    [e] = s.events
    assert (e.gross_sales, e.platform_fee, e.refunds, e.host_share) == (
        D("1646.70"),
        D("99.80"),
        D("548.90"),
        D("998.00"),
    )
    assert (s.balance.available, s.balance.pending) == (D("0.00"), D("998.00"))
    money.settle(event)
    assert (await money.summary()).balance.available == D("998.00")
    await money.account()
    payout = await money.world.run(RequestPayout, member_id=money.host.id, bank_account_id=None, amount=None)
    assert payout.amount == D("998.00")
    await money.world.run(ApprovePayout, member_id=staff.id, payout_id=payout.id)
    await money.world.run(MarkPayoutPaid, member_id=staff.id, payout_id=payout.id, utr="SBIN426123456789")
    totals = await money.books_balance()
    assert {k: v for k, v in totals.items() if v} == {
        "sandbox_receivable": D("1097.80"),
        "platform_fee_revenue": D("-99.80"),
        "payout_bank": D("-998.00"),
    }


async def test_a_completed_event_still_pays_its_host(money: Money) -> None:
    event = await money.event()
    await money.sale(event, seats=2)
    money.world.advance(event.end_time + CHECK_IN_AFTER_END + timedelta(seconds=1) - money.world.now)
    assert await money.world.run(CompleteEndedEvents) == 1
    assert (await money.world.reload(event)).status is EventStatus.COMPLETED
    money.settle(event)
    s = await money.summary()
    assert (s.balance.available, [e.event_id for e in s.events]) == (D("200.00"), [event.id])
    await money.books_balance()
