"""``/api/events/venues``: places events happen at, added from the app's place picker or the venue API."""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, JSONBody

from loopin.domain.events.place import VENUE_API_FIELDS, PlaceInput
from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Offset, PageSize, PathId
from loopin.entrypoints.http.wire import PagedOut, to_wire
from loopin.usecases.events.venues import CreateVenue, GetVenue, ListVenues
from loopin.usecases.events.views import VenueView
from loopin.usecases.shared.attributes import from_attributes


class VenueOut(msgspec.Struct):
    id: int
    uuid: str
    name: str
    address: str
    city: str
    city_slug: str
    country_code: str
    venue_type: str
    capacity: int
    latitude: float | None
    longitude: float | None
    place_id: str | None
    metadata: dict[str, str]
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None


class VenueListOut(PagedOut):
    data: list[VenueOut]


class VenueIn(msgspec.Struct):
    name: str
    address: str = ""
    city: str = ""
    venue_type: str = "indoor"
    capacity: int = 0
    latitude: float | None = None
    longitude: float | None = None
    place_id: str | None = None
    country_code: str | None = None
    metadata: dict[str, str] = msgspec.field(default_factory=dict)


def venue_out(v: VenueView) -> VenueOut:
    return to_wire(VenueOut, v, uuid=str(v.uuid), metadata=dict(v.metadata))


class VenueController(LoopinController):
    path = "/api/events/venues"
    tags = ["events"]

    @get("/", summary="Active venues, by name")
    async def list_venues(
        self,
        caller: Caller,
        list_venues: FromDishka[ListVenues],
        city: FromQuery[str | None] = None,
        venue_type: FromQuery[str | None] = None,
        offset: Offset = 0,
        limit: PageSize = 20,
    ) -> VenueListOut:
        found = await list_venues(member_id=caller, city=city, venue_type=venue_type, offset=offset, limit=limit)
        return VenueListOut(True, found.total, offset, limit, [venue_out(v) for v in found.rows])

    @post(
        "/",
        summary="Add a venue; the same place again returns the stored one (200)",
        responses={200: ResponseSpec(VenueOut, description="This place was stored already: the stored venue.")},
    )
    async def create_venue(
        self, caller: Caller, data: JSONBody[VenueIn], create: FromDishka[CreateVenue]
    ) -> Response[VenueOut]:
        place = from_attributes(PlaceInput, data, venue_name=data.name, fields=VENUE_API_FIELDS)
        view, created = await create(member_id=caller, place=place)
        return Response(venue_out(view), status_code=201 if created else 200)

    @get("/{venue_id:int}", summary="One active venue")
    async def get_venue(self, caller: Caller, venue_id: PathId, get_one: FromDishka[GetVenue]) -> VenueOut:
        return venue_out(await get_one(member_id=caller, venue_id=venue_id))
