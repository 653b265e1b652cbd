"""Refunds over PostgreSQL: one per idempotency key (``INSERT … ON CONFLICT DO NOTHING``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import RefundRow
from loopin.adapters.persistence.rows import entity_from_row, row_values
from loopin.domain.payments.refund import UNFINISHED_REFUND, Refund
from loopin.usecases.payments.ports import RefundRepository


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
