"""``/api/events``, ``/api/events/venues``, ``/api/public`` and ``/api/hosts``: events as the app reads them.

Event times on the wire (``start_time``, ``end_time``) are the event's local wall-clock time without an
offset, because the app shows timestamps without converting them; ``start_time_utc``/``end_time_utc`` and
``timezone`` carry the exact instant for other clients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect

from loopin.adapters.security.jwt_tokens import JwtSessionTokens
from loopin.entrypoints.http.auth import Session
from loopin.usecases.events.create import CreateEvent, CreateEventInput
from loopin.usecases.events.hosts import BecomeAHost, HostLeadInput, ListHostLeads
from loopin.usecases.events.manage import KEEP, DeleteEvent, EventChanges, UpdateEvent
from loopin.usecases.events.public import CityEvents, CityPage, EventSeo, PublicEvent
from loopin.usecases.events.read import FeedInput, GetEvent, GetShareUrl, ListFeed
from loopin.usecases.events.venues import VENUE_API_FIELDS, CreateVenue, GetVenue, ListVenues, PlaceInput
from loopin.usecases.events.views import EventView, FeedPageView, HostLeadView, VenueView
from loopin.usecases.identity.pictures import UploadedFile
from loopin.usecases.identity.ports import TokenRevocations

MAX_CREATE_BYTES = 20 * 1024 * 1024  # three 5 MB covers and the text fields
PUBLIC = {"public": True}  # no session needed (see auth.BearerSessionMiddleware's exclude key)


# --- wire shapes -----------------------------------------------------------------------------------------


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


class FeedOut(msgspec.Struct):
    success: bool
    total: int
    offset: int
    limit: int
    data: list[EventOut]


class EventUpdatedOut(msgspec.Struct):
    success: bool
    message: str
    data: EventOut


class MessageOut(msgspec.Struct):
    success: bool
    message: str


class ShareOut(msgspec.Struct):
    success: bool
    canonical_id: str
    canonical_url: str
    canonical_path: str
    slug: str


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


class VenueListOut(msgspec.Struct):
    success: bool
    total: int
    offset: int
    limit: int
    data: list[VenueOut]


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


class HostLeadOut(msgspec.Struct):
    id: int
    first_name: str
    last_name: str
    phone_number: str
    message: str
    submitted_at: datetime | None


class HostLeadSubmittedOut(msgspec.Struct):
    success: bool
    message: str
    data: HostLeadOut


class HostLeadAdminOut(msgspec.Struct):
    id: int
    first_name: str
    last_name: str
    phone_number: str
    message: str
    is_contacted: bool
    is_converted: bool
    created_at: datetime | None
    updated_at: datetime | None


class HostLeadListData(msgspec.Struct):
    leads: list[HostLeadAdminOut]
    total: int


class HostLeadListOut(msgspec.Struct):
    success: bool
    message: str
    data: HostLeadListData


# --- inputs ----------------------------------------------------------------------------------------------


@dataclass
class CreateEventForm:
    """Every field the app sends (all text in multipart), plus ``publish`` and ``timezone`` for other clients.

    Optional everywhere, so a missing title answers TITLE_REQUIRED rather than a generic 422.
    """

    title: str | None = None
    description: str | None = None
    start_time: str | None = None
    duration_hours: str | None = None
    timezone: str | None = None
    venue_id: str | None = None
    venue_name: str | None = None
    venue_text: str | None = None
    location_address: str | None = None
    location_city: str | None = None
    location_latitude: str | None = None
    location_longitude: str | None = None
    location_place_id: str | None = None
    location_country_code: str | None = None
    max_capacity: str | None = None
    is_paid: str | None = None
    ticket_price: str | None = None
    platform_fee: str | None = None  # sent by the app, ignored: the server computes every fee
    allow_plus_one: str | None = None
    gst_number: str | None = None
    allowed_genders: str | None = None
    rsvp_expiry_policy: str | None = None
    status: str | None = None
    publish: str | None = None
    is_public: str | None = None
    event_interest_ids: str | None = None
    cover_images: list[UploadFile] = field(default_factory=list)


class EventUpdateIn(msgspec.Struct, omit_defaults=True):
    """Absent keys stay as they are. Unknown keys (``going_count``, ``host_id``…) are ignored."""

    title: str | msgspec.UnsetType = msgspec.UNSET
    description: str | None | msgspec.UnsetType = msgspec.UNSET
    start_time: str | msgspec.UnsetType = msgspec.UNSET
    end_time: str | msgspec.UnsetType = msgspec.UNSET
    duration_hours: float | str | msgspec.UnsetType = msgspec.UNSET
    timezone: str | msgspec.UnsetType = msgspec.UNSET
    venue_id: int | msgspec.UnsetType = msgspec.UNSET
    venue_name: str | msgspec.UnsetType = msgspec.UNSET
    location_address: str | msgspec.UnsetType = msgspec.UNSET
    location_city: str | msgspec.UnsetType = msgspec.UNSET
    location_latitude: float | str | msgspec.UnsetType = msgspec.UNSET
    location_longitude: float | str | msgspec.UnsetType = msgspec.UNSET
    location_place_id: str | msgspec.UnsetType = msgspec.UNSET
    location_country_code: str | msgspec.UnsetType = msgspec.UNSET
    max_capacity: int | msgspec.UnsetType = msgspec.UNSET
    is_paid: bool | msgspec.UnsetType = msgspec.UNSET
    ticket_price: float | str | msgspec.UnsetType = msgspec.UNSET
    allow_plus_one: bool | msgspec.UnsetType = msgspec.UNSET
    gst_number: str | None | msgspec.UnsetType = msgspec.UNSET
    allowed_genders: str | msgspec.UnsetType = msgspec.UNSET
    rsvp_expiry_policy: str | msgspec.UnsetType = msgspec.UNSET
    status: str | msgspec.UnsetType = msgspec.UNSET
    is_public: bool | msgspec.UnsetType = msgspec.UNSET
    event_interest_ids: list[int] | msgspec.UnsetType = msgspec.UNSET
    cover_images: list[str] | msgspec.UnsetType = msgspec.UNSET


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


class HostLeadIn(msgspec.Struct):
    first_name: str
    last_name: str
    phone_number: str
    message: str = ""


# --- mapping ---------------------------------------------------------------------------------------------


def _wall_clock(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="seconds")


def event_out(v: EventView, viewer: Session | None = None) -> EventOut:
    """``viewer`` only decides whether the host's own number is shown back to them."""
    venue = v.venue
    own = viewer is not None and viewer.member_id == v.host.id
    return EventOut(
        id=v.id,
        uuid=str(v.uuid),
        canonical_id=v.canonical_id,
        title=v.title,
        slug=v.slug,
        canonical_url=v.share_url,
        canonical_path=v.canonical_path,
        description=v.description,
        host=HostOut(
            v.host.id,
            v.host.id,
            v.host.name,
            viewer.phone_number if own and viewer else None,
            v.host.profile_image,
        ),
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
        start_time=_wall_clock(v.start_time, v.timezone),
        end_time=_wall_clock(v.end_time, v.timezone),
        start_time_utc=v.start_time,
        end_time_utc=v.end_time,
        timezone=v.timezone,
        duration_hours=round((v.end_time - v.start_time).total_seconds() / 3600, 2),
        max_capacity=v.max_capacity,
        going_count=v.seats_taken,
        requests_count=v.requests_count,
        seats_left=v.seats_left,
        is_full=v.is_full,
        is_paid=v.is_paid,
        ticket_price=str(v.ticket_price),
        currency="INR",
        allow_plus_one=v.allow_plus_one,
        gst_number=v.gst_number,
        allowed_genders=v.allowed_genders,
        rsvp_expiry_policy=v.rsvp_expiry_policy,
        cover_images=list(v.cover_images),
        status=v.status.value,
        is_public=v.is_public,
        is_active=not v.is_deleted,
        event_interests=[InterestRefOut(i.id, i.name, i.slug) for i in v.interests],
        payout_status=None,
        created_at=v.created_at,
        updated_at=v.updated_at,
    )


def feed_out(page: FeedPageView, viewer: Session | None) -> FeedOut:
    return FeedOut(True, page.total, page.offset, page.limit, [event_out(e, viewer) for e in page.events])


def venue_out(v: VenueView) -> VenueOut:
    return VenueOut(
        v.id,
        str(v.uuid),
        v.name,
        v.address,
        v.city,
        v.city_slug,
        v.country_code,
        v.venue_type,
        v.capacity,
        v.latitude,
        v.longitude,
        v.place_id,
        dict(v.metadata),
        v.is_active,
        v.created_at,
        v.updated_at,
    )


def _text(value: object) -> str | None:
    return None if value is msgspec.UNSET or value is None else str(value)


def _changes(member_id: int, event_id: int, d: EventUpdateIn) -> EventChanges:
    def keep(value: Any) -> Any:
        return KEEP if value is msgspec.UNSET else value

    place_keys = (
        d.venue_name,
        d.location_address,
        d.location_city,
        d.location_latitude,
        d.location_longitude,
        d.location_place_id,
        d.location_country_code,
    )
    place: PlaceInput | Any = KEEP
    if any(v is not msgspec.UNSET for v in place_keys):
        place = PlaceInput(
            venue_name=_text(d.venue_name),
            address=_text(d.location_address),
            city=_text(d.location_city),
            latitude=_text(d.location_latitude),
            longitude=_text(d.location_longitude),
            place_id=_text(d.location_place_id),
            country_code=_text(d.location_country_code),
        )
    return EventChanges(
        member_id=member_id,
        event_id=event_id,
        title=keep(d.title),
        description=keep(d.description),
        start_time=keep(d.start_time),
        end_time=keep(d.end_time),
        duration_hours=keep(d.duration_hours),
        timezone=keep(d.timezone),
        venue_id=keep(d.venue_id),
        place=place,
        max_capacity=keep(d.max_capacity),
        is_paid=keep(d.is_paid),
        ticket_price=keep(d.ticket_price),
        allow_plus_one=keep(d.allow_plus_one),
        gst_number=keep(d.gst_number),
        allowed_genders=keep(d.allowed_genders),
        rsvp_expiry_policy=keep(d.rsvp_expiry_policy),
        status=keep(d.status),
        is_public=keep(d.is_public),
        interest_ids=keep(d.event_interest_ids),
        cover_images=keep(d.cover_images),
    )


async def optional_member(
    request: Request[Any, Any, Any], tokens: JwtSessionTokens, revocations: TokenRevocations
) -> Session | None:
    """A session when a bearer token is sent (a bad one is a 401, never silently anonymous), else None."""
    header = request.headers.get("authorization", "").strip()
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    claims = tokens.read(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if claims is None:
        raise NotAuthorizedException("Your session is invalid or has expired. Please log in again.")
    if await revocations.is_revoked(claims.token_id):
        raise NotAuthorizedException("You have logged out of this session. Please log in again.")
    return Session(claims.member_id, claims.phone_number, claims.token_id, claims.expires_at)


def _client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


# --- controllers -----------------------------------------------------------------------------------------


class EventController(Controller):
    path = "/api/events"
    tags = ["events"]

    @get("/", summary="The feed: upcoming events the member may see, soonest first")
    @inject
    async def feed(
        self,
        request: Request[Session, Any, Any],
        list_feed: FromDishka[ListFeed],
        status: FromQuery[str | None] = None,
        is_public: FromQuery[bool | None] = None,
        host_id: FromQuery[int | None] = None,
        is_upcoming: FromQuery[bool | None] = None,
        interest_id: FromQuery[int | None] = None,
        event_interest_id: FromQuery[int | None] = None,
        city: FromQuery[str | None] = None,
        country_code: FromQuery[str | None] = None,
        search: FromQuery[str | None] = None,
        offset: FromQuery[int | None] = None,
        limit: FromQuery[int | None] = None,
    ) -> FeedOut:
        page = await list_feed(
            FeedInput(
                member_id=request.user.member_id,
                status=status,
                is_public=is_public,
                host_id=host_id,
                is_upcoming=is_upcoming,
                interest_id=interest_id if interest_id is not None else event_interest_id,
                city=city,
                country_code=country_code,
                search=search,
                offset=offset,
                limit=limit,
            )
        )
        return feed_out(page, request.user)

    @post(
        "/",
        status_code=201,
        request_max_body_size=MAX_CREATE_BYTES,
        summary="Create an event (the app's Go live): published at once unless publish=false",
    )
    @inject
    async def create(
        self,
        request: Request[Session, Any, Any],
        data: Annotated[CreateEventForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        create: FromDishka[CreateEvent],
    ) -> EventOut:
        covers = [UploadedFile(f.filename or "", await f.read()) for f in data.cover_images]
        view = await create(
            CreateEventInput(
                member_id=request.user.member_id,
                title=data.title,
                description=data.description,
                start_time=data.start_time,
                duration_hours=data.duration_hours,
                timezone=data.timezone,
                venue_id=data.venue_id,
                place=PlaceInput(
                    venue_name=data.venue_name,
                    address=data.location_address,
                    city=data.location_city,
                    latitude=data.location_latitude,
                    longitude=data.location_longitude,
                    place_id=data.location_place_id,
                    country_code=data.location_country_code,
                ),
                venue_text=data.venue_text,
                max_capacity=data.max_capacity,
                is_paid=data.is_paid,
                ticket_price=data.ticket_price,
                allow_plus_one=data.allow_plus_one,
                gst_number=data.gst_number,
                allowed_genders=data.allowed_genders,
                rsvp_expiry_policy=data.rsvp_expiry_policy,
                status=data.status,
                publish=data.publish,
                is_public=data.is_public,
                event_interest_ids=data.event_interest_ids,
                cover_images=covers,
            )
        )
        return event_out(view, request.user)

    @get("/{event_id:int}", summary="One event (404 for events the member may not see)")
    @inject
    async def detail(
        self, request: Request[Session, Any, Any], event_id: FromPath[int], get_event: FromDishka[GetEvent]
    ) -> EventOut:
        return event_out(await get_event(request.user.member_id, event_id), request.user)

    @put("/{event_id:int}", summary="Change an event (host or staff); only the keys sent change")
    @inject
    async def update(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        data: JSONBody[EventUpdateIn],
        update: FromDishka[UpdateEvent],
    ) -> EventUpdatedOut:
        view = await update(_changes(request.user.member_id, event_id, data))
        return EventUpdatedOut(True, "Event updated", event_out(view, request.user))

    @delete("/{event_id:int}", status_code=200, summary="Delete an event (host or staff; soft)")
    @inject
    async def remove(
        self, request: Request[Session, Any, Any], event_id: FromPath[int], delete_event: FromDishka[DeleteEvent]
    ) -> MessageOut:
        await delete_event(request.user.member_id, event_id)
        return MessageOut(True, "Event deleted")

    @get("/{event_id:int}/share-url", opt=PUBLIC, summary="The event's share link (sign-in optional)")
    @inject
    async def share_url(
        self,
        request: Request[Any, Any, Any],
        event_id: FromPath[int],
        share: FromDishka[GetShareUrl],
        tokens: FromDishka[JwtSessionTokens],
        revocations: FromDishka[TokenRevocations],
    ) -> ShareOut:
        session = await optional_member(request, tokens, revocations)
        link = await share(session.member_id if session else None, event_id)
        return ShareOut(True, link.canonical_id, link.canonical_url, link.canonical_path, link.slug)

    @get("/canonical/{canonical_id:str}", opt=PUBLIC, summary="A public event by its canonical id")
    @inject
    async def by_canonical_id(
        self, canonical_id: FromPath[str], public_event: FromDishka[PublicEvent]
    ) -> EventOut:
        return event_out(await public_event(canonical_id))

    @get("/seo/canonical/{canonical_id:str}/metadata", opt=PUBLIC, summary="SEO metadata of a public event")
    @inject
    async def seo_metadata(
        self,
        canonical_id: FromPath[str],
        event_seo: FromDishka[EventSeo],
        url_city_slug: FromQuery[str | None] = None,
        url_event_slug: FromQuery[str | None] = None,
    ) -> Response[Any]:
        return await _seo_response(event_seo, canonical_id, url_city_slug, url_event_slug)

    @get("/seo/cities/{country_code:str}/{city_slug:str}/events", opt=PUBLIC, summary="A city's upcoming events")
    @inject
    async def city_page(
        self,
        country_code: FromPath[str],
        city_slug: FromPath[str],
        city_events: FromDishka[CityEvents],
        event_interest_slug: FromQuery[str | None] = None,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> CityPageOut:
        found = await city_events(
            country_code, city_slug, interest_slug=event_interest_slug, page=page, limit=limit
        )
        return _city_out(found)


class VenueController(Controller):
    path = "/api/events/venues"
    tags = ["events"]

    @get("/", summary="Active venues, by name")
    @inject
    async def list_venues(
        self,
        request: Request[Session, Any, Any],
        list_venues: FromDishka[ListVenues],
        city: FromQuery[str | None] = None,
        venue_type: FromQuery[str | None] = None,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> VenueListOut:
        found = await list_venues(
            request.user.member_id, city=city, venue_type=venue_type, offset=offset, limit=limit
        )
        return VenueListOut(True, found.total, found.offset, found.limit, [venue_out(v) for v in found.venues])

    @post("/", summary="Add a venue; the same place again returns the stored one (200)")
    @inject
    async def create_venue(
        self, request: Request[Session, Any, Any], data: JSONBody[VenueIn], create: FromDishka[CreateVenue]
    ) -> Response[VenueOut]:
        view, created = await create(
            request.user.member_id,
            PlaceInput(
                venue_name=data.name,
                address=data.address,
                city=data.city,
                latitude=data.latitude,
                longitude=data.longitude,
                place_id=data.place_id,
                country_code=data.country_code,
                venue_type=data.venue_type,
                capacity=data.capacity,
                metadata=data.metadata,
                fields=VENUE_API_FIELDS,
            ),
        )
        return Response(venue_out(view), status_code=201 if created else 200)

    @get("/{venue_id:int}", summary="One active venue")
    @inject
    async def get_venue(
        self, request: Request[Session, Any, Any], venue_id: FromPath[int], get_one: FromDishka[GetVenue]
    ) -> VenueOut:
        return venue_out(await get_one(request.user.member_id, venue_id))


class PublicEventController(Controller):
    """Server-side rendered web pages read these; no sign-in, tokens are not even looked at."""

    path = "/api/public"
    tags = ["public pages"]
    opt = PUBLIC

    @get("/events/{canonical_id:str}", summary="A public event by its canonical id")
    @inject
    async def event(self, canonical_id: FromPath[str], public_event: FromDishka[PublicEvent]) -> EventOut:
        return event_out(await public_event(canonical_id))

    @get("/events/{canonical_id:str}/seo", summary="SEO metadata; 301 to the canonical URL on a stale slug")
    @inject
    async def seo(
        self,
        canonical_id: FromPath[str],
        event_seo: FromDishka[EventSeo],
        url_city_slug: FromQuery[str | None] = None,
        url_event_slug: FromQuery[str | None] = None,
    ) -> Response[Any]:
        return await _seo_response(event_seo, canonical_id, url_city_slug, url_event_slug)

    @get("/cities/{country_code:str}/{city_slug:str}/events", summary="A city's upcoming public events")
    @inject
    async def city(
        self,
        country_code: FromPath[str],
        city_slug: FromPath[str],
        city_events: FromDishka[CityEvents],
        event_interest_slug: FromQuery[str | None] = None,
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> CityPageOut:
        found = await city_events(
            country_code, city_slug, interest_slug=event_interest_slug, page=page, limit=limit
        )
        return _city_out(found)


async def _seo_response(
    event_seo: EventSeo, canonical_id: str, url_city_slug: str | None, url_event_slug: str | None
) -> Response[Any]:
    found = await event_seo(canonical_id, url_city_slug=url_city_slug, url_event_slug=url_event_slug)
    if found.redirect_to:
        return Redirect(path=found.redirect_to, status_code=301)
    return Response(SeoOut(True, found.seo, found.schema, event_out(found.event)))


def _city_out(found: CityPage) -> CityPageOut:
    interest = (
        InterestRefOut(found.interest.id, found.interest.name, found.interest.slug) if found.interest else None
    )
    events = [event_out(e) for e in found.page.events]
    return CityPageOut(True, found.seo, found.schema, found.pagination, events, interest)


def _lead_out(lead: HostLeadView) -> HostLeadAdminOut:
    return HostLeadAdminOut(
        lead.id,
        lead.first_name,
        lead.last_name,
        lead.phone_number,
        lead.message,
        lead.is_contacted,
        lead.is_converted,
        lead.submitted_at,
        lead.updated_at,
    )


class HostController(Controller):
    path = "/api/hosts"
    tags = ["hosts"]

    @post("/become-a-host", status_code=200, opt=PUBLIC, summary="Ask to become a host (no sign-in)")
    @inject
    async def become_a_host(
        self, request: Request[Any, Any, Any], data: JSONBody[HostLeadIn], become: FromDishka[BecomeAHost]
    ) -> HostLeadSubmittedOut:
        done = await become(
            HostLeadInput(
                data.first_name, data.last_name, data.phone_number, data.message, _client_address(request)
            )
        )
        lead = done.lead
        message = (
            "Thank you! Our team will contact you soon about hosting on Loopin."
            if done.created
            else "We already have your information; our team will contact you soon."
        )
        out = HostLeadOut(
            lead.id, lead.first_name, lead.last_name, lead.phone_number, lead.message, lead.submitted_at
        )
        return HostLeadSubmittedOut(True, message, out)

    @get("/host-leads", summary="Host leads, newest first (staff)")
    @inject
    async def host_leads(
        self,
        request: Request[Session, Any, Any],
        list_leads: FromDishka[ListHostLeads],
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
    ) -> HostLeadListOut:
        total, leads = await list_leads(request.user.member_id, offset=offset, limit=limit)
        return HostLeadListOut(
            True, f"Retrieved {len(leads)} host leads", HostLeadListData([_lead_out(x) for x in leads], total)
        )
