"""The host's door through HTTP on PostgreSQL (client-contract.md, "Check-in"), and ``/api/attendances``."""

from __future__ import annotations

from datetime import timedelta

from loopin.domain.identity.member import Role
from tests.api import attendance_rig
from tests.api.attendance_rig import Rig, app_error, app_object, check_types

rig = attendance_rig.rig  # fixture

ATTENDEE_FIELDS = {
    "user_id": int,
    "full_name": str,
    "username": (str, None),
    "profile_picture_url": (str, None),
    "ticket_secret": str,
    "checked_in": bool,
    "is_checked_in": bool,
    "status": str,
    "seats": int,
}


async def test_attendees_then_check_in_by_code_twice(rig: Rig) -> None:
    host, a, b = await rig.members(3, names=["Host", "Asha", "Bina"])
    event = await rig.event(host, starts_in=timedelta(hours=3))
    ta = await rig.ticket(host, a, event.id, 2)
    await rig.ticket(host, b, event.id, 1)
    listed = app_object(await rig.client.get(f"/api/events/{event.id}/attendees", headers=host.headers))
    assert (listed["going_count"], listed["checked_in_count"]) == (3, 0)
    for item in listed["attendees"]:
        check_types(item, ATTENDEE_FIELDS)
    secret = next(x["ticket_secret"] for x in listed["attendees"] if x["user_id"] == a.id)
    assert secret == ta["ticket_secret"]
    first = app_object(
        await rig.client.post(
            f"/api/events/{event.id}/check-in", json={"ticket_secret": secret}, headers=host.headers
        )
    )
    check_types(first, {"already_checked_in": bool, "attendance": dict, "message": str})
    assert first["already_checked_in"] is False
    assert (first["attendance"]["user_id"], first["attendance"]["checked_in"]) == (a.id, True)
    second = app_object(
        await rig.client.post(
            f"/api/events/{event.id}/check-in", json={"ticket_secret": secret}, headers=host.headers
        )
    )
    assert second["already_checked_in"] is True
    check_ins = app_object(await rig.client.get(f"/api/events/{event.id}/check-ins", headers=host.headers))
    assert [c["user_id"] for c in check_ins["checked_in"]] == [a.id]
    assert all(isinstance(c["user_id"], int) for c in check_ins["checked_in"])


async def test_check_in_by_member_answers_success_true(rig: Rig) -> None:
    host, guest = await rig.members(2)
    event = await rig.event(host, starts_in=timedelta(hours=3))
    await rig.ticket(host, guest, event.id)
    response = await rig.client.post(
        f"/api/events/{event.id}/attendees/{guest.id}/check-in", json={}, headers=host.headers
    )
    assert app_object(response)["success"] is True
    again = app_object(
        await rig.client.post(
            f"/api/events/{event.id}/attendees/{guest.id}/check-in", json={}, headers=host.headers
        )
    )
    assert (again["success"], again["already_checked_in"]) == (True, True)
    out = app_object(
        await rig.client.post(
            f"/api/events/{event.id}/attendees/{guest.id}/check-out", json={}, headers=host.headers
        )
    )
    assert out["attendance"]["status"] == "checked_out"


async def test_door_refusals(rig: Rig) -> None:
    host, guest, other_guest = await rig.members(3)
    event = await rig.event(host, starts_in=timedelta(hours=3))
    other = await rig.event(host, starts_in=timedelta(hours=3))
    ticket = await rig.ticket(host, guest, event.id)
    foreign = await rig.ticket(host, other_guest, other.id)
    url = f"/api/events/{event.id}/check-in"
    app_error(
        await rig.client.post(url, json={"ticket_secret": foreign["ticket_secret"]}, headers=host.headers), 404
    )
    app_error(await rig.client.post(url, json={"ticket_secret": "x" * 32}, headers=host.headers), 404)
    app_error(await rig.client.post(url, json={}, headers=host.headers), 422)
    app_error(
        await rig.client.post(
            f"/api/events/{event.id}/attendees/{other_guest.id}/check-in", json={}, headers=host.headers
        ),
        404,
        "TICKET_NOT_FOUND",
    )
    app_object(await rig.client.post(f"/api/events/{event.id}/cancel-attendance", headers=guest.headers))
    app_error(
        await rig.client.post(url, json={"ticket_secret": ticket["ticket_secret"]}, headers=host.headers),
        409,
        "TICKET_CANCELLED",
    )
    early = await rig.event(host, starts_in=timedelta(days=3))
    t = await rig.ticket(host, guest, early.id)
    app_error(
        await rig.client.post(
            f"/api/events/{early.id}/check-in", json={"ticket_secret": t["ticket_secret"]}, headers=host.headers
        ),
        409,
        "CHECK_IN_CLOSED",
    )


async def test_the_attendances_routes(rig: Rig) -> None:
    host, guest = await rig.members(2)
    staff = await rig.member(role=Role.STAFF)
    event = await rig.event(host, starts_in=timedelta(hours=3))
    ticket = await rig.ticket(host, guest, event.id)
    checked = app_object(
        await rig.client.post(
            "/api/attendances/check-in",
            json={"event_id": event.id, "ticket_secret": ticket["qr_code_data"]},
            headers=staff.headers,
        )
    )
    assert checked["already_checked_in"] is False
    out = app_object(
        await rig.client.post(
            "/api/attendances/check-out", json={"event_id": event.id, "user_id": guest.id}, headers=host.headers
        )
    )
    assert out["attendance"]["status"] == "checked_out"
    records = app_object(await rig.client.get(f"/api/attendances/events/{event.id}", headers=host.headers))
    [record] = records["attendees"]
    assert (record["user_id"], record["status"], records["going_count"]) == (guest.id, "checked_out", 1)
    app_error(
        await rig.client.post("/api/attendances/check-in", json={"event_id": event.id}, headers=host.headers), 422
    )
    schema = (await rig.client.get("/api/docs/openapi.json")).json()
    for path in ("/api/attendances/check-in", "/api/attendances/check-out", "/api/attendances/events/{event_id}"):
        assert path in schema["paths"], sorted(schema["paths"])
