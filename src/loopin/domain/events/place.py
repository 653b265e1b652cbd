"""A place as members send it (the create form's Google place fields, or the venue API), checked into a venue."""

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
from loopin.domain.events.venue import Venue, guess_city

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
    capacity = check_capacity(place.capacity if place.capacity is not None else 0, problems, "capacity")
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
