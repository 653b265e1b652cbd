"""``/api/events/...`` confirmation and tickets: the guest confirms (free events), reads and cancels tickets."""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.params import JSONBody

from loopin.entrypoints.http.auth import REVOCATION_IN_USE_CASE, Caller, MemberRequest
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import OptionalQueryId, PathId
from loopin.entrypoints.http.wire import to_wire, wall_clock
from loopin.usecases.attendance.guest_tickets import CancelAttendance, GetMyTicket, ListMyTickets
from loopin.usecases.attendance.tickets import ConfirmAttendance
from loopin.usecases.attendance.views import Cancelled, TicketView


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
    refund_amount: str | None = None  # paid tickets: what the refund policy gives back ("0.00": nothing)


def ticket_out(t: TicketView) -> TicketOut:
    return to_wire(
        TicketOut,
        t,
        success=True,
        event_start_time=wall_clock(t.event_start_time, t.event_timezone),
        event_end_time=wall_clock(t.event_end_time, t.event_timezone),
        timezone=t.event_timezone,
        checked_in=t.checked_in_at is not None and t.checked_out_at is None,
        created_at=t.issued_at,
    )


def cancelled_out(done: Cancelled, message: str) -> CancelledOut:
    refund = None if done.refund_amount is None else str(done.refund_amount)
    return to_wire(CancelledOut, done, success=True, message=message, status="cancelled", refund_amount=refund)


class TicketController(LoopinController):
    path = "/api/events"
    tags = ["attendance"]

    # --- confirmation and tickets ---------------------------------------------------------------------------

    @post(
        "/{event_id:int}/confirm-attendance",
        status_code=200,
        opt=REVOCATION_IN_USE_CASE,  # read with the sold-out marker, in its round trip
        summary="Confirm and get the ticket (free events)",
    )
    async def confirm(
        self,
        request: MemberRequest,
        event_id: PathId,
        confirm: FromDishka[ConfirmAttendance],
        data: JSONBody[ConfirmIn | None] = None,  # no body at all: every default (one seat)
    ) -> TicketOut:
        seats = (data or ConfirmIn()).seats
        user = request.user
        return ticket_out(
            await confirm(member_id=user.member_id, event_id=event_id, seats=seats, token_id=user.token_id)
        )

    @get("/{event_id:int}/my-ticket", summary="My ticket for this event")
    async def my_ticket(self, caller: Caller, event_id: PathId, mine: FromDishka[GetMyTicket]) -> TicketOut:
        return ticket_out(await mine(member_id=caller, event_id=event_id))

    @get("/my-tickets", summary="All my live tickets, soonest event first (a top-level array)")
    async def my_tickets(
        self,
        caller: Caller,
        mine: FromDishka[ListMyTickets],
        event_id: OptionalQueryId = None,
    ) -> list[TicketOut]:
        return [ticket_out(t) for t in await mine(member_id=caller, event_id=event_id)]

    @post("/{event_id:int}/cancel-attendance", status_code=200, summary="Cancel my ticket; frees its seats")
    async def cancel(self, caller: Caller, event_id: PathId, cancel: FromDishka[CancelAttendance]) -> CancelledOut:
        return cancelled_out(await cancel(member_id=caller, event_id=event_id), "Your attendance was cancelled.")

    @post(
        "/{event_id:int}/release-seat",
        status_code=200,
        summary="Still coming? No: give my seats back in one call (the reminders' nudge; paid tickets are "
        "refunded as the refund policy says)",
    )
    async def release_seat(
        self, caller: Caller, event_id: PathId, cancel: FromDishka[CancelAttendance]
    ) -> CancelledOut:
        return cancelled_out(
            await cancel(member_id=caller, event_id=event_id),
            "Your seat was released for someone else. Thanks for letting the host know.",
        )
