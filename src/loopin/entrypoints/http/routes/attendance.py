"""``/api/events/...`` attendance calls as the app makes them: join requests, confirmation and tickets,
invitations, and the host's door (attendees, check-in).

Event times (``event_start_time``, ``event_end_time``) are the event's local wall-clock time without an offset,
like the events routes, because the app shows timestamps without converting them; every other timestamp is
UTC with ``Z``. ``my-invitations`` and ``my-tickets`` are top-level arrays (the app's raw-http readers want
exactly that); everything else is an object. Static paths (``my-requests``, ``my-tickets``, ``users/search``…)
never reach ``/{event_id:int}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from loopin.entrypoints.http.auth import Session
from loopin.usecases.attendance.checkin import CheckIn, CheckOut, DoorInput, ListAttendees
from loopin.usecases.attendance.invitations import (
    InviteInput,
    ListEventInvitations,
    ListMyInvitations,
    RespondInput,
    RespondToInvitation,
    SearchInput,
    SearchInvitees,
    SendInvitations,
)
from loopin.usecases.attendance.requests import (
    AcceptJoinRequest,
    BulkInput,
    BulkRequestAction,
    CreateJoinRequest,
    DeclineJoinRequest,
    GetMyRequest,
    GetRequesterProfile,
    JoinRequestInput,
    ListEventRequests,
    ListMyRequests,
    WithdrawJoinRequest,
)
from loopin.usecases.attendance.tickets import (
    CancelAttendance,
    ConfirmAttendance,
    ConfirmInput,
    GetMyTicket,
    ListMyTickets,
)
from loopin.usecases.attendance.views import (
    AttendeeList,
    AttendeeView,
    DoorView,
    InvitationView,
    RequesterProfile,
    RequestView,
    TicketView,
)

# --- wire shapes: requests ---------------------------------------------------------------------------------


class JoinRequestIn(msgspec.Struct):
    message: str | None = None
    seats_requested: int = 1


class HostMessageIn(msgspec.Struct):
    host_message: str | None = None


class BulkActionIn(msgspec.Struct):
    request_ids: list[int]
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


class InterestOut(msgspec.Struct):
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
    event_interests: list[InterestOut]
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


# --- wire shapes: tickets ----------------------------------------------------------------------------------


class ConfirmIn(msgspec.Struct):
    seats: int = 1


class TicketOut(msgspec.Struct):
    success: bool
    ticket_id: int
    event_id: int
    event_title: str
    event_start_time: str
    event_end_time: str
    timezone: str
    venue_name: str | None
    cover_image_url: str | None
    ticket_secret: str
    qr_code_data: str
    seats: int
    is_paid: bool
    payment_status: str
    status: str
    checked_in: bool
    checked_in_at: datetime | None
    created_at: datetime | None


class CancelledOut(msgspec.Struct):
    success: bool
    message: str
    ticket_id: int
    event_id: int
    status: str
    seats_released: int
    going_count: int


# --- wire shapes: invitations ------------------------------------------------------------------------------


class InviteIn(msgspec.Struct):
    user_ids: list[int]
    expiry_policy: str | None = None
    message: str | None = None


class RespondIn(msgspec.Struct):
    response: str
    message: str | None = None


class SentInviteOut(msgspec.Struct):
    invite_id: int
    user_id: int
    user_name: str
    status: str
    message: str
    expires_at: datetime
    expiry_policy: str


class SkippedOut(msgspec.Struct):
    user_id: int
    error: str


class InvitesSentOut(msgspec.Struct):
    """``success`` is true whenever the call worked, even if some members were skipped (the app treats
    ``success:false`` as a failure of the whole call)."""

    success: bool
    message: str
    created_count: int
    skipped_count: int
    errors: list[SkippedOut]
    invites: list[SentInviteOut]


class HostInvitationOut(msgspec.Struct):
    invite_id: int
    user_id: int
    full_name: str
    profile_picture_url: str | None
    status: str
    message: str
    expires_at: datetime
    expiry_policy: str
    created_at: datetime | None


class HostInvitationsOut(msgspec.Struct):
    success: bool
    event_id: int
    total: int
    invitations: list[HostInvitationOut]


class MyInvitationOut(msgspec.Struct):
    invite_id: int
    event_id: int
    event_title: str
    event_start_time: str
    host_name: str
    status: str
    message: str
    expires_at: datetime
    expiry_policy: str
    created_at: datetime | None


class RespondOut(msgspec.Struct):
    success: bool
    message: str
    invite_id: int
    status: str
    event_id: int
    event_title: str
    is_paid: bool
    ticket_price: str
    requires_payment: bool
    requires_confirmation: bool


class SearchHitOut(msgspec.Struct):
    id: int
    user_id: int
    full_name: str
    username: str | None  # never a phone number
    profile_picture_url: str | None
    already_invited: bool


class SearchOut(msgspec.Struct):
    success: bool
    total: int
    offset: int
    limit: int
    data: list[SearchHitOut]


# --- wire shapes: the door ---------------------------------------------------------------------------------


class CheckInIn(msgspec.Struct):
    ticket_secret: str


class AttendeeOut(msgspec.Struct):
    user_id: int
    full_name: str
    username: str | None
    profile_picture_url: str | None
    ticket_id: int
    ticket_secret: str
    seats: int
    status: str
    payment_status: str
    checked_in: bool
    is_checked_in: bool
    checked_in_at: datetime | None
    checked_out_at: datetime | None


class AttendeesOut(msgspec.Struct):
    success: bool
    event_id: int
    going_count: int  # seats held
    checked_in_count: int
    attendees: list[AttendeeOut]


class DoorOut(msgspec.Struct):
    success: bool
    message: str
    already_checked_in: bool
    attendance: AttendeeOut


class CheckedInOut(msgspec.Struct):
    user_id: int
    full_name: str
    ticket_id: int
    seats: int
    checked_in_at: datetime | None


class CheckInsOut(msgspec.Struct):
    success: bool
    event_id: int
    count: int
    checked_in: list[CheckedInOut]


# --- mapping -----------------------------------------------------------------------------------------------


def wall_clock(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None).isoformat(timespec="seconds")


def request_out(v: RequestView) -> RequestOut:
    return RequestOut(
        success=True,
        id=v.id,
        request_id=v.id,
        uuid=str(v.uuid),
        event_id=v.event_id,
        event_title=v.event_title,
        requester_id=v.requester_id,
        requester_name=v.requester_name,
        full_name=v.requester_name,
        profile_picture_url=v.picture_url,
        status=v.status,
        message=v.message,
        host_message=v.host_message,
        seats_requested=v.seats_requested,
        can_confirm=v.can_confirm,
        confirm_by=v.confirm_by,
        created_at=v.created_at,
        updated_at=v.updated_at,
    )


def profile_out(p: RequesterProfile) -> RequesterProfileOut:
    return RequesterProfileOut(
        success=True,
        user_id=p.user_id,
        name=p.name,
        phone_number=p.phone_number,
        bio=p.bio,
        gender=p.gender,
        location=p.location,
        profile_pictures=list(p.picture_urls),
        event_interests=[InterestOut(i.id, i.name) for i in p.interests],
        is_verified=p.is_verified,
    )


def ticket_out(t: TicketView) -> TicketOut:
    return TicketOut(
        success=True,
        ticket_id=t.ticket_id,
        event_id=t.event_id,
        event_title=t.event_title,
        event_start_time=wall_clock(t.event_start_time, t.event_timezone),
        event_end_time=wall_clock(t.event_end_time, t.event_timezone),
        timezone=t.event_timezone,
        venue_name=t.venue_name,
        cover_image_url=t.cover_image_url,
        ticket_secret=t.ticket_secret,
        qr_code_data=t.qr_code_data,
        seats=t.seats,
        is_paid=t.is_paid,
        payment_status=t.payment_status,
        status=t.status,
        checked_in=t.checked_in_at is not None and t.checked_out_at is None,
        checked_in_at=t.checked_in_at,
        created_at=t.issued_at,
    )


def sent_invite_out(v: InvitationView) -> SentInviteOut:
    return SentInviteOut(v.id, v.user_id, v.full_name, v.status, v.message, v.expires_at, v.expiry_policy)


def host_invitation_out(v: InvitationView) -> HostInvitationOut:
    return HostInvitationOut(
        v.id,
        v.user_id,
        v.full_name,
        v.picture_url,
        v.status,
        v.message,
        v.expires_at,
        v.expiry_policy,
        v.created_at,
    )


def my_invitation_out(v: InvitationView) -> MyInvitationOut:
    return MyInvitationOut(
        invite_id=v.id,
        event_id=v.event_id,
        event_title=v.event_title,
        event_start_time=wall_clock(v.event_start_time, v.event_timezone),
        host_name=v.host_name,
        status=v.status,
        message=v.message,
        expires_at=v.expires_at,
        expiry_policy=v.expiry_policy,
        created_at=v.created_at,
    )


def attendee_out(a: AttendeeView) -> AttendeeOut:
    return AttendeeOut(
        user_id=a.user_id,
        full_name=a.full_name,
        username=None,
        profile_picture_url=a.picture_url,
        ticket_id=a.ticket_id,
        ticket_secret=a.ticket_secret,
        seats=a.seats,
        status=a.status,
        payment_status=a.payment_status,
        checked_in=a.checked_in,
        is_checked_in=a.checked_in,
        checked_in_at=a.checked_in_at,
        checked_out_at=a.checked_out_at,
    )


def attendees_out(found: AttendeeList) -> AttendeesOut:
    return AttendeesOut(
        True, found.event_id, found.going_count, found.checked_in_count, [attendee_out(a) for a in found.attendees]
    )


def door_out(v: DoorView, checking_in: bool) -> DoorOut:
    name = v.attendee.full_name or "Guest"
    if checking_in:
        message = f"{name} was already checked in." if v.already else f"{name} checked in."
    else:
        message = f"{name} was already checked out." if v.already else f"{name} checked out."
    return DoorOut(True, message, v.already if checking_in else v.attendee.checked_in, attendee_out(v.attendee))


# --- controllers -------------------------------------------------------------------------------------------


class AttendanceController(Controller):
    """Join requests, confirmation, tickets, invitations and the door, under the events prefix."""

    path = "/api/events"
    tags = ["attendance"]

    # --- join requests (guest) ------------------------------------------------------------------------------

    @post("/{event_id:int}/requests", status_code=201, summary="Ask to join an event")
    @inject
    async def create_request(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        data: JSONBody[JoinRequestIn],
        create: FromDishka[CreateJoinRequest],
    ) -> RequestOut:
        view = await create(JoinRequestInput(request.user.member_id, event_id, data.seats_requested, data.message))
        return request_out(view)

    @get("/{event_id:int}/my-request", summary="My request for this event (404 when there is none)")
    @inject
    async def my_request(
        self, request: Request[Session, Any, Any], event_id: FromPath[int], mine: FromDishka[GetMyRequest]
    ) -> RequestOut:
        return request_out(await mine(request.user.member_id, event_id))

    @delete("/{event_id:int}/my-request", status_code=200, summary="Withdraw my request")
    @inject
    async def withdraw_request(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        withdraw: FromDishka[WithdrawJoinRequest],
    ) -> RequestOut:
        return request_out(await withdraw(request.user.member_id, event_id))

    @get("/my-requests", summary="All my requests, newest first")
    @inject
    async def my_requests(
        self,
        request: Request[Session, Any, Any],
        mine: FromDishka[ListMyRequests],
        status_filter: FromQuery[str | None] = None,
    ) -> RequestListOut:
        views = await mine(request.user.member_id, status_filter)
        return RequestListOut(True, None, len(views), [request_out(v) for v in views])

    # --- join requests (host) -------------------------------------------------------------------------------

    @get("/{event_id:int}/requests", summary="The event's requests (host or staff), newest first")
    @inject
    async def event_requests(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        listing: FromDishka[ListEventRequests],
        status_filter: FromQuery[str | None] = None,
    ) -> RequestListOut:
        views = await listing(request.user.member_id, event_id, status_filter)
        return RequestListOut(True, event_id, len(views), [request_out(v) for v in views])

    @get("/{event_id:int}/requests/{request_id:int}/profile", summary="A requester's profile (host or staff)")
    @inject
    async def requester_profile(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        request_id: FromPath[int],
        profile: FromDishka[GetRequesterProfile],
    ) -> RequesterProfileOut:
        return profile_out(await profile(request.user.member_id, event_id, request_id))

    @put("/{event_id:int}/requests/{request_id:int}/accept", summary="Accept a request (host)")
    @inject
    async def accept(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        request_id: FromPath[int],
        accept: FromDishka[AcceptJoinRequest],
        data: JSONBody[HostMessageIn | None] = None,
    ) -> RequestOut:
        view = await accept(request.user.member_id, event_id, request_id, data.host_message if data else None)
        return request_out(view)

    @put("/{event_id:int}/requests/{request_id:int}/decline", summary="Decline a request (host)")
    @inject
    async def decline(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        request_id: FromPath[int],
        decline: FromDishka[DeclineJoinRequest],
        data: JSONBody[HostMessageIn | None] = None,
    ) -> RequestOut:
        view = await decline(request.user.member_id, event_id, request_id, data.host_message if data else None)
        return request_out(view)

    @post("/{event_id:int}/requests/bulk-action", status_code=200, summary="Accept or decline many requests")
    @inject
    async def bulk(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        data: JSONBody[BulkActionIn],
        bulk: FromDishka[BulkRequestAction],
    ) -> BulkOut:
        done = await bulk(
            BulkInput(request.user.member_id, event_id, data.request_ids, data.action, data.host_message)
        )
        return BulkOut(
            success=True,
            processed_count=len(done.accepted) + len(done.declined),
            accepted_count=len(done.accepted),
            declined_count=len(done.declined),
            errors=[BulkErrorOut(request_id, error) for request_id, error in done.errors],
        )

    # --- confirmation and tickets ---------------------------------------------------------------------------

    @post(
        "/{event_id:int}/confirm-attendance", status_code=200, summary="Confirm and get the ticket (free events)"
    )
    @inject
    async def confirm(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        data: JSONBody[ConfirmIn],
        confirm: FromDishka[ConfirmAttendance],
    ) -> TicketOut:
        return ticket_out(await confirm(ConfirmInput(request.user.member_id, event_id, data.seats)))

    @get("/{event_id:int}/my-ticket", summary="My ticket for this event")
    @inject
    async def my_ticket(
        self, request: Request[Session, Any, Any], event_id: FromPath[int], mine: FromDishka[GetMyTicket]
    ) -> TicketOut:
        return ticket_out(await mine(request.user.member_id, event_id))

    @get("/my-tickets", summary="All my live tickets, soonest event first (a top-level array)")
    @inject
    async def my_tickets(
        self,
        request: Request[Session, Any, Any],
        mine: FromDishka[ListMyTickets],
        event_id: FromQuery[int | None] = None,
    ) -> list[TicketOut]:
        return [ticket_out(t) for t in await mine(request.user.member_id, event_id)]

    @post("/{event_id:int}/cancel-attendance", status_code=200, summary="Cancel my ticket; frees its seats")
    @inject
    async def cancel(
        self, request: Request[Session, Any, Any], event_id: FromPath[int], cancel: FromDishka[CancelAttendance]
    ) -> CancelledOut:
        done = await cancel(request.user.member_id, event_id)
        return CancelledOut(
            True,
            "Your attendance was cancelled.",
            done.ticket_id,
            done.event_id,
            "cancelled",
            done.seats_released,
            done.going_count,
        )

    # --- invitations ----------------------------------------------------------------------------------------

    @get("/users/search", summary="Members to invite (host of event_id), with already_invited")
    @inject
    async def search_users(
        self,
        request: Request[Session, Any, Any],
        event_id: FromQuery[int],
        search_invitees: FromDishka[SearchInvitees],
        offset: FromQuery[int] = 0,
        limit: FromQuery[int | None] = None,
        search: FromQuery[str | None] = None,
    ) -> SearchOut:
        page = await search_invitees(SearchInput(request.user.member_id, event_id, search, offset, limit))
        hits = [SearchHitOut(h.id, h.id, h.full_name, None, h.picture_url, h.already_invited) for h in page.hits]
        return SearchOut(True, page.total, page.offset, page.limit, hits)

    @post("/{event_id:int}/invitations", status_code=201, summary="Invite members (host); skipped ones are listed")
    @inject
    async def invite(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        data: JSONBody[InviteIn],
        send: FromDishka[SendInvitations],
    ) -> InvitesSentOut:
        sent = await send(
            InviteInput(request.user.member_id, event_id, data.user_ids, data.expiry_policy, data.message)
        )
        created = len(sent.created)
        return InvitesSentOut(
            success=True,
            message=f"{created} invitation{'s' if created != 1 else ''} sent.",
            created_count=created,
            skipped_count=len(sent.skipped),
            errors=[SkippedOut(user_id, error) for user_id, error in sent.skipped],
            invites=[sent_invite_out(v) for v in sent.created],
        )

    @get("/{event_id:int}/invitations", summary="The event's invitations (host or staff)")
    @inject
    async def event_invitations(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        listing: FromDishka[ListEventInvitations],
        status_filter: FromQuery[str | None] = None,
    ) -> HostInvitationsOut:
        views = await listing(request.user.member_id, event_id, status_filter)
        return HostInvitationsOut(True, event_id, len(views), [host_invitation_out(v) for v in views])

    @get("/my-invitations", summary="Invitations I received, newest first (a top-level array)")
    @inject
    async def my_invitations(
        self,
        request: Request[Session, Any, Any],
        mine: FromDishka[ListMyInvitations],
        status_filter: FromQuery[str | None] = None,
    ) -> list[MyInvitationOut]:
        return [my_invitation_out(v) for v in await mine(request.user.member_id, status_filter)]

    @put("/invitations/{invite_id:int}/respond", summary="Answer an invitation: going or declined")
    @inject
    async def respond(
        self,
        request: Request[Session, Any, Any],
        invite_id: FromPath[int],
        data: JSONBody[RespondIn],
        respond: FromDishka[RespondToInvitation],
    ) -> RespondOut:
        answer = await respond(RespondInput(request.user.member_id, invite_id, data.response, data.message))
        going = answer.invitation.status == "accepted"
        if not going:
            message = "Invitation declined."
        elif answer.requires_payment:
            message = "Invitation accepted. Complete the payment to get your ticket."
        elif answer.requires_confirmation:
            message = "Invitation accepted. Confirm your attendance to get your ticket."
        else:
            message = "Invitation accepted."
        return RespondOut(
            success=True,
            message=message,
            invite_id=answer.invitation.id,
            status=answer.invitation.status,
            event_id=answer.invitation.event_id,
            event_title=answer.invitation.event_title,
            is_paid=answer.is_paid,
            ticket_price=str(answer.ticket_price),
            requires_payment=answer.requires_payment,
            requires_confirmation=answer.requires_confirmation,
        )

    # --- the door (host or staff) ---------------------------------------------------------------------------

    @get("/{event_id:int}/attendees", summary="Guests holding tickets, with codes and door state (host or staff)")
    @inject
    async def attendees(
        self, request: Request[Session, Any, Any], event_id: FromPath[int], listing: FromDishka[ListAttendees]
    ) -> AttendeesOut:
        return attendees_out(await listing(request.user.member_id, event_id))

    @post("/{event_id:int}/check-in", status_code=200, summary="Check a guest in by ticket code (idempotent)")
    @inject
    async def check_in_by_code(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        data: JSONBody[CheckInIn],
        check_in: FromDishka[CheckIn],
    ) -> DoorOut:
        view = await check_in(DoorInput(request.user.member_id, event_id, ticket_secret=data.ticket_secret))
        return door_out(view, True)

    @post(
        "/{event_id:int}/attendees/{user_id:int}/check-in",
        status_code=200,
        summary="Check a guest in by member id (idempotent)",
    )
    @inject
    async def check_in_by_member(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        user_id: FromPath[int],
        check_in: FromDishka[CheckIn],
    ) -> DoorOut:
        return door_out(await check_in(DoorInput(request.user.member_id, event_id, user_id=user_id)), True)

    @post("/{event_id:int}/attendees/{user_id:int}/check-out", status_code=200, summary="Check a guest out")
    @inject
    async def check_out_member(
        self,
        request: Request[Session, Any, Any],
        event_id: FromPath[int],
        user_id: FromPath[int],
        check_out: FromDishka[CheckOut],
    ) -> DoorOut:
        return door_out(await check_out(DoorInput(request.user.member_id, event_id, user_id=user_id)), False)

    @get("/{event_id:int}/check-ins", summary="Who is checked in now (host or staff)")
    @inject
    async def check_ins(
        self, request: Request[Session, Any, Any], event_id: FromPath[int], listing: FromDishka[ListAttendees]
    ) -> CheckInsOut:
        found = await listing(request.user.member_id, event_id)
        items = [
            CheckedInOut(a.user_id, a.full_name, a.ticket_id, a.seats, a.checked_in_at) for a in found.checked_in
        ]
        return CheckInsOut(True, event_id, len(items), items)
