"""Public pages (no sign-in): an event by its canonical id, its SEO metadata, a city's upcoming events.

Only what any member could find is shown: public, published or postponed, not deleted (other statuses of a
public event are shown by canonical id, so a shared link to a cancelled event says it was cancelled; drafts
and private events are 404 here whoever asks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from loopin.domain.events.event import EventStatus
from loopin.domain.events.feed import MAX_LIMIT, FeedQuery
from loopin.domain.events.rules import is_country_code
from loopin.domain.events.slugs import is_canonical_id, is_city_slug
from loopin.domain.events.venue import KNOWN_CITIES, city_display_name, city_slug
from loopin.domain.events.visibility import Viewer
from loopin.domain.shared.errors import FieldProblem, InvalidInput, NotFound
from loopin.usecases.events.access import EventAccess
from loopin.usecases.events.catalog import EventCatalog
from loopin.usecases.events.config import EventsConfig
from loopin.usecases.events.seo import Json, breadcrumb, breadcrumb_list, schema_event, seo_of
from loopin.usecases.events.views import EventView, FeedPageView, InterestRef
from loopin.usecases.identity.ports import InterestRepository
from loopin.usecases.shared.ports import Clock
from loopin.usecases.shared.use_case import UseCase


class InterestNotFound(NotFound, code="INTEREST_NOT_FOUND", message="Interest not found."): ...


class CityNotFound(NotFound, code="CITY_NOT_FOUND", message="City not found."): ...


async def shown_to_anyone(access: EventAccess, catalog: EventCatalog, canonical_id: str) -> EventView:
    """The event of a public page, or 404 (drafts and private events whoever asks)."""
    view = await catalog.by_canonical_id(canonical_id) if is_canonical_id(canonical_id) else None
    return await access.require_visible(view, None)


class PublicEvent(UseCase):
    event_access: EventAccess
    catalog: EventCatalog

    async def __call__(self, *, canonical_id: str) -> EventView:
        view = await shown_to_anyone(self.event_access, self.catalog, canonical_id)
        await self.uow.commit()
        return view


@dataclass(frozen=True, slots=True)
class SeoPage:
    event: EventView
    seo: Json
    schema: Json
    redirect_to: str | None  # the current canonical URL when the link used a stale city or slug


class EventSeo(UseCase):
    event_access: EventAccess
    catalog: EventCatalog
    config: EventsConfig

    async def __call__(
        self, *, canonical_id: str, url_city_slug: str | None = None, url_event_slug: str | None = None
    ) -> SeoPage:
        view = await shown_to_anyone(self.event_access, self.catalog, canonical_id)
        await self.uow.commit()
        current_city = view.venue.city_slug if view.venue else "unknown"
        stale = (url_city_slug is not None and url_city_slug != current_city) or (
            url_event_slug is not None and url_event_slug != view.slug
        )
        site = self.config.site_url.rstrip("/")
        return SeoPage(
            view,
            seo_of(view, site),
            {"event": schema_event(view, site), "breadcrumb": breadcrumb(view, site)},
            view.share_url if stale else None,
        )


@dataclass(frozen=True, slots=True)
class CityPage:
    page: FeedPageView
    number: int
    seo: Json
    schema: Json
    pagination: Json
    interest: InterestRef | None


class CityEvents(UseCase):
    """Upcoming public events at venues in one city, soonest first; optionally of one interest.

    A well-formed slug of a city with no events yet still gets its page; a path no city slug could be (too
    long, or characters a slug never has) is 404, so the page never names a city nobody could have.
    """

    catalog: EventCatalog
    interests: InterestRepository
    clock: Clock
    config: EventsConfig

    async def __call__(
        self, *, country_code: str, city: str, interest_slug: str | None = None, page: int = 1, limit: int = 20
    ) -> CityPage:
        problems = []
        if page < 1:
            problems.append(FieldProblem("page", "page must be 1 or more"))
        if not 1 <= limit <= MAX_LIMIT:
            problems.append(FieldProblem("limit", f"limit must be between 1 and {MAX_LIMIT}"))
        if not is_country_code(country_code):
            problems.append(FieldProblem("country_code", "country_code must be a 2-letter country code"))
        if problems:
            raise InvalidInput(problems)
        if not is_city_slug(city):
            raise CityNotFound()
        cc, slug = country_code.lower(), city_slug(city)
        interest: InterestRef | None = None
        if interest_slug:
            match = next((i for i in await self.interests.list_active() if i.slug == interest_slug), None)
            if match is None:
                raise InterestNotFound()
            interest = InterestRef.of(match)
        query = FeedQuery(
            statuses=(EventStatus.PUBLISHED, EventStatus.POSTPONED),
            city=slug,
            country_code=cc,
            interest_id=interest.id if interest else None,
            offset=(page - 1) * limit,
            limit=limit,
        )
        found = await self.catalog.page(query, Viewer.anonymous(), "public", self.clock.now())
        await self.uow.commit()
        site = self.config.site_url.rstrip("/")
        name = city_display_name(slug)
        base = f"/{cc}/{slug}/events" + (f"/{interest.slug}" if interest else "")
        pages = max(1, math.ceil(found.total / limit))
        seo: Json = {
            "title": f"Events in {name} | Loopin",
            "description": f"Discover {found.total} upcoming events in {name} on Loopin."
            if found.total
            else f"Discover upcoming events in {name} on Loopin.",
            "h1": f"Events in {name}" + (f": {interest.name}" if interest else ""),
            "city_name": name,
            "city_slug": slug,
            "country_code": cc,
            "canonical_url": site + base,
            "is_known_city": slug in KNOWN_CITIES,
        }
        schema: Json = {
            "breadcrumb": breadcrumb_list(
                [("Home", site + "/"), (cc.upper(), f"{site}/{cc}"), (name, f"{site}/{cc}/{slug}")]
                + [("Events", f"{site}/{cc}/{slug}/events")]
                + ([(interest.name, site + base)] if interest else [])
            ),
            "city_page": {
                "@context": "https://schema.org",
                "@type": "CollectionPage",
                "name": f"Events in {name}",
                "description": seo["description"],
                "url": site + base,
                "about": {"@type": "City", "name": name, "addressCountry": cc.upper()},
            },
        }
        pagination: Json = {
            "page": page,
            "limit": limit,
            "total": found.total,
            "total_pages": pages,
            "has_next": page < pages,
            "has_prev": page > 1,
            "next_page": page + 1 if page < pages else None,
            "prev_page": page - 1 if page > 1 else None,
            "next_url": f"{base}?page={page + 1}" if page < pages else None,
            "prev_url": f"{base}?page={page - 1}" if page > 1 else None,
        }
        return CityPage(found, page, seo, schema, pagination, interest)
