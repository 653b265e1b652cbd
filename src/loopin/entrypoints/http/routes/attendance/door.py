"""The door (host or staff): attendees with their codes, check-in by ticket code or by member, check-out.

Served under ``/api/events/{event_id}/...`` for the app, and under ``/api/attendances`` for other clients (a
scanner, the web admin), as the seed names it: the same use cases, idempotent check-in by ticket code (or the
QR payload ``EVENT:<id>:TICKET:<code>``) or by member, check-out, and an event's attendance records.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import get, post
from litestar.params import JSONBody

from loopin.entrypoints.http.auth import Caller
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import Id, PathId
from loopin.entrypoints.http.wire import to_wire
from loopin.usecases.attendance.checkin import CheckIn, CheckOut, ListAttendees
from loopin.usecases.attendance.views import AttendeeList, AttendeeView, DoorView


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


class DoorIn(msgspec.Struct):
    """Exactly one of ``ticket_secret`` and ``user_id``."""

    event_id: Id
    ticket_secret: str | None = None
    user_id: Id | None = None


def attendee_out(a: AttendeeView) -> AttendeeOut:
    return to_wire(AttendeeOut, a, username=None, profile_picture_url=a.picture_url, is_checked_in=a.checked_in)


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


async def _named_in_body(door: CheckIn | CheckOut, member_id: int, data: DoorIn) -> DoorView:
    """``/api/attendances`` names the event and the guest in the body, the same way for both directions."""
    return await door(
        member_id=member_id, event_id=data.event_id, ticket_secret=data.ticket_secret, user_id=data.user_id
    )


class DoorController(LoopinController):
    path = "/api/events"
    tags = ["attendance"]

    # --- the door (host or staff) ---------------------------------------------------------------------------

    @get("/{event_id:int}/attendees", summary="Guests holding tickets, with codes and door state (host or staff)")
    async def attendees(
        self, caller: Caller, event_id: PathId, listing: FromDishka[ListAttendees]
    ) -> AttendeesOut:
        return attendees_out(await listing(member_id=caller, event_id=event_id))

    @post("/{event_id:int}/check-in", status_code=200, summary="Check a guest in by ticket code (idempotent)")
    async def check_in_by_code(
        self,
        caller: Caller,
        event_id: PathId,
        data: JSONBody[CheckInIn],
        check_in: FromDishka[CheckIn],
    ) -> DoorOut:
        view = await check_in(member_id=caller, event_id=event_id, ticket_secret=data.ticket_secret)
        return door_out(view, True)

    @post(
        "/{event_id:int}/attendees/{user_id:int}/check-in",
        status_code=200,
        summary="Check a guest in by member id (idempotent)",
    )
    async def check_in_by_member(
        self,
        caller: Caller,
        event_id: PathId,
        user_id: PathId,
        check_in: FromDishka[CheckIn],
    ) -> DoorOut:
        return door_out(await check_in(member_id=caller, event_id=event_id, user_id=user_id), True)

    @post("/{event_id:int}/attendees/{user_id:int}/check-out", status_code=200, summary="Check a guest out")
    async def check_out_member(
        self,
        caller: Caller,
        event_id: PathId,
        user_id: PathId,
        check_out: FromDishka[CheckOut],
    ) -> DoorOut:
        return door_out(await check_out(member_id=caller, event_id=event_id, user_id=user_id), False)

    @get("/{event_id:int}/check-ins", summary="Who is checked in now (host or staff)")
    async def check_ins(self, caller: Caller, event_id: PathId, listing: FromDishka[ListAttendees]) -> CheckInsOut:
        found = await listing(member_id=caller, event_id=event_id)
        items = [to_wire(CheckedInOut, a) for a in found.checked_in]
        return CheckInsOut(True, event_id, len(items), items)


class AttendancesController(LoopinController):
    path = "/api/attendances"
    tags = ["attendances"]

    @post("/check-in", status_code=200, summary="Check a guest in (by ticket_secret or user_id); idempotent")
    async def check_in(self, caller: Caller, data: JSONBody[DoorIn], check_in: FromDishka[CheckIn]) -> DoorOut:
        return door_out(await _named_in_body(check_in, caller, data), True)

    @post("/check-out", status_code=200, summary="Check a guest out (by ticket_secret or user_id)")
    async def check_out(self, caller: Caller, data: JSONBody[DoorIn], check_out: FromDishka[CheckOut]) -> DoorOut:
        return door_out(await _named_in_body(check_out, caller, data), False)

    @get("/events/{event_id:int}", summary="An event's attendance records: every live ticket and its door state")
    async def event_records(
        self, caller: Caller, event_id: PathId, listing: FromDishka[ListAttendees]
    ) -> AttendeesOut:
        return attendees_out(await listing(member_id=caller, event_id=event_id))
