"""The event object as the wire carries it: the feed, an event's detail and the public pages all send it."""

from __future__ import annotations

from datetime import datetime

import msgspec

from loopin.entrypoints.http.auth import Session
from loopin.entrypoints.http.wire import to_wire, wall_clock
from loopin.usecases.events.views import EventView


class HostOut(msgspec.Struct):
    id: int
    user_id: int
    name: str
    username: str | None  # the host's phone number, shown only to the host (the app's fallback match)
    profile_image: str | None


class LocationOut(msgspec.Struct):
    venue_id: int
    venue_name: str
    name: str
    address: str
    city: str
    city_slug: str
    country_code: str
    latitude: float | None
    longitude: float | None
    place_id: str | None


class VenueRefOut(msgspec.Struct):
    id: int
    uuid: str
    name: str
    city: str
    venue_type: str
    address: str


class InterestRefOut(msgspec.Struct):
    id: int
    name: str
    slug: str


class EventOut(msgspec.Struct):
    id: int
    uuid: str
    canonical_id: str
    title: str
    slug: str
    canonical_url: str
    canonical_path: str
    description: str
    host: HostOut
    location: LocationOut | None
    venue: VenueRefOut | None
    venue_text: str
    start_time: str
    end_time: str
    start_time_utc: datetime
    end_time_utc: datetime
    timezone: str
    duration_hours: float
    max_capacity: int
    going_count: int
    requests_count: int
    seats_left: int | None
    is_full: bool
    is_paid: bool
    ticket_price: str
    platform_fee: str  # per seat, on top of ticket_price (what the order will charge); "0.00" for free events
    currency: str
    allow_plus_one: bool
    gst_number: str
    allowed_genders: str
    rsvp_expiry_policy: str
    cover_images: list[str]
    status: str
    is_public: bool
    is_active: bool
    event_interests: list[InterestRefOut]
    payout_status: str | None
    created_at: datetime | None
    updated_at: datetime | None


def event_out(v: EventView, viewer: Session | None = None) -> EventOut:
    """``viewer`` only decides whether the host's own number is shown back to them."""
    h, venue = v.host, v.venue
    own = viewer is not None and viewer.member_id == h.id
    return to_wire(
        EventOut,
        v,
        uuid=str(v.uuid),
        canonical_url=v.share_url,
        host=HostOut(h.id, h.id, h.name, viewer.phone_number if own and viewer else None, h.profile_image),
        location=LocationOut(
            venue.id,
            venue.name,
            venue.name,
            venue.address,
            venue.city,
            venue.city_slug,
            venue.country_code,
            venue.latitude,
            venue.longitude,
            venue.place_id,
        )
        if venue
        else None,
        venue=VenueRefOut(venue.id, str(venue.uuid), venue.name, venue.city, venue.venue_type, venue.address)
        if venue
        else None,
        venue_text=venue.name if venue else "",
        start_time=wall_clock(v.start_time, v.timezone),
        end_time=wall_clock(v.end_time, v.timezone),
        start_time_utc=v.start_time,
        end_time_utc=v.end_time,
        duration_hours=round((v.end_time - v.start_time).total_seconds() / 3600, 2),
        going_count=v.seats_taken,
        ticket_price=str(v.ticket_price),
        platform_fee=str(v.platform_fee),
        currency="INR",
        cover_images=list(v.cover_images),
        status=v.status.value,
        is_active=not v.is_deleted,
        event_interests=[InterestRefOut(i.id, i.name, i.slug) for i in v.interests],
        payout_status=None,
    )
