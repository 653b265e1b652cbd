"""Payout requests on the in-memory adapters: what they draw, the states, staff decisions, the sender port;
the money returned on failure and cancellation; audit entries and the host's notifications; never the same
balance twice."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal as D

import pytest
from dishka import Provider, Scope

from loopin.domain.identity.member import Member, Role
from loopin.domain.payouts.errors import (
    AccountNotShown,
    BankAccountInUse,
    BankAccountNotFound,
    InvalidPayoutTransition,
    NothingToPayOut,
    PayoutInFlight,
    PayoutNotFound,
    UtrTaken,
)
from loopin.domain.shared.errors import Forbidden, InvalidInput
from loopin.domain.shared.money import ZERO
from loopin.usecases.payouts.bank_accounts import RemoveBankAccount
from loopin.usecases.payouts.config import PayoutsConfig
from loopin.usecases.payouts.ports import PayoutInstruction, PayoutSender, SendOutcome, SendReceipt
from loopin.usecases.payouts.requests import CancelPayout, ListMyPayouts, ProposePayouts, RequestPayout
from loopin.usecases.payouts.staff import (
    ApprovePayout,
    ListPayouts,
    MarkPayoutFailed,
    MarkPayoutPaid,
    ShowTransferDetails,
    ViewPayout,
)
from loopin.usecases.payouts.views import PayoutView
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.payments.conftest import ScriptedGateway, scripted
from tests.unit.usecases.payouts.conftest import Money


async def earned(money: Money, seats: int = 3) -> int:
    """300.00 available on a settled event (3 seats at 100.00), and a primary account."""
    event = await money.event()
    await money.sale(event, seats=seats)
    money.settle(event)
    return await money.account()


async def ask(money: Money, amount: D | None = None, account: int | None = None) -> PayoutView:
    view: PayoutView = await money.world.run(
        RequestPayout, member_id=money.host.id, bank_account_id=account, amount=amount
    )
    return view


async def test_a_request_draws_the_available_balance(money: Money) -> None:
    account = await earned(money)
    payout = await ask(money)
    assert (payout.amount, payout.status, payout.bank_account.id if payout.bank_account else None) == (
        D("300.00"),
        "requested",
        account,
    )
    assert payout.bank_account is not None
    assert payout.bank_account.masked_account_number == "XXXXXX9012"
    s = await money.summary()
    assert (s.balance.available, s.balance.in_flight, s.balance.paid_out) == (D("0.00"), D("300.00"), D("0.00"))
    assert s.in_flight is not None
    assert s.in_flight.id == payout.id
    await money.books_balance()
    with pytest.raises(PayoutInFlight):
        await ask(money)
    assert await money.world.actions("payout_request", payout.id) == ["payout.requested"]


async def test_approved_then_paid_with_the_utr_the_host_told(money: Money, staff: Member) -> None:
    await earned(money)
    payout = await ask(money)
    approved = await money.world.run(ApprovePayout, member_id=staff.id, payout_id=payout.id)
    assert (approved.status, approved.approved_by) == ("approved", staff.id)
    paid = await money.world.run(MarkPayoutPaid, member_id=staff.id, payout_id=payout.id, utr=" sbin426123456789 ")
    assert (paid.status, paid.utr, paid.closed_by) == ("paid", "SBIN426123456789", staff.id)
    s = await money.summary()
    assert (s.balance.available, s.balance.in_flight, s.balance.paid_out) == (D("0.00"), D("0.00"), D("300.00"))
    assert s.in_flight is None
    await money.books_balance()
    again = await money.world.run(MarkPayoutPaid, member_id=staff.id, payout_id=payout.id, utr="SBIN426123456789")
    assert again.status == "paid"  # the same UTR again: answered unchanged
    with pytest.raises(InvalidPayoutTransition):
        await money.world.run(MarkPayoutPaid, member_id=staff.id, payout_id=payout.id, utr="OTHER1234567")
    with pytest.raises(InvalidPayoutTransition):
        await money.world.run(MarkPayoutFailed, member_id=staff.id, payout_id=payout.id, reason="Too late")
    assert await money.world.actions("payout_request", payout.id) == [
        "payout.requested",
        "payout.approved",
        "payout.paid",
    ]
    assert "payout_paid" in await money.world.templates(money.host)
    await money.books_balance()


async def test_the_account_number_is_shown_only_to_make_an_approved_transfer(money: Money, staff: Member) -> None:
    await earned(money)
    payout = await ask(money)
    show = {"member_id": staff.id, "payout_id": payout.id}
    with pytest.raises(AccountNotShown):
        await money.world.run(ShowTransferDetails, **show)
    await money.world.run(ApprovePayout, **show)
    with pytest.raises(Forbidden):
        await money.world.run(ShowTransferDetails, member_id=money.host.id, payout_id=payout.id)
    details = await money.world.run(ShowTransferDetails, **show)
    assert (details.account_number, details.ifsc_code, details.amount) == (
        "123456789012",
        "SBIN0001234",
        D("300.00"),
    )
    assert details.reference == f"LPPO{payout.id}"
    assert "123456789012" not in repr(details)
    await money.world.run(MarkPayoutPaid, **show, utr="SBIN426123456789")
    with pytest.raises(AccountNotShown):
        await money.world.run(ShowTransferDetails, **show)
    assert (await money.world.actions("payout_request", payout.id)).count("payout.account_shown") == 1


async def test_a_failed_transfer_returns_the_money(money: Money, staff: Member) -> None:
    await earned(money)
    payout = await ask(money)
    with pytest.raises(InvalidPayoutTransition):  # only an approved payout can fail
        await money.world.run(MarkPayoutFailed, member_id=staff.id, payout_id=payout.id, reason="Account closed")
    await money.world.run(ApprovePayout, member_id=staff.id, payout_id=payout.id)
    failed = await money.world.run(
        MarkPayoutFailed, member_id=staff.id, payout_id=payout.id, reason="Beneficiary account closed"
    )
    assert (failed.status, failed.failure_reason) == ("failed", "Beneficiary account closed")
    s = await money.summary()
    assert (s.balance.available, s.balance.in_flight, s.balance.paid_out) == (D("300.00"), D("0.00"), D("0.00"))
    await money.books_balance()
    assert "payout_failed" in await money.world.templates(money.host)
    second = await ask(money)  # the returned money can be asked for again
    assert second.amount == D("300.00")
    await money.books_balance()


async def test_the_host_cancels_only_before_approval(money: Money, staff: Member) -> None:
    await earned(money)
    payout = await ask(money)
    cancelled = await money.world.run(CancelPayout, member_id=money.host.id, payout_id=payout.id)
    assert cancelled.status == "cancelled"
    assert (await money.summary()).balance.available == D("300.00")
    again = await ask(money)
    await money.world.run(ApprovePayout, member_id=staff.id, payout_id=again.id)
    with pytest.raises(PayoutInFlight):
        await money.world.run(CancelPayout, member_id=money.host.id, payout_id=again.id)
    stopped = await money.world.run(CancelPayout, member_id=staff.id, payout_id=again.id, reason="Wrong account")
    assert (stopped.status, stopped.failure_reason) == ("cancelled", "Wrong account")
    await money.books_balance()


async def test_part_of_the_balance_and_the_minimum(money: Money) -> None:
    await earned(money)
    with pytest.raises(NothingToPayOut):
        await ask(money, amount=D("99.99"))  # below the minimum of 100.00
    with pytest.raises(NothingToPayOut):
        await ask(money, amount=D("300.01"))
    with pytest.raises(InvalidInput):
        await ask(money, amount=D("-5.00"))
    part = await ask(money, amount=D("120.50"))
    assert part.amount == D("120.50")
    assert (await money.summary()).balance.available == D("179.50")
    await money.books_balance()


async def test_nothing_to_pay_before_settlement_or_without_an_account(money: Money) -> None:
    event = await money.event()
    await money.sale(event, seats=3)
    with pytest.raises(BankAccountNotFound):
        await ask(money)
    await money.account()
    money.world.advance(event.end_time + timedelta(hours=47) - money.world.now)
    with pytest.raises(NothingToPayOut):
        await ask(money)
    with pytest.raises(BankAccountNotFound):
        await ask(money, account=2**63 - 1)


async def test_a_refund_after_a_payout_is_netted_on_the_next(money: Money, staff: Member) -> None:
    first = await money.event()
    order = await money.sale(first, seats=2)  # host 200.00
    money.settle(first)
    await money.account()
    payout = await ask(money)
    await money.world.run(ApprovePayout, member_id=staff.id, payout_id=payout.id)
    await money.world.run(MarkPayoutPaid, member_id=staff.id, payout_id=payout.id, utr="UTR0000000001")
    await money.refund(order, "110.00", first)  # a late refund: the host gives back 100.00 already paid out
    second = await money.event(starts_in=timedelta(days=10))
    await money.sale(second, seats=3)  # host 300.00
    money.settle(second)
    s = await money.summary()
    assert [e.balance for e in s.events] == [D("-100.00"), D("300.00")]
    assert s.balance.available == D("200.00")
    netted = await ask(money)
    assert netted.amount == D("200.00")
    assert [(a.event_id, a.amount) for a in netted.allocations] == [
        (first.id, D("-100.00")),
        (second.id, D("300.00")),
    ]
    s = await money.summary()
    assert [e.balance for e in s.events] == [D("0.00"), D("0.00")]
    await money.books_balance()


async def test_twenty_requests_at_once_draw_once(money: Money) -> None:
    await earned(money)
    results = await asyncio.gather(*(ask(money) for _ in range(20)), return_exceptions=True)
    won = [r for r in results if isinstance(r, PayoutView)]
    assert len(won) == 1
    assert all(isinstance(r, PayoutInFlight) for r in results if not isinstance(r, PayoutView))
    assert won[0].amount == D("300.00")
    await money.books_balance()


async def test_an_account_with_a_payout_in_flight_stays(money: Money, staff: Member) -> None:
    account = await earned(money)
    payout = await ask(money)
    with pytest.raises(BankAccountInUse):
        await money.world.run(RemoveBankAccount, member_id=money.host.id, account_id=account)
    await money.world.run(ApprovePayout, member_id=staff.id, payout_id=payout.id)
    await money.world.run(MarkPayoutPaid, member_id=staff.id, payout_id=payout.id, utr="UTR0000000002")
    await money.world.run(RemoveBankAccount, member_id=money.host.id, account_id=account)
    [listed] = (await money.world.run(ListMyPayouts, member_id=money.host.id, offset=0, limit=20)).rows
    assert listed.bank_account is not None
    assert (listed.bank_account.is_active, listed.bank_account.masked_account_number) == (False, "XXXXXX9012")


async def test_staff_only_and_others_payouts_are_invisible(money: Money, staff: Member) -> None:
    await earned(money)
    payout = await ask(money)
    stranger = await money.world.member(3)
    for use_case, extra in ((ApprovePayout, {}), (MarkPayoutPaid, {"utr": "UTR123456"})):
        with pytest.raises(Forbidden):
            await money.world.run(use_case, member_id=money.host.id, payout_id=payout.id, **extra)
    with pytest.raises(PayoutNotFound):
        await money.world.run(CancelPayout, member_id=stranger.id, payout_id=payout.id)
    with pytest.raises(PayoutNotFound):
        await money.world.run(ApprovePayout, member_id=staff.id, payout_id=payout.id + 1000)
    queue = await money.world.run(ListPayouts, member_id=staff.id, status=None, offset=0, limit=50)
    assert [p.id for p in queue.rows] == [payout.id]
    mine = await money.world.run(ListMyPayouts, member_id=stranger.id, offset=0, limit=20)
    assert mine.rows == []


async def test_staff_open_one_payout_masked_and_only_staff(money: Money, staff: Member) -> None:
    await earned(money)
    payout = await ask(money)
    seen = await money.world.run(ViewPayout, member_id=staff.id, payout_id=payout.id)
    assert (seen.id, seen.status, seen.amount) == (payout.id, "requested", payout.amount)
    assert seen.bank_account is not None
    assert seen.bank_account.masked_account_number.startswith("XXXXXX")
    with pytest.raises(Forbidden):
        await money.world.run(ViewPayout, member_id=money.host.id, payout_id=payout.id)
    with pytest.raises(PayoutNotFound):
        await money.world.run(ViewPayout, member_id=staff.id, payout_id=payout.id + 1000)


async def test_a_utr_is_recorded_once(money: Money, staff: Member) -> None:
    await earned(money)
    first = await ask(money)
    await money.world.run(ApprovePayout, member_id=staff.id, payout_id=first.id)
    await money.world.run(MarkPayoutPaid, member_id=staff.id, payout_id=first.id, utr="UTR9999999999")
    other = Money(money.world, money.gateway, await money.world.member(2), guests=500)
    await earned(other)
    second = await ask(other)
    await money.world.run(ApprovePayout, member_id=staff.id, payout_id=second.id)
    with pytest.raises(UtrTaken):
        await money.world.run(MarkPayoutPaid, member_id=staff.id, payout_id=second.id, utr="utr9999999999")


async def test_the_weekly_proposal(money: Money) -> None:
    await earned(money)
    no_account = Money(money.world, money.gateway, await money.world.member(2), guests=500)
    event = await no_account.event()
    await no_account.sale(event)
    no_account.settle(event)
    assert await money.world.run(ProposePayouts) == 1
    [proposed] = (await money.world.run(ListMyPayouts, member_id=money.host.id, offset=0, limit=20)).rows
    assert (proposed.origin, proposed.status, proposed.amount) == ("proposal", "requested", D("300.00"))
    assert await money.world.run(ProposePayouts) == 0  # in flight already
    await money.books_balance()


async def test_the_weekly_proposal_reminds_a_host_without_a_bank_account(money: Money) -> None:
    """Spec platform.md §3.6 B15: money waits for a host who has no account to pay it into; they are told,
    once per weekly run (a second run the same day sends nothing more), and hosts who have one are not."""
    await earned(money)
    no_account = Money(money.world, money.gateway, await money.world.member(2), guests=500)
    event = await no_account.event()
    await no_account.sale(event)
    no_account.settle(event)
    await money.world.run(ProposePayouts)
    await money.world.run(ProposePayouts)

    reminders = [
        n for n in await money.world.notifications(no_account.host) if n.template == "payout_account_missing"
    ]
    assert len(reminders) == 1
    [reminder] = reminders
    assert "₹100.00" in reminder.body
    assert reminder.data["route"] == "payouts"
    assert "payout_account_missing" not in await money.world.templates(money.host)


async def test_no_bank_account_reminder_while_nothing_is_available(money: Money) -> None:
    no_account = Money(money.world, money.gateway, await money.world.member(2), guests=500)
    event = await no_account.event()
    await no_account.sale(event)  # the event has not ended: nothing is available yet
    await money.world.run(ProposePayouts)
    assert "payout_account_missing" not in await money.world.templates(no_account.host)


async def test_with_no_minimum_still_no_reminder_while_nothing_is_available(
    make_world: MakeWorld, gateway: ScriptedGateway
) -> None:
    """A minimum set to nothing (``LOOPIN_PAYOUT_MINIMUM=0``) does not make ₹0 worth paying out: the host's
    request refuses it, and the weekly proposal does not remind anyone to add an account for it."""
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: PayoutsConfig(minimum=ZERO), provides=PayoutsConfig, override=True)
    world = await make_world(scripted(gateway), provider)
    money = Money(world, gateway, await world.member(1))
    no_account = Money(world, gateway, await world.member(2), guests=500)
    await no_account.sale(await no_account.event())  # the event has not ended: nothing is available yet
    await world.run(ProposePayouts)
    assert "payout_account_missing" not in await world.templates(no_account.host)
    await money.sale(await money.event())
    await money.account()
    with pytest.raises(NothingToPayOut):
        await ask(money)


@dataclass
class ApiSender(PayoutSender):
    """A payout API: takes the transfer, then confirms it (as RazorpayX would, by webhook or poll)."""

    outcome: SendOutcome
    sent: list[PayoutInstruction] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "api"

    async def send(self, instruction: PayoutInstruction) -> SendReceipt:
        self.sent.append(instruction)
        return SendReceipt(self.outcome, reference="pout_123", utr="AXIS000111222333", message="IFSC invalid")


@pytest.mark.parametrize(("outcome", "status"), [(SendOutcome.PAID, "paid"), (SendOutcome.FAILED, "failed")])
async def test_a_payout_api_settles_through_the_same_use_cases(
    make_world: MakeWorld, gateway: ScriptedGateway, outcome: SendOutcome, status: str
) -> None:
    sender = ApiSender(outcome)
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: sender, provides=PayoutSender, override=True)
    world = await make_world(scripted(gateway), provider)
    money = Money(world, gateway, await world.member(1))
    staff = await world.member(99, role=Role.STAFF)
    await earned(money)
    payout = await ask(money)
    assert payout.sender == "api"
    await world.run(ApprovePayout, member_id=staff.id, payout_id=payout.id)  # the send job runs inline
    [instruction] = sender.sent
    assert (instruction.account_number, instruction.amount, instruction.reference) == (
        "123456789012",
        D("300.00"),
        f"LPPO{payout.id}",
    )
    assert "123456789012" not in repr(instruction)
    [after] = (await world.run(ListMyPayouts, member_id=money.host.id, offset=0, limit=20)).rows
    assert after.status == status
    await money.books_balance()
