"""In-memory bank accounts, payout requests, host locks and earnings (the rules of the SQL adapters: one
primary and one active copy of an account per host, one payout in flight per host, a UTR recorded once)."""

from __future__ import annotations

from decimal import Decimal

from loopin.adapters.memory.events import EVENTS
from loopin.adapters.memory.payments.ledger import LEDGER
from loopin.adapters.memory.store import MemoryAdapter, MemoryRows
from loopin.domain.events.event import Event
from loopin.domain.payments.ledger import (
    HOST_PAYABLE_PREFIX,
    PLATFORM_FEE_REVENUE,
    REFUNDS_PAYABLE,
    LedgerKind,
    LedgerTransaction,
    host_payable,
)
from loopin.domain.payouts.balance import MONEY_FIGURES, EventFigures
from loopin.domain.payouts.bank_account import BankAccount
from loopin.domain.payouts.errors import PayoutInFlight, UtrTaken
from loopin.domain.payouts.ledger import PAYOUT_BANK, PAYOUTS_IN_FLIGHT
from loopin.domain.payouts.payout import PayoutRequest, PayoutStatus
from loopin.domain.shared.errors import ConcurrentChange
from loopin.domain.shared.money import ZERO
from loopin.usecases.payouts.ports import (
    BankAccountRepository,
    HostEarnings,
    PayoutHosts,
    PayoutRepository,
)
from loopin.usecases.shared.paging import Page

BANK_ACCOUNTS, PAYOUT_HOSTS, PAYOUTS = "bank_accounts", "payout_hosts", "payout_requests"


class MemoryPayoutHosts(MemoryAdapter, PayoutHosts):
    async def lock(self, host_id: int) -> None:
        await self._tx.lock(PAYOUT_HOSTS, host_id)


def _newest_primary_first(a: BankAccount) -> tuple[bool, float, int]:
    return (not a.is_primary, -(a.created_at.timestamp() if a.created_at else 0.0), -a.id)


class MemoryBankAccountRepository(MemoryAdapter, BankAccountRepository):
    def _check(self, account: BankAccount) -> None:
        """The SQL store's partial unique indexes (one active copy of an account, one primary per host), broken
        as the SQL adapter reports it."""
        for other in self._tx.rows(BANK_ACCOUNTS):
            if other.id == account.id or other.host_id != account.host_id or not other.is_active:
                continue
            if (account.is_active and other.fingerprint == account.fingerprint) or (
                account.is_primary and other.is_primary
            ):
                raise ConcurrentChange()

    async def add(self, account: BankAccount) -> BankAccount:
        self._check(account)
        account.id = self._tx.next_id(BANK_ACCOUNTS)
        self._tx.write(BANK_ACCOUNTS, account.id, account)
        return account

    async def get(self, account_id: int, *, host_id: int) -> BankAccount | None:
        found: BankAccount | None = self._tx.read(BANK_ACCOUNTS, account_id)
        return found if found is not None and found.host_id == host_id and found.is_active else None

    async def of_host(self, host_id: int) -> list[BankAccount]:
        found = [a for a in self._tx.rows(BANK_ACCOUNTS) if a.host_id == host_id and a.is_active]
        return sorted(found, key=_newest_primary_first)

    async def find(self, host_id: int, fingerprint: str) -> BankAccount | None:
        return next((a for a in await self.of_host(host_id) if a.fingerprint == fingerprint), None)

    async def save(self, account: BankAccount) -> None:
        if self._tx.read(BANK_ACCOUNTS, account.id) is None:
            raise LookupError(f"bank account {account.id} is not stored")
        self._check(account)
        self._tx.write(BANK_ACCOUNTS, account.id, account)

    async def by_ids(self, account_ids: list[int]) -> dict[int, BankAccount]:
        found = (self._tx.read(BANK_ACCOUNTS, i) for i in set(account_ids))
        return {a.id: a for a in found if a is not None}


class MemoryPayoutRepository(MemoryRows[PayoutRequest], PayoutRepository):
    table = PAYOUTS

    async def add(self, payout: PayoutRequest) -> PayoutRequest:
        if await self.in_flight_of(payout.host_id) is not None:
            raise PayoutInFlight()
        return await super().add(payout)

    async def lock(self, payout_id: int) -> PayoutRequest | None:
        if self._read(payout_id) is None:
            return None
        return await self._locked(payout_id)

    async def save(self, payout: PayoutRequest) -> None:
        if self._read(payout.id) is None:
            raise LookupError(f"payout {payout.id} is not stored")
        if payout.utr is not None and any(
            p.utr == payout.utr and p.id != payout.id for p in self._tx.rows(PAYOUTS)
        ):
            raise UtrTaken()
        await super().save(payout)

    async def of_host(self, host_id: int, *, offset: int, limit: int) -> Page[PayoutRequest]:
        found = sorted((p for p in self._tx.rows(PAYOUTS) if p.host_id == host_id), key=lambda p: -p.id)
        return Page.cut(found, offset, limit)

    async def by_status(self, status: PayoutStatus | None, *, offset: int, limit: int) -> Page[PayoutRequest]:
        found = sorted(
            (p for p in self._tx.rows(PAYOUTS) if status is None or p.status is status), key=lambda p: p.id
        )
        return Page.cut(found, offset, limit)

    async def in_flight_to(self, bank_account_id: int) -> bool:
        return any(p.bank_account_id == bank_account_id and p.status.in_flight for p in self._tx.rows(PAYOUTS))

    async def in_flight_of(self, host_id: int) -> PayoutRequest | None:
        return next((p for p in self._tx.rows(PAYOUTS) if p.host_id == host_id and p.status.in_flight), None)


class MemoryHostEarnings(MemoryAdapter, HostEarnings):
    async def figures(self, host_id: int) -> list[EventFigures]:
        events: dict[int, Event] = {e.id: e for e in self._tx.rows(EVENTS) if e.host_id == host_id}
        sums: dict[int, dict[str, Decimal]] = {}
        mine = host_payable(host_id)
        for t in self._tx.rows(LEDGER):
            for e in t.entries:
                event_id = t.event_of(e)
                if event_id not in events:
                    continue
                s = sums.setdefault(event_id, dict.fromkeys(MONEY_FIGURES, ZERO))
                _add(s, t, e.account, e.amount, mine)
        found = [EventFigures(i, events[i].title, events[i].end_time, **s) for i, s in sums.items()]
        return sorted(found, key=lambda f: (f.ends_at, f.event_id))

    async def hosts_with_money(self, *, after_id: int, limit: int) -> list[int]:
        totals: dict[int, Decimal] = {}
        for t in self._tx.rows(LEDGER):
            for e in t.entries:
                if e.account.startswith(HOST_PAYABLE_PREFIX):
                    host = int(e.account.removeprefix(HOST_PAYABLE_PREFIX))
                    totals[host] = totals.get(host, ZERO) + e.amount
        return sorted(h for h, v in totals.items() if v != ZERO and h > after_id)[:limit]


def _add(s: dict[str, Decimal], t: LedgerTransaction, account: str, amount: Decimal, mine: str) -> None:
    """The same sums as the SQL adapter's FILTER clauses (signs as a host reads them)."""
    if t.kind is LedgerKind.PAYMENT and amount > ZERO:
        s["gross_sales"] += amount
    if account == PLATFORM_FEE_REVENUE:
        s["platform_fee"] -= amount
    if t.kind is LedgerKind.REFUND_OWED and account == REFUNDS_PAYABLE:
        s["refunds"] -= amount
    if account == mine and t.kind in (LedgerKind.PAYMENT, LedgerKind.REFUND_OWED):
        s["host_share"] -= amount
    if account == PAYOUTS_IN_FLIGHT:
        s["in_flight"] -= amount
    if account == PAYOUT_BANK:
        s["paid_out"] -= amount
