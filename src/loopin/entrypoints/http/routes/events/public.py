"""Public pages (no sign-in): an event by its canonical id, its SEO metadata, a city's upcoming events.

Served under ``/api/public`` for the web pages and under ``/api/events`` where the app's share links look;
tokens are not even looked at.
"""

from __future__ import annotations

from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from loopin.entrypoints.http.auth import PUBLIC
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Page, PageSize
from loopin.entrypoints.http.routes.events.wire import EventOut, InterestRefOut, event_out
from loopin.usecases.events.public import CityEvents, CityPage, EventSeo, PublicEvent


class SeoOut(msgspec.Struct):
    success: bool
    seo: dict[str, Any]
    schema: dict[str, Any]
    event: EventOut


class CityPageOut(msgspec.Struct):
    success: bool
    seo: dict[str, Any]
    schema: dict[str, Any]
    pagination: dict[str, Any]
    events: list[EventOut]
    interest: InterestRefOut | None


class PublicEventController(LoopinController):
    """Server-side rendered web pages read these at ``/api/public``, the app's share links at ``/api/events``."""

    path = "/api"
    tags = ["public pages"]
    opt = PUBLIC

    @get(
        ["/public/events/{canonical_id:str}", "/events/canonical/{canonical_id:str}"],
        summary="A public event by its canonical id",
    )
    async def event(self, canonical_id: FromPath[str], public_event: FromDishka[PublicEvent]) -> EventOut:
        return event_out(await public_event(canonical_id=canonical_id))

    @get(
        ["/public/events/{canonical_id:str}/seo", "/events/seo/canonical/{canonical_id:str}/metadata"],
        summary="SEO metadata; 301 to the canonical URL on a stale slug",
        responses={301: ResponseSpec(None, description="A stale slug: Location holds the canonical URL.")},
    )
    async def seo(
        self,
        canonical_id: FromPath[str],
        event_seo: FromDishka[EventSeo],
        url_city_slug: FromQuery[str | None] = None,
        url_event_slug: FromQuery[str | None] = None,
    ) -> Response[Any]:
        found = await event_seo(
            canonical_id=canonical_id, url_city_slug=url_city_slug, url_event_slug=url_event_slug
        )
        if found.redirect_to:
            return Redirect(path=found.redirect_to, status_code=301)
        return Response(SeoOut(True, found.seo, found.schema, event_out(found.event)))

    @get(
        [
            "/public/cities/{country_code:str}/{city_slug:str}/events",
            "/events/seo/cities/{country_code:str}/{city_slug:str}/events",
        ],
        summary="A city's upcoming public events",
    )
    async def city(
        self,
        country_code: FromPath[str],
        city_slug: FromPath[str],
        city_events: FromDishka[CityEvents],
        event_interest_slug: FromQuery[str | None] = None,
        page: Page = 1,
        limit: PageSize = 20,
    ) -> CityPageOut:
        found = await city_events(
            country_code=country_code, city=city_slug, interest_slug=event_interest_slug, page=page, limit=limit
        )
        return city_out(found)


def city_out(found: CityPage) -> CityPageOut:
    interest = (
        InterestRefOut(found.interest.id, found.interest.name, found.interest.slug) if found.interest else None
    )
    events = [event_out(e) for e in found.page.events]
    return CityPageOut(True, found.seo, found.schema, found.pagination, events, interest)
