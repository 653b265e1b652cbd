"""What events use cases hand back: plain, cacheable data (no entities, no wire format)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from loopin.domain.events.event import EventStatus
from loopin.domain.events.host_lead import HostLead
from loopin.domain.events.slugs import canonical_path
from loopin.domain.events.venue import Venue
from loopin.domain.identity.interest import EventInterest
from loopin.domain.shared.money import ZERO
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.ports import EventRecord, HostCard, SeatFee
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
        return ViewShape(storage, config.site_url, fee).of(record)


@dataclass(frozen=True, slots=True)
class ViewShape:
    """What turns what is stored into what is shown (file URLs, the site's address, the fee buyers pay now).

    One rule for both ways a view is built: from an ``EventRecord`` (``of``), and from the database's columns
    by the feed's read model (``EventReader.page_views``), which builds no entities on the way.
    """

    storage: FileStorage
    site_url: str
    fee: SeatFee

    def of(self, record: EventRecord) -> EventView:
        e = record.event
        return self.event(
            e,
            slug=e.slug,
            status=e.status,
            is_deleted=e.is_deleted,
            allowed_genders=e.allowed_genders.value,
            rsvp_expiry_policy=e.rsvp_expiry_policy.value,
            host=record.host,
            venue=VenueView.of(record.venue) if record.venue else None,
            interests=tuple(InterestRef.of(i) for i in record.interests),
        )

    def event(
        self,
        source: Any,
        *,
        slug: str,
        status: EventStatus,
        is_deleted: bool,
        allowed_genders: str,
        rsvp_expiry_policy: str,
        host: HostCard,
        venue: VenueView | None,
        interests: tuple[InterestRef, ...],
    ) -> EventView:
        """``source`` carries the event's other fields under their own names (an ``Event``, a result row)."""
        path = canonical_path(
            venue.country_code if venue else "in",
            venue.city_slug if venue else "unknown",
            slug,
            source.canonical_id,
        )
        url_for = self.storage.url_for
        keys: Sequence[str] = source.cover_image_keys
        return EventView(
            source.id,
            source.uuid,
            source.canonical_id,
            slug,
            path,
            self.site_url.rstrip("/") + path,
            source.title,
            source.description,
            HostView(host.id, host.name, url_for(host.picture_key) if host.picture_key else None),
            venue,
            source.start_time,
            source.end_time,
            source.timezone,
            source.max_capacity,
            source.seats_taken,
            source.seats_held,
            source.requests_count,
            source.is_paid,
            source.ticket_price,
            self.fee.fee_per_seat(source.ticket_price) if source.is_paid else ZERO,
            source.allow_plus_one,
            source.gst_number,
            allowed_genders,
            rsvp_expiry_policy,
            tuple(url_for(k) for k in keys),
            status,
            source.is_public,
            is_deleted,
            interests,
            source.created_at,
            source.updated_at,
        )


@dataclass(frozen=True, slots=True)
class ViewPage:
    """A page of the feed's read model: the total of the events matching, and the page's views."""

    total: int
    views: list[EventView]


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
