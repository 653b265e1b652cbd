"""Payment orders over PostgreSQL.

Expiry is one conditional statement (``status IN ('created','pending')``, rows another transaction holds are
skipped), so an order releases its seats exactly once and never under a settlement in progress.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError

from loopin.adapters.persistence.orm import EventRow, PaymentOrderRow, RefundRow, is_storable_id
from loopin.adapters.persistence.payments.refunds import refund_from_row
from loopin.adapters.persistence.rows import RowRepository, copy_to_row, entity_from_row
from loopin.domain.payments.fee import PriceQuote
from loopin.domain.payments.order import EXPIRED_REASON, OPEN_STATUSES, OrderStatus, PaymentOrder, is_order_id
from loopin.domain.payments.refund import Refund
from loopin.usecases.payments.ports import (
    OpenHolds,
    OpenOrderExists,
    OrderRecord,
    PaymentOrderRepository,
    ReleasedHold,
)

OPEN = [s.value for s in OPEN_STATUSES]
# An order by its txnid, read and locked as Core statements built once (RowRepository._core_one: no ORM load, and
# a save sends an UPDATE of what it changed at once): every notice reads its order, and a settlement's writes go
# before the seat statement, under the event's lock (OrderSettlement).
_ORDERS = cast(Table, PaymentOrderRow.__table__)
_BY_REFERENCE = select(*_ORDERS.c).where(_ORDERS.c.order_id == bindparam("reference"))
_LOCK_BY_REFERENCE = _BY_REFERENCE.with_for_update()


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
