"""A host asks to be paid (all that is available, or less); reads their requests; cancels one not yet
approved. The weekly job proposes the same request for hosts who did not ask.

Never the same balance twice: the request runs under the host's payout lock (a row lock on ``payout_hosts``),
reads the balance from the ledger under it, and draws what it pays in the same transaction (``payout_drawn``),
so a second request — parallel or later — finds it gone. One payout in flight per host is also a unique index.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from loopin.domain.identity.member import Access
from loopin.domain.payouts import ledger
from loopin.domain.payouts.bank_account import BankAccount
from loopin.domain.payouts.errors import BankAccountNotFound, NothingToPayOut, PayoutInFlight, PayoutNotFound
from loopin.domain.payouts.payout import PayoutOrigin, PayoutRequest, PayoutStatus, read_reason
from loopin.domain.shared.errors import InvalidInput
from loopin.domain.shared.money import ZERO
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.payments.ports import Ledger
from loopin.usecases.payouts import jobs
from loopin.usecases.payouts.balances import HostBalances
from loopin.usecases.payouts.config import PayoutsConfig
from loopin.usecases.payouts.ports import BankAccountRepository, PayoutHosts, PayoutRepository, PayoutSender
from loopin.usecases.payouts.settlement import PayoutSettlement
from loopin.usecases.payouts.views import PayoutView, PayoutViews
from loopin.usecases.shared.paging import Page, page_offset, page_size
from loopin.usecases.shared.ports import Clock, UnitOfWork
from loopin.usecases.shared.use_case import UseCase


@dataclass(frozen=True, slots=True)
class PayoutDesk:
    """Draws a payout for a host whose lock is held: the shared core of a host's request and a proposal."""

    payouts: PayoutRepository
    balances: HostBalances
    book: Ledger
    sender: PayoutSender
    uow: UnitOfWork
    clock: Clock
    config: PayoutsConfig

    async def draw(
        self,
        host_id: int,
        account: BankAccount,
        amount: Decimal | None,
        origin: PayoutOrigin,
        actor_id: int | None,
    ) -> PayoutRequest:
        if await self.payouts.in_flight_of(host_id) is not None:
            raise PayoutInFlight()
        now = self.clock.now()
        balance = await self.balances.of(host_id, now)
        available = balance.available
        if amount is not None and amount > available:
            raise NothingToPayOut(
                f"You can be paid at most ₹{available} right now.", code="AMOUNT_ABOVE_AVAILABLE"
            )
        wanted = available if amount is None else amount
        if not self.config.pays_out(wanted):
            raise NothingToPayOut(
                f"Payouts start at ₹{self.config.minimum}; available now: ₹{available}. Earnings become available "
                f"{self.config.settlement_hours} hours after an event ends."
            )
        allocations = balance.allocate(amount)
        payout = await self.payouts.add(
            PayoutRequest.draw(
                host_id=host_id,
                bank_account_id=account.id,
                allocations=allocations,
                origin=origin,
                sender=self.sender.name,
                now=now,
            )
        )
        await self.book.record(ledger.payout_drawn(payout, now))
        action = "requested" if origin is PayoutOrigin.HOST else "proposed"
        self.uow.enqueue(jobs.audited_payout(action, payout, actor_id, now, available=str(available)))
        return payout


class RequestPayout(MemberUseCase):
    locks: PayoutHosts
    accounts: BankAccountRepository
    desk: PayoutDesk

    async def __call__(self, *, member_id: int, bank_account_id: int | None, amount: Decimal | None) -> PayoutView:
        member = await self.access.load(member_id, Access.MEMBER)
        if amount is not None and amount <= ZERO:
            raise InvalidInput.single("amount", "The amount is a positive number of rupees.")
        await self.locks.lock(member.id)
        account = await self._account(member.id, bank_account_id)
        payout = await self.desk.draw(member.id, account, amount, PayoutOrigin.HOST, member.id)
        await self.uow.commit()
        return PayoutView.of(payout, account)

    async def _account(self, host_id: int, account_id: int | None) -> BankAccount:
        if account_id is not None:
            account = await self.accounts.get(account_id, host_id=host_id)
            if account is None:
                raise BankAccountNotFound()
            return account
        primary = next((a for a in await self.accounts.of_host(host_id) if a.is_primary), None)
        if primary is None:
            raise BankAccountNotFound("Add a bank account first: payouts go to it.", code="NO_BANK_ACCOUNT")
        return primary


class ListMyPayouts(MemberUseCase):
    payouts: PayoutRepository
    views: PayoutViews

    async def __call__(self, *, member_id: int, offset: int, limit: int) -> Page[PayoutView]:
        member = await self.access.load(member_id, Access.MEMBER)
        page_size(limit)
        page_offset(offset)
        listed = await self.views.page(await self.payouts.of_host(member.id, offset=offset, limit=limit))
        await self.uow.commit()
        return listed


class CancelPayout(MemberUseCase):
    """The host, while it is only requested; staff, until it is paid. The money returns to the balance."""

    locks: PayoutHosts
    payouts: PayoutRepository
    views: PayoutViews
    settlement: PayoutSettlement
    clock: Clock

    async def __call__(self, *, member_id: int, payout_id: int, reason: str = "") -> PayoutView:
        member = await self.access.load(member_id, Access.MEMBER)
        found = await self.payouts.get(payout_id)
        if found is None or (found.host_id != member.id and not member.is_staff):
            raise PayoutNotFound()
        await self.locks.lock(found.host_id)
        payout = await self.payouts.lock(payout_id)
        if payout is None:
            raise PayoutNotFound()
        if not member.is_staff and payout.status is not PayoutStatus.REQUESTED:
            raise PayoutInFlight("This payout is already approved: contact support to stop it.")
        why = (
            read_reason(reason)
            if reason.strip()
            else ("Cancelled by staff" if member.is_staff else "Cancelled by the host")
        )
        await self.settlement.cancelled(payout, why, member.id, self.clock.now())
        view = await self.views.one(payout)
        await self.uow.commit()
        return view


class ProposePayouts(UseCase):
    """The weekly job: a payout proposed (``requested``, origin ``proposal``) for each host with at least the
    minimum available, a primary account and nothing in flight. Staff approve it like a host's request. A host
    with that much available and no account is reminded to add one (spec B15), once per run."""

    payouts: PayoutRepository
    locks: PayoutHosts
    accounts: BankAccountRepository
    desk: PayoutDesk
    balances: HostBalances
    clock: Clock
    config: PayoutsConfig

    async def __call__(self) -> int:
        proposed = 0
        now = self.clock.now()
        for host_id in await self.balances.earnings.hosts_with_money(after_id=0, limit=self.config.proposal_batch):
            await self.locks.lock(host_id)
            primary = next((a for a in await self.accounts.of_host(host_id) if a.is_primary), None)
            if primary is None:
                available = (await self.balances.of(host_id, now)).available
                if self.config.pays_out(available):
                    self.uow.enqueue(jobs.payout_account_missing(host_id, available, now))
                continue
            if await self.payouts.in_flight_of(host_id) is not None:
                continue
            try:
                await self.desk.draw(host_id, primary, None, PayoutOrigin.PROPOSAL, None)
            except NothingToPayOut:
                continue
            proposed += 1
        await self.uow.commit()
        return proposed
