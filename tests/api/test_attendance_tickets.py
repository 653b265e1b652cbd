"""Confirmation and tickets through HTTP on PostgreSQL (client-contract.md, "Attendance confirmation and
tickets"): shapes and types as the app reads them, my-tickets as a top-level array, cancellation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from loopin.domain.events.venue import Venue
from loopin.usecases.events.ports import VenueRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_array, app_error, app_object, check_types
from tests.api.flows import sql

rig = attendance_rig.rig  # fixture

TICKET_FIELDS = {
    "ticket_id": int,
    "event_id": int,
    "event_title": str,
    "event_start_time": "wall",
    "event_end_time": "wall",
    "venue_name": (str, None),
    "cover_image_url": (str, None),
    "ticket_secret": str,
    "qr_code_data": str,
    "seats": int,
    "is_paid": bool,
    "payment_status": str,
    "status": str,
    "checked_in": bool,
    "created_at": "iso",
}


async def venue(rig: Rig) -> int:
    async with rig.container() as scope:
        found, _ = await (await scope.get(VenueRepository)).find_or_add(
            Venue.new(
                name="Carter Road Amphitheatre", address="Bandra West", city="Mumbai", now=rig.fakes.clock.now()
            )
        )
        await (await scope.get(UnitOfWork)).commit()
    return found.id


async def test_confirm_returns_the_ticket_the_app_needs(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host, venue_id=await venue(rig), cover_image_keys=("events/x/cover.png",))
    await rig.accepted(host, guest, event.id)
    body = app_object(await rig.confirm(guest, event.id, 1))
    check_types(body, TICKET_FIELDS)
    assert len(body["ticket_secret"]) == 32
    assert body["ticket_secret"].isalnum()
    assert (body["seats"], body["status"], body["is_paid"], body["payment_status"]) == (
        1,
        "going",
        False,
        "unpaid",
    )
    assert (body["venue_name"], body["cover_image_url"]) == (
        "Carter Road Amphitheatre",
        "/api/media/events/x/cover.png",
    )
    assert body["qr_code_data"] == f"EVENT:{event.id}:TICKET:{body['ticket_secret']}"
    mine = app_object(await rig.client.get(f"/api/events/{event.id}/my-request", headers=guest.headers))
    assert (mine["status"], mine["can_confirm"]) == ("accepted", False)  # the app shows "View ticket"
    ticket = app_object(await rig.client.get(f"/api/events/{event.id}/my-ticket", headers=guest.headers))
    check_types(ticket, TICKET_FIELDS)
    assert ticket["ticket_secret"] == body["ticket_secret"]  # shown again, the same code
    [row] = await sql("SELECT nonce, secret_digest FROM tickets")
    assert body["ticket_secret"] not in row.nonce
    assert body["ticket_secret"] not in row.secret_digest
    detail = app_object(await rig.client.get(f"/api/events/{event.id}", headers=guest.headers))
    assert detail["going_count"] == 1


async def test_my_tickets_is_a_top_level_array(rig: Rig) -> None:
    host, guest, other = await rig.members(3)
    late = await rig.event(host, title="Late", starts_in=timedelta(days=8))
    soon = await rig.event(host, title="Soon", starts_in=timedelta(days=2))
    for e in (late, soon):
        await rig.ticket(host, guest, e.id)
    response = await rig.client.get(
        "/api/events/my-tickets", headers={"Authorization": guest.headers["Authorization"]}
    )
    tickets = app_array(response)
    assert [t["event_title"] for t in tickets] == ["Soon", "Late"]
    for t in tickets:
        check_types(t, TICKET_FIELDS)
    only = app_array(
        await rig.client.get("/api/events/my-tickets", params={"event_id": late.id}, headers=guest.headers)
    )
    assert [t["event_id"] for t in only] == [late.id]
    assert app_array(await rig.client.get("/api/events/my-tickets", headers=other.headers)) == []


async def test_confirmation_refusals(rig: Rig) -> None:
    host, guest, stranger = await rig.members(3)
    event = await rig.event(host, max_capacity=3)
    app_error(await rig.confirm(stranger, event.id), 400, "NO_ACCEPTED_REQUEST")
    app_error(await rig.confirm(guest, event.id, 0), 422)
    app_error(await rig.confirm(guest, event.id, 11), 422)
    app_error(
        await rig.client.post(
            f"/api/events/{event.id}/confirm-attendance", json={"seats": [1]}, headers=guest.headers
        ),
        422,
    )
    await rig.accepted(host, guest, event.id, 3)
    first = app_object(await rig.confirm(guest, event.id, 3))
    again = app_object(await rig.confirm(guest, event.id, 3))  # a retry: the same ticket
    assert again["ticket_id"] == first["ticket_id"]
    app_error(await rig.confirm(guest, event.id, 2), 409, "ALREADY_CONFIRMED")
    full = await rig.event(host, max_capacity=1)
    a, b = await rig.members(2)
    await rig.accepted(host, a, full.id)
    await rig.accepted(host, b, full.id)
    app_object(await rig.confirm(a, full.id))
    assert "full" in app_error(await rig.confirm(b, full.id), 400, "CAPACITY_FULL")["detail"]
    app_error(await rig.client.get(f"/api/events/{full.id}/my-ticket", headers=b.headers), 404, "TICKET_NOT_FOUND")


async def test_a_logged_out_session_confirms_nothing(rig: Rig) -> None:
    """The route leaves the revocation to the use case's first round trip (with the sold-out marker): a
    logged-out guest is refused with the bearer check's answer, before and after the event is marked."""
    host, guest, late, other = await rig.members(4)
    event = await rig.event(host, max_capacity=1)
    for member in (guest, late, other):
        await rig.accepted(host, member, event.id)
    assert (await rig.client.post("/api/auth/logout", headers=guest.headers)).status_code == 200
    assert "logged out" in app_error(await rig.confirm(guest, event.id), 401, "NOT_AUTHENTICATED")["detail"]
    assert (await rig.stored_event(event.id)).seats_taken == 0
    app_object(await rig.confirm(other, event.id))
    app_error(await rig.confirm(late, event.id), 400, "CAPACITY_FULL")  # marks the event sold out
    assert (await rig.client.post("/api/auth/logout", headers=late.headers)).status_code == 200
    assert "logged out" in app_error(await rig.confirm(late, event.id), 401, "NOT_AUTHENTICATED")["detail"]
    app_error(await rig.confirm(guest, event.id), 401, "NOT_AUTHENTICATED")


async def test_a_paid_event_asks_for_payment_and_sells_nothing(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host, is_paid=True, ticket_price=Decimal("499.00"))
    await rig.accepted(host, guest, event.id)
    body = app_error(await rig.confirm(guest, event.id), 400, "PAYMENT_REQUIRED")
    assert "payment" in body["detail"]
    assert (await rig.stored_event(event.id)).seats_taken == 0


async def test_cancel_frees_the_seats(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host, max_capacity=5)
    ticket = await rig.ticket(host, guest, event.id, 3)
    assert (await rig.stored_event(event.id)).seats_taken == 3
    body = app_object(await rig.client.post(f"/api/events/{event.id}/cancel-attendance", headers=guest.headers))
    check_types(
        body, {"ticket_id": int, "event_id": int, "seats_released": int, "going_count": int, "status": str}
    )
    assert (body["ticket_id"], body["seats_released"], body["going_count"], body["status"]) == (
        ticket["ticket_id"],
        3,
        0,
        "cancelled",
    )
    assert (await rig.stored_event(event.id)).seats_taken == 0
    app_error(
        await rig.client.get(f"/api/events/{event.id}/my-ticket", headers=guest.headers), 404, "TICKET_NOT_FOUND"
    )
    assert app_array(await rig.client.get("/api/events/my-tickets", headers=guest.headers)) == []
    app_error(await rig.client.post(f"/api/events/{event.id}/cancel-attendance", headers=guest.headers), 404)
