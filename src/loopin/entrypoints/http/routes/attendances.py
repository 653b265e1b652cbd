"""``/api/attendances``: the door for clients other than the app (a scanner, the web admin), as the seed names
it. The same use cases as ``/api/events/{id}/check-in``: host or staff, idempotent check-in by ticket code
(or the QR payload ``EVENT:<id>:TICKET:<code>``) or by member, check-out, and an event's attendance records.
"""

from __future__ import annotations

from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from loopin.entrypoints.http.auth import Session
from loopin.entrypoints.http.routes.attendance import AttendeesOut, DoorOut, attendees_out, door_out
from loopin.usecases.attendance.checkin import CheckIn, CheckOut, DoorInput, ListAttendees


class DoorIn(msgspec.Struct):
    """Exactly one of ``ticket_secret`` and ``user_id``."""

    event_id: int
    ticket_secret: str | None = None
    user_id: int | None = None


class AttendancesController(Controller):
    path = "/api/attendances"
    tags = ["attendances"]

    @post("/check-in", status_code=200, summary="Check a guest in (by ticket_secret or user_id); idempotent")
    @inject
    async def check_in(
        self, request: Request[Session, Any, Any], data: JSONBody[DoorIn], check_in: FromDishka[CheckIn]
    ) -> DoorOut:
        view = await check_in(DoorInput(request.user.member_id, data.event_id, data.ticket_secret, data.user_id))
        return door_out(view, True)

    @post("/check-out", status_code=200, summary="Check a guest out (by ticket_secret or user_id)")
    @inject
    async def check_out(
        self, request: Request[Session, Any, Any], data: JSONBody[DoorIn], check_out: FromDishka[CheckOut]
    ) -> DoorOut:
        view = await check_out(DoorInput(request.user.member_id, data.event_id, data.ticket_secret, data.user_id))
        return door_out(view, False)

    @get("/events/{event_id:int}", summary="An event's attendance records: every live ticket and its door state")
    @inject
    async def event_records(
        self, request: Request[Session, Any, Any], event_id: FromPath[int], listing: FromDishka[ListAttendees]
    ) -> AttendeesOut:
        return attendees_out(await listing(request.user.member_id, event_id))
