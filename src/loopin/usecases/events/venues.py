"""Venues: created from the app's Google place fields (or the venue API), reused when the place comes again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from loopin.domain.events.problems import Problems
from loopin.domain.events.rules import (
    check_capacity,
    clean_address,
    clean_city,
    clean_country_code,
    clean_place_id,
    clean_venue_name,
    parse_coordinate,
    parse_venue_type,
)
from loopin.domain.events.venue import Venue, VenueNotFound, VenueType, guess_city
from loopin.domain.identity.member import Access
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import VenueRepository
from loopin.usecases.events.views import VenuePage, VenueView
from loopin.usecases.identity.access import MemberAccess
from loopin.usecases.platform.ports import RateLimiter
from loopin.usecases.shared.ports import Clock, UnitOfWork

METADATA_MAX_KEYS, METADATA_MAX_CHARS = 20, 500


@dataclass(frozen=True, slots=True)
class PlaceFields:
    """The names problems are reported under: the create form's ``location_*`` fields, or the venue API's."""

    name: str = "venue_name"
    address: str = "location_address"
    city: str = "location_city"
    latitude: str = "location_latitude"
    longitude: str = "location_longitude"
    place_id: str = "location_place_id"
    country_code: str = "location_country_code"


FORM_FIELDS = PlaceFields()
VENUE_API_FIELDS = PlaceFields("name", "address", "city", "latitude", "longitude", "place_id", "country_code")


@dataclass(frozen=True, slots=True)
class PlaceInput:
    """A place as the app sends it (text fields of the create form), or as the venue API takes it."""

    venue_name: str | None = None
    address: str | None = None
    city: str | None = None
    latitude: str | float | None = None
    longitude: str | float | None = None
    place_id: str | None = None
    country_code: str | None = None
    venue_type: str | None = None
    capacity: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    fields: PlaceFields = FORM_FIELDS

    @property
    def given(self) -> bool:
        return any((v or "").strip() for v in (self.venue_name, self.address, self.city, self.place_id))


def venue_from_place(place: PlaceInput, problems: Problems, *, now: datetime, created_by: int) -> Venue | None:
    """A new (unsaved) venue, or None with the problems noted. A missing city is read from the address."""
    before, f = len(problems.items), place.fields
    name = clean_venue_name(place.venue_name, problems, f.name)
    address = clean_address(place.address, problems, f.address) or ""
    declared_city = clean_city(place.city, problems, f.city) or ""
    latitude = parse_coordinate(place.latitude, f.latitude, 90, problems)
    longitude = parse_coordinate(place.longitude, f.longitude, 180, problems)
    if (latitude is None) != (longitude is None) and len(problems.items) == before:
        problems.add(f.latitude, "Send both latitude and longitude, or neither", "INVALID_COORDINATES")
    place_id = clean_place_id(place.place_id, problems, f.place_id)
    country = clean_country_code(place.country_code, problems, f.country_code)
    venue_type = parse_venue_type(place.venue_type, problems)
    capacity = check_capacity(place.capacity if place.capacity is not None else 0, problems)
    metadata = _clean_metadata(place.metadata, problems)
    if len(problems.items) > before or name is None or venue_type is None or capacity is None:
        return None
    return Venue.new(
        name=name,
        address=address or name,
        city=guess_city(address, declared_city, name),
        now=now,
        country_code=country,
        latitude=latitude,
        longitude=longitude,
        place_id=place_id or None,
        venue_type=venue_type,
        capacity=capacity,
        metadata=metadata,
        created_by=created_by,
    )


def _clean_metadata(raw: dict[str, str], problems: Problems) -> dict[str, str]:
    if (
        len(raw) > METADATA_MAX_KEYS
        or any(len(str(k)) + len(str(v)) > METADATA_MAX_CHARS for k, v in raw.items())
        or any(ch < " " for k, v in raw.items() for ch in f"{k}{v}")
    ):
        problems.add("metadata", f"metadata holds at most {METADATA_MAX_KEYS} short text values")
        return {}
    return {str(k): str(v) for k, v in raw.items()}


async def active_venue(venues: VenueRepository, venue_id: int) -> Venue:
    venue = await venues.get(venue_id)
    if venue is None or not venue.is_active:
        raise VenueNotFound()
    return venue


@dataclass(frozen=True, slots=True)
class CreateVenue:
    """Any active member may add a venue; the same place again returns the stored one (no duplicates)."""

    access: MemberAccess
    venues: VenueRepository
    limiter: RateLimiter
    uow: UnitOfWork
    clock: Clock
    config: EventsConfig

    async def __call__(self, *, member_id: int, place: PlaceInput) -> tuple[VenueView, bool]:
        member = await self.access.load(member_id, Access.MEMBER)
        now = self.clock.now()
        problems = Problems()
        draft = venue_from_place(place, problems, now=now, created_by=member.id)
        problems.raise_if_any()
        assert draft is not None
        await self.config.venues_per_member.count(self.limiter, member.id, now)
        venue, created = await self.venues.find_or_add(draft)
        await self.uow.commit()
        return VenueView.of(venue), created


@dataclass(frozen=True, slots=True)
class GetVenue:
    access: MemberAccess
    venues: VenueRepository
    uow: UnitOfWork

    async def __call__(self, *, member_id: int, venue_id: int) -> VenueView:
        await self.access.load(member_id, Access.MEMBER)
        venue = await active_venue(self.venues, venue_id)
        await self.uow.commit()
        return VenueView.of(venue)


@dataclass(frozen=True, slots=True)
class ListVenues:
    access: MemberAccess
    venues: VenueRepository
    uow: UnitOfWork

    async def __call__(
        self, *, member_id: int, city: str | None, venue_type: str | None, offset: int, limit: int
    ) -> VenuePage:
        await self.access.load(member_id, Access.MEMBER)
        problems = Problems()
        kind: VenueType | None = parse_venue_type(venue_type, problems) if venue_type else None
        problems.raise_if_any()
        total, found = await self.venues.list_active(city=city, venue_type=kind, offset=offset, limit=limit)
        await self.uow.commit()
        return VenuePage(total, offset, limit, tuple(VenueView.of(v) for v in found))
