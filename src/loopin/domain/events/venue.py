"""Places events happen at: reference data shared by events, reused when the same place comes again."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from loopin.domain.events.slugs import CITY_SLUG_MAX, generate_slug
from loopin.domain.shared.errors import NotFound

NAME_MAX, ADDRESS_MAX, CITY_MAX, PLACE_ID_MAX = 150, 500, 100, 255

# Display names of the cities with a landing page, keyed by their slug, with the spellings people use.
KNOWN_CITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bangalore": ("Bangalore", ("bangalore", "bengaluru", "bengaluru urban", "bangalore urban")),
    "mumbai": ("Mumbai", ("mumbai", "bombay", "navi mumbai")),
    "delhi": ("Delhi", ("delhi", "new delhi")),
    "hyderabad": ("Hyderabad", ("hyderabad", "secunderabad")),
    "chennai": ("Chennai", ("chennai", "madras")),
    "pune": ("Pune", ("pune", "poona")),
}
_ALIASES = {alias: slug for slug, (_, aliases) in KNOWN_CITIES.items() for alias in aliases}
_POSTAL = re.compile(r"\b\d{5,6}\b")
_COUNTRIES = frozenset({"india", "in", "bharat"})
_STATES = frozenset(
    {
        "andhra pradesh", "arunachal pradesh", "assam", "bihar", "chhattisgarh", "goa", "gujarat", "haryana",
        "himachal pradesh", "jharkhand", "karnataka", "kerala", "madhya pradesh", "maharashtra", "manipur",
        "meghalaya", "mizoram", "nagaland", "odisha", "punjab", "rajasthan", "sikkim", "tamil nadu", "telangana",
        "tripura", "uttar pradesh", "uttarakhand", "west bengal", "andaman and nicobar islands", "chandigarh",
        "dadra and nagar haveli and daman and diu", "delhi", "jammu and kashmir", "ladakh", "lakshadweep",
        "puducherry",
    }
)  # fmt: skip


class VenueType(Enum):
    INDOOR = "indoor"
    OUTDOOR = "outdoor"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class VenueNotFound(NotFound, code="VENUE_NOT_FOUND", message="Venue not found."): ...


@dataclass(slots=True)
class Venue:
    id: int
    uuid: uuid.UUID
    name: str
    address: str
    city: str
    country_code: str = "in"
    latitude: float | None = None
    longitude: float | None = None
    place_id: str | None = None
    venue_type: VenueType = VenueType.INDOOR
    capacity: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    is_active: bool = True
    created_by: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def new(cls, *, name: str, address: str, city: str, now: datetime, **details: object) -> Venue:
        return cls(
            id=0,
            uuid=uuid.uuid4(),
            name=name,
            address=address,
            city=city,
            created_at=now,
            updated_at=now,
            **details,  # type: ignore[arg-type]
        )

    @property
    def city_slug(self) -> str:
        """Derived on every read and write, so it never goes stale when the city is corrected."""
        return city_slug(self.city)

    @property
    def match_key(self) -> str:
        return match_key(self.name, self.address, self.city)


def city_slug(city: str) -> str:
    folded = _fold(city)
    return _ALIASES.get(folded) or generate_slug(city, CITY_SLUG_MAX, empty="unknown")


def city_display_name(slug: str) -> str:
    known = KNOWN_CITIES.get(slug)
    return known[0] if known else slug.replace("-", " ").title()


def match_key(name: str, address: str, city: str) -> str:
    """The same place typed again (case, accents, spacing, punctuation aside) gives the same key."""
    return "|".join(_fold(part) for part in (name, address, city))[:600]


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode() or text
    return " ".join(re.sub(r"[^\w\s]", " ", ascii_text.casefold()).split())


def guess_city(address: str, declared: str, venue_name: str) -> str:
    """The city of a Google formatted address.

    The app sends the venue name again as ``location_city``; when the declared city is missing or just the
    venue name, the city is read from the address: a known city among its parts, else the last part once
    the country, the PIN code and the state are dropped (``…, Jaipur, Rajasthan 302001, India`` → ``Jaipur``).
    """
    declared = " ".join(declared.split())
    if declared and _fold(declared) != _fold(venue_name):
        return declared
    parts = [p for p in (" ".join(_POSTAL.sub("", part).split()) for part in address.split(",")) if p]
    for part in reversed(parts):
        slug = _ALIASES.get(_fold(part))
        if slug:
            return KNOWN_CITIES[slug][0]
    if parts and _fold(parts[-1]) in _COUNTRIES:
        parts = parts[:-1]
    if len(parts) > 1 and _fold(parts[-1]) in _STATES:
        parts = parts[:-1]
    return parts[-1] if parts else venue_name
