"""What events use cases hand back: plain, cacheable data (no entities, no wire format)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loopin.domain.events.event import EventStatus
from loopin.domain.events.host_lead import HostLead
from loopin.domain.events.slugs import canonical_path
from loopin.domain.events.venue import Venue
from loopin.domain.identity.interest import EventInterest
from loopin.domain.shared.money import ZERO
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import EventRecord, SeatFee
from loopin.usecases.platform.ports import FileStorage
from loopin.usecases.shared.attributes import from_attributes


@dataclass(frozen=True, slots=True)
class HostView:
    id: int
    name: str
    profile_image: str | None


@dataclass(frozen=True, slots=True)
class VenueView:
    id: int
    uuid: uuid.UUID
    name: str
    address: str
    city: str
    city_slug: str
    country_code: str
    latitude: float | None
    longitude: float | None
    place_id: str | None
    venue_type: str
    capacity: int
    metadata: dict[str, str]
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, v: Venue) -> VenueView:
        return from_attributes(cls, v, venue_type=v.venue_type.value, metadata=dict(v.metadata))


@dataclass(frozen=True, slots=True)
class InterestRef:
    id: int
    name: str
    slug: str

    @classmethod
    def of(cls, interest: EventInterest) -> InterestRef:
        return cls(interest.id, interest.name, interest.slug)


@dataclass(frozen=True, slots=True)
class EventView:
    """Times are UTC instants plus the event's ``timezone``; the wire shows the local wall-clock time."""

    id: int
    uuid: uuid.UUID
    canonical_id: str
    slug: str
    canonical_path: str
    share_url: str
    title: str
    description: str
    host: HostView
    venue: VenueView | None
    start_time: datetime
    end_time: datetime
    timezone: str
    max_capacity: int
    seats_taken: int
    seats_held: int
    requests_count: int
    is_paid: bool
    ticket_price: Decimal
    platform_fee: Decimal  # per seat, on top of the price (the same policy as what orders charge)
    allow_plus_one: bool
    gst_number: str
    allowed_genders: str
    rsvp_expiry_policy: str
    cover_images: tuple[str, ...]
    status: EventStatus
    is_public: bool
    is_deleted: bool
    interests: tuple[InterestRef, ...]
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def host_id(self) -> int:
        return self.host.id

    @property
    def seats_left(self) -> int | None:
        return None if self.max_capacity == 0 else max(0, self.max_capacity - self.seats_taken - self.seats_held)

    @property
    def is_full(self) -> bool:
        return self.max_capacity != 0 and self.seats_taken + self.seats_held >= self.max_capacity

    @property
    def city_name(self) -> str:
        return self.venue.city if self.venue else ""

    @classmethod
    def of(cls, record: EventRecord, storage: FileStorage, config: EventsConfig, fee: SeatFee) -> EventView:
        e, venue = record.event, record.venue
        path = canonical_path(
            venue.country_code if venue else "in", venue.city_slug if venue else "unknown", e.slug, e.canonical_id
        )
        picture = record.host.picture_key
        return from_attributes(
            cls,
            e,
            canonical_path=path,
            share_url=config.site_url.rstrip("/") + path,
            host=HostView(record.host.id, record.host.name, storage.url_for(picture) if picture else None),
            venue=VenueView.of(venue) if venue else None,
            platform_fee=fee.fee_per_seat(e.ticket_price) if e.is_paid else ZERO,
            allowed_genders=e.allowed_genders.value,
            rsvp_expiry_policy=e.rsvp_expiry_policy.value,
            cover_images=tuple(storage.url_for(k) for k in e.cover_image_keys),
            interests=tuple(InterestRef.of(i) for i in record.interests),
        )


@dataclass(frozen=True, slots=True)
class FeedPageView:
    """``events`` may hold more than ``limit`` when the caller's own upcoming events were pinned in."""

    total: int
    offset: int
    limit: int
    events: tuple[EventView, ...]


@dataclass(frozen=True, slots=True)
class ShareLink:
    canonical_id: str
    canonical_url: str
    canonical_path: str
    slug: str

    @classmethod
    def of(cls, view: EventView) -> ShareLink:
        return cls(view.canonical_id, view.share_url, view.canonical_path, view.slug)


@dataclass(frozen=True, slots=True)
class VenuePage:
    total: int
    offset: int
    limit: int
    venues: tuple[VenueView, ...]


@dataclass(frozen=True, slots=True)
class HostLeadView:
    id: int
    first_name: str
    last_name: str
    phone_number: str
    message: str
    is_contacted: bool
    is_converted: bool
    submitted_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, lead: HostLead) -> HostLeadView:
        return from_attributes(cls, lead, phone_number=lead.phone.e164, submitted_at=lead.created_at)
