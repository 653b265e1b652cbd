"""What search engines read of a public event: SEO metadata and schema.org documents (pure functions of a view)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from loopin.domain.events.event import EventStatus
from loopin.domain.shared.money import CURRENCY
from loopin.usecases.events.views import EventView

Json = dict[str, object]
DESCRIPTION_MAX = 160


def local_iso(moment: datetime, zone: str) -> str:
    """The event's wall-clock time with its offset (``2025-12-21T00:00:00+05:30``)."""
    return moment.astimezone(ZoneInfo(zone)).isoformat()


def _absolute(url: str, site: str) -> str:
    return url if url.startswith(("http://", "https://")) else site + url


def _description(view: EventView, city: str) -> str:
    text = " ".join(view.description.split()) or f"Join us for {view.title} in {city}"
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1].rstrip() + "…"


def seo_of(view: EventView, site: str) -> Json:
    city = view.city_name or "Unknown"
    description = _description(view, city)
    image = _absolute(view.cover_images[0], site) if view.cover_images else ""
    return {
        "title": f"{view.title} in {city} | Loopin",
        "description": description,
        "canonical_url": view.share_url,
        "og_title": view.title,
        "og_description": description,
        "og_image": image,
        "og_url": view.share_url,
        "og_type": "website",
        "og_site_name": "Loopin",
        "twitter_card": "summary_large_image",
        "twitter_title": view.title,
        "twitter_description": description,
        "twitter_image": image,
        "event_id": view.canonical_id,
        "event_slug": view.slug,
        "event_start_time": local_iso(view.start_time, view.timezone),
        "event_end_time": local_iso(view.end_time, view.timezone),
        "event_location": view.venue.name if view.venue else "",
    }


_SCHEMA_STATUS = {
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
}
_ATTENDANCE_MODE = {
    "virtual": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def schema_event(view: EventView, site: str) -> Json:
    """schema.org ``Event``: unlimited events are in stock, coordinates are numbers."""
    event: Json = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": view.title,
        "description": (" ".join(view.description.split()) or f"Join us for {view.title}")[:500],
        "startDate": local_iso(view.start_time, view.timezone),
        "endDate": local_iso(view.end_time, view.timezone),
        "url": view.share_url,
        "eventStatus": _SCHEMA_STATUS.get(view.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": _ATTENDANCE_MODE.get(
            view.venue.venue_type if view.venue else "", "https://schema.org/OfflineEventAttendanceMode"
        ),
        "organizer": {"@type": "Person", "name": view.host.name or "Loopin host"},
        "offers": {
            "@type": "Offer",
            "price": str(view.ticket_price) if view.is_paid else "0",
            "priceCurrency": CURRENCY,
            "availability": "https://schema.org/SoldOut" if view.is_full else "https://schema.org/InStock",
            "url": view.share_url,
        },
    }
    if view.cover_images:
        event["image"] = [_absolute(u, site) for u in view.cover_images]
    if view.venue:
        place: Json = {
            "@type": "Place",
            "name": view.venue.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": view.venue.address,
                "addressLocality": view.venue.city,
                "addressCountry": view.venue.country_code.upper(),
            },
        }
        if view.venue.latitude is not None and view.venue.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": view.venue.latitude,
                "longitude": view.venue.longitude,
            }
        event["location"] = place
    return event


def breadcrumb(view: EventView, site: str) -> Json:
    cc = view.venue.country_code if view.venue else "in"
    slug = view.venue.city_slug if view.venue else "unknown"
    city = view.venue.city if view.venue else "Unknown"
    return breadcrumb_list(
        [
            ("Home", site + "/"),
            (cc.upper(), f"{site}/{cc}"),
            (city, f"{site}/{cc}/{slug}"),
            ("Events", f"{site}/{cc}/{slug}/events"),
            (view.title, view.share_url),
        ]
    )


def breadcrumb_list(items: list[tuple[str, str]]) -> Json:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(items, start=1)
        ],
    }
