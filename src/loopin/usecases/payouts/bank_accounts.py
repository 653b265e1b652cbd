"""A host's bank accounts: add (only hosts), list, make primary, remove (not while a payout to it is in flight).

Every change runs under the host's payout lock, so "one primary account" and "no removal under a payout"
hold under parallel requests; the database's partial unique indexes back both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from loopin.domain.identity.member import Access, Member
from loopin.domain.payouts.bank_account import BankAccount, BankDetails
from loopin.domain.payouts.errors import BankAccountInUse, BankAccountNotFound, NotAHost
from loopin.domain.shared.errors import DomainError
from loopin.usecases.events.ports import EventRepository
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.payouts import jobs
from loopin.usecases.payouts.config import PayoutsConfig
from loopin.usecases.payouts.ports import (
    AccountNumberVault,
    BankAccountRepository,
    HostEarnings,
    PayoutHosts,
    PayoutRepository,
)
from loopin.usecases.payouts.views import BankAccountAdded, BankAccountView
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


class TooManyAccounts(DomainError, code="TOO_MANY_BANK_ACCOUNTS"): ...


@dataclass(frozen=True, slots=True)
class HostCheck:
    """Who may have bank accounts: members who host an event, or whose events earned money (a host whose
    events all ended and were deleted still has a balance to be paid)."""

    events: EventRepository
    earnings: HostEarnings

    async def require(self, member: Member) -> None:
        if await self.events.hosts_any(member.id):
            return
        if not await self.earnings.figures(member.id):
            raise NotAHost()


@dataclass(frozen=True, slots=True)
class HostAccounts:
    """A host's accounts, changed under the host's payout lock, with one primary at a time."""

    access: MemberAccess
    locks: PayoutHosts
    accounts: BankAccountRepository

    async def own(self, member_id: int, account_id: int) -> BankAccount:
        """The caller's account, their payout lock taken first."""
        member = await self.access.load(member_id, Access.MEMBER)
        await self.locks.lock(member.id)
        account = await self.accounts.get(account_id, host_id=member.id)
        if account is None:
            raise BankAccountNotFound()
        return account

    async def demote_primary(self, accounts: Sequence[BankAccount], now: datetime) -> None:
        for other in accounts:
            if other.is_primary:
                other.demote(now)
                await self.accounts.save(other)


class AddBankAccount(MemberUseCase):
    """The app's ``POST /api/payouts/bank-accounts``. The first account becomes primary (the app always sends
    ``is_primary: false``); adding an account already there answers it unchanged (a retried submit)."""

    hosts: HostCheck
    locks: PayoutHosts
    accounts: BankAccountRepository
    host_accounts: HostAccounts
    vault: AccountNumberVault
    clock: Clock
    config: PayoutsConfig

    async def __call__(self, *, member_id: int, details: BankDetails) -> BankAccountAdded:
        member = await self.access.load(member_id, Access.MEMBER)
        await self.hosts.require(member)
        await self.locks.lock(member.id)
        fingerprint = self.vault.fingerprint(details.ifsc_code, details.account_number)
        existing = await self.accounts.find(member.id, fingerprint)
        if existing is not None:
            await self.uow.commit()
            return BankAccountAdded(BankAccountView.of(existing), created=False)
        current = await self.accounts.of_host(member.id)
        if len(current) >= self.config.max_accounts:
            raise TooManyAccounts(f"At most {self.config.max_accounts} bank accounts: remove one first.")
        now = self.clock.now()
        primary = details.is_primary or not current
        if primary:
            await self.host_accounts.demote_primary(current, now)
        account = await self.accounts.add(
            BankAccount(
                id=0,
                host_id=member.id,
                bank_name=details.bank_name,
                ifsc_code=details.ifsc_code,
                account_holder_name=details.account_holder_name,
                last4=details.last4,
                sealed_number=self.vault.seal(details.account_number, host_id=member.id),
                fingerprint=fingerprint,
                is_primary=primary,
                created_at=now,
                updated_at=now,
            )
        )
        self.uow.enqueue(jobs.audited_account("added", account, member.id, now))
        await self.uow.commit()
        return BankAccountAdded(BankAccountView.of(account), created=True)


class ListBankAccounts(MemberUseCase):
    accounts: BankAccountRepository

    async def __call__(self, *, member_id: int) -> list[BankAccountView]:
        member = await self.access.load(member_id, Access.MEMBER)
        found = await self.accounts.of_host(member.id)
        await self.uow.commit()
        return [BankAccountView.of(a) for a in found]


class MakePrimaryBankAccount(UseCase):
    host_accounts: HostAccounts
    accounts: BankAccountRepository
    clock: Clock

    async def __call__(self, *, member_id: int, account_id: int) -> BankAccountView:
        account = await self.host_accounts.own(member_id, account_id)
        if not account.is_primary:
            now = self.clock.now()
            await self.host_accounts.demote_primary(await self.accounts.of_host(account.host_id), now)
            account.make_primary(now)
            await self.accounts.save(account)
            self.uow.enqueue(jobs.audited_account("made_primary", account, member_id, now))
        await self.uow.commit()
        return BankAccountView.of(account)


class RemoveBankAccount(UseCase):
    """Soft removal (payouts keep pointing at it); a removed primary hands over to the newest other account."""

    host_accounts: HostAccounts
    accounts: BankAccountRepository
    payouts: PayoutRepository
    clock: Clock

    async def __call__(self, *, member_id: int, account_id: int) -> None:
        account = await self.host_accounts.own(member_id, account_id)
        if await self.payouts.in_flight_to(account.id):
            raise BankAccountInUse()
        now = self.clock.now()
        was_primary = account.is_primary
        account.remove(now)
        await self.accounts.save(account)
        if was_primary:
            rest = [a for a in await self.accounts.of_host(account.host_id) if a.id != account.id]
            if rest:
                successor = max(rest, key=lambda a: (a.created_at or now, a.id))
                successor.make_primary(now)
                await self.accounts.save(successor)
        self.uow.enqueue(jobs.audited_account("removed", account, member_id, now))
        await self.uow.commit()
