"""Venues and host leads over PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.dialects.postgresql import insert

from loopin.adapters.persistence.database import SqlAdapter
from loopin.adapters.persistence.orm import (
    HostLeadRow,
    VenueRow,
    is_storable_id,
    like_anywhere,
)
from loopin.adapters.persistence.rows import entity_from_row, row_values
from loopin.domain.events.host_lead import HostLead
from loopin.domain.events.venue import Venue, VenueType
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.errors import Conflict
from loopin.usecases.events.ports import HostLeadRepository, VenueRepository
from loopin.usecases.shared.paging import Page


def venue_from_row(row: VenueRow) -> Venue:
    """Coordinates are exact decimals in the row and floats in the domain; ``metadata`` is the ``details``
    column (``metadata`` is taken on a mapped class)."""
    return entity_from_row(
        Venue,
        row,
        latitude=float(row.latitude) if row.latitude is not None else None,
        longitude=float(row.longitude) if row.longitude is not None else None,
        metadata={str(k): str(v) for k, v in (row.details or {}).items()},
    )


def _venue_values(venue: Venue) -> dict[str, Any]:
    """The row's columns, with the keys the venue derives (``city_slug``, ``match_key``)."""
    values = row_values(
        venue,
        skip=("id", "metadata"),
        latitude=Decimal(str(venue.latitude)) if venue.latitude is not None else None,
        longitude=Decimal(str(venue.longitude)) if venue.longitude is not None else None,
    )
    return values | {"city_slug": venue.city_slug, "match_key": venue.match_key, "details": dict(venue.metadata)}


class SqlVenueRepository(SqlAdapter, VenueRepository):
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
    ) -> Page[Venue]:
        where: list[ColumnElement[bool]] = [VenueRow.is_active.is_(True)]
        if city and city.strip():
            where.append(VenueRow.city.ilike(like_anywhere(city.strip()), escape="\\"))
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
        return Page(int(total or 0), [venue_from_row(r) for r in rows])


def lead_from_row(row: HostLeadRow) -> HostLead:
    return entity_from_row(HostLead, row, phone=PhoneNumber(row.phone_number))


class SqlHostLeadRepository(SqlAdapter, HostLeadRepository):
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

    async def list_recent(self, *, offset: int, limit: int) -> Page[HostLead]:
        total = await self._session.scalar(select(func.count()).select_from(HostLeadRow))
        rows = await self._session.scalars(
            select(HostLeadRow).order_by(HostLeadRow.id.desc()).offset(offset).limit(limit)
        )
        return Page(int(total or 0), [lead_from_row(r) for r in rows])

    async def lock(self, lead_id: int) -> HostLead | None:
        if not is_storable_id(lead_id):
            return None
        row = await self._session.get(HostLeadRow, lead_id, with_for_update=True, populate_existing=True)
        return lead_from_row(row) if row else None

    async def save(self, lead: HostLead) -> None:
        row = await self._session.get(HostLeadRow, lead.id)
        if row is None:
            raise LookupError(f"host lead {lead.id} is not stored")
        row.is_contacted, row.is_converted = lead.is_contacted, lead.is_converted
        if lead.updated_at is not None:
            row.updated_at = lead.updated_at
