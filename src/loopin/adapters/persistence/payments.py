"""Payment orders, refunds, the ledger, the notice log and the fee config over PostgreSQL.

Expiry is one conditional statement (``status IN ('created','pending')``, rows another transaction holds are
skipped), so an order releases its seats exactly once and never under a settlement in progress. Ledger and
notice writes are ``INSERT … ON CONFLICT DO NOTHING`` on their unique keys.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import (
    EventRow,
    LedgerEntryRow,
    LedgerTransactionRow,
    PaymentNoticeRow,
    PaymentOrderRow,
    PlatformFeeConfigRow,
    RefundRow,
    is_storable_id,
)
from loopin.adapters.persistence.rows import RowRepository, copy_to_row, entity_from_row, row_values
from loopin.domain.payments.fee import PlatformFeeConfig, PriceQuote
from loopin.domain.payments.ledger import LedgerEntry, LedgerKind, LedgerTransaction, host_payable
from loopin.domain.payments.order import EXPIRED_REASON, OPEN_STATUSES, OrderStatus, PaymentOrder, is_order_id
from loopin.domain.payments.refund import UNFINISHED_REFUND, Refund
from loopin.domain.shared.money import ZERO
from loopin.usecases.payments.ports import (
    FeeConfigRepository,
    Ledger,
    NoticeLog,
    OpenHolds,
    OpenOrderExists,
    OrderRecord,
    PaymentOrderRepository,
    ReceivedNotice,
    RefundRepository,
    ReleasedHold,
)

OPEN = [s.value for s in OPEN_STATUSES]
# An order by its txnid, read and locked as Core statements built once (RowRepository._core_one: no ORM load, and
# a save sends an UPDATE of what it changed at once): every notice reads its order, and a settlement's writes go
# before the seat statement, under the event's lock (OrderSettlement).
_ORDERS = cast(Table, PaymentOrderRow.__table__)
_BY_REFERENCE = select(*_ORDERS.c).where(_ORDERS.c.order_id == bindparam("reference"))
_LOCK_BY_REFERENCE = _BY_REFERENCE.with_for_update()
# Written by every notice and every capture: Core statements built once, the values with the parameters.
_NOTICES = cast(Table, PaymentNoticeRow.__table__)
_RECORD_NOTICE = insert(_NOTICES).on_conflict_do_nothing(index_elements=[_NOTICES.c.key]).returning(_NOTICES.c.id)
_TRANSACTIONS = cast(Table, LedgerTransactionRow.__table__)
_ADD_TRANSACTION = (
    insert(_TRANSACTIONS)
    .on_conflict_do_nothing(index_elements=[_TRANSACTIONS.c.key])
    .returning(_TRANSACTIONS.c.id)
)
_ADD_ENTRIES = insert(cast(Table, LedgerEntryRow.__table__))


def order_from_row(row: PaymentOrderRow) -> PaymentOrder:
    return entity_from_row(PaymentOrder, row, quote=entity_from_row(PriceQuote, row))


def _copy_order(o: PaymentOrder, row: PaymentOrderRow) -> None:
    """The quote's figures are columns of the order's row, under the same names."""
    copy_to_row(o, row, skip=("id", "created_at", "updated_at", "quote"))
    copy_to_row(o.quote, row, skip=())
    row.currency = o.currency


class SqlPaymentOrderRepository(RowRepository[PaymentOrder, PaymentOrderRow], PaymentOrderRepository):
    def _entity(self, row: PaymentOrderRow) -> PaymentOrder:
        return order_from_row(row)

    def _write(self, order: PaymentOrder, row: PaymentOrderRow) -> None:
        _copy_order(order, row)

    async def add(self, order: PaymentOrder) -> PaymentOrder:
        row = PaymentOrderRow()
        _copy_order(order, row)
        if order.created_at is not None:
            row.created_at = order.created_at
        self._session.add(row)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            if "uq_payment_orders_open" in str(exc.orig):
                raise OpenOrderExists() from exc
            raise
        order.id = row.id
        return order

    async def _by_reference(self, reference: str, *, lock: bool) -> PaymentOrder | None:
        if not is_order_id(reference):
            return None
        return await self._core_one(_LOCK_BY_REFERENCE if lock else _BY_REFERENCE, {"reference": reference})

    async def get(self, reference: str) -> PaymentOrder | None:
        return await self._by_reference(reference, lock=False)

    async def lock(self, reference: str) -> PaymentOrder | None:
        return await self._by_reference(reference, lock=True)

    async def get_by_id(self, order_id: int) -> PaymentOrder | None:
        return await self._one(select(PaymentOrderRow).where(PaymentOrderRow.id == order_id))

    async def open_for(self, event_id: int, member_id: int) -> PaymentOrder | None:
        return await self._one(
            select(PaymentOrderRow).where(
                PaymentOrderRow.event_id == event_id,
                PaymentOrderRow.member_id == member_id,
                PaymentOrderRow.status.in_(OPEN),
            )
        )

    async def open_holds(self, event_id: int) -> OpenHolds:
        rows = (
            await self._session.execute(
                select(PaymentOrderRow.member_id, PaymentOrderRow.seats, PaymentOrderRow.expires_at).where(
                    PaymentOrderRow.event_id == event_id, PaymentOrderRow.status.in_(OPEN)
                )
            )
        ).all()
        return OpenHolds(
            frozenset(r.member_id for r in rows),
            sum(r.seats for r in rows),
            min((r.expires_at for r in rows), default=None),
        )

    async def expire_overdue(self, now: datetime, *, event_id: int | None, limit: int) -> list[ReleasedHold]:
        candidates = (
            select(PaymentOrderRow.id)
            .where(PaymentOrderRow.status.in_(OPEN), PaymentOrderRow.expires_at <= now)
            .order_by(PaymentOrderRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if event_id is not None:
            candidates = candidates.where(PaymentOrderRow.event_id == event_id)
        statement = (
            update(PaymentOrderRow)
            .where(PaymentOrderRow.id.in_(candidates.scalar_subquery()), PaymentOrderRow.status.in_(OPEN))
            .values(
                status=OrderStatus.EXPIRED.value,
                closed_at=now,
                updated_at=now,
                failure_reason=EXPIRED_REASON,
            )
            .returning(
                PaymentOrderRow.id,
                PaymentOrderRow.order_id,
                PaymentOrderRow.event_id,
                PaymentOrderRow.member_id,
                PaymentOrderRow.seats,
            )
            .execution_options(synchronize_session=False)
        )
        rows = (await self._session.execute(statement)).all()
        return [ReleasedHold(*row) for row in rows]

    async def of_member(self, member_id: int) -> list[OrderRecord]:
        if not is_storable_id(member_id):
            return []
        found = (
            await self._session.execute(
                select(PaymentOrderRow, EventRow.title)
                .join(EventRow, EventRow.id == PaymentOrderRow.event_id)
                .where(PaymentOrderRow.member_id == member_id)
                .order_by(PaymentOrderRow.id.desc())
            )
        ).all()
        refunds: dict[int, list[Refund]] = {}
        if found:
            rows = await self._session.scalars(
                select(RefundRow).where(RefundRow.order_id.in_([o.id for o, _ in found])).order_by(RefundRow.id)
            )
            for row in rows:
                refunds.setdefault(row.order_id, []).append(refund_from_row(row))
        return [OrderRecord(order_from_row(o), title, tuple(refunds.get(o.id, ()))) for o, title in found]

    async def captured_for_event(self, event_id: int) -> list[str]:
        rows = await self._session.scalars(
            select(PaymentOrderRow.order_id)
            .where(
                PaymentOrderRow.event_id == event_id,
                PaymentOrderRow.captured_amount > PaymentOrderRow.refunded_amount,
            )
            .order_by(PaymentOrderRow.id)
        )
        return list(rows)

    async def due_for_check(
        self, *, opened_before: datetime, released_after: datetime, checked_before: datetime, limit: int
    ) -> list[str]:
        o = PaymentOrderRow
        statement = (
            select(o.order_id)
            .where(
                or_(
                    and_(o.status.in_(OPEN), o.created_at <= opened_before),
                    and_(
                        o.status == OrderStatus.EXPIRED.value,
                        o.gateway_payment_id.is_(None),
                        o.closed_at >= released_after,
                    ),
                ),
                or_(o.checked_at.is_(None), o.checked_at <= checked_before),
            )
            .order_by(o.checked_at.asc().nulls_first(), o.id)
            .limit(limit)
        )
        return list(await self._session.scalars(statement))


def refund_from_row(row: RefundRow) -> Refund:
    return entity_from_row(Refund, row)


def _refund_values(r: Refund) -> dict[str, Any]:
    return row_values(r, skip=("id", "created_at", "updated_at"))


class SqlRefundRepository(SqlAdapter, RefundRepository):
    async def add(self, refund: Refund) -> tuple[Refund, bool]:
        values = _refund_values(refund)
        if refund.created_at is not None:
            values["created_at"] = refund.created_at
        statement = (
            insert(RefundRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[RefundRow.idempotency_key])
            .returning(RefundRow.id)
        )
        new_id = await self._session.scalar(statement)
        if new_id is not None:
            refund.id = new_id
            return refund, True
        row = await self._session.scalar(
            select(RefundRow).where(RefundRow.idempotency_key == refund.idempotency_key)
        )
        if row is None:
            raise LookupError(f"refund {refund.idempotency_key} vanished")
        return refund_from_row(row), False

    async def lock(self, refund_id: int) -> Refund | None:
        row = await self._session.get(RefundRow, refund_id, with_for_update=True, populate_existing=True)
        return refund_from_row(row) if row else None

    async def for_order(self, order_id: int) -> list[Refund]:
        rows = await self._session.scalars(
            select(RefundRow).where(RefundRow.order_id == order_id).order_by(RefundRow.id)
        )
        return [refund_from_row(r) for r in rows]

    async def save(self, refund: Refund) -> None:
        await self._session.execute(
            update(RefundRow)
            .where(RefundRow.id == refund.id)
            .values(**_refund_values(refund))
            .execution_options(synchronize_session=False)
        )

    async def unfinished(self, *, updated_before: datetime, limit: int) -> list[int]:
        rows = await self._session.scalars(
            select(RefundRow.id)
            .where(
                RefundRow.status.in_(sorted(s.value for s in UNFINISHED_REFUND)),
                RefundRow.updated_at <= updated_before,
            )
            .order_by(RefundRow.updated_at, RefundRow.id)
            .limit(limit)
        )
        return list(rows)


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


class SqlNoticeLog(SqlAdapter, NoticeLog):
    async def record(self, notice: ReceivedNotice) -> bool:
        values = {
            "key": notice.key,
            "source": notice.source,
            "txnid": notice.txnid[:64],
            "verified": notice.verified,
            "outcome": notice.outcome[:16],
            "details": dict(notice.details),
            "received_at": notice.received_at,
        }
        return (await self._run_core(_RECORD_NOTICE, values)).scalar() is not None

    async def count(self, txnid: str) -> int:
        return int(
            await self._session.scalar(
                select(func.count()).select_from(PaymentNoticeRow).where(PaymentNoticeRow.txnid == txnid[:64])
            )
            or 0
        )


class SqlFeeConfigRepository(SqlAdapter, FeeConfigRepository):
    async def get(self) -> PlatformFeeConfig:
        row = await self._session.get(PlatformFeeConfigRow, 1, populate_existing=True)
        return _config(row) if row else PlatformFeeConfig()

    async def lock(self) -> PlatformFeeConfig:
        default = PlatformFeeConfig()
        await self._session.execute(
            insert(PlatformFeeConfigRow)
            .values(id=1, percentage=default.percentage, description=default.description)
            .on_conflict_do_nothing(index_elements=[PlatformFeeConfigRow.id])
        )
        row = await self._session.get(PlatformFeeConfigRow, 1, with_for_update=True, populate_existing=True)
        if row is None:
            raise LookupError("the fee config vanished")
        return _config(row)

    async def save(self, config: PlatformFeeConfig) -> None:
        await self._session.execute(
            update(PlatformFeeConfigRow)
            .where(PlatformFeeConfigRow.id == 1)
            .values(**row_values(config, skip=()))
            .execution_options(synchronize_session=False)
        )


def _config(row: PlatformFeeConfigRow) -> PlatformFeeConfig:
    return entity_from_row(PlatformFeeConfig, row)
