"""Every change of an event's seats or facts clears its sold-out marker after the commit, in one place.

The seat inventory and the events repository every use case gets are these wrappers (the composition root
decorates them), so whichever use case frees a seat (a cancellation, a refund, an expired or released hold, a
raised capacity), takes one or changes what the marker knows (the start, the status, the host), the marker
goes once that change is committed: no use case can forget it. Refusals read the marker instead of the event
(``SoldOutEvents``); a stale one is possible only between a change's commit and its after-commit effect, or,
when that effect is lost (Redis unreachable, the process gone), until the marker's lifetime ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loopin.domain.events.event import Event
from loopin.usecases.events.ports import EventRepository, SeatInventory, SoldOutEvents
from loopin.usecases.shared.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class _ClearMarker:
    """The after-commit effect (equal for the same event, so a transaction clears each event once)."""

    markers: SoldOutEvents
    event_id: int

    async def __call__(self) -> None:
        await self.markers.clear(self.event_id)


class SoldOutClearingSeats(SeatInventory):
    def __init__(self, seats: SeatInventory, markers: SoldOutEvents, uow: UnitOfWork) -> None:
        self._seats = seats
        self._markers = markers
        self._uow = uow

    def _changed(self, event_id: int) -> None:
        self._uow.after_commit(_ClearMarker(self._markers, event_id))

    async def hold(self, event_id: int, seats: int) -> bool:
        held = await self._seats.hold(event_id, seats)
        if held:
            self._changed(event_id)
        return held

    async def take(self, event_id: int, seats: int) -> bool:
        taken = await self._seats.take(event_id, seats)
        if taken:  # a seat freed unseen (its clear lost) was taken: the marker's ticket holders changed
            self._changed(event_id)
        return taken

    async def convert_held(self, event_id: int, seats: int) -> None:
        await self._seats.convert_held(event_id, seats)
        self._changed(event_id)

    async def release_held(self, event_id: int, seats: int) -> None:
        await self._seats.release_held(event_id, seats)
        self._changed(event_id)

    async def release_taken(self, event_id: int, seats: int) -> None:
        await self._seats.release_taken(event_id, seats)
        self._changed(event_id)


class SoldOutClearingEvents(EventRepository):
    def __init__(self, events: EventRepository, markers: SoldOutEvents, uow: UnitOfWork) -> None:
        self._events = events
        self._markers = markers
        self._uow = uow

    async def get(self, event_id: int) -> Event | None:
        return await self._events.get(event_id)

    async def get_for_update(self, event_id: int) -> Event | None:
        return await self._events.get_for_update(event_id)

    async def lock_ended(self, ended_before: datetime, limit: int) -> list[Event]:
        return await self._events.lock_ended(ended_before, limit)

    async def add(self, event: Event) -> Event:
        return await self._events.add(event)

    async def save(self, event: Event) -> None:
        await self._events.save(event)
        self._uow.after_commit(_ClearMarker(self._markers, event.id))

    async def canonical_id_taken(self, canonical_id: str) -> bool:
        return await self._events.canonical_id_taken(canonical_id)

    async def find_duplicate(
        self, host_id: int, title: str, start_time: datetime, since: datetime
    ) -> Event | None:
        return await self._events.find_duplicate(host_id, title, start_time, since)

    async def hosts_any(self, host_id: int) -> bool:
        return await self._events.hosts_any(host_id)
