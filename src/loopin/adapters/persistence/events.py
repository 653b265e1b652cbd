"""Events, venues, host leads and the event reader over PostgreSQL.

The reader answers a feed page with three statements whatever its size: the count, the page (events joined
with their host and venue), and the interests the page mentions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from loopin.adapters.persistence.identity import interest_from_row
from loopin.adapters.persistence.orm import (
    EventInterestRow,
    EventRow,
    HostLeadRow,
    MemberRow,
    VenueRow,
    is_storable_id,
)
from loopin.domain.events.event import (
    LISTED_STATUSES,
    AllowedGenders,
    Event,
    EventStatus,
    RsvpExpiryPolicy,
)
from loopin.domain.events.feed import FeedQuery
from loopin.domain.events.host_lead import HostLead
from loopin.domain.events.venue import Venue, VenueType
from loopin.domain.events.visibility import Viewer
from loopin.domain.identity.interest import EventInterest
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.errors import Conflict
from loopin.usecases.events.ports import EventPage, EventRecord, HostCard


def event_from_row(row: EventRow) -> Event:
    return Event(
        id=row.id,
        uuid=row.uuid,
        canonical_id=row.canonical_id,
        host_id=row.host_id,
        title=row.title,
        start_time=row.start_time,
        end_time=row.end_time,
        timezone=row.timezone,
        description=row.description,
        venue_id=row.venue_id,
        max_capacity=row.max_capacity,
        seats_taken=row.seats_taken,
        seats_held=row.seats_held,
        requests_count=row.requests_count,
        is_paid=row.is_paid,
        ticket_price=row.ticket_price,
        allow_plus_one=row.allow_plus_one,
        gst_number=row.gst_number,
        allowed_genders=AllowedGenders(row.allowed_genders),
        rsvp_expiry_policy=RsvpExpiryPolicy(row.rsvp_expiry_policy),
        status=EventStatus(row.status),
        is_public=row.is_public,
        interest_ids=tuple(row.interest_ids or ()),
        cover_image_keys=tuple(row.cover_image_keys or ()),
        deleted_at=row.deleted_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _copy_event(event: Event, row: EventRow) -> None:
    row.uuid = event.uuid
    row.canonical_id = event.canonical_id
    row.host_id = event.host_id
    row.title = event.title
    row.description = event.description
    row.venue_id = event.venue_id
    row.start_time = event.start_time
    row.end_time = event.end_time
    row.timezone = event.timezone
    row.max_capacity = event.max_capacity
    row.seats_taken = event.seats_taken
    row.requests_count = event.requests_count
    row.is_paid = event.is_paid
    row.ticket_price = event.ticket_price
    row.allow_plus_one = event.allow_plus_one
    row.gst_number = event.gst_number
    row.allowed_genders = event.allowed_genders.value
    row.rsvp_expiry_policy = event.rsvp_expiry_policy.value
    row.status = event.status.value
    row.is_public = event.is_public
    row.interest_ids = list(event.interest_ids)
    row.cover_image_keys = list(event.cover_image_keys)
    row.deleted_at = event.deleted_at
    if event.updated_at is not None:  # the entity's time (from the Clock), not the flush's wall clock
        row.updated_at = event.updated_at


class SqlEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, event_id: int) -> Event | None:
        row = await self._session.get(EventRow, event_id) if is_storable_id(event_id) else None
        return event_from_row(row) if row else None

    async def get_for_update(self, event_id: int) -> Event | None:
        if not is_storable_id(event_id):
            return None
        row = await self._session.get(EventRow, event_id, with_for_update=True, populate_existing=True)
        return event_from_row(row) if row else None

    async def add(self, event: Event) -> Event:
        row = EventRow()
        _copy_event(event, row)
        if event.created_at is not None:
            row.created_at = event.created_at
        self._session.add(row)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise Conflict("This event could not be stored. Please retry.", code="EVENT_CONFLICT") from exc
        event.id = row.id
        event.created_at = row.created_at
        event.updated_at = row.updated_at
        return event

    async def save(self, event: Event) -> None:
        row = await self._session.get(EventRow, event.id)
        if row is None:
            raise LookupError(f"event {event.id} is not stored")
        _copy_event(event, row)

    async def canonical_id_taken(self, canonical_id: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(EventRow.canonical_id == canonical_id))))

    async def find_duplicate(
        self, host_id: int, title: str, start_time: datetime, since: datetime
    ) -> Event | None:
        row = await self._session.scalar(
            select(EventRow)
            .where(
                EventRow.host_id == host_id,
                EventRow.start_time == start_time,
                EventRow.title == title,
                EventRow.deleted_at.is_(None),
                EventRow.created_at >= since,
            )
            .order_by(EventRow.id)
            .limit(1)
        )
        return event_from_row(row) if row else None

    async def hosts_any(self, host_id: int) -> bool:
        return bool(
            await self._session.scalar(
                select(exists().where(EventRow.host_id == host_id, EventRow.deleted_at.is_(None)))
            )
        )


def venue_from_row(row: VenueRow) -> Venue:
    return Venue(
        id=row.id,
        uuid=row.uuid,
        name=row.name,
        address=row.address,
        city=row.city,
        country_code=row.country_code,
        latitude=float(row.latitude) if row.latitude is not None else None,
        longitude=float(row.longitude) if row.longitude is not None else None,
        place_id=row.place_id,
        venue_type=VenueType(row.venue_type),
        capacity=row.capacity,
        metadata={str(k): str(v) for k, v in (row.details or {}).items()},
        is_active=row.is_active,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _venue_values(venue: Venue) -> dict[str, Any]:
    return {
        "uuid": venue.uuid,
        "name": venue.name,
        "address": venue.address,
        "city": venue.city,
        "city_slug": venue.city_slug,
        "country_code": venue.country_code,
        "latitude": Decimal(str(venue.latitude)) if venue.latitude is not None else None,
        "longitude": Decimal(str(venue.longitude)) if venue.longitude is not None else None,
        "place_id": venue.place_id,
        "match_key": venue.match_key,
        "venue_type": venue.venue_type.value,
        "capacity": venue.capacity,
        "details": dict(venue.metadata),
        "is_active": venue.is_active,
        "created_by": venue.created_by,
        "created_at": venue.created_at,
        "updated_at": venue.updated_at,
    }


class SqlVenueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, venue_id: int) -> Venue | None:
        row = await self._session.get(VenueRow, venue_id) if is_storable_id(venue_id) else None
        return venue_from_row(row) if row else None

    async def find_or_add(self, venue: Venue) -> tuple[Venue, bool]:
        found = await self._find(venue)
        if found is not None:
            return found, False
        # ON CONFLICT DO NOTHING waits for a concurrent insert of the same place, then yields to it.
        statement = insert(VenueRow).values(**_venue_values(venue)).on_conflict_do_nothing().returning(VenueRow.id)
        new_id = await self._session.scalar(statement)
        if new_id is None:
            found = await self._find(venue)
            if found is None:
                raise Conflict("This venue could not be stored. Please retry.", code="VENUE_CONFLICT")
            return found, False
        venue.id = new_id
        return venue, True

    async def _find(self, venue: Venue) -> Venue | None:
        match = VenueRow.match_key == venue.match_key
        if venue.place_id:
            match = or_(VenueRow.place_id == venue.place_id, match)
        rows = (await self._session.scalars(select(VenueRow).where(match))).all()
        best = sorted(rows, key=lambda r: (r.place_id != venue.place_id if venue.place_id else False, r.id))
        return venue_from_row(best[0]) if best else None

    async def list_active(
        self, *, city: str | None, venue_type: VenueType | None, offset: int, limit: int
    ) -> tuple[int, list[Venue]]:
        where: list[ColumnElement[bool]] = [VenueRow.is_active.is_(True)]
        if city and city.strip():
            where.append(VenueRow.city.ilike(f"%{_escape_like(city.strip())}%", escape="\\"))
        if venue_type is not None:
            where.append(VenueRow.venue_type == venue_type.value)
        total = await self._session.scalar(select(func.count()).select_from(VenueRow).where(*where))
        rows = await self._session.scalars(
            select(VenueRow)
            .where(*where)
            .order_by(func.lower(VenueRow.name), VenueRow.id)
            .offset(offset)
            .limit(limit)
        )
        return int(total or 0), [venue_from_row(r) for r in rows]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_RecordSelect = Select[EventRow, str, list[str], VenueRow]  # the venue is None when the event has none


class SqlEventReader:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, event_id: int) -> EventRecord | None:
        if not is_storable_id(event_id):
            return None
        records = await self._records(self._base().where(EventRow.id == event_id))
        return records[0] if records else None

    async def record_by_canonical_id(self, canonical_id: str) -> EventRecord | None:
        records = await self._records(self._base().where(EventRow.canonical_id == canonical_id))
        return records[0] if records else None

    async def page(self, query: FeedQuery, viewer: Viewer, now: datetime) -> EventPage:
        where = [_visible_to(viewer), *_filters(query, now)]
        joins_venue = query.city is not None or query.country_code is not None
        count = select(func.count()).select_from(EventRow)
        if joins_venue:
            count = count.join(VenueRow, VenueRow.id == EventRow.venue_id)
        total = int(await self._session.scalar(count.where(*where)) or 0)
        if total <= query.offset:
            return EventPage(total, [])
        statement = (
            self._base().where(*where).order_by(EventRow.start_time, EventRow.id).offset(query.offset)
        ).limit(query.limit)
        return EventPage(total, await self._records(statement))

    @staticmethod
    def _base() -> _RecordSelect:
        return (
            select(EventRow, MemberRow.name, MemberRow.picture_keys, VenueRow)
            .join(MemberRow, MemberRow.id == EventRow.host_id)
            .outerjoin(VenueRow, VenueRow.id == EventRow.venue_id)
        )

    async def _records(self, statement: _RecordSelect) -> list[EventRecord]:
        rows = (await self._session.execute(statement)).all()
        interest_ids = {i for row in rows for i in (row[0].interest_ids or ())}
        interests = await self._interests(sorted(interest_ids))
        records = []
        for event_row, host_name, picture_keys, venue_row in rows:
            event = event_from_row(event_row)
            host = HostCard(event.host_id, host_name, picture_keys[0] if picture_keys else None)
            venue = venue_from_row(venue_row) if venue_row is not None else None
            chosen = sorted(
                (interests[i] for i in event.interest_ids if i in interests), key=lambda i: (i.name, i.id)
            )
            records.append(EventRecord(event, host, venue, tuple(chosen)))
        return records

    async def _interests(self, ids: Sequence[int]) -> dict[int, EventInterest]:
        if not ids:
            return {}
        rows = await self._session.scalars(select(EventInterestRow).where(EventInterestRow.id.in_(ids)))
        return {r.id: interest_from_row(r) for r in rows}


def _visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """``visibility.is_listed`` in SQL."""
    alive = EventRow.deleted_at.is_(None)
    if viewer.is_staff:
        return alive
    reachable: ColumnElement[bool] = EventRow.is_public.is_(True)
    granted = sorted(i for i in viewer.granted if is_storable_id(i))
    if granted:
        reachable = or_(reachable, EventRow.id.in_(granted))
    listed = and_(EventRow.status.in_(sorted(s.value for s in LISTED_STATUSES)), reachable)
    if viewer.member_id is not None and is_storable_id(viewer.member_id):
        listed = or_(EventRow.host_id == viewer.member_id, listed)
    return and_(alive, listed)


def _filters(query: FeedQuery, now: datetime) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.statuses:
        where.append(EventRow.status.in_(sorted(s.value for s in query.statuses)))
    if query.is_public is not None:
        where.append(EventRow.is_public.is_(query.is_public))
    if query.host_id is not None:
        where.append(EventRow.host_id == query.host_id if is_storable_id(query.host_id) else false())
    if query.upcoming:
        where.append(EventRow.end_time > now)
    if query.interest_id is not None:
        where.append(
            EventRow.interest_ids.contains([query.interest_id]) if is_storable_id(query.interest_id) else false()
        )
    if query.city_slug is not None:
        where.append(VenueRow.city_slug == query.city_slug)
    if query.country_code is not None:
        where.append(VenueRow.country_code == query.country_code.lower())
    text = query.search_text
    if text is not None:
        pattern = f"%{_escape_like(text)}%"
        where.append(
            or_(EventRow.title.ilike(pattern, escape="\\"), EventRow.description.ilike(pattern, escape="\\"))
        )
    return where


def lead_from_row(row: HostLeadRow) -> HostLead:
    return HostLead(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        phone=PhoneNumber(row.phone_number),
        message=row.message,
        is_contacted=row.is_contacted,
        is_converted=row.is_converted,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlHostLeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find_by_phone(self, phone: PhoneNumber) -> HostLead | None:
        row = await self._session.scalar(select(HostLeadRow).where(HostLeadRow.phone_number == phone.e164))
        return lead_from_row(row) if row else None

    async def add(self, lead: HostLead) -> tuple[HostLead, bool]:
        statement = (
            insert(HostLeadRow)
            .values(
                first_name=lead.first_name,
                last_name=lead.last_name,
                phone_number=lead.phone.e164,
                message=lead.message,
                is_contacted=lead.is_contacted,
                is_converted=lead.is_converted,
                notes="",
                created_at=lead.created_at,
                updated_at=lead.updated_at,
            )
            .on_conflict_do_nothing(index_elements=[HostLeadRow.phone_number])
            .returning(HostLeadRow.id)
        )
        new_id = await self._session.scalar(statement)
        if new_id is None:
            existing = await self.find_by_phone(lead.phone)
            if existing is None:
                raise Conflict("Please retry.", code="HOST_LEAD_CONFLICT")
            return existing, False
        lead.id = new_id
        return lead, True

    async def list_recent(self, *, offset: int, limit: int) -> tuple[int, list[HostLead]]:
        total = await self._session.scalar(select(func.count()).select_from(HostLeadRow))
        rows = await self._session.scalars(
            select(HostLeadRow).order_by(HostLeadRow.id.desc()).offset(offset).limit(limit)
        )
        return int(total or 0), [lead_from_row(r) for r in rows]
