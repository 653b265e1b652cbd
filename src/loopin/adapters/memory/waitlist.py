"""In-memory event waitlists with the rules of the SQL adapter: the line in id order, one live place per member
and event (an index refuses a second), row locks by id."""

from __future__ import annotations

from datetime import datetime

from loopin.adapters.memory.attendance import _card
from loopin.adapters.memory.events import EVENTS
from loopin.adapters.memory.identity import MEMBERS
from loopin.adapters.memory.store import MemoryAdapter
from loopin.domain.attendance.waitlist import PlaceStatus, WaitlistPlace
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.identity.member import Member
from loopin.domain.shared.errors import ConcurrentChange
from loopin.usecases.attendance.ports import PlaceInLine, WaitlistRepository

PLACES, LIVE_PLACES = "waitlist_places", "waitlist_live_places"


class MemoryWaitlistRepository(MemoryAdapter, WaitlistRepository):
    def _places(self, event_id: int, *statuses: PlaceStatus) -> list[WaitlistPlace]:
        found = [p for p in self._tx.rows(PLACES) if p.event_id == event_id and p.status in statuses]
        return sorted(found, key=lambda p: p.id)

    async def _lock(self, places: list[WaitlistPlace]) -> list[WaitlistPlace]:
        locked: list[WaitlistPlace] = []
        for place in places:
            await self._tx.lock(PLACES, place.id)
            fresh: WaitlistPlace | None = self._tx.read(PLACES, place.id)  # read again under the lock
            if fresh is not None and fresh.status is place.status:
                locked.append(fresh)
        return locked

    async def lock_live(self, event_id: int, member_id: int) -> WaitlistPlace | None:
        await self._tx.lock(LIVE_PLACES, (event_id, member_id))
        place_id = self._tx.read(LIVE_PLACES, (event_id, member_id))
        if place_id is None:
            return None
        await self._tx.lock(PLACES, place_id)
        found: WaitlistPlace | None = self._tx.read(PLACES, place_id)
        return found

    async def latest(self, event_id: int, member_id: int) -> WaitlistPlace | None:
        mine = [p for p in self._tx.rows(PLACES) if (p.event_id, p.member_id) == (event_id, member_id)]
        return max(mine, key=lambda p: p.id) if mine else None

    async def position(self, place: WaitlistPlace) -> int:
        return 1 + sum(1 for p in self._places(place.event_id, PlaceStatus.WAITING) if p.id < place.id)

    async def lock_offered(self, event_id: int) -> list[WaitlistPlace]:
        return await self._lock(self._places(event_id, PlaceStatus.OFFERED))

    async def lock_waiting(self, event_id: int, limit: int) -> list[WaitlistPlace]:
        return await self._lock(self._places(event_id, PlaceStatus.WAITING)[:limit])

    async def add(self, place: WaitlistPlace) -> WaitlistPlace:
        pair = (place.event_id, place.member_id)
        await self._tx.lock(LIVE_PLACES, pair)
        if self._tx.read(LIVE_PLACES, pair) is not None:
            raise ConcurrentChange()
        place.id = self._tx.next_id(PLACES)
        await self._tx.lock(PLACES, place.id)
        self._tx.write(LIVE_PLACES, pair, place.id)
        self._tx.write(PLACES, place.id, place)
        return place

    async def save(self, place: WaitlistPlace) -> None:
        if self._tx.read(PLACES, place.id) is None:
            raise LookupError(f"waitlist place {place.id} is not stored")
        pair = (place.event_id, place.member_id)
        if not place.status.is_live and self._tx.read(LIVE_PLACES, pair) == place.id:
            self._tx.delete(LIVE_PLACES, pair)
        self._tx.write(PLACES, place.id, place)

    async def line(self, event_id: int) -> list[PlaceInLine]:
        line: list[PlaceInLine] = []
        waiting = 0
        for place in self._places(event_id, PlaceStatus.OFFERED) + self._places(event_id, PlaceStatus.WAITING):
            member: Member | None = self._tx.read(MEMBERS, place.member_id)
            if member is None:
                continue
            position = None
            if place.status is PlaceStatus.WAITING:
                waiting += 1
                position = waiting
            line.append(PlaceInLine(place, _card(member, place.member_id), position))
        return line

    async def events_due(self, now: datetime, limit: int) -> list[int]:
        first: dict[int, int] = {}
        for place in sorted(self._tx.rows(PLACES), key=lambda p: p.id):
            if place.event_id in first:
                continue
            if place.offer_overdue(now) or (
                place.status is PlaceStatus.WAITING and self._free(place.event_id, now)
            ):
                first[place.event_id] = place.id
        return list(first)[:limit]

    def _free(self, event_id: int, now: datetime) -> bool:
        event: Event | None = self._tx.read(EVENTS, event_id)
        return (
            event is not None
            and not event.is_deleted
            and event.status is EventStatus.PUBLISHED
            and event.start_time > now
            and event.has_seats_for(1)
        )
