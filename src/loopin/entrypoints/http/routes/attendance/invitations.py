"""``/api/events/...`` invitations: the host finds members and invites them; the invitee answers."""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post, put
from litestar.params import FromQuery, JSONBody

from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Id, Offset, OptionalPageSize, PathId, QueryId
from loopin.entrypoints.http.wire import PagedOut, to_wire, wall_clock
from loopin.usecases.attendance.invitation_answers import ListMyInvitations, RespondToInvitation
from loopin.usecases.attendance.invitations import ListEventInvitations, SearchInvitees, SendInvitations
from loopin.usecases.attendance.views import InvitationView


class InviteIn(msgspec.Struct):
    user_ids: list[Id]
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


class SearchOut(PagedOut):
    data: list[SearchHitOut]


def sent_invite_out(v: InvitationView) -> SentInviteOut:
    return to_wire(SentInviteOut, v, invite_id=v.id, user_name=v.full_name)


def host_invitation_out(v: InvitationView) -> HostInvitationOut:
    return to_wire(HostInvitationOut, v, invite_id=v.id, profile_picture_url=v.picture_url)


def my_invitation_out(v: InvitationView) -> MyInvitationOut:
    return to_wire(
        MyInvitationOut, v, invite_id=v.id, event_start_time=wall_clock(v.event_start_time, v.event_timezone)
    )


class InvitationController(LoopinController):
    path = "/api/events"
    tags = ["attendance"]

    # --- invitations ----------------------------------------------------------------------------------------

    @get("/users/search", summary="Members to invite (host of event_id), with already_invited")
    async def search_users(
        self,
        caller: Caller,
        event_id: QueryId,
        search_invitees: FromDishka[SearchInvitees],
        offset: Offset = 0,
        limit: OptionalPageSize = None,
        search: FromQuery[str | None] = None,
    ) -> SearchOut:
        page = await search_invitees(
            member_id=caller, event_id=event_id, search=search, offset=offset, limit=limit
        )
        hits = [SearchHitOut(h.id, h.id, h.full_name, None, h.picture_url, h.already_invited) for h in page.hits]
        return SearchOut(True, page.total, page.offset, page.limit, hits)

    @post("/{event_id:int}/invitations", status_code=201, summary="Invite members (host); skipped ones are listed")
    async def invite(
        self,
        caller: Caller,
        event_id: PathId,
        data: JSONBody[InviteIn],
        send: FromDishka[SendInvitations],
    ) -> InvitesSentOut:
        sent = await send(
            member_id=caller,
            event_id=event_id,
            user_ids=data.user_ids,
            expiry_policy=data.expiry_policy,
            message=data.message,
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
    async def event_invitations(
        self,
        caller: Caller,
        event_id: PathId,
        listing: FromDishka[ListEventInvitations],
        status_filter: FromQuery[str | None] = None,
    ) -> HostInvitationsOut:
        views = await listing(member_id=caller, event_id=event_id, status=status_filter)
        return HostInvitationsOut(True, event_id, len(views), [host_invitation_out(v) for v in views])

    @get("/my-invitations", summary="Invitations I received, newest first (a top-level array)")
    async def my_invitations(
        self,
        caller: Caller,
        mine: FromDishka[ListMyInvitations],
        status_filter: FromQuery[str | None] = None,
    ) -> list[MyInvitationOut]:
        return [my_invitation_out(v) for v in await mine(member_id=caller, status=status_filter)]

    @put("/invitations/{invite_id:int}/respond", summary="Answer an invitation: going or declined")
    async def respond(
        self,
        caller: Caller,
        invite_id: PathId,
        data: JSONBody[RespondIn],
        respond: FromDishka[RespondToInvitation],
    ) -> RespondOut:
        answer = await respond(
            member_id=caller, invitation_id=invite_id, response=data.response, message=data.message
        )
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
