"""In-memory refunds: one per idempotency key, as in SQL."""

from __future__ import annotations

from datetime import datetime

from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.payments.refund import UNFINISHED_REFUND, Refund
from loopin.usecases.payments.ports import RefundRepository

REFUNDS, REFUND_KEYS = "refunds", "refund_keys"


class MemoryRefundRepository(MemoryAdapter, RefundRepository):
    async def add(self, refund: Refund) -> tuple[Refund, bool]:
        await self._tx.lock(REFUND_KEYS, refund.idempotency_key)
        existing_id = self._tx.read(REFUND_KEYS, refund.idempotency_key)
        if existing_id is not None:
            existing: Refund = self._tx.read(REFUNDS, existing_id)
            return existing, False
        refund.id = self._tx.next_id(REFUNDS)
        self._tx.write(REFUND_KEYS, refund.idempotency_key, refund.id)
        self._tx.write(REFUNDS, refund.id, refund)
        return refund, True

    async def lock(self, refund_id: int) -> Refund | None:
        await self._tx.lock(REFUNDS, refund_id)
        refund: Refund | None = self._tx.read(REFUNDS, refund_id)
        return refund

    async def for_order(self, order_id: int) -> list[Refund]:
        return sorted((r for r in self._tx.rows(REFUNDS) if r.order_id == order_id), key=lambda r: r.id)

    async def save(self, refund: Refund) -> None:
        if self._tx.read(REFUNDS, refund.id) is None:
            raise LookupError(f"refund {refund.id} is not stored")
        self._tx.write(REFUNDS, refund.id, refund)

    async def unfinished(self, *, updated_before: datetime, limit: int) -> list[int]:
        found = sorted(
            (
                r
                for r in self._tx.rows(REFUNDS)
                if r.status in UNFINISHED_REFUND and r.updated_at is not None and r.updated_at <= updated_before
            ),
            key=lambda r: (r.updated_at, r.id),
        )
        return [r.id for r in found[:limit]]
