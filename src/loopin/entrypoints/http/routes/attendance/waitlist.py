"""``/api/events/{id}/waitlist``: a full event's line (new calls, not in the app yet; in the OpenAPI document).

A member with an accepted request or invitation joins, reads their place, leaves (or declines an offer) and
takes a seat offered to them; the host reads the line. The app's own calls keep working: confirm-attendance
on a full event still answers ``CAPACITY_FULL``, and takes the member's open offer when they have one.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import delete, get, post
from litestar.params import JSONBody

from loopin.entrypoints.http.auth import Caller, MemberRequest
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import PathId
from loopin.entrypoints.http.routes.attendance.checkout import (
    CreatedDataOut,
    OrderOut,
    PayuRedirectOut,
    order_figures,
)
from loopin.entrypoints.http.routes.attendance.tickets import TicketOut, ticket_out
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.attendance.ports import OfferCheckout
from loopin.usecases.attendance.views import TicketView, WaitlistEntryView, WaitlistPlaceView
from loopin.usecases.attendance.waitlist import (
    AcceptSeatOffer,
    GetMyWaitlistPlace,
    JoinWaitlist,
    LeaveWaitlist,
    ListEventWaitlist,
)


class WaitlistJoinIn(msgspec.Struct):
    seats: int | None = None  # default: the seats of the accepted request (1 for an invitation)


class OfferAcceptIn(msgspec.Struct):
    seats: int | None = None  # default: every seat offered; fewer gives the rest to the next in line


class WaitlistPlaceOut(msgspec.Struct):
    success: bool
    waitlist_id: int
    event_id: int
    seats: int
    status: str  # waiting | offered | accepted | left | expired | lapsed
    position: int | None  # 1: the next to be offered a seat (while waiting)
    joined_at: datetime | None
    offered_at: datetime | None
    offer_expires_at: datetime | None  # take the offer before this (UTC)
    payment_order_id: str | None


class WaitlistEntryOut(msgspec.Struct):
    waitlist_id: int
    user_id: int
    full_name: str
    profile_picture: str | None
    seats: int
    status: str
    position: int | None
    joined_at: datetime | None
    offer_expires_at: datetime | None


class WaitlistOut(msgspec.Struct):
    success: bool
    event_id: int
    total: int
    waitlist: list[WaitlistEntryOut]


class OfferCheckoutOut(msgspec.Struct):
    """A paid event's offer taken: pay through ``payu_redirect`` as for any order; the ticket follows."""

    success: bool
    message: str
    requires_payment: bool
    data: CreatedDataOut


def offer_taken_out(taken: TicketView | OfferCheckout) -> TicketOut | OfferCheckoutOut:
    if isinstance(taken, TicketView):
        return ticket_out(taken)
    return OfferCheckoutOut(
        success=True,
        message="Your seats are held for the payment: complete it within the time shown.",
        requires_payment=True,
        data=CreatedDataOut(
            order=to_wire(OrderOut, taken, **order_figures(taken)),
            payu_redirect=PayuRedirectOut(taken.payment_url, dict(taken.payment_fields)),
        ),
    )


def place_out(p: WaitlistPlaceView) -> WaitlistPlaceOut:
    return to_wire(WaitlistPlaceOut, p, success=True, waitlist_id=p.id)


def entry_out(e: WaitlistEntryView) -> WaitlistEntryOut:
    return to_wire(
        WaitlistEntryOut,
        e.place,
        waitlist_id=e.place.id,
        user_id=e.place.member_id,
        full_name=e.member_name,
        profile_picture=e.picture_url,
    )


class WaitlistController(LoopinController):
    path = "/api/events"
    tags = ["waitlist"]

    @post("/{event_id:int}/waitlist", status_code=201, summary="Join the waitlist of a full event")
    async def join(
        self,
        caller: Caller,
        event_id: PathId,
        join: FromDishka[JoinWaitlist],
        data: JSONBody[WaitlistJoinIn | None] = None,
    ) -> WaitlistPlaceOut:
        seats = (data or WaitlistJoinIn()).seats
        return place_out(await join(member_id=caller, event_id=event_id, seats=seats))

    @get("/{event_id:int}/waitlist/me", summary="My place on the waitlist (position, offer)")
    async def mine(
        self, caller: Caller, event_id: PathId, mine: FromDishka[GetMyWaitlistPlace]
    ) -> WaitlistPlaceOut:
        return place_out(await mine(member_id=caller, event_id=event_id))

    @delete("/{event_id:int}/waitlist/me", status_code=200, summary="Leave the waitlist (or decline the offer)")
    async def leave(self, caller: Caller, event_id: PathId, leave: FromDishka[LeaveWaitlist]) -> WaitlistPlaceOut:
        return place_out(await leave(member_id=caller, event_id=event_id))

    @post(
        "/{event_id:int}/waitlist/offer/accept",
        status_code=200,
        summary="Take the seats offered to me: the ticket (free events) or the payment order holding them (paid)",
    )
    async def accept(
        self,
        request: MemberRequest,
        event_id: PathId,
        accept: FromDishka[AcceptSeatOffer],
        data: JSONBody[OfferAcceptIn | None] = None,
    ) -> TicketOut | OfferCheckoutOut:
        seats = (data or OfferAcceptIn()).seats
        taken = await accept(
            member_id=request.user.member_id, event_id=event_id, seats=seats, base_url=str(request.base_url)
        )
        return offer_taken_out(taken)

    @get("/{event_id:int}/waitlist", summary="The event's waitlist (host or staff): offers, then the line")
    async def line(self, caller: Caller, event_id: PathId, line: FromDishka[ListEventWaitlist]) -> WaitlistOut:
        entries = await line(member_id=caller, event_id=event_id)
        return WaitlistOut(True, event_id, len(entries), [entry_out(e) for e in entries])
