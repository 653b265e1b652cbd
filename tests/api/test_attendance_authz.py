"""Who may call what, on every attendance route: a guest never sees or checks in another guest's ticket, a
non-host never sees an event's requests, invitations or attendees (staff may read them and work the door,
but only the host decides), a waitlisted member gets 403, no token gets 401."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from loopin.domain.identity.member import MemberStatus, Role
from tests.api import attendance_rig
from tests.api.attendance_rig import Guest, Rig, app_array, app_object

rig = attendance_rig.rig  # fixture


@dataclass
class Scene:
    host: Guest
    guest: Guest  # holds a ticket
    stranger: Guest  # an active member with nothing to do with the event
    staff: Guest
    waiting: Guest
    event_id: int
    private_id: int
    request_id: int
    invite_id: int
    secret: str


async def scene(rig: Rig) -> Scene:
    host, guest, stranger, invitee = await rig.members(4)
    staff = await rig.member(role=Role.STAFF)
    waiting = await rig.member(status=MemberStatus.WAITLISTED)
    event = await rig.event(host, starts_in=timedelta(hours=3))
    private = await rig.event(host, is_public=False, starts_in=timedelta(hours=3))
    ticket = await rig.ticket(host, guest, event.id)
    request_id = app_object(await rig.client.get(f"/api/events/{event.id}/my-request", headers=guest.headers))[
        "id"
    ]
    invite_id = app_object(await rig.invite(host, event.id, [invitee.id]), 201)["invites"][0]["invite_id"]
    return Scene(
        host, guest, stranger, staff, waiting, event.id, private.id, request_id, invite_id, ticket["ticket_secret"]
    )


def routes(s: Scene) -> list[tuple[str, str, str, Any]]:
    """(who may: ``member`` any active member for themselves, ``host`` the host only, ``door`` host or staff)."""
    e, r = s.event_id, s.request_id
    return [
        ("member", "POST", f"/api/events/{e}/requests", {"seats_requested": 1}),
        ("member", "GET", f"/api/events/{e}/my-request", None),
        ("member", "DELETE", f"/api/events/{e}/my-request", None),
        ("member", "GET", "/api/events/my-requests", None),
        ("door", "GET", f"/api/events/{e}/requests", None),
        ("door", "GET", f"/api/events/{e}/requests/{r}/profile", None),
        ("host", "PUT", f"/api/events/{e}/requests/{r}/accept", {"host_message": ""}),
        ("host", "PUT", f"/api/events/{e}/requests/{r}/decline", {"host_message": ""}),
        ("host", "POST", f"/api/events/{e}/requests/bulk-action", {"request_ids": [r], "action": "accept"}),
        ("member", "POST", f"/api/events/{e}/confirm-attendance", {"seats": 1}),
        ("member", "GET", f"/api/events/{e}/my-ticket", None),
        ("member", "GET", "/api/events/my-tickets", None),
        ("member", "POST", f"/api/events/{e}/cancel-attendance", None),
        ("host", "GET", f"/api/events/users/search?event_id={e}", None),
        ("host", "POST", f"/api/events/{e}/invitations", {"user_ids": [s.stranger.id]}),
        ("door", "GET", f"/api/events/{e}/invitations", None),
        ("member", "GET", "/api/events/my-invitations", None),
        ("member", "PUT", f"/api/events/invitations/{s.invite_id}/respond", {"response": "going"}),
        ("door", "GET", f"/api/events/{e}/attendees", None),
        ("door", "POST", f"/api/events/{e}/check-in", {"ticket_secret": s.secret}),
        ("door", "POST", f"/api/events/{e}/attendees/{s.guest.id}/check-in", {}),
        ("door", "POST", f"/api/events/{e}/attendees/{s.guest.id}/check-out", {}),
        ("door", "GET", f"/api/events/{e}/check-ins", None),
        ("door", "POST", "/api/attendances/check-in", {"event_id": e, "ticket_secret": s.secret}),
        ("door", "POST", "/api/attendances/check-out", {"event_id": e, "user_id": s.guest.id}),
        ("door", "GET", f"/api/attendances/events/{e}", None),
    ]


async def call(rig: Rig, who: Guest | None, method: str, path: str, body: Any) -> httpx.Response:
    headers = who.headers if who else {"Accept": "application/json"}
    return await rig.client.request(method, path, json=body, headers=headers)


async def test_no_token_is_401_everywhere(rig: Rig) -> None:
    s = await scene(rig)
    for _, method, path, body in routes(s):
        response = await call(rig, None, method, path, body)
        assert response.status_code == 401, (method, path, response.text)


async def test_a_waitlisted_member_gets_403_everywhere(rig: Rig) -> None:
    s = await scene(rig)
    for _, method, path, body in routes(s):
        response = await call(rig, s.waiting, method, path, body)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error_code"] == "WAITLISTED", (method, path)


async def test_a_stranger_sees_nothing_of_the_event_and_touches_nobodys_ticket(rig: Rig) -> None:
    s = await scene(rig)
    for who_may, method, path, body in routes(s):
        if who_may in ("host", "door"):
            response = await call(rig, s.stranger, method, path, body)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["error_code"] == "NOT_HOST"
    assert app_array(await rig.client.get("/api/events/my-tickets", headers=s.stranger.headers)) == []
    mine = await rig.client.get(f"/api/events/{s.event_id}/my-ticket", headers=s.stranger.headers)
    assert mine.status_code == 404
    theirs = await rig.client.put(
        f"/api/events/invitations/{s.invite_id}/respond", json={"response": "going"}, headers=s.stranger.headers
    )
    assert theirs.status_code == 404
    cancel = await rig.client.post(f"/api/events/{s.event_id}/cancel-attendance", headers=s.stranger.headers)
    assert cancel.status_code == 404
    assert (await rig.stored_event(s.event_id)).seats_taken == 1  # the guest's ticket is untouched


async def test_a_guest_never_works_the_door_not_even_for_themselves(rig: Rig) -> None:
    s = await scene(rig)
    for who_may, method, path, body in routes(s):
        if who_may in ("host", "door"):
            response = await call(rig, s.guest, method, path, body)
            assert response.status_code == 403, (method, path, response.text)
    listed = app_object(await rig.client.get(f"/api/events/{s.event_id}/attendees", headers=s.host.headers))
    assert all(not a["checked_in"] for a in listed["attendees"])


async def test_staff_read_lists_and_work_the_door_but_do_not_decide(rig: Rig) -> None:
    s = await scene(rig)
    for who_may, method, path, body in routes(s):
        if who_may == "member":
            continue
        response = await call(rig, s.staff, method, path, body)
        expected = 200 if who_may == "door" else 403
        assert response.status_code == expected, (method, path, response.text)


async def test_the_host_may_call_every_host_and_door_route(rig: Rig) -> None:
    s = await scene(rig)
    for who_may, method, path, body in routes(s):
        if who_may == "member":
            continue
        response = await call(rig, s.host, method, path, body)
        # allowed; some calls are then refused by a rule (declining a ticket holder: 409), never by role
        assert response.status_code not in (401, 403, 404), (method, path, response.text)
        assert response.status_code < 500


@pytest.mark.parametrize("suffix", ["requests", "invitations", "attendees", "check-ins"])
async def test_a_private_events_lists_are_404_to_strangers(rig: Rig, suffix: str) -> None:
    s = await scene(rig)
    response = await rig.client.get(f"/api/events/{s.private_id}/{suffix}", headers=s.stranger.headers)
    assert response.status_code == 404
    assert response.json()["error_code"] == "EVENT_NOT_FOUND"
    assert (
        await rig.client.get(f"/api/events/{s.private_id}/{suffix}", headers=s.host.headers)
    ).status_code == 200
