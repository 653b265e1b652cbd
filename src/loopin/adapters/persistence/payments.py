"""Payment orders, refunds, the ledger, the notice log and the fee config over PostgreSQL.

Expiry is one conditional statement (``status IN ('created','pending')``, rows another transaction holds are
skipped), so an order releases its seats exactly once and never under a settlement in progress. Ledger and
notice writes are ``INSERT … ON CONFLICT DO NOTHING`` on their unique keys.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.persistence.orm import (
    LedgerEntryRow,
    LedgerTransactionRow,
    PaymentNoticeRow,
    PaymentOrderRow,
    PlatformFeeConfigRow,
    RefundRow,
)
from loopin.domain.payments.fee import PlatformFeeConfig, PriceQuote
from loopin.domain.payments.ledger import LedgerEntry, LedgerKind, LedgerTransaction, host_payable
from loopin.domain.payments.order import OPEN_STATUSES, OrderStatus, PaymentOrder
from loopin.domain.payments.refund import Refund, RefundReason, RefundStatus
from loopin.domain.shared.money import ZERO
from loopin.usecases.payments.ports import (
    FeeConfigRepository,
    Ledger,
    NoticeLog,
    OpenOrderExists,
    PaymentOrderRepository,
    ReceivedNotice,
    RefundRepository,
    ReleasedHold,
)

OPEN = [s.value for s in OPEN_STATUSES]
EXPIRED_REASON = "The payment window closed before the payment completed."
_REFERENCE_MAX = 25


def order_from_row(row: PaymentOrderRow) -> PaymentOrder:
    return PaymentOrder(
        id=row.id,
        order_id=row.order_id,
        event_id=row.event_id,
        member_id=row.member_id,
        host_id=row.host_id,
        quote=PriceQuote(
            base_price=row.base_price,
            seats=row.seats,
            fee_percentage=row.fee_percentage,
            buyer_price=row.buyer_price,
            amount=row.amount,
            host_share=row.host_share,
            platform_fee=row.platform_fee,
        ),
        gateway=row.gateway,
        expires_at=row.expires_at,
        status=OrderStatus(row.status),
        gateway_payment_id=row.gateway_payment_id,
        bank_ref_num=row.bank_ref_num,
        failure_reason=row.failure_reason,
        captured_amount=row.captured_amount,
        refunded_amount=row.refunded_amount,
        captured_at=row.captured_at,
        closed_at=row.closed_at,
        checked_at=row.checked_at,
        uuid=row.uuid,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _copy_order(o: PaymentOrder, row: PaymentOrderRow) -> None:
    q = o.quote
    row.order_id, row.uuid = o.order_id, o.uuid
    row.event_id, row.member_id, row.host_id = o.event_id, o.member_id, o.host_id
    row.seats, row.base_price, row.fee_percentage, row.buyer_price = (
        q.seats,
        q.base_price,
        q.fee_percentage,
        q.buyer_price,
    )
    row.amount, row.host_share, row.platform_fee = q.amount, q.host_share, q.platform_fee
    row.currency, row.status, row.gateway, row.expires_at = o.currency, o.status.value, o.gateway, o.expires_at
    row.gateway_payment_id, row.bank_ref_num, row.failure_reason = (
        o.gateway_payment_id,
        o.bank_ref_num,
        o.failure_reason,
    )
    row.captured_amount, row.refunded_amount = o.captured_amount, o.refunded_amount
    row.captured_at, row.closed_at, row.checked_at = o.captured_at, o.closed_at, o.checked_at
    if o.updated_at is not None:  # the entity's time (from the Clock), not the flush's wall clock
        row.updated_at = o.updated_at


def _storable(reference: str) -> bool:
    return 0 < len(reference) <= _REFERENCE_MAX and reference.isascii() and reference.isalnum()


class SqlPaymentOrderRepository(PaymentOrderRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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

    async def _one(self, reference: str, *, lock: bool) -> PaymentOrder | None:
        if not _storable(reference):
            return None
        statement = select(PaymentOrderRow).where(PaymentOrderRow.order_id == reference)
        if lock:
            statement = statement.with_for_update()
        row = await self._session.scalar(statement.execution_options(populate_existing=True))
        return order_from_row(row) if row else None

    async def get(self, reference: str) -> PaymentOrder | None:
        return await self._one(reference, lock=False)

    async def lock(self, reference: str) -> PaymentOrder | None:
        return await self._one(reference, lock=True)

    async def get_by_id(self, order_id: int) -> PaymentOrder | None:
        row = await self._session.get(PaymentOrderRow, order_id, populate_existing=True)
        return order_from_row(row) if row else None

    async def open_for(self, event_id: int, member_id: int) -> PaymentOrder | None:
        row = await self._session.scalar(
            select(PaymentOrderRow)
            .where(
                PaymentOrderRow.event_id == event_id,
                PaymentOrderRow.member_id == member_id,
                PaymentOrderRow.status.in_(OPEN),
            )
            .execution_options(populate_existing=True)
        )
        return order_from_row(row) if row else None

    async def save(self, order: PaymentOrder) -> None:
        row = await self._session.get(PaymentOrderRow, order.id)
        if row is None:
            raise LookupError(f"order {order.id} is not stored")
        _copy_order(order, row)

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
    return Refund(
        id=row.id,
        order_id=row.order_id,
        idempotency_key=row.idempotency_key,
        token=row.token,
        amount=row.amount,
        reason=RefundReason(row.reason),
        status=RefundStatus(row.status),
        gateway_refund_id=row.gateway_refund_id,
        failure_reason=row.failure_reason,
        attempts=row.attempts,
        created_at=row.created_at,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
    )


def _refund_values(r: Refund) -> dict[str, Any]:
    values: dict[str, Any] = {
        "order_id": r.order_id,
        "idempotency_key": r.idempotency_key,
        "token": r.token,
        "amount": r.amount,
        "reason": r.reason.value,
        "status": r.status.value,
        "gateway_refund_id": r.gateway_refund_id,
        "failure_reason": r.failure_reason,
        "attempts": r.attempts,
        "completed_at": r.completed_at,
    }
    if r.updated_at is not None:
        values["updated_at"] = r.updated_at
    return values


class SqlRefundRepository(RefundRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
                RefundRow.status.in_([RefundStatus.PENDING.value, RefundStatus.REQUESTED.value]),
                RefundRow.updated_at <= updated_before,
            )
            .order_by(RefundRow.updated_at, RefundRow.id)
            .limit(limit)
        )
        return list(rows)


class SqlLedger(Ledger):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, transaction: LedgerTransaction) -> bool:
        t = transaction
        txn_id = await self._session.scalar(
            insert(LedgerTransactionRow)
            .values(
                key=t.key,
                kind=t.kind.value,
                event_id=t.event_id,
                order_id=t.order_id,
                currency=t.currency,
                at=t.at,
            )
            .on_conflict_do_nothing(index_elements=[LedgerTransactionRow.key])
            .returning(LedgerTransactionRow.id)
        )
        if txn_id is None:
            return False
        await self._session.execute(
            insert(LedgerEntryRow),
            [
                {"transaction_id": txn_id, "account": e.account, "amount": e.amount, "event_id": t.event_id}
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


class SqlNoticeLog(NoticeLog):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, notice: ReceivedNotice) -> bool:
        statement = (
            insert(PaymentNoticeRow)
            .values(
                key=notice.key,
                source=notice.source,
                txnid=notice.txnid[:64],
                verified=notice.verified,
                outcome=notice.outcome[:16],
                details=dict(notice.details),
                received_at=notice.received_at,
            )
            .on_conflict_do_nothing(index_elements=[PaymentNoticeRow.key])
            .returning(PaymentNoticeRow.id)
        )
        return await self._session.scalar(statement) is not None

    async def count(self, txnid: str) -> int:
        return int(
            await self._session.scalar(
                select(func.count()).select_from(PaymentNoticeRow).where(PaymentNoticeRow.txnid == txnid[:64])
            )
            or 0
        )


class SqlFeeConfigRepository(FeeConfigRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
            .values(
                percentage=config.percentage,
                description=config.description,
                updated_by=config.updated_by,
                updated_at=config.updated_at,
            )
            .execution_options(synchronize_session=False)
        )


def _config(row: PlatformFeeConfigRow) -> PlatformFeeConfig:
    return PlatformFeeConfig(row.percentage, row.description, row.updated_by, row.updated_at)
