"""The in-memory ledger: a transaction is recorded once, by its key, as in SQL."""

from __future__ import annotations

from decimal import Decimal

from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.payments.ledger import LedgerTransaction, host_payable
from loopin.domain.shared.money import ZERO
from loopin.usecases.payments.ports import Ledger

LEDGER = "ledger_transactions"


class MemoryLedger(MemoryAdapter, Ledger):
    async def record(self, transaction: LedgerTransaction) -> bool:
        return await self._tx.insert_once(LEDGER, transaction.key, transaction)

    async def transactions(self, *, event_id: int) -> list[LedgerTransaction]:
        found = [t for t in self._tx.rows(LEDGER) if t.event_id == event_id]
        return sorted(found, key=lambda t: (t.at, t.key))

    async def host_share(self, host_id: int, event_id: int) -> Decimal:
        account = host_payable(host_id)
        entries = (
            e.amount
            for t in self._tx.rows(LEDGER)
            for e in t.entries
            if e.account == account and t.event_of(e) == event_id
        )
        return -sum(entries, ZERO)
