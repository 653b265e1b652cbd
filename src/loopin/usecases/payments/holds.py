"""Seat holds of orders that were not paid in time go back: lazily (a refused hold, an order read past its
window) and every minute by a scheduled job.

An order releases its seats only when its own conditional transition to ``expired`` succeeded
(``PaymentOrderRepository.expire_overdue``), so a seat is never released twice, and an order a settlement
holds is skipped (the settlement decides it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from loopin.usecases.attendance.seat_offers import SeatOffers
from loopin.usecases.events.ports import EventCache, EventRepository, SeatInventory
from loopin.usecases.payments import jobs
from loopin.usecases.payments.config import PaymentsConfig
from loopin.usecases.payments.ports import PaymentOrderRepository, ReleasedHold
from loopin.usecases.shared.ports import Clock, UnitOfWork
from loopin.usecases.shared.sweep import Batch, Sweep


@dataclass(frozen=True, slots=True)
class HoldRelease:
    """Expires overdue orders and gives their seats back, inside the caller's transaction: to the event's
    waitlist first (``SeatOffers.turn``, under the row lock the release took)."""

    orders: PaymentOrderRepository
    seats: SeatInventory
    events: EventRepository
    offers: SeatOffers
    uow: UnitOfWork

    async def overdue(self, now: datetime, *, event_id: int | None, limit: int) -> list[ReleasedHold]:
        released = await self.orders.expire_overdue(now, event_id=event_id, limit=limit)
        await self._give_back(released, now)
        return released

    async def _give_back(self, released: Sequence[ReleasedHold], now: datetime) -> None:
        per_event: defaultdict[int, int] = defaultdict(int)
        for hold in released:
            per_event[hold.event_id] += hold.seats
        for event_id in sorted(per_event):  # one lock order for every releaser
            await self.seats.release_held(event_id, per_event[event_id])
            await self.offers.pass_on(event_id, now)
        titles: dict[int, str] = {}
        for hold in released:
            if hold.event_id not in titles:
                event = await self.events.get(hold.event_id)
                titles[hold.event_id] = event.title if event else "your event"
            self.uow.enqueue(jobs.audited_expiry(hold, now))
            self.uow.enqueue(jobs.payment_expired(hold, titles[hold.event_id]))


class ExpireHolds(Sweep):
    """The scheduled sweep (every minute): every overdue order, in batches of one transaction each."""

    release: HoldRelease
    cache: EventCache
    clock: Clock
    config: PaymentsConfig

    @property
    def batch_size(self) -> int:
        return self.config.sweep_batch

    async def sweep_batch(self) -> Batch:
        released = await self.release.overdue(self.clock.now(), event_id=None, limit=self.batch_size)
        if released:
            self.uow.after_commit(self.cache.invalidate)
        return Batch(len(released), len(released))
