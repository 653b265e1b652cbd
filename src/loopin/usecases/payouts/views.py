"""What payout use cases answer with: plain data, the account number only ever masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loopin.domain.payouts.balance import EventBalance, HostBalance
from loopin.domain.payouts.bank_account import BankAccount
from loopin.domain.payouts.payout import Allocation, PayoutRequest, PayoutStatus
from loopin.usecases.payouts.ports import BankAccountRepository
from loopin.usecases.shared.attributes import from_attributes
from loopin.usecases.shared.paging import Page


@dataclass(frozen=True, slots=True)
class BankAccountView:
    id: int
    bank_name: str
    masked_account_number: str
    ifsc_code: str
    account_holder_name: str
    is_primary: bool
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, a: BankAccount) -> BankAccountView:
        return from_attributes(cls, a, masked_account_number=a.masked_number)


@dataclass(frozen=True, slots=True)
class BankAccountAdded:
    account: BankAccountView
    created: bool  # False: the same account was already there


@dataclass(frozen=True, slots=True)
class PayoutView:
    id: int
    host_id: int
    amount: Decimal
    status: str
    origin: str
    bank_account: BankAccountView | None
    allocations: tuple[Allocation, ...]  # the domain's value: (event_id, amount)
    sender: str
    utr: str | None
    failure_reason: str
    approved_by: int | None
    approved_at: datetime | None
    closed_by: int | None
    closed_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def in_flight(self) -> bool:
        """Requested or approved (``PayoutStatus.in_flight``): staff have yet to approve it, or mark it paid
        or failed."""
        return PayoutStatus(self.status).in_flight

    @classmethod
    def of(cls, p: PayoutRequest, account: BankAccount | None) -> PayoutView:
        return from_attributes(
            cls,
            p,
            status=p.status.value,
            origin=p.origin.value,
            bank_account=BankAccountView.of(account) if account is not None else None,
        )


@dataclass(frozen=True, slots=True)
class PayoutSummary:
    """The host's money screen."""

    balance: HostBalance
    events: tuple[EventBalance, ...]
    minimum: Decimal
    settlement_delay_hours: int
    in_flight: PayoutView | None


@dataclass(frozen=True, slots=True)
class PayoutViews:
    """Payouts as they are shown, each with the account it goes to (masked): one query for a page."""

    accounts: BankAccountRepository

    async def one(self, payout: PayoutRequest) -> PayoutView:
        accounts = await self.accounts.by_ids([payout.bank_account_id])
        return PayoutView.of(payout, accounts.get(payout.bank_account_id))

    async def page(self, page: Page[PayoutRequest]) -> Page[PayoutView]:
        accounts = await self.accounts.by_ids([p.bank_account_id for p in page.rows])
        return Page(page.total, [PayoutView.of(p, accounts.get(p.bank_account_id)) for p in page.rows])
