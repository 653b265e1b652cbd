"""The double-entry ledger over PostgreSQL: a transaction is written once, by its key (``INSERT … ON CONFLICT DO
NOTHING``), with its entries."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import LedgerEntryRow, LedgerTransactionRow
from loopin.domain.payments.ledger import LedgerEntry, LedgerKind, LedgerTransaction, host_payable
from loopin.domain.shared.money import ZERO
from loopin.usecases.payments.ports import Ledger

# Written by every capture: Core statements built once, the values with the parameters.
_TRANSACTIONS = cast(Table, LedgerTransactionRow.__table__)
_ADD_TRANSACTION = (
    insert(_TRANSACTIONS)
    .on_conflict_do_nothing(index_elements=[_TRANSACTIONS.c.key])
    .returning(_TRANSACTIONS.c.id)
)
_ADD_ENTRIES = insert(cast(Table, LedgerEntryRow.__table__))


class SqlLedger(SqlAdapter, Ledger):
    async def record(self, transaction: LedgerTransaction) -> bool:
        t = transaction
        values = {
            "key": t.key,
            "kind": t.kind.value,
            "event_id": t.event_id,
            "order_id": t.order_id,
            "payout_id": t.payout_id,
            "currency": t.currency,
            "at": t.at,
        }
        txn_id = (await self._run_core(_ADD_TRANSACTION, values)).scalar()
        if txn_id is None:
            return False
        await self._run_core(
            _ADD_ENTRIES,
            [
                {"transaction_id": txn_id, "account": e.account, "amount": e.amount, "event_id": t.event_of(e)}
                for e in t.entries
            ],
        )
        return True

    async def transactions(self, *, event_id: int) -> list[LedgerTransaction]:
        rows = (
            await self._session.execute(
                select(LedgerTransactionRow, LedgerEntryRow)
                .join(LedgerEntryRow, LedgerEntryRow.transaction_id == LedgerTransactionRow.id)
                .where(LedgerTransactionRow.event_id == event_id)
                .order_by(LedgerTransactionRow.at, LedgerTransactionRow.key, LedgerEntryRow.id)
            )
        ).all()
        grouped: dict[int, tuple[LedgerTransactionRow, list[LedgerEntry]]] = {}
        for txn, entry in rows:
            grouped.setdefault(txn.id, (txn, []))[1].append(LedgerEntry(entry.account, entry.amount))
        return [
            LedgerTransaction(
                txn.key, LedgerKind(txn.kind), txn.event_id, txn.order_id, tuple(entries), txn.at, txn.currency
            )
            for txn, entries in grouped.values()
        ]

    async def host_share(self, host_id: int, event_id: int) -> Decimal:
        total = await self._session.scalar(
            select(func.coalesce(func.sum(LedgerEntryRow.amount), ZERO)).where(
                LedgerEntryRow.account == host_payable(host_id), LedgerEntryRow.event_id == event_id
            )
        )
        return -Decimal(total or 0)
