"""The seat counters of in-memory events, with the rules of the SQL statements (the row lock until the
transaction ends, fit-or-nothing, never below zero)."""

from __future__ import annotations

from loopin.adapters.memory.events import EVENTS
from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.events.event import LISTED_STATUSES, Event
from loopin.usecases.events.ports import SeatInventory


class MemorySeatInventory(MemoryAdapter, SeatInventory):
    async def _event(self, event_id: int) -> Event | None:
        await self._tx.lock(EVENTS, event_id)
        event: Event | None = self._tx.read(EVENTS, event_id)
        return event

    async def hold(self, event_id: int, seats: int) -> bool:
        return await self._claim(event_id, held=seats)

    async def take(self, event_id: int, seats: int) -> bool:
        return await self._claim(event_id, taken=seats)

    async def convert_held(self, event_id: int, seats: int) -> None:
        await self._shift(event_id, held=-seats, taken=seats)

    async def release_held(self, event_id: int, seats: int) -> None:
        await self._shift(event_id, held=-seats)

    async def release_taken(self, event_id: int, seats: int) -> None:
        await self._shift(event_id, taken=-seats)

    async def _claim(self, event_id: int, *, held: int = 0, taken: int = 0) -> bool:
        """New seats, all or none, and only on a listed event (published or postponed, not deleted)."""
        event = await self._event(event_id)
        if event is None or event.is_deleted or event.status not in LISTED_STATUSES:
            return False
        if not event.has_seats_for(held + taken):
            return False
        self._count(event, held, taken)
        return True

    async def _shift(self, event_id: int, *, held: int = 0, taken: int = 0) -> None:
        """Moves seats between the counters only where neither falls below zero (the SQL statements' WHERE)."""
        event = await self._event(event_id)
        if event is None or event.seats_held + held < 0 or event.seats_taken + taken < 0:
            raise LookupError(f"event {event_id} cannot shift its seats held by {held} and taken by {taken}")
        self._count(event, held, taken)

    def _count(self, event: Event, held: int, taken: int) -> None:
        event.seats_held += held
        event.seats_taken += taken
        self._tx.write(EVENTS, event.id, event)
