"""In-memory payment orders (the rules of the SQL adapter: a unique open order per member and event, conditional
expiry that skips locked rows)."""

from __future__ import annotations

from datetime import datetime

from loopin.adapters.memory.events import EVENTS
from loopin.adapters.memory.payments.refunds import REFUNDS
from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.events.event import Event
from loopin.domain.payments.order import OPEN_STATUSES, OrderStatus, PaymentOrder
from loopin.domain.shared.money import ZERO
from loopin.usecases.payments.ports import (
    OpenHolds,
    OpenOrderExists,
    OrderRecord,
    PaymentOrderRepository,
    ReleasedHold,
)

ORDERS, ORDER_REFS, OPEN_ORDERS = "payment_orders", "payment_order_refs", "payment_open_orders"


class MemoryPaymentOrderRepository(MemoryAdapter, PaymentOrderRepository):
    async def add(self, order: PaymentOrder) -> PaymentOrder:
        pair = (order.event_id, order.member_id)
        await self._tx.lock(OPEN_ORDERS, pair)
        current = self._tx.read(OPEN_ORDERS, pair)
        if current is not None and self._tx.read(ORDERS, current).holds_seats:
            raise OpenOrderExists()
        order.id = self._tx.next_id(ORDERS)
        self._tx.write(ORDER_REFS, order.order_id, order.id)
        self._tx.write(OPEN_ORDERS, pair, order.id)
        self._tx.write(ORDERS, order.id, order)
        return order

    def _id(self, reference: str) -> int | None:
        found: int | None = self._tx.read(ORDER_REFS, reference)
        return found

    async def get(self, reference: str) -> PaymentOrder | None:
        row_id = self._id(reference)
        order: PaymentOrder | None = self._tx.read(ORDERS, row_id) if row_id else None
        return order

    async def lock(self, reference: str) -> PaymentOrder | None:
        row_id = self._id(reference)
        if row_id is None:
            return None
        await self._tx.lock(ORDERS, row_id)
        return await self.get_by_id(row_id)

    async def get_by_id(self, order_id: int) -> PaymentOrder | None:
        order: PaymentOrder | None = self._tx.read(ORDERS, order_id)
        return order

    async def open_for(self, event_id: int, member_id: int) -> PaymentOrder | None:
        row_id = self._tx.read(OPEN_ORDERS, (event_id, member_id))
        order: PaymentOrder | None = self._tx.read(ORDERS, row_id) if row_id else None
        return order if order is not None and order.holds_seats else None

    async def save(self, order: PaymentOrder) -> None:
        if self._tx.read(ORDERS, order.id) is None:
            raise LookupError(f"order {order.id} is not stored")
        self._tx.write(ORDERS, order.id, order)

    async def open_holds(self, event_id: int) -> OpenHolds:
        holding = [o for o in self._tx.rows(ORDERS) if o.event_id == event_id and o.holds_seats]
        return OpenHolds(
            frozenset(o.member_id for o in holding),
            sum(o.seats for o in holding),
            min((o.expires_at for o in holding), default=None),
        )

    async def expire_overdue(self, now: datetime, *, event_id: int | None, limit: int) -> list[ReleasedHold]:
        released: list[ReleasedHold] = []
        candidates = sorted(
            (o for o in self._tx.rows(ORDERS) if o.is_overdue(now) and event_id in (None, o.event_id)),
            key=lambda o: o.id,
        )
        for candidate in candidates[:limit]:
            if not await self._tx.try_lock(ORDERS, candidate.id):
                continue  # a settlement holds it: it decides
            order: PaymentOrder = self._tx.read(ORDERS, candidate.id)
            if order.status not in OPEN_STATUSES:
                continue
            order.expire(now)
            self._tx.write(ORDERS, order.id, order)
            released.append(ReleasedHold(order.id, order.order_id, order.event_id, order.member_id, order.seats))
        return released

    async def of_member(self, member_id: int) -> list[OrderRecord]:
        records = []
        for order in sorted((o for o in self._tx.rows(ORDERS) if o.member_id == member_id), key=lambda o: -o.id):
            event: Event | None = self._tx.read(EVENTS, order.event_id)
            refunds = sorted((r for r in self._tx.rows(REFUNDS) if r.order_id == order.id), key=lambda r: r.id)
            records.append(OrderRecord(order, event.title if event else "", tuple(refunds)))
        return records

    async def captured_for_event(self, event_id: int) -> list[str]:
        found = [o for o in self._tx.rows(ORDERS) if o.event_id == event_id and o.refundable_amount > ZERO]
        return [o.order_id for o in sorted(found, key=lambda o: o.id)]

    async def due_for_check(
        self, *, opened_before: datetime, released_after: datetime, checked_before: datetime, limit: int
    ) -> list[str]:
        def due(o: PaymentOrder) -> bool:
            if o.checked_at is not None and o.checked_at > checked_before:
                return False
            if o.holds_seats:
                return o.created_at is not None and o.created_at <= opened_before
            return (
                o.status is OrderStatus.EXPIRED
                and not o.is_captured
                and o.closed_at is not None
                and o.closed_at >= released_after
            )

        found = sorted(
            (o for o in self._tx.rows(ORDERS) if due(o)),
            key=lambda o: (o.checked_at is not None, o.checked_at or o.created_at, o.id),
        )
        return [o.order_id for o in found[:limit]]
