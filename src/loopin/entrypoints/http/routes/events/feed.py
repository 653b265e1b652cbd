"""``/api/events``: the feed, and creating, reading, changing, deleting and sharing the events in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Response, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import MediaType, RequestEncodingType
from litestar.params import Body, FromQuery, JSONBody, Parameter

from loopin.domain.events.changes import EventChanges
from loopin.domain.events.place import PlaceInput
from loopin.domain.shared.changes import KEEP
from loopin.entrypoints.http.auth import (
    PUBLIC,
    REVOCATION_IN_USE_CASE,
    AnyRequest,
    Caller,
    MemberRequest,
    Session,
    optional_session,
)
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Id, OptionalOffset, OptionalPageSize, OptionalQueryId, PathId
from loopin.entrypoints.http.routes.events.wire import EventOut, event_out
from loopin.entrypoints.http.wire import MessageOut, PagedOut, partial_update
from loopin.usecases.events.browse import FeedFilters, GetShareUrl
from loopin.usecases.events.create import CreateEvent, EventForm
from loopin.usecases.events.hot_reads import ReadEvent, ReadFeed
from loopin.usecases.events.manage import DeleteEvent, UpdateEvent
from loopin.usecases.events.views import EventView, FeedPageView
from loopin.usecases.platform.files import UploadedFile
from loopin.usecases.shared.attributes import from_attributes

MAX_CREATE_BYTES = 20 * 1024 * 1024  # three 5 MB covers and the text fields


class FeedOut(PagedOut):
    data: list[EventOut]


class EventUpdatedOut(msgspec.Struct):
    success: bool
    message: str
    data: EventOut


class ShareOut(msgspec.Struct):
    success: bool
    canonical_id: str
    canonical_url: str
    canonical_path: str
    slug: str


@dataclass
class CreateEventForm:
    """Every field the app sends (all text in multipart), plus ``publish`` and ``timezone`` for other clients.

    Optional in decoding, so a missing title answers TITLE_REQUIRED rather than a generic 422; the document
    lists as required what the event cannot be created without.
    """

    REQUIRED: ClassVar[list[str]] = ["title", "start_time", "duration_hours"]

    title: Annotated[str | None, Parameter(description="Event title, 3-200 characters.")] = None
    description: Annotated[str | None, Parameter(description="What will happen; up to 20,000 characters.")] = None
    start_time: Annotated[
        str | None,
        Parameter(description="ISO-8601 start: with Z or an offset that instant, else the event's local time."),
    ] = None
    duration_hours: Annotated[
        str | None, Parameter(description="Hours as a decimal number in text, 0.25 to 168, e.g. 3.0.")
    ] = None
    timezone: Annotated[
        str | None,
        Parameter(description="IANA time zone of the event, e.g. Asia/Kolkata (default: the platform's)."),
    ] = None
    venue_id: Annotated[
        str | None,
        Parameter(description="Id of a stored venue; without it venue_name and location_* describe the place."),
    ] = None
    venue_name: Annotated[
        str | None,
        Parameter(description="Name of the place, when no venue_id is given (e.g. Carter Road Amphitheatre)."),
    ] = None
    venue_text: Annotated[str | None, Parameter(description="Older name of venue_name.")] = None
    location_address: Annotated[str | None, Parameter(description="Street address of the place.")] = None
    location_city: Annotated[str | None, Parameter(description="City of the place.")] = None
    location_latitude: Annotated[str | None, Parameter(description="Latitude in degrees, -90 to 90, as text.")] = (
        None
    )
    location_longitude: Annotated[
        str | None, Parameter(description="Longitude in degrees, -180 to 180, as text.")
    ] = None
    location_place_id: Annotated[str | None, Parameter(description="Google place id of the place.")] = None
    location_country_code: Annotated[
        str | None, Parameter(description="Two-letter country code, e.g. IN (default IN).")
    ] = None
    max_capacity: Annotated[
        str | None, Parameter(description="Seats, a whole number in text: 0 (unlimited) to 100000.")
    ] = None
    is_paid: Annotated[str | None, Parameter(description="true or false (default false).")] = None
    ticket_price: Annotated[
        str | None, Parameter(description="Rupees as text; 1 to 100000 for a paid event, 0 for a free one.")
    ] = None
    platform_fee: Annotated[
        str | None, Parameter(description="Sent by the app and ignored: the server computes every fee.")
    ] = None
    allow_plus_one: Annotated[str | None, Parameter(description="true or false (default true).")] = None
    gst_number: Annotated[str | None, Parameter(description="The host's 15-character GSTIN, if any.")] = None
    allowed_genders: Annotated[
        str | None, Parameter(description="all, female, male or non_binary (default all).")
    ] = None
    rsvp_expiry_policy: Annotated[
        str | None,
        Parameter(
            description="How long acceptances stay open: event_start (default), day_before_event, 48h or 7d."
        ),
    ] = None
    status: Annotated[str | None, Parameter(description="draft or published.")] = None
    publish: Annotated[
        str | None, Parameter(description="true (default) publishes at once, false keeps a draft.")
    ] = None
    is_public: Annotated[str | None, Parameter(description="true (default): in the public feed and pages.")] = None
    event_interest_ids: Annotated[
        str | None, Parameter(description="A JSON array of interest ids as text, e.g. [1,4,7] (at most 10).")
    ] = None
    cover_images: Annotated[
        list[UploadFile], Parameter(description="0-3 cover images (JPEG, PNG or WebP, 5 MB each).")
    ] = field(default_factory=list)


class EventUpdateIn(msgspec.Struct, omit_defaults=True):
    """Absent keys stay as they are. Unknown keys (``going_count``, ``host_id``…) are ignored."""

    title: str | msgspec.UnsetType = msgspec.UNSET
    description: str | None | msgspec.UnsetType = msgspec.UNSET
    start_time: str | msgspec.UnsetType = msgspec.UNSET
    end_time: str | msgspec.UnsetType = msgspec.UNSET
    duration_hours: float | str | msgspec.UnsetType = msgspec.UNSET
    timezone: str | msgspec.UnsetType = msgspec.UNSET
    venue_id: Id | msgspec.UnsetType = msgspec.UNSET
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
    event_interest_ids: list[Id] | msgspec.UnsetType = msgspec.UNSET
    cover_images: list[str] | msgspec.UnsetType = msgspec.UNSET


def feed_out(page: FeedPageView, viewer: Session | None) -> FeedOut:
    return FeedOut(True, page.total, page.offset, page.limit, [event_out(e, viewer) for e in page.events])


_encode = msgspec.json.Encoder().encode


def _json(body: bytes) -> Response[Any]:
    """Bytes the hot reads rendered (now or earlier), sent as they are: nothing is encoded twice."""
    return Response(body, media_type=MediaType.JSON)


def _text(value: object) -> str | None:
    return None if value is msgspec.UNSET or value is None else str(value)


def _place(d: CreateEventForm | EventUpdateIn) -> PlaceInput:
    """The place as both forms name it: ``venue_name`` and the ``location_*`` keys."""
    return PlaceInput(
        venue_name=_text(d.venue_name),
        address=_text(d.location_address),
        city=_text(d.location_city),
        latitude=_text(d.location_latitude),
        longitude=_text(d.location_longitude),
        place_id=_text(d.location_place_id),
        country_code=_text(d.location_country_code),
    )


def _changes(d: EventUpdateIn) -> EventChanges:
    place_keys = (
        d.venue_name,
        d.location_address,
        d.location_city,
        d.location_latitude,
        d.location_longitude,
        d.location_place_id,
        d.location_country_code,
    )
    place = _place(d) if any(v is not msgspec.UNSET for v in place_keys) else KEEP
    return partial_update(EventChanges, d, place=place, interest_ids=d.event_interest_ids)


class EventController(LoopinController):
    path = "/api/events"
    tags = ["events"]

    @get("/", opt=REVOCATION_IN_USE_CASE, summary="The feed: upcoming events the member may see, soonest first")
    async def feed(
        self,
        request: MemberRequest,
        read_feed: FromDishka[ReadFeed],
        status: FromQuery[str | None] = None,
        is_public: FromQuery[bool | None] = None,
        host_id: OptionalQueryId = None,
        is_upcoming: FromQuery[bool | None] = None,
        interest_id: OptionalQueryId = None,
        event_interest_id: OptionalQueryId = None,
        city: FromQuery[str | None] = None,
        country_code: FromQuery[str | None] = None,
        search: FromQuery[str | None] = None,
        offset: OptionalOffset = None,
        limit: OptionalPageSize = None,
    ) -> Response[FeedOut]:
        session = request.user
        body = await read_feed(
            member_id=session.member_id,
            token_id=session.token_id,
            present=lambda page: _encode(feed_out(page, session)),
            filters=FeedFilters(
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
            ),
        )
        return _json(body)

    @post(
        "/",
        status_code=201,
        request_max_body_size=MAX_CREATE_BYTES,
        summary="Create an event (the app's Go live): published at once unless publish=false",
    )
    async def create(
        self,
        request: MemberRequest,
        data: Annotated[
            CreateEventForm,
            Body(media_type=RequestEncodingType.MULTI_PART, schema_extra={"required": CreateEventForm.REQUIRED}),
        ],
        create: FromDishka[CreateEvent],
    ) -> EventOut:
        covers = [UploadedFile(f.filename or "", await f.read()) for f in data.cover_images]
        form = from_attributes(EventForm, data, place=_place(data), cover_images=covers)
        view = await create(member_id=request.user.member_id, form=form)
        return event_out(view, request.user)

    @get(
        "/{event_id:int}",
        opt=REVOCATION_IN_USE_CASE,
        summary="One event (404 for events the member may not see)",
    )
    async def detail(
        self, request: MemberRequest, event_id: PathId, read_event: FromDishka[ReadEvent]
    ) -> Response[EventOut]:
        session = request.user

        def present(view: EventView, hosts: bool) -> bytes:
            return _encode(event_out(view, session if hosts else None))

        return _json(
            await read_event(
                member_id=session.member_id, token_id=session.token_id, event_id=event_id, present=present
            )
        )

    @put("/{event_id:int}", summary="Change an event (host or staff); only the keys sent change")
    async def update(
        self,
        request: MemberRequest,
        event_id: PathId,
        data: JSONBody[EventUpdateIn],
        update: FromDishka[UpdateEvent],
    ) -> EventUpdatedOut:
        view = await update(member_id=request.user.member_id, event_id=event_id, changes=_changes(data))
        return EventUpdatedOut(True, "Event updated", event_out(view, request.user))

    @delete("/{event_id:int}", status_code=200, summary="Delete an event (host or staff; soft)")
    async def remove(self, caller: Caller, event_id: PathId, delete_event: FromDishka[DeleteEvent]) -> MessageOut:
        await delete_event(member_id=caller, event_id=event_id)
        return MessageOut(True, "Event deleted")

    @get("/{event_id:int}/share-url", opt=PUBLIC, summary="The event's share link (sign-in optional)")
    async def share_url(
        self,
        request: AnyRequest,
        event_id: PathId,
        share: FromDishka[GetShareUrl],
    ) -> ShareOut:
        session = await optional_session(request)
        link = await share(member_id=session.member_id if session else None, event_id=event_id)
        return ShareOut(True, link.canonical_id, link.canonical_url, link.canonical_path, link.slug)
