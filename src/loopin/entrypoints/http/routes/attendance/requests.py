"""``/api/events/...`` join requests: a member asks to join, the host answers (one by one or in bulk)."""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import delete, get, post, put
from litestar.params import FromQuery, JSONBody

from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Id, PathId
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.attendance.host_requests import (
    AcceptJoinRequest,
    BulkRequestAction,
    DeclineJoinRequest,
    GetRequesterProfile,
    ListEventRequests,
)
from loopin.usecases.attendance.requests import (
    CreateJoinRequest,
    GetMyRequest,
    ListMyRequests,
    WithdrawJoinRequest,
)
from loopin.usecases.attendance.views import RequesterProfile, RequestView


class JoinRequestIn(msgspec.Struct):
    message: str | None = None
    seats_requested: int = 1


class HostMessageIn(msgspec.Struct):
    host_message: str | None = None


class BulkActionIn(msgspec.Struct):
    request_ids: list[Id]
    action: str
    host_message: str | None = None


class RequestOut(msgspec.Struct):
    """A request as the host and the member see it (``request_id`` repeats ``id`` for the app's model)."""

    success: bool
    id: int
    request_id: int
    uuid: str
    event_id: int
    event_title: str
    requester_id: int
    requester_name: str
    full_name: str
    profile_picture_url: str | None
    status: str
    message: str
    host_message: str
    seats_requested: int
    can_confirm: bool
    confirm_by: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


class RequestListOut(msgspec.Struct):
    success: bool
    event_id: int | None
    total_requests_count: int
    requests: list[RequestOut]


class ProfileInterestOut(msgspec.Struct):
    id: int
    name: str


class RequesterProfileOut(msgspec.Struct):
    success: bool
    user_id: int
    name: str
    phone_number: str | None
    bio: str
    gender: str
    location: str
    profile_pictures: list[str]
    event_interests: list[ProfileInterestOut]
    is_verified: bool


class BulkErrorOut(msgspec.Struct):
    request_id: int
    error: str


class BulkOut(msgspec.Struct):
    success: bool
    processed_count: int
    accepted_count: int
    declined_count: int
    errors: list[BulkErrorOut]


def request_out(v: RequestView) -> RequestOut:
    return to_wire(
        RequestOut,
        v,
        success=True,
        request_id=v.id,
        uuid=str(v.uuid),
        full_name=v.requester_name,
        profile_picture_url=v.picture_url,
    )


def profile_out(p: RequesterProfile) -> RequesterProfileOut:
    return to_wire(
        RequesterProfileOut,
        p,
        success=True,
        profile_pictures=list(p.picture_urls),
        event_interests=[ProfileInterestOut(i.id, i.name) for i in p.interests],
    )


class JoinRequestController(LoopinController):
    path = "/api/events"
    tags = ["attendance"]

    # --- join requests (guest) ------------------------------------------------------------------------------

    @post("/{event_id:int}/requests", status_code=201, summary="Ask to join an event")
    async def create_request(
        self,
        caller: Caller,
        event_id: PathId,
        create: FromDishka[CreateJoinRequest],
        data: JSONBody[JoinRequestIn | None] = None,  # no body at all: every default
    ) -> RequestOut:
        ask = data or JoinRequestIn()
        view = await create(
            member_id=caller,
            event_id=event_id,
            seats_requested=ask.seats_requested,
            message=ask.message,
        )
        return request_out(view)

    @get("/{event_id:int}/my-request", summary="My request for this event (404 when there is none)")
    async def my_request(self, caller: Caller, event_id: PathId, mine: FromDishka[GetMyRequest]) -> RequestOut:
        return request_out(await mine(member_id=caller, event_id=event_id))

    @delete("/{event_id:int}/my-request", status_code=200, summary="Withdraw my request")
    async def withdraw_request(
        self,
        caller: Caller,
        event_id: PathId,
        withdraw: FromDishka[WithdrawJoinRequest],
    ) -> RequestOut:
        return request_out(await withdraw(member_id=caller, event_id=event_id))

    @get("/my-requests", summary="All my requests, newest first")
    async def my_requests(
        self,
        caller: Caller,
        mine: FromDishka[ListMyRequests],
        status_filter: FromQuery[str | None] = None,
    ) -> RequestListOut:
        views = await mine(member_id=caller, status=status_filter)
        return RequestListOut(True, None, len(views), [request_out(v) for v in views])

    # --- join requests (host) -------------------------------------------------------------------------------

    @get("/{event_id:int}/requests", summary="The event's requests (host or staff), newest first")
    async def event_requests(
        self,
        caller: Caller,
        event_id: PathId,
        listing: FromDishka[ListEventRequests],
        status_filter: FromQuery[str | None] = None,
    ) -> RequestListOut:
        views = await listing(member_id=caller, event_id=event_id, status=status_filter)
        return RequestListOut(True, event_id, len(views), [request_out(v) for v in views])

    @get("/{event_id:int}/requests/{request_id:int}/profile", summary="A requester's profile (host or staff)")
    async def requester_profile(
        self,
        caller: Caller,
        event_id: PathId,
        request_id: PathId,
        profile: FromDishka[GetRequesterProfile],
    ) -> RequesterProfileOut:
        return profile_out(await profile(member_id=caller, event_id=event_id, request_id=request_id))

    @put("/{event_id:int}/requests/{request_id:int}/accept", summary="Accept a request (host)")
    async def accept(
        self,
        caller: Caller,
        event_id: PathId,
        request_id: PathId,
        accept: FromDishka[AcceptJoinRequest],
        data: JSONBody[HostMessageIn | None] = None,
    ) -> RequestOut:
        view = await accept(
            member_id=caller,
            event_id=event_id,
            request_id=request_id,
            host_message=data.host_message if data else None,
        )
        return request_out(view)

    @put("/{event_id:int}/requests/{request_id:int}/decline", summary="Decline a request (host)")
    async def decline(
        self,
        caller: Caller,
        event_id: PathId,
        request_id: PathId,
        decline: FromDishka[DeclineJoinRequest],
        data: JSONBody[HostMessageIn | None] = None,
    ) -> RequestOut:
        view = await decline(
            member_id=caller,
            event_id=event_id,
            request_id=request_id,
            host_message=data.host_message if data else None,
        )
        return request_out(view)

    @post("/{event_id:int}/requests/bulk-action", status_code=200, summary="Accept or decline many requests")
    async def bulk(
        self,
        caller: Caller,
        event_id: PathId,
        data: JSONBody[BulkActionIn],
        bulk: FromDishka[BulkRequestAction],
    ) -> BulkOut:
        done = await bulk(
            member_id=caller,
            event_id=event_id,
            request_ids=data.request_ids,
            action=data.action,
            host_message=data.host_message,
        )
        return BulkOut(
            success=True,
            processed_count=len(done.accepted) + len(done.declined),
            accepted_count=len(done.accepted),
            declined_count=len(done.declined),
            errors=[BulkErrorOut(request_id, error) for request_id, error in done.errors],
        )
