"""Bank accounts, payout requests, the per-host lock and what the ledger says a host earned, over PostgreSQL.

The host lock is a row lock on ``payout_hosts`` (created on first use): ``INSERT … ON CONFLICT DO NOTHING``
then ``SELECT … FOR UPDATE``. A row rather than an advisory lock: it needs no key space shared with anything
else, shows up in ``pg_locks`` as a plain row lock, and a bigint host id fits it as is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import (
    BankAccountRow,
    EventRow,
    LedgerEntryRow,
    LedgerTransactionRow,
    PayoutHostRow,
    PayoutRequestRow,
    is_storable_id,
)
from loopin.adapters.persistence.rows import RowRepository, entity_from_row, row_values
from loopin.domain.payments.ledger import (
    HOST_PAYABLE_PREFIX,
    PLATFORM_FEE_REVENUE,
    REFUNDS_PAYABLE,
    LedgerKind,
    host_payable,
)
from loopin.domain.payouts.balance import EventFigures
from loopin.domain.payouts.bank_account import BankAccount
from loopin.domain.payouts.errors import PayoutInFlight, UtrTaken
from loopin.domain.payouts.ledger import PAYOUT_BANK, PAYOUTS_IN_FLIGHT
from loopin.domain.payouts.payout import IN_FLIGHT, Allocation, PayoutRequest, PayoutStatus
from loopin.domain.shared.errors import ConcurrentChange
from loopin.domain.shared.money import ZERO
from loopin.usecases.payouts.ports import (
    BankAccountRepository,
    HostEarnings,
    PayoutHosts,
    PayoutRepository,
)
from loopin.usecases.shared.paging import Page

IN_FLIGHT_VALUES = [s.value for s in IN_FLIGHT]


class SqlPayoutHosts(SqlAdapter, PayoutHosts):
    async def lock(self, host_id: int) -> None:
        await self._session.execute(
            insert(PayoutHostRow).values(host_id=host_id).on_conflict_do_nothing(index_elements=["host_id"])
        )
        await self._session.execute(
            select(PayoutHostRow.host_id).where(PayoutHostRow.host_id == host_id).with_for_update()
        )


def bank_account_from_row(row: BankAccountRow) -> BankAccount:
    return entity_from_row(BankAccount, row)


class SqlBankAccountRepository(SqlAdapter, BankAccountRepository):
    async def add(self, account: BankAccount) -> BankAccount:
        values = row_values(account, skip=("id", "created_at", "updated_at"))
        values["created_at"] = account.created_at
        try:
            new_id = await self._session.scalar(
                insert(BankAccountRow).values(**values).returning(BankAccountRow.id)
            )
        except IntegrityError as exc:  # a second active copy or a second primary (the partial unique indexes)
            raise ConcurrentChange() from exc
        account.id = int(new_id or 0)
        return account

    async def get(self, account_id: int, *, host_id: int) -> BankAccount | None:
        if not is_storable_id(account_id):
            return None
        row = await self._session.scalar(
            select(BankAccountRow)
            .where(BankAccountRow.id == account_id, BankAccountRow.host_id == host_id, BankAccountRow.is_active)
            .execution_options(populate_existing=True)
        )
        return bank_account_from_row(row) if row else None

    async def of_host(self, host_id: int) -> list[BankAccount]:
        rows = await self._session.scalars(
            select(BankAccountRow)
            .where(BankAccountRow.host_id == host_id, BankAccountRow.is_active)
            .order_by(BankAccountRow.is_primary.desc(), BankAccountRow.created_at.desc(), BankAccountRow.id.desc())
            .execution_options(populate_existing=True)
        )
        return [bank_account_from_row(r) for r in rows]

    async def find(self, host_id: int, fingerprint: str) -> BankAccount | None:
        row = await self._session.scalar(
            select(BankAccountRow).where(
                BankAccountRow.host_id == host_id,
                BankAccountRow.fingerprint == fingerprint,
                BankAccountRow.is_active,
            )
        )
        return bank_account_from_row(row) if row else None

    async def save(self, account: BankAccount) -> None:
        await self._session.execute(
            update(BankAccountRow)
            .where(BankAccountRow.id == account.id)
            .values(**row_values(account, skip=("id", "created_at", "host_id", "sealed_number", "fingerprint")))
            .execution_options(synchronize_session=False)
        )

    async def by_ids(self, account_ids: list[int]) -> dict[int, BankAccount]:
        ids = sorted({i for i in account_ids if is_storable_id(i)})
        if not ids:
            return {}
        rows = await self._session.scalars(select(BankAccountRow).where(BankAccountRow.id.in_(ids)))
        return {r.id: bank_account_from_row(r) for r in rows}


def _payout(row: PayoutRequestRow) -> PayoutRequest:
    allocations = tuple(Allocation(int(e), Decimal(a)) for e, a in row.allocations)
    return entity_from_row(PayoutRequest, row, allocations=allocations)


def _payout_values(p: PayoutRequest) -> dict[str, Any]:
    return row_values(
        p,
        skip=("id", "created_at", "updated_at"),
        allocations=[[a.event_id, str(a.amount)] for a in p.allocations],
    )


class SqlPayoutRepository(RowRepository[PayoutRequest, PayoutRequestRow], PayoutRepository):
    """Written with statements of its own (``add``, ``save``): the unique indexes they break have names."""

    def _entity(self, row: PayoutRequestRow) -> PayoutRequest:
        return _payout(row)

    async def add(self, payout: PayoutRequest) -> PayoutRequest:
        values = _payout_values(payout)
        values["created_at"] = payout.created_at
        try:
            async with self._session.begin_nested():
                new_id = await self._session.scalar(
                    insert(PayoutRequestRow).values(**values).returning(PayoutRequestRow.id)
                )
        except IntegrityError as exc:
            if "uq_payout_requests_in_flight" in str(exc.orig):
                raise PayoutInFlight() from exc
            raise
        payout.id = int(new_id or 0)
        return payout

    async def get(self, payout_id: int) -> PayoutRequest | None:
        return await self._fresh(payout_id)

    async def lock(self, payout_id: int) -> PayoutRequest | None:
        return await self._fresh(payout_id, lock=True)

    async def save(self, payout: PayoutRequest) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    update(PayoutRequestRow)
                    .where(PayoutRequestRow.id == payout.id)
                    .values(**_payout_values(payout))
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError as exc:
            if "uq_payout_requests_utr" in str(exc.orig):
                raise UtrTaken() from exc
            raise

    async def _page(self, where: Any, order: Any, offset: int, limit: int) -> Page[PayoutRequest]:
        rows = (
            await self._session.execute(
                select(PayoutRequestRow, func.count().over())
                .where(where)
                .order_by(order)
                .offset(offset)
                .limit(limit)
                .execution_options(populate_existing=True)
            )
        ).all()
        if rows:
            return Page(int(rows[0][1]), [_payout(r) for r, _ in rows])
        total = await self._session.scalar(select(func.count()).select_from(PayoutRequestRow).where(where))
        return Page(int(total or 0), [])

    async def of_host(self, host_id: int, *, offset: int, limit: int) -> Page[PayoutRequest]:
        return await self._page(PayoutRequestRow.host_id == host_id, PayoutRequestRow.id.desc(), offset, limit)

    async def by_status(self, status: PayoutStatus | None, *, offset: int, limit: int) -> Page[PayoutRequest]:
        where = literal(True) if status is None else PayoutRequestRow.status == status.value
        return await self._page(where, PayoutRequestRow.id.asc(), offset, limit)

    async def in_flight_to(self, bank_account_id: int) -> bool:
        return bool(
            await self._session.scalar(
                select(
                    exists().where(
                        PayoutRequestRow.bank_account_id == bank_account_id,
                        PayoutRequestRow.status.in_(IN_FLIGHT_VALUES),
                    )
                )
            )
        )

    async def in_flight_of(self, host_id: int) -> PayoutRequest | None:
        row = await self._session.scalar(
            select(PayoutRequestRow)
            .where(PayoutRequestRow.host_id == host_id, PayoutRequestRow.status.in_(IN_FLIGHT_VALUES))
            .execution_options(populate_existing=True)
        )
        return _payout(row) if row else None


def _sum(condition: Any, *, negate: bool = True) -> Any:
    total = func.coalesce(func.sum(LedgerEntryRow.amount).filter(condition), ZERO)
    return -total if negate else total


class SqlHostEarnings(SqlAdapter, HostEarnings):
    async def figures(self, host_id: int) -> list[EventFigures]:
        if not is_storable_id(host_id):
            return []
        e, t = LedgerEntryRow, LedgerTransactionRow
        mine = host_payable(host_id)
        kind = t.kind
        statement = (
            select(
                EventRow.id,
                EventRow.title,
                EventRow.end_time,
                _sum(and_(kind == LedgerKind.PAYMENT.value, e.amount > 0), negate=False),
                _sum(e.account == PLATFORM_FEE_REVENUE),
                _sum(and_(kind == LedgerKind.REFUND_OWED.value, e.account == REFUNDS_PAYABLE)),
                _sum(and_(e.account == mine, kind.in_([LedgerKind.PAYMENT.value, LedgerKind.REFUND_OWED.value]))),
                _sum(e.account == PAYOUTS_IN_FLIGHT),
                _sum(e.account == PAYOUT_BANK),
            )
            .join(e, e.event_id == EventRow.id)
            .join(t, t.id == e.transaction_id)
            .where(EventRow.host_id == host_id)
            .group_by(EventRow.id)
            .order_by(EventRow.end_time, EventRow.id)
        )
        rows = (await self._session.execute(statement)).all()
        return [EventFigures(*row) for row in rows]

    async def hosts_with_money(self, *, after_id: int, limit: int) -> list[int]:
        accounts = await self._session.scalars(
            select(LedgerEntryRow.account)
            .where(LedgerEntryRow.account.startswith(HOST_PAYABLE_PREFIX))
            .group_by(LedgerEntryRow.account)
            .having(func.sum(LedgerEntryRow.amount) != 0)
        )
        hosts = sorted(int(a.removeprefix(HOST_PAYABLE_PREFIX)) for a in accounts)
        return [h for h in hosts if h > after_id][:limit]
