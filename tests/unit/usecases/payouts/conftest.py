"""The payouts use cases on the one ``World``, paying through the payments tests' scripted gateway, with the
helpers that make money move: paid tickets, refunds, the clock past an event's settlement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal as D

import pytest
from dishka import AsyncContainer

from loopin.adapters.memory.payments.ledger import LEDGER
from loopin.domain.events.event import Event
from loopin.domain.identity.member import Member, Role
from loopin.domain.payments import ledger
from loopin.domain.payments.order import PaymentOrder
from loopin.domain.payments.refund import RefundReason
from loopin.domain.payouts.bank_account import BankDetails
from loopin.domain.payouts.ledger import PAYOUT_BANK, PAYOUTS_IN_FLIGHT
from loopin.domain.shared.money import ZERO
from loopin.usecases.payments.ports import PaymentOrderRepository
from loopin.usecases.payments.refunds import Refunding
from loopin.usecases.payouts.balances import GetPayoutSummary
from loopin.usecases.payouts.bank_accounts import AddBankAccount
from loopin.usecases.payouts.views import PayoutSummary
from loopin.usecases.shared.ports import UnitOfWork
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.payments.conftest import ScriptedGateway, paid_order, scripted
from tests.unit.usecases.world import World

SETTLEMENT = timedelta(hours=48)


@pytest.fixture
def gateway() -> ScriptedGateway:
    return ScriptedGateway()


@pytest.fixture
async def world(make_world: MakeWorld, gateway: ScriptedGateway) -> World:
    return await make_world(scripted(gateway))


@dataclass
class Money:
    """One host's paid event and the moves the tests make on it."""

    world: World
    gateway: ScriptedGateway
    host: Member
    guests: int = 100

    async def event(self, price: str = "100.00", **details: object) -> Event:
        return await self.world.event(self.host, is_paid=True, ticket_price=D(price), max_capacity=50, **details)

    async def sale(self, event: Event, seats: int = 1) -> PaymentOrder:
        self.guests += 1
        guest = await self.world.accepted_guest(self.host, event, self.guests, seats=seats)
        return await paid_order(self.world, self.gateway, guest, event, seats=seats)

    async def refund(self, order: PaymentOrder, amount: str, event: Event) -> None:
        """A refund of ``amount`` opened (the ledger's refund owed) and paid back by its job."""
        async with self.world.container() as scope:
            refunding = await scope.get(Refunding)
            locked = await self.world_order(scope, order)
            await refunding.open(locked, D(amount), RefundReason.GUEST_CANCELLED, self.world.now, event.title)
            await (await scope.get(UnitOfWork)).commit()

    @staticmethod
    async def world_order(scope: AsyncContainer, order: PaymentOrder) -> PaymentOrder:
        locked = await (await scope.get(PaymentOrderRepository)).lock(order.order_id)
        assert locked is not None
        return locked

    def settle(self, event: Event) -> None:
        """The clock to the moment ``event``'s earnings become available."""
        self.world.advance(event.end_time + SETTLEMENT - self.world.now)

    async def account(self, number: str = "123456789012") -> int:
        details = BankDetails.parse(
            bank_name="State Bank of India",
            account_number=number,
            ifsc_code="SBIN0001234",
            account_holder_name="Asha Rao",
            is_primary=False,
        )
        added = await self.world.run(AddBankAccount, member_id=self.host.id, details=details)
        return int(added.account.id)

    async def summary(self) -> PayoutSummary:
        found: PayoutSummary = await self.world.run(GetPayoutSummary, member_id=self.host.id)
        return found

    async def books_balance(self) -> dict[str, D]:
        """Every transaction balanced, the whole ledger sums to zero, and the host's accounts say what the
        summary says: ``host_payable`` is what is still owed, in-flight and paid-out match the payouts."""
        transactions = list((await self.world.store()).tables[LEDGER].values())
        for t in transactions:
            assert sum((e.amount for e in t.entries), ZERO) == ZERO, t.key
        totals = ledger.balances(transactions)
        assert sum(totals.values(), ZERO) == ZERO
        summary = await self.summary()
        owed = -totals.get(ledger.host_payable(self.host.id), ZERO)
        assert owed == sum((e.balance for e in summary.events), ZERO)
        assert -totals.get(PAYOUTS_IN_FLIGHT, ZERO) == summary.balance.in_flight
        assert -totals.get(PAYOUT_BANK, ZERO) == summary.balance.paid_out
        return totals


@pytest.fixture
async def money(world: World, gateway: ScriptedGateway) -> Money:
    return Money(world, gateway, await world.member(1))


@pytest.fixture
async def staff(world: World) -> Member:
    return await world.member(99, role=Role.STAFF)
