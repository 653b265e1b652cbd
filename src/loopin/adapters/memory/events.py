"""In-memory events, venues, host leads and the event reader (the same rules as the SQL adapters)."""

from __future__ import annotations

from datetime import datetime

from loopin.adapters.memory.identity import INTERESTS, MEMBERS
from loopin.adapters.memory.store import MemoryAdapter, MemoryRows
from loopin.domain.events.event import Event, EventStatus
from loopin.domain.events.feed import FeedQuery
from loopin.domain.events.host_lead import HostLead
from loopin.domain.events.venue import Venue, VenueType
from loopin.domain.events.visibility import Viewer
from loopin.domain.identity.interest import EventInterest
from loopin.domain.identity.member import Member
from loopin.domain.identity.phone import PhoneNumber
from loopin.usecases.events.ports import (
    EventPage,
    EventReader,
    EventRecord,
    EventRepository,
    HostCard,
    HostLeadRepository,
    VenueRepository,
)
from loopin.usecases.events.views import EventView, ViewPage, ViewShape
from loopin.usecases.shared.paging import Page

EVENTS, CANONICAL_IDS = "events", "event_canonical_ids"
VENUES, VENUE_KEYS = "venues", "venue_keys"
HOST_LEADS, LEAD_PHONES = "host_leads", "host_lead_phones"


class MemoryEventRepository(MemoryRows[Event], EventRepository):
    table = EVENTS

    async def get_for_update(self, event_id: int) -> Event | None:
        return await self._locked(event_id)

    async def lock_ended(self, ended_before: datetime, limit: int) -> list[Event]:
        return await self._lock_overdue(
            lambda e: e.status is EventStatus.PUBLISHED and not e.is_deleted and e.end_time < ended_before,
            lambda e: (e.end_time, e.id),
            limit,
        )

    async def add(self, event: Event) -> Event:
        await self._tx.lock(CANONICAL_IDS, event.canonical_id)
        if self._tx.read(CANONICAL_IDS, event.canonical_id) is not None:
            raise LookupError(f"canonical id {event.canonical_id} is taken")  # the SQL unique index would refuse
        await super().add(event)
        self._tx.write(CANONICAL_IDS, event.canonical_id, event.id)
        return event

    async def save(self, event: Event) -> None:
        stored = self._read(event.id)
        if stored is None:
            raise LookupError(f"event {event.id} is not stored")
        event.seats_held = stored.seats_held  # written only by the seat inventory, as in SQL
        if not event.is_unlimited and event.seats_taken + event.seats_held > event.max_capacity:
            raise ValueError("seats exceed max_capacity")  # the SQL CHECK constraint would refuse
        await super().save(event)

    async def canonical_id_taken(self, canonical_id: str) -> bool:
        return self._tx.read(CANONICAL_IDS, canonical_id) is not None

    async def find_duplicate(
        self, host_id: int, title: str, start_time: datetime, since: datetime
    ) -> Event | None:
        found = [
            e
            for e in self._tx.rows(EVENTS)
            if (e.host_id, e.title, e.start_time) == (host_id, title, start_time)
            and not e.is_deleted
            and e.created_at is not None
            and e.created_at >= since
        ]
        return min(found, key=lambda e: e.id) if found else None

    async def hosts_any(self, host_id: int) -> bool:
        return any(e.host_id == host_id and not e.is_deleted for e in self._tx.rows(EVENTS))


class MemoryVenueRepository(MemoryAdapter, VenueRepository):
    async def get(self, venue_id: int) -> Venue | None:
        venue: Venue | None = self._tx.read(VENUES, venue_id)
        return venue

    async def find_or_add(self, venue: Venue) -> tuple[Venue, bool]:
        keys = [f"key:{venue.match_key}"] + ([f"place:{venue.place_id}"] if venue.place_id else [])
        for key in sorted(keys):  # a fixed order, so two adders never wait on each other crosswise
            await self._tx.lock(VENUE_KEYS, key)
        for key in reversed(keys):  # the place id first, then the name/address/city key
            found_id = self._tx.read(VENUE_KEYS, key)
            if found_id is not None:
                found = await self.get(found_id)
                if found is not None:
                    return found, False
        venue.id = self._tx.next_id(VENUES)
        for key in keys:
            self._tx.write(VENUE_KEYS, key, venue.id)
        self._tx.write(VENUES, venue.id, venue)
        return venue, True

    async def list_active(
        self, *, city: str | None, venue_type: VenueType | None, offset: int, limit: int
    ) -> Page[Venue]:
        needle = (city or "").strip().casefold()
        found = sorted(
            (
                v
                for v in self._tx.rows(VENUES)
                if v.is_active
                and (not needle or needle in v.city.casefold())
                and (venue_type is None or v.venue_type is venue_type)
            ),
            key=lambda v: (v.name.casefold(), v.id),
        )
        return Page.cut(found, offset, limit)


class MemoryEventReader(MemoryAdapter, EventReader):
    async def record(self, event_id: int) -> EventRecord | None:
        event: Event | None = self._tx.read(EVENTS, event_id)
        return self._record(event) if event is not None else None

    async def record_by_canonical_id(self, canonical_id: str) -> EventRecord | None:
        event_id = self._tx.read(CANONICAL_IDS, canonical_id)
        return await self.record(event_id) if event_id is not None else None

    async def page(self, query: FeedQuery, viewer: Viewer, now: datetime) -> EventPage:
        matching = sorted(
            (
                e
                for e in self._tx.rows(EVENTS)
                if query.matches(e, self._tx.read(VENUES, e.venue_id) if e.venue_id else None, viewer, now)
            ),
            key=lambda e: (e.start_time, e.id),
        )
        page = matching[query.offset : query.offset + query.limit]
        return EventPage(len(matching), [self._record(e) for e in page])

    async def page_views(self, query: FeedQuery, viewer: Viewer, now: datetime, shape: ViewShape) -> ViewPage:
        found = await self.page(query, viewer, now)
        return ViewPage(found.total, [shape.of(r) for r in found.records])

    async def detail_view(self, event_id: int, shape: ViewShape) -> EventView | None:
        record = await self.record(event_id)
        return shape.of(record) if record is not None else None

    def _record(self, event: Event) -> EventRecord:
        member: Member | None = self._tx.read(MEMBERS, event.host_id)
        host = (
            HostCard(member.id, member.profile.name, next(iter(member.profile.picture_keys), None))
            if member is not None
            else HostCard(event.host_id, "", None)
        )
        venue: Venue | None = self._tx.read(VENUES, event.venue_id) if event.venue_id else None
        found: list[EventInterest | None] = [self._tx.read(INTERESTS, i) for i in event.interest_ids]
        interests = tuple(sorted((i for i in found if i is not None), key=lambda i: (i.name, i.id)))
        return EventRecord(event, host, venue, interests)


class MemoryHostLeadRepository(MemoryAdapter, HostLeadRepository):
    async def find_by_phone(self, phone: PhoneNumber) -> HostLead | None:
        lead_id = self._tx.read(LEAD_PHONES, phone.e164)
        lead: HostLead | None = self._tx.read(HOST_LEADS, lead_id) if lead_id is not None else None
        return lead

    async def add(self, lead: HostLead) -> tuple[HostLead, bool]:
        await self._tx.lock(LEAD_PHONES, lead.phone.e164)
        existing = await self.find_by_phone(lead.phone)
        if existing is not None:
            return existing, False
        lead.id = self._tx.next_id(HOST_LEADS)
        self._tx.write(LEAD_PHONES, lead.phone.e164, lead.id)
        self._tx.write(HOST_LEADS, lead.id, lead)
        return lead, True

    async def list_recent(self, *, offset: int, limit: int) -> Page[HostLead]:
        leads = sorted(self._tx.rows(HOST_LEADS), key=lambda lead: lead.id, reverse=True)
        return Page.cut(leads, offset, limit)

    async def lock(self, lead_id: int) -> HostLead | None:
        await self._tx.lock(HOST_LEADS, lead_id)
        lead: HostLead | None = self._tx.read(HOST_LEADS, lead_id)
        return lead

    async def save(self, lead: HostLead) -> None:
        if self._tx.read(HOST_LEADS, lead.id) is None:
            raise LookupError(f"host lead {lead.id} is not stored")
        self._tx.write(HOST_LEADS, lead.id, lead)
